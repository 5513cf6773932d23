"""tl.load reads torch.save's zip files without PyTorch, through an allowlist, and refuses everything else unrun.

The committed fixtures in tests/fixtures/torch were written by torch.save (PyTorch 2.13) with
values that numpy can rebuild (aranges); mixed_big_endian.pt is mixed.pt with its byteorder
record set to "big" and every storage byte-swapped; legacy.pt uses the pre-1.6 format. Where
PyTorch is installed, files made in the test run are read too.
"""

import io
import os
import pickle
import zipfile
from pathlib import Path

import numpy as np
import pytest

import tinygrad_lenet as tl

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "torch"


def test_a_state_dict_loads_as_tensors_and_into_a_module():
    state = tl.load(FIXTURES / "state_dict.pt")
    assert set(state) == {"linear", "conv"} and list(state["linear"]) == ["weight", "bias"]
    np.testing.assert_array_equal(state["linear"]["weight"].numpy(), np.arange(6, dtype=np.float32).reshape(2, 3) / 10)
    np.testing.assert_array_equal(state["linear"]["bias"].numpy(), [0.5, -0.5])
    assert isinstance(state["conv"]["weight"], tl.Tensor) and state["conv"]["weight"].dtype == tl.float32
    layer = tl.nn.Linear(3, 2)
    layer.load_state_dict(state["linear"])
    np.testing.assert_allclose(layer(tl.ones(1, 3)).numpy(), [[0.3 + 0.5, 1.2 - 0.5]], rtol=1e-6)


@pytest.mark.parametrize("name", ["mixed.pt", "mixed_big_endian.pt"])
def test_every_dtype_views_and_nesting(name):
    state = tl.load(FIXTURES / name)
    expected = [np.float32, np.float64, np.float16, np.float32, np.int64, np.int32, np.int16, np.int8, np.uint8]
    for tensor, dtype in zip(state["dtypes"], expected):  # bfloat16 widens to float32 (numpy has no bfloat16)
        assert tensor.dtype == dtype
        np.testing.assert_array_equal(tensor.numpy(), np.arange(4))
    np.testing.assert_array_equal(state["dtypes"][-1].numpy(), [True, False])
    base = np.arange(12, dtype=np.float64).reshape(3, 4)
    views = state["views"]  # four tensors over one storage, with their own offsets and strides
    np.testing.assert_array_equal(views["base"].numpy(), base)
    np.testing.assert_array_equal(views["t"].numpy(), base.T)
    np.testing.assert_array_equal(views["slice"].numpy(), base[1:, ::2])
    np.testing.assert_array_equal(views["row"].numpy(), base[2])
    views["row"].numpy()[0] = -1  # each loads as its own array
    assert views["base"].numpy()[2, 0] == 8
    nested = state["nested"]
    assert nested["step"] == 7 and nested["name"] == "adam"
    assert nested["list"][0].item() == 1.5 and nested["list"][1]["deep"].shape == (0, 3)


def test_the_legacy_format_says_how_to_convert():
    with pytest.raises(tl.CheckpointError, match=r"legacy .*before 1\.6.*torch\.save\(torch\.load\('legacy\.pt'"):
        tl.load(FIXTURES / "legacy.pt")


