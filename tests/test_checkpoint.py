"""Checkpoints: round trips, atomic writes, and clear errors for every kind of bad file."""

from __future__ import annotations

import io
import json
import os
import pickle
from pathlib import Path

import numpy as np
import pytest
import safetensors.numpy

import tinygrad_lenet as tl
from tinygrad_lenet import nn, optim


def example_state() -> dict:
    tl.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.ReLU(), nn.Linear(4, 2))
    opt = optim.Adam(model.parameters(), lr=1e-3)
    nn.functional.cross_entropy(model(tl.randn(5, 3)), tl.tensor([0, 1, 0, 1, 1])).backward()
    opt.step()
    return {
        "model": model.state_dict(),
        "optimizer": opt.state_dict(),
        "metadata": {"epoch": 3, "accuracy": 0.981, "architecture": "mlp", "best": None, "flags": [True, 2.5]},
    }


def assert_same(a, b) -> None:
    """``b`` (what tl.load gave) holds what ``a`` held, with a tensor wherever ``a`` had an array or a tensor."""
    if isinstance(a, (np.ndarray, tl.Tensor)):
        assert isinstance(b, tl.Tensor), (a, b)  # tl.load gives tensors, as torch.load does
        a, b = np.asarray(a), b.numpy()
        assert a.dtype == b.dtype and a.shape == b.shape
        np.testing.assert_array_equal(a, b)
        return
    assert type(a) is type(b) or (isinstance(a, dict) and isinstance(b, dict)), (a, b)
    if isinstance(a, dict):
        assert list(a) == list(b)
        for key in a:
            assert_same(a[key], b[key])
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            assert_same(x, y)
    else:
        assert a == b


def test_round_trip_of_model_optimizer_and_metadata(tmp_path: Path) -> None:
    state = example_state()
    path = tl.save(state, tmp_path / "run" / "ckpt.safetensors")
    assert path.exists() and path.parent.name == "run"
    loaded = tl.load(path)
    assert_same(state, loaded)
    assert loaded["optimizer"]["param_groups"][0]["betas"] == (0.9, 0.999)
    assert list(loaded["optimizer"]["state"]) == [0, 1, 2, 3, 4, 5]


def test_round_trip_of_every_dtype_and_odd_values(tmp_path: Path) -> None:
    state = {
        "f32": np.arange(6, dtype=np.float32).reshape(2, 3).T,  # non-contiguous
        "f64": np.array(2.5),
        "i64": np.array([1, -2]),
        "u8": np.zeros((2, 2), np.uint8),
        "bool": np.array([True, False]),
        "empty": np.zeros((0, 3)),
        "tensor": tl.tensor([1.0, 2.0]),
        "nested": {"a/b": np.ones(1), "a": {"b": np.zeros(1)}},
        "nan": float("nan"),
        "text": "é",
    }
    tl.save(state, tmp_path / "c.safetensors")
    loaded = tl.load(tmp_path / "c.safetensors")
    assert loaded["tensor"].tolist() == [1.0, 2.0]
    assert np.isnan(loaded.pop("nan")) and np.isnan(state.pop("nan"))
    assert_same(state, loaded)


def test_arrays_are_readable_by_other_safetensors_tools(tmp_path: Path) -> None:
    tl.save({"model": {"fc.weight": np.ones((2, 2), np.float32)}}, tmp_path / "c.safetensors")
    raw = safetensors.numpy.load_file(str(tmp_path / "c.safetensors"))
    assert list(raw) == ["model/fc.weight"]
    plain = tmp_path / "plain.safetensors"
    safetensors.numpy.save_file({"conv1.weight": np.zeros((6, 1, 5, 5), np.float32)}, str(plain))
    assert tl.load(plain)["conv1.weight"].shape == (6, 1, 5, 5)


def test_unsupported_values_are_refused_before_anything_is_written(tmp_path: Path) -> None:
    with pytest.raises(TypeError, match="cannot store Linear at model.*save model.state_dict"):
        tl.save({"model": nn.Linear(1, 1)}, tmp_path / "c.safetensors")
    with pytest.raises(TypeError, match="cannot store Linear at the top level.*save model.state_dict"):
        tl.save(nn.Linear(1, 1), tmp_path / "c.safetensors")
    with pytest.raises(TypeError, match="keys must be str or int"):
        tl.save({(1, 2): 3}, tmp_path / "c.safetensors")
    assert list(tmp_path.iterdir()) == []


def test_truncated_files_raise_the_package_error(tmp_path: Path) -> None:
    path = tl.save(example_state(), tmp_path / "c.safetensors")
    blob = path.read_bytes()
    cut = tmp_path / "cut.safetensors"
    for size in range(0, len(blob), 97):
        cut.write_bytes(blob[:size])
        with pytest.raises(tl.CheckpointError, match="cut.safetensors"):
            tl.load(cut)


