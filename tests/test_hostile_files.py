"""Hostile files: every loader bounds what it reads and builds by what the file holds (base/limits.py).

Each file is built here. A load that could take gigabytes if the code were wrong runs in a
subprocess whose address space is capped at ``ADDRESS_SPACE`` (1 GiB) and whose time is capped
at ``TIMEOUT``, so a regression fails cleanly instead of swapping the machine; the subprocess
reports each outcome and its peak resident memory, which must stay under ``PEAK`` (256 MiB: the
interpreter with numpy and tinygrad_lenet takes about 50 MiB, the 64 MiB expansion allowance the
rest). The peak is VmHWM, not ru_maxrss, which would count the parent's too (exec keeps it). POSIX
and /proc are needed (address-space limits, FIFOs, /dev/zero), so these run on Linux only.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest
import safetensors.numpy
from test_torch_checkpoint import archive

import tinygrad_lenet as tl
from tinygrad_lenet.serialization import checkpoint

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="needs Linux's /proc, FIFOs, rlimits")

ADDRESS_SPACE = 1 << 30
PEAK = 256 << 20
TIMEOUT = 20
PACKAGE_ROOT = str(Path(tl.__file__).resolve().parents[1])

LOADERS = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, ({limit}, {limit}))
import tinygrad_lenet as tl
def read_idx(path):
    from tinygrad_lenet.data.idx import read_idx
    return read_idx(path)
def read_kaggle_csv(path):
    from tinygrad_lenet.data.kaggle import read_kaggle_csv
    return read_kaggle_csv(path)
LOADERS = {{
    "tl.load": tl.load,
    "tl.load(file)": lambda path: tl.load(open(path, "rb")),
    "tl.onnx.load": lambda path: tl.onnx.load(path),
    "read_idx": read_idx,
    "read_kaggle_csv": read_kaggle_csv,
}}
for loader, path in zip(sys.argv[1::2], sys.argv[2::2]):
    try:
        LOADERS[loader](path)
        print(loader, "loaded")
    except tl.TinygradLenetError as e:
        print(loader, type(e).__name__, e)
print("peak", next(int(line.split()[1]) * 1024 for line in open("/proc/self/status") if line.startswith("VmHWM")))
"""


def bounded(*loads: tuple[str, str | Path], env: dict[str, str] | None = None) -> list[str]:
    """Run each ``(loader, path)`` in one capped subprocess; the line each printed, after checking the peak."""
    args = [str(part) for load in loads for part in load]
    result = subprocess.run(
        [sys.executable, "-c", LOADERS.format(limit=ADDRESS_SPACE), *args],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        env={**os.environ, "PYTHONPATH": PACKAGE_ROOT, **(env or {})},
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    *lines, peak = result.stdout.splitlines()
    assert int(peak.split()[1]) < PEAK, peak
    return lines


def cli(*args: str) -> subprocess.CompletedProcess:
    """``python -m tinygrad_lenet ARGS`` in a capped subprocess."""
    return subprocess.run(
        [
            sys.executable,
            "-c",
            f"import resource; resource.setrlimit(resource.RLIMIT_AS, ({ADDRESS_SPACE},) * 2)\n"
            "import runpy; runpy.run_module('tinygrad_lenet', run_name='__main__')",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        env={**os.environ, "PYTHONPATH": PACKAGE_ROOT},
        stdin=subprocess.DEVNULL,
    )


def one_line(result: subprocess.CompletedProcess, *fragments: str) -> None:
    """The command failed with one line on stderr holding every fragment, and no traceback."""
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.returncode == 1 and len(lines) == 1, result.stderr[-3000:]
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])


# --- building .pth files by hand ------------------------------------------------------------------------
def _int(n: int) -> bytes:
    return b"J" + struct.pack("<i", n)


def _tuple(values: tuple[int, ...]) -> bytes:
    return b"(" + b"".join(_int(v) for v in values) + b"t"


def tensor_pickle(numel: int, size: tuple[int, ...], stride: tuple[int, ...]) -> bytes:
    """Protocol-2 opcodes for ``_rebuild_tensor_v2`` over FloatStorage ``0`` of ``numel`` elements."""
    storage = b"(X\x07\x00\x00\x00storagectorch\nFloatStorage\nX\x01\x00\x00\x000X\x03\x00\x00\x00cpu" + _int(numel)
    return (
        b"ctorch._utils\n_rebuild_tensor_v2\n(" + storage + b"tQ" + _int(0) + _tuple(size) + _tuple(stride) + b"\x89NtR"
    )


def pth(tensors: list[bytes], numel: int) -> bytes:
    """A torch.save-style zip holding the list ``tensors`` and a storage of ``numel`` float32 zeros."""
    return archive(b"\x80\x02](" + b"".join(tensors) + b"e.", {"archive/data/0": bytes(4 * numel)})