def archive(payload: bytes, extra: dict[str, bytes] | None = None) -> bytes:
    """A zip laid out like torch.save's, around the pickle ``payload``."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("archive/data.pkl", payload)
        z.writestr("archive/byteorder", b"little")
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return out.getvalue()


class Reduce:
    """An object whose pickle calls ``func(*args)`` when loaded: the classic malicious pickle."""

    def __init__(self, func, *args):
        self.func, self.args = func, args

    def __reduce__(self):
        return self.func, self.args


@pytest.mark.parametrize(
    "payload, refused",
    [
        (Reduce(os.system, "touch {marker}"), "posix.system|nt.system"),
        (Reduce(eval, "open({marker!r}, 'w')"), "builtins.eval"),
        (Reduce(exec, "open({marker!r}, 'w')"), "builtins.exec"),
        ({"weights": Reduce(getattr, Reduce(__import__, "os"), "system")}, "builtins.getattr"),
        ([1, Reduce(__import__, "subprocess")], "builtins.__import__"),
        (Reduce(Path.write_text, Path("{marker}"), "x"), "builtins.getattr"),  # a method: pickled as getattr(Path, ...)
    ],
)
def test_malicious_pickles_are_refused_and_never_run(tmp_path, payload, refused):
    marker = tmp_path / "pwned"

    def fill(obj):
        if isinstance(obj, Reduce):
            return Reduce(obj.func, *(fill(a) for a in obj.args))
        if isinstance(obj, str):
            return obj.format(marker=str(marker))
        if isinstance(obj, Path):
            return Path(str(obj).format(marker=str(marker)))
        if isinstance(obj, dict):
            return {k: fill(v) for k, v in obj.items()}
        if isinstance(obj, list):
            return [fill(v) for v in obj]
        return obj

    path = tmp_path / "evil.pth"
    path.write_bytes(archive(pickle.dumps(fill(payload), protocol=2)))
    with pytest.raises(
        tl.CheckpointError, match=rf"evil\.pth: refused to load: the file asks for the global ({refused})"
    ):
        tl.load(path)
    assert not marker.exists()


def test_a_whole_model_pickled_is_refused_with_advice(tmp_path):
    class Net:
        pass

    Net.__module__, Net.__qualname__ = "__main__", "Net"
    payload = b"\x80\x02c__main__\nNet\nq\x00)\x81q\x01."  # an instance of __main__.Net, as torch.save(model) writes
    path = tmp_path / "model.pt"
    path.write_bytes(archive(payload))
    with pytest.raises(tl.CheckpointError, match=r"__main__\.Net.*nothing was run.*save its state_dict\(\) instead"):
        tl.load(path)


def test_allowed_functions_with_bad_arguments_are_caught(tmp_path):
    rebuild = b"ctorch._utils\n_rebuild_tensor_v2\n"
    bad_storage = b"\x80\x02" + rebuild + b"(X\x03\x00\x00\x00abcK\x00K\x02\x85K\x01\x85\x89NtR."  # a str as storage
    path = tmp_path / "bad.pt"
    path.write_bytes(archive(bad_storage))
    with pytest.raises(tl.CheckpointError, match="bad.pt: a tensor whose storage is a str"):
        tl.load(path)
    pid = b"(X\x07\x00\x00\x00storagectorch\nFloatStorage\nX\x01\x00\x00\x000X\x03\x00\x00\x00cpuK\x02tQ"
    past_the_end = (
        b"\x80\x02" + rebuild + b"(" + pid + b"K\x00K\x05\x85K\x01\x85\x89NtR."
    )  # 5 elements of a 2-element storage
    path.write_bytes(archive(past_the_end, {"archive/data/0": np.arange(2, dtype=np.float32).tobytes()}))
    with pytest.raises(tl.CheckpointError, match="reaches past its storage of 2 elements"):
        tl.load(path)
    path.write_bytes(archive(past_the_end, {"archive/data/0": b"\x00" * 7}))
    with pytest.raises(tl.CheckpointError, match="FloatStorage of 2 elements needs 8 bytes, its data has 7"):
        tl.load(path)
    path.write_bytes(archive(past_the_end))
    with pytest.raises(tl.CheckpointError, match="lacks archive/data/0"):
        tl.load(path)


def test_truncated_and_corrupted_archives(tmp_path):
    blob = (FIXTURES / "state_dict.pt").read_bytes()
    path = tmp_path / "broken.pt"
    for cut in (len(blob) // 2, len(blob) - 30, 100):
        path.write_bytes(blob[:cut])
        with pytest.raises(tl.CheckpointError, match="broken.pt"):
            tl.load(path)
    member = zipfile.ZipFile(io.BytesIO(blob)).getinfo("state_dict/data/0")
    local = member.header_offset  # the local header's own name and extra lengths (torch pads the extra field)
    data_at = (
        local
        + 30
        + int.from_bytes(blob[local + 26 : local + 28], "little")
        + int.from_bytes(blob[local + 28 : local + 30], "little")
    )
    flipped = bytearray(blob)
    flipped[data_at] ^= 0xFF
    path.write_bytes(bytes(flipped))
    with pytest.raises(tl.CheckpointError, match="broken.pt: the archive member state_dict/data/0 is damaged"):
        tl.load(path)
    path.write_bytes(archive(pickle.dumps({"a": 1}, protocol=2)[:-3]))
    with pytest.raises(tl.CheckpointError, match="pickled structure in archive/data.pkl is damaged"):
        tl.load(path)
    no_pickle = io.BytesIO()
    with zipfile.ZipFile(no_pickle, "w") as z:
        z.writestr("readme.txt", "hello")
    path.write_bytes(no_pickle.getvalue())
    with pytest.raises(tl.CheckpointError, match="without the data.pkl of a torch.save file"):
        tl.load(path)


class TestFilesMadeByPyTorch:
    torch = pytest.importorskip("torch", reason="PyTorch is not installed (pip install torch==2.13.0 for these)")

    def test_a_cnn_state_dict_and_optimizer_state(self, tmp_path):
        torch = self.torch
        torch.manual_seed(0)
        net = torch.nn.Sequential(
            torch.nn.Conv2d(1, 4, 3), torch.nn.ReLU(), torch.nn.Flatten(), torch.nn.Linear(4 * 26 * 26, 10)
        )
        optimizer = torch.optim.Adam(net.parameters())
        net(torch.randn(2, 1, 28, 28)).sum().backward()
        optimizer.step()
        torch.save({"model": net.state_dict(), "optimizer": optimizer.state_dict(), "epoch": 3}, tmp_path / "run.pth")
        state = tl.load(tmp_path / "run.pth")
        for name, value in net.state_dict().items():
            np.testing.assert_array_equal(state["model"][name].numpy(), value.numpy())
        assert state["epoch"] == 3
        exp_avg = optimizer.state_dict()["state"][0]["exp_avg"].numpy()
        np.testing.assert_array_equal(state["optimizer"]["state"][0]["exp_avg"].numpy(), exp_avg)

    def test_parameters_shared_storage_and_legacy(self, tmp_path):
        torch = self.torch
        w = torch.nn.Parameter(torch.randn(4, 5))
        big = torch.arange(100, dtype=torch.int32)
        torch.save({"w": w, "wt": w.data.t(), "chunk": big[10:20:3], "half": torch.randn(3).half()}, tmp_path / "p.pt")
        state = tl.load(tmp_path / "p.pt")
        np.testing.assert_array_equal(state["w"].numpy(), w.detach().numpy())
        np.testing.assert_array_equal(state["wt"].numpy(), w.detach().numpy().T)
        np.testing.assert_array_equal(state["chunk"].numpy(), np.arange(10, 20, 3))
        assert state["half"].dtype == np.float16
        torch.save({"x": torch.ones(2)}, tmp_path / "old.pt", _use_new_zipfile_serialization=False)
        with pytest.raises(tl.CheckpointError, match="legacy"):
            tl.load(tmp_path / "old.pt")