def test_flipped_bytes_anywhere_raise_the_package_error(tmp_path: Path) -> None:
    path = tl.save(example_state(), tmp_path / "c.safetensors")
    blob = path.read_bytes()
    header_end = 8 + int.from_bytes(blob[:8], "little")
    bad = tmp_path / "bad.safetensors"
    positions = list(range(header_end)) + list(range(header_end, len(blob), 7))
    for i in positions:
        damaged = bytearray(blob)
        damaged[i] ^= 0xFF
        bad.write_bytes(bytes(damaged))
        with pytest.raises(tl.CheckpointError, match="bad.safetensors"):
            tl.load(bad)


def test_foreign_missing_and_empty_files(tmp_path: Path) -> None:
    with pytest.raises(tl.CheckpointError, match="no such checkpoint file"):
        tl.load(tmp_path / "missing.safetensors")
    for name, content in (
        ("empty", b""),
        ("png", b"\x89PNG\r\n\x1a\n" + bytes(100)),
        ("json", json.dumps({"a": 1}).encode()),
    ):
        (tmp_path / name).write_bytes(content)
        with pytest.raises(tl.CheckpointError, match=f"{name}: not a valid safetensors checkpoint"):
            tl.load(tmp_path / name)
    with pytest.raises(tl.CheckpointError, match="cannot read it"):
        tl.load(tmp_path)


class _Trap:
    """Unpickling this would create a file: loading must never do that."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, "w"))


def test_a_pickle_is_refused_and_never_executed(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    (tmp_path / "model.pt").write_bytes(pickle.dumps(_Trap(str(marker))))
    with pytest.raises(tl.CheckpointError, match="model.pt: not a valid safetensors checkpoint"):
        tl.load(tmp_path / "model.pt")
    assert not marker.exists()


def test_an_interrupted_save_leaves_the_old_file_and_no_stray_file(tmp_path: Path, monkeypatch) -> None:
    path = tl.save({"weights": np.ones(3)}, tmp_path / "c.safetensors")

    def crash(*args):
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", crash)
    with pytest.raises(OSError, match="disk full"):
        tl.save({"weights": np.zeros(3)}, path)
    monkeypatch.undo()
    assert tl.load(path)["weights"].tolist() == [1.0, 1.0, 1.0]
    assert [p.name for p in tmp_path.iterdir()] == ["c.safetensors"]

    monkeypatch.setattr(os, "replace", lambda *a: (_ for _ in ()).throw(KeyboardInterrupt()))
    with pytest.raises(KeyboardInterrupt):
        tl.save({"weights": np.zeros(3)}, path)
    monkeypatch.undo()
    assert tl.load(path)["weights"].tolist() == [1.0, 1.0, 1.0]
    assert [p.name for p in tmp_path.iterdir()] == ["c.safetensors"]


def test_saved_file_permissions_follow_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        path = tl.save({"a": np.ones(1)}, tmp_path / "c.safetensors")
    finally:
        os.umask(old)
    assert path.stat().st_mode & 0o777 == 0o644


def test_a_newer_format_version_is_reported(tmp_path: Path) -> None:
    from tinygrad_lenet.serialization import checkpoint

    structure = json.dumps({"version": checkpoint.VERSION + 1, "tree": {"__dict__": []}})
    metadata = {checkpoint.FORMAT: structure, checkpoint.FORMAT + ".sha256": checkpoint._digest(structure, {})}
    (tmp_path / "new.safetensors").write_bytes(safetensors.numpy.save({}, metadata=metadata))
    with pytest.raises(tl.CheckpointError, match="format version 2, this tinygrad_lenet reads 1"):
        tl.load(tmp_path / "new.safetensors")


def test_what_torch_save_takes_that_is_data_saves_and_loads(tmp_path: Path) -> None:
    tensor = tl.tensor([[1.0, 2.0]])
    tl.save(tensor, tmp_path / "t.pt")
    assert isinstance(tl.load(tmp_path / "t.pt"), tl.Tensor) and tl.load(tmp_path / "t.pt").tolist() == [[1.0, 2.0]]
    nested = [tensor, (3, {"k": tl.zeros(2)}), "text"]
    tl.save(nested, tmp_path / "n.pt")
    loaded = tl.load(tmp_path / "n.pt")
    assert loaded[0].tolist() == [[1.0, 2.0]] and loaded[1][0] == 3 and loaded[1][1]["k"].tolist() == [0.0, 0.0]
    assert loaded[2] == "text" and isinstance(loaded[1], tuple)
    buffer = io.BytesIO()
    assert tl.save({"w": tensor}, buffer) is None
    buffer.seek(0)
    assert tl.load(buffer)["w"].tolist() == [[1.0, 2.0]]