@pytest.mark.parametrize(
    "numel,tensors",
    [
        (1, [tensor_pickle(1, (1 << 28,), (0,))]),  # one float, stride 0: 1 GiB as a copy
        (1 << 15, [tensor_pickle(1 << 15, (1 << 14, 1 << 14), (1, 1))]),  # overlapping strides: 1 GiB
        (1 << 16, [tensor_pickle(1 << 16, (1 << 16,), (1,))] * 300),  # 300 copies of a 256 KiB storage: 75 MiB
    ],
    ids=["stride-0", "overlapping", "repeated"],
)
def test_views_over_a_storage_are_copied_only_within_the_budget(tmp_path, numel, tensors):
    path = tmp_path / "views.pth"
    path.write_bytes(pth(tensors, numel))
    [line] = bounded(("tl.load", path))
    assert "tl.load CheckpointError" in line and f"{path}: a tensor of size" in line
    assert "the limit for a file of" in line and "at least 64 MiB" in line, line


def test_small_stride_0_and_overlapping_views_still_load_as_their_own_writable_copies(tmp_path):
    path = tmp_path / "ids.pth"  # like the position_ids buffer of BERT checkpoints: an arange expanded
    position_ids = tensor_pickle(4, (2, 4), (0, 1))
    path.write_bytes(
        archive(
            b"\x80\x02](" + position_ids + tensor_pickle(4, (3, 2), (1, 1)) + b"e.",
            {"archive/data/0": np.arange(4, dtype=np.float32).tobytes()},
        )
    )
    ids, windows = tl.load(path)
    np.testing.assert_array_equal(ids.numpy(), [[0, 1, 2, 3]] * 2)
    np.testing.assert_array_equal(windows.numpy(), [[0, 1], [1, 2], [2, 3]])
    ids.numpy()[0, 0] = 7
    assert ids.numpy()[1, 0] == 0


