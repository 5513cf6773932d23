"""Reading and writing IDX files, the format of MNIST (``.gz`` compressed or raw).

An IDX file is: two zero bytes, a type code, the number of dimensions n, then n big-endian
uint32 sizes, then the values in row-major order, big-endian.

A file is read only within the limits of ``base/limits.py``: a regular file of at most 4 GiB, whose
gzip stream may expand to at most ``expansion_limit`` of its compressed size (capped while
decompressing, so a small "zip bomb" is refused after a bounded read).
"""

from __future__ import annotations

import gzip
import io
import os
import zlib
from pathlib import Path

import numpy as np

from ..base.errors import DataError
from ..base.file_io import read_bytes
from ..base.limits import expansion_limit, expansion_rule, read_at_most, size_text

TYPE_CODES: dict[int, np.dtype] = {
    0x08: np.dtype(np.uint8),
    0x09: np.dtype(np.int8),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}


def read_content(path: Path) -> bytes:
    """The file's content, decompressed if its name ends in ``.gz`` (within ``expansion_limit``); errors name
    the file."""
    raw = read_bytes(path, DataError)
    if path.suffix != ".gz":
        return raw
    limit = expansion_limit(len(raw))
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(raw)) as stream:
            content = read_at_most(stream, limit)
    except EOFError:
        raise DataError(f"{path}: the gzip stream ends early: the file is truncated") from None
    except (OSError, zlib.error) as e:
        raise DataError(f"{path}: not a valid gzip file ({e}): the file is corrupted") from None
    if len(content) > limit:
        raise DataError(
            f"{path}: the gzip stream expands from {size_text(len(raw))} to more than {size_text(limit)}, "
            f"the limit ({expansion_rule()})"
        )
    return content


def parse_idx(content: bytes, name: str) -> np.ndarray:
    """Parse IDX bytes into an array of native byte order; ``name`` is used in error messages."""
    if len(content) < 4:
        raise DataError(f"{name}: only {len(content)} bytes, too short to be an IDX file")
    if content[0] != 0 or content[1] != 0:
        raise DataError(
            f"{name}: wrong magic number {content[:4].hex()}: an IDX file starts with two zero bytes "
            "(is this really an MNIST-format file?)"
        )
    code, ndim = content[2], content[3]
    if code not in TYPE_CODES:
        raise DataError(f"{name}: unknown IDX type code 0x{code:02x} (expected one of {[hex(c) for c in TYPE_CODES]})")
    if ndim == 0:
        raise DataError(f"{name}: an IDX file needs at least one dimension")
    header = 4 + 4 * ndim
    if len(content) < header:
        raise DataError(f"{name}: truncated inside the header ({len(content)} bytes, the header needs {header})")
    shape = tuple(int(d) for d in np.frombuffer(content, dtype=">u4", count=ndim, offset=4))
    dtype = TYPE_CODES[code]
    expected = int(np.prod(shape)) * dtype.itemsize
    found = len(content) - header
    if found < expected:
        raise DataError(f"{name}: truncated: shape {shape} needs {expected} bytes of data, found {found}")
    if found > expected:
        raise DataError(f"{name}: {found - expected} unexpected bytes after the data of shape {shape}")
    array = np.frombuffer(content, dtype=dtype, offset=header).reshape(shape)
    return array.astype(dtype.newbyteorder("="))  # a writable copy in native byte order


def read_idx(path: str | os.PathLike[str]) -> np.ndarray:
    """Read an IDX file (``.gz`` or raw) into a numpy array, validating every part of it."""
    path = Path(path)
    return parse_idx(read_content(path), str(path))


def idx_bytes(array: np.ndarray) -> bytes:
    """The IDX encoding of ``array`` (its dtype must be one IDX knows)."""
    for code, dtype in TYPE_CODES.items():
        if dtype.kind == array.dtype.kind and dtype.itemsize == array.dtype.itemsize:
            header = bytes([0, 0, code, array.ndim]) + np.asarray(array.shape, dtype=">u4").tobytes()
            return header + np.ascontiguousarray(array, dtype=dtype).tobytes()
    raise DataError(f"IDX cannot store dtype {array.dtype}")


def write_idx(path: str | os.PathLike[str], array: np.ndarray) -> Path:
    """Write ``array`` as an IDX file, gzip-compressed if the name ends in ``.gz``."""
    path = Path(path)
    content = idx_bytes(array)
    path.write_bytes(gzip.compress(content, mtime=0) if path.suffix == ".gz" else content)
    return path
