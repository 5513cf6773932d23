"""The limits every loader applies to a file a user points it at, and the checks that enforce them.

Whatever a file holds, loading it never reads without end, never allocates more than a stated
multiple of its size, and never overflows the stack; a file past a limit is refused with one line
naming the file, what was wrong and the limit. The limits:

- **Only regular files are read.** A device (``/dev/zero``), FIFO, socket or folder given as a
  checkpoint, ONNX model (or its external data), IDX or CSV file is refused before anything is read
  from it (a FIFO is opened without waiting for a writer).
- **A file read whole is at most** :func:`max_load_bytes`: 4 GiB, or the number of bytes in the
  environment variable ``TINYGRAD_LENET_MAX_LOAD_BYTES``. This covers checkpoints (``tl.load``,
  ``.safetensors`` and ``.pth``, by name or as an open file), ONNX models and, in total, their
  external data, IDX files and Kaggle CSV files; the size is checked before reading.
- **What n bytes of a file may become** is :func:`expansion_limit` ``(n)``: ``EXPANSION_RATIO``
  (100) times n, at least ``EXPANSION_ALLOWANCE`` (64 MiB), at most :func:`max_load_bytes`. It
  bounds each compressed zip member of a ``.pth`` file and each gzip IDX file (judged from the
  zip header first, then enforced while decompressing in chunks, since headers can lie), and the
  total of the tensors a ``.pth`` file builds from its storages (a view with stride 0 or
  overlapping strides is copied out only within that budget).
- **A checkpoint's structure nests at most** ``MAX_NESTING`` (100) levels of JSON brackets
  (about 30 levels of dicts), so decoding it cannot overflow the stack.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path
from typing import BinaryIO, Protocol

import numpy as np

DEFAULT_MAX_LOAD_BYTES = 4 << 30
MAX_LOAD_BYTES_VARIABLE = "TINYGRAD_LENET_MAX_LOAD_BYTES"
EXPANSION_RATIO = 100
EXPANSION_ALLOWANCE = 64 << 20
MAX_NESTING = 100
CHUNK = 1 << 20
"""Bytes read from a stream at a time, so nothing is allocated for bytes a stream does not hold."""


class Readable(Protocol):
    """A binary stream, such as an open file, a zip member or a gzip stream."""

    def read(self, size: int = -1, /) -> bytes: ...


_KINDS = {
    stat.S_ISDIR: "folder",
    stat.S_ISCHR: "character device",
    stat.S_ISBLK: "block device",
    stat.S_ISFIFO: "FIFO (named pipe)",
    stat.S_ISSOCK: "socket",
}
_JSON_ESCAPE = re.compile(r"\\.", re.DOTALL)
_JSON_STRING = re.compile(r'"[^"]*"')  # once escapes are gone: linear, where one pattern for both can backtrack
_BRACKET_STEP = np.zeros(256, dtype=np.int64)
_BRACKET_STEP[[ord("["), ord("{")]] = 1
_BRACKET_STEP[[ord("]"), ord("}")]] = -1


def size_text(nbytes: int) -> str:
    """``nbytes`` for a message: ``522 bytes``, ``64 MiB``, ``1.5 GiB``."""
    for unit, shift in (("GiB", 30), ("MiB", 20), ("KiB", 10)):
        if nbytes >= 1 << shift:
            return f"{nbytes / (1 << shift):.3g} {unit}"
    return f"{nbytes} bytes"


def max_load_bytes() -> int:
    """The largest file read whole, and the most any load builds: ``$TINYGRAD_LENET_MAX_LOAD_BYTES`` or 4 GiB."""
    value = os.environ.get(MAX_LOAD_BYTES_VARIABLE)
    if value is None:
        return DEFAULT_MAX_LOAD_BYTES
    if not value.strip().isdigit():
        raise ValueError(f"{MAX_LOAD_BYTES_VARIABLE}={value!r}: expected a whole number of bytes")
    return int(value)


def expansion_limit(nbytes: int) -> int:
    """The most a load may build from ``nbytes`` of a file (decompressed bytes, tensors)."""
    return min(max(EXPANSION_RATIO * nbytes, EXPANSION_ALLOWANCE), max_load_bytes())


def expansion_rule() -> str:
    """How :func:`expansion_limit` is computed, for messages."""
    return (
        f"{EXPANSION_RATIO}x the bytes they come from, at least {size_text(EXPANSION_ALLOWANCE)}, "
        f"at most {size_text(max_load_bytes())}, set by {MAX_LOAD_BYTES_VARIABLE}"
    )


def check_regular(info: os.stat_result, path: Path, error: type[Exception], what: str) -> None:
    """``error`` naming ``path`` if the file ``info`` describes is not a regular file (a device, FIFO, folder)."""
    if not stat.S_ISREG(info.st_mode):
        kind = next((name for test, name in _KINDS.items() if test(info.st_mode)), "special file")
        raise error(f"{path}: cannot read it: it is a {kind}, not a regular {what}")


def check_file(info: os.stat_result, path: Path, error: type[Exception], what: str) -> int:
    """The size of the file ``info`` describes; ``error`` naming ``path`` if it is not a regular
    file or is larger than :func:`max_load_bytes`."""
    check_regular(info, path, error, what)
    if info.st_size > max_load_bytes():
        raise error(too_large(path, what, info.st_size))
    return info.st_size


def too_large(path: Path, what: str, size: int | None = None) -> str:
    """The message for ``what`` (of ``size`` bytes, if known) past :func:`max_load_bytes`."""
    known = f" ({size_text(size)})" if size is not None else ""
    return (
        f"{path}: the {what} is larger than the limit of {size_text(max_load_bytes())}{known}; "
        f"set {MAX_LOAD_BYTES_VARIABLE} to a number of bytes to allow more"
    )


def read_stream(stream: BinaryIO, path: Path, error: type[Exception], what: str) -> bytes:
    """What an open file object holds, with :func:`check_file`'s checks (before reading, if it has a
    file descriptor; a ``BytesIO`` has none) and its size limit (while reading)."""
    try:
        info = os.fstat(stream.fileno())
    except (AttributeError, OSError, ValueError):  # no fileno, or io.UnsupportedOperation
        pass
    else:
        check_file(info, path, error, what)
    blob = read_at_most(stream, max_load_bytes())
    if len(blob) > max_load_bytes():
        raise error(too_large(path, what))
    return blob


def read_at_most(stream: Readable, limit: int) -> bytes:
    """What ``stream`` holds, but at most ``limit + 1`` bytes, read in chunks: more than ``limit``
    bytes back means the stream is over the limit (and nothing past it was read)."""
    chunks, total = [], 0
    while total <= limit and (chunk := stream.read(min(CHUNK, limit + 1 - total))):
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


def check_nesting(text: str, path: Path, error: type[Exception], what: str) -> None:
    """``error`` naming ``path`` if the JSON ``text`` nests more than ``MAX_NESTING`` levels of brackets,
    found before any parser recurses into it: without recursion, in linear time, strings left out."""
    codes = np.frombuffer(_JSON_STRING.sub("", _JSON_ESCAPE.sub("", text)).encode(), dtype=np.uint8)
    depth = 0
    for start in range(0, codes.size, CHUNK):
        running = depth + np.cumsum(_BRACKET_STEP[codes[start : start + CHUNK]])
        if running.max() > MAX_NESTING:
            raise error(f"{path}: {what} is nested deeper than {MAX_NESTING} levels, the limit")
        depth = int(running[-1])