def deflated_pth(numel: int) -> bytes:
    """A .pth whose storage of ``numel`` float32 zeros is deflated, as a zip bomb's would be (written in chunks:
    nothing that size is allocated here)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("archive/data.pkl", b"\x80\x02](" + tensor_pickle(numel, (numel,), (1,)) + b"e.")
        with z.open("archive/data/0", "w", force_zip64=True) as f:
            for _ in range(4 * numel >> 20):
                f.write(bytes(1 << 20))
    return out.getvalue()


def test_a_zip_member_that_expands_past_the_limit_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "bomb.pth"
    path.write_bytes(deflated_pth(24 << 20))  # a 96 MiB storage of zeros, about 100 KiB deflated
    member = zipfile.ZipFile(path).getinfo("archive/data/0")
    assert member.file_size == 96 << 20 and member.compress_size < 200 << 10
    [line] = bounded(("tl.load", path))
    assert f"tl.load CheckpointError {path}: the archive member archive/data/0 expands from" in line
    assert "to 96 MiB, past the limit of 64 MiB (100x the bytes they come from, at least 64 MiB" in line, line


# --- devices, FIFOs and files too large to read whole -----------------------------------------------------
def every_loader(path: str | Path) -> list[tuple[str, str | Path]]:
    """``path`` for each loader a user can point at a file."""
    return [(loader, path) for loader in ("tl.load", "tl.load(file)", "tl.onnx.load", "read_idx", "read_kaggle_csv")]


def test_a_device_is_refused_by_every_loader_before_it_is_read():
    lines = bounded(*every_loader("/dev/zero"))
    assert [line.split()[:2] for line in lines] == [
        ["tl.load", "CheckpointError"],
        ["tl.load(file)", "CheckpointError"],
        ["tl.onnx.load", "CheckpointError"],
        ["read_idx", "DataError"],
        ["read_kaggle_csv", "DataError"],
    ], lines
    assert all("/dev/zero: cannot read it: it is a character device, not a regular " in line for line in lines), lines


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path):
    fifo = tmp_path / "pipe.safetensors"
    os.mkfifo(fifo)
    lines = bounded(*[load for load in every_loader(fifo) if load[0] != "tl.load(file)"])  # open() would wait
    assert len(lines) == 4 and all(f"{fifo}: cannot read it: " in line for line in lines), lines
    assert all("it is a FIFO (named pipe), not a regular " in line for line in lines), lines


def test_a_file_larger_than_the_limit_is_refused_before_it_is_read(tmp_path):
    sparse = tmp_path / "huge.safetensors"
    with open(sparse, "wb") as f:
        f.truncate(5 << 30)  # 5 GiB that take no disk space
    lines = bounded(*every_loader(sparse))
    assert len(lines) == 5 and all(
        f"{sparse}: the " in line
        and "is larger than the limit of 4 GiB (5 GiB); "
        "set TINYGRAD_LENET_MAX_LOAD_BYTES to a number of bytes to allow more"
        in line
        for line in lines
    ), lines


def test_the_size_limit_follows_its_environment_variable(tmp_path):
    path = tl.save({"w": np.zeros(1000, np.float32)}, tmp_path / "c.safetensors")
    [line] = bounded(("tl.load", path), env={"TINYGRAD_LENET_MAX_LOAD_BYTES": "1000"})
    assert f"{path}: the checkpoint file is larger than the limit of 1000 bytes (4.2 KiB)" in line, line
    assert tl.load(path)["w"].shape == (1000,)


# --- compressed IDX files ------------------------------------------------------------------------------------
def test_a_gzip_idx_file_that_expands_past_the_limit_is_refused(tmp_path):
    path = tmp_path / "bomb-idx1-ubyte.gz"
    size = 96 << 20  # a valid IDX file of 96 MiB of zeros, about 100 KiB compressed
    with gzip.GzipFile(path, "wb", compresslevel=9) as f:
        f.write(bytes([0, 0, 0x08, 1]) + size.to_bytes(4, "big"))
        for _ in range(size >> 20):
            f.write(bytes(1 << 20))
    [line] = bounded(("read_idx", path))
    assert f"read_idx DataError {path}: the gzip stream expands from" in line, line
    assert "to more than 64 MiB, the limit (100x the bytes they come from, at least 64 MiB" in line, line


# --- safetensors metadata nested without end -------------------------------------------------------------------
def deeply_nested(path: Path, depth: int) -> Path:
    """A checkpoint with a valid digest whose structure is ``depth`` lists inside each other."""
    structure = json.dumps({"version": checkpoint.VERSION, "tree": 0})[:-2] + "[" * depth + "]" * depth + "}"
    metadata = {checkpoint.FORMAT: structure, checkpoint.FORMAT + ".sha256": checkpoint._digest(structure, {})}
    path.write_bytes(safetensors.numpy.save({}, metadata=metadata))
    return path


def test_a_structure_nested_past_the_limit_is_one_clear_error(tmp_path):
    path = deeply_nested(tmp_path / "deep.safetensors", 100_000)
    with pytest.raises(
        tl.CheckpointError,
        match=r"deep.safetensors: the checkpoint's structure is nested deeper "
        r"than 100 levels, the limit$",
    ):
        tl.load(path)
    loaded = tl.load(deeply_nested(tmp_path / "fine.safetensors", 99))  # in the top-level object: 100 levels
    for _ in range(98):
        [loaded] = loaded
    assert loaded == []


# --- ONNX external data ------------------------------------------------------------------------------------------
def onnx_with_external_data(path: Path, lengths: list[int | None], location: str = "weights.bin") -> Path:
    """An ONNX model whose initializers read ``lengths`` bytes (None: the whole file) of ``location`` beside it."""
    from onnx import TensorProto, helper

    weights = []
    for i, length in enumerate(lengths):
        weight = helper.make_tensor(f"w{i}", TensorProto.FLOAT, [4], [0.0] * 4)
        weight.ClearField("float_data")
        weight.data_location = TensorProto.EXTERNAL
        for key, value in [("location", location)] + ([("length", str(length))] if length else []):
            entry = weight.external_data.add()
            entry.key, entry.value = key, value
        weights.append(weight)
    graph = helper.make_graph(
        [helper.make_node("Identity", ["x"], ["y"])],
        "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [4])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [4])],
        weights,
    )
    path.write_bytes(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]).SerializeToString())
    return path


def test_onnx_external_data_past_the_limit_is_refused_before_it_is_read(tmp_path):
    pytest.importorskip("onnx", reason="the onnx extra is not installed (pip install -e '.[onnx]')")
    with open(tmp_path / "weights.bin", "wb") as f:
        f.truncate(5 << 30)  # sparse: no disk space taken
    whole = onnx_with_external_data(tmp_path / "whole.onnx", [None])
    thrice = onnx_with_external_data(tmp_path / "thrice.onnx", [2 << 30] * 3)  # 2 GiB each, read three times
    (tmp_path / "zero.bin").symlink_to("/dev/zero")  # refused whether or not the onnx version checks
    device = onnx_with_external_data(tmp_path / "device.onnx", [None], "zero.bin")
    *lines, last = bounded(("tl.onnx.load", whole), ("tl.onnx.load", thrice), ("tl.onnx.load", device))
    for path, size, line in zip((whole, thrice), ("5 GiB", "6 GiB"), lines):
        assert (
            f"tl.onnx.load CheckpointError {path}: the ONNX model's external data is larger than the limit of "
            f"4 GiB ({size})" in line
        ), line
    assert f"{tmp_path / 'zero.bin'}: cannot read it: it is a character device, not a regular ONNX" in last, last


# --- the command line: one line, no traceback ------------------------------------------------------------------
def test_the_cli_refuses_a_device_as_a_checkpoint_in_one_line():
    one_line(
        cli("eval", "--checkpoint", "/dev/zero"),
        "/dev/zero: cannot read it: it is a character device, not a regular checkpoint file",
    )


def test_the_cli_refuses_a_fifo_to_resume_from_in_one_line(tmp_path):
    os.mkfifo(tmp_path / "last.safetensors")
    one_line(cli("train", "--resume", str(tmp_path / "last.safetensors")), "last.safetensors: cannot read it", "FIFO")


def test_the_cli_refuses_a_deeply_nested_checkpoint_in_one_line(tmp_path):
    path = deeply_nested(tmp_path / "deep.safetensors", 100_000)
    one_line(
        cli("export", "--checkpoint", str(path), "--out", str(tmp_path / "m.onnx")), "nested deeper than 100 levels"
    )
