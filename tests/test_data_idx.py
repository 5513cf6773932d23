"""IDX files: round trips, and a clear DataError for every kind of damage."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pytest

import tinygrad_lenet as tl
from tinygrad_lenet.data import read_idx, write_idx
from tinygrad_lenet.data.idx import idx_bytes


@pytest.mark.parametrize("name", ["a.idx", "a.idx.gz"])
@pytest.mark.parametrize(
    "array",
    [
        np.arange(24, dtype=np.uint8).reshape(2, 3, 4),
        np.array([-1, 2], np.int8),
        np.array([1.5, -2.0], np.float32),
        np.arange(6, dtype=np.int32).reshape(3, 2),
        np.array([[1e300]]),
        np.array([-300, 7], np.int16),
    ],
    ids=lambda a: str(a.dtype),
)
def test_round_trip(tmp_path: Path, name: str, array: np.ndarray) -> None:
    back = read_idx(write_idx(tmp_path / name, array))
    assert back.dtype == array.dtype and back.shape == array.shape
    np.testing.assert_array_equal(back, array)
    assert back.flags.writeable


def test_header_layout_is_the_standard_one() -> None:
    blob = idx_bytes(np.zeros((2, 3), np.uint8))
    assert blob[:4] == b"\x00\x00\x08\x02" and blob[4:12] == b"\x00\x00\x00\x02\x00\x00\x00\x03"
    with pytest.raises(tl.DataError, match="cannot store dtype"):
        idx_bytes(np.zeros(2, np.complex64))


def damage(tmp_path: Path, content: bytes, name: str = "f.idx") -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


GOOD = idx_bytes(np.arange(12, dtype=np.uint8).reshape(3, 4))


@pytest.mark.parametrize(
    "content,message",
    [
        (b"\x00\x00", "too short to be an IDX file"),
        (b"\x01\x02" + GOOD[2:], "wrong magic number 0102"),
        (GOOD[:2] + b"\x07" + GOOD[3:], "unknown IDX type code 0x07"),
        (GOOD[:3] + b"\x00" + GOOD[4:], "at least one dimension"),
        (GOOD[:6], "truncated inside the header"),
        (GOOD[:-1], r"truncated: shape \(3, 4\) needs 12 bytes of data, found 11"),
        (GOOD + b"\x00", "1 unexpected bytes after the data"),
    ],
)
def test_damaged_raw_files(tmp_path: Path, content: bytes, message: str) -> None:
    with pytest.raises(tl.DataError, match=message) as info:
        read_idx(damage(tmp_path, content))
    assert "f.idx" in str(info.value)


def test_damaged_gzip_files(tmp_path: Path) -> None:
    compressed = gzip.compress(GOOD, mtime=0)
    with pytest.raises(tl.DataError, match="gzip stream ends early: the file is truncated"):
        read_idx(damage(tmp_path, compressed[:-12], "t.gz"))
    with pytest.raises(tl.DataError, match="not a valid gzip file"):
        read_idx(damage(tmp_path, b"this is not gzip at all", "n.gz"))
    crc = bytearray(compressed)
    crc[-8] ^= 0xFF  # the CRC32 of the content
    with pytest.raises(tl.DataError, match=r"c.gz: not a valid gzip file \(CRC check failed"):
        read_idx(damage(tmp_path, bytes(crc), "c.gz"))
    body = bytearray(compressed)
    body[12] ^= 0xFF  # inside the deflate stream
    with pytest.raises(tl.DataError, match="b.gz"):
        read_idx(damage(tmp_path, bytes(body), "b.gz"))
    with pytest.raises(tl.DataError, match="no such file"):
        read_idx(tmp_path / "missing.gz")
    with pytest.raises(tl.DataError, match="cannot read it"):
        read_idx(tmp_path)
