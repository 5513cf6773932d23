"""Reading and writing files: atomically, so nothing a user saved is ever half-written, and with
one clear error naming the file when it cannot be read."""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from pathlib import Path

from .errors import WriteError
from .limits import check_file

WHAT_TO_DO = {
    errno.ENOSPC: ("no space left on the device", "free some space"),
    errno.EDQUOT: ("the disk quota is used up", "free some space"),
    errno.EROFS: ("the file system is read-only", "write somewhere else"),
    errno.EACCES: ("permission denied", "write into a folder you may write to"),
    errno.EPERM: ("permission denied", "write into a folder you may write to"),
}
"""Why a write failed and what to do about it, by the system's error number."""


def write_error(path: str | os.PathLike[str], error: OSError) -> WriteError:
    """The :class:`WriteError` for ``error`` raised while writing ``path``: it names ``path`` (the
    file asked for, not the temporary file the system named), why, and what to do. Its
    ``path``, ``reason`` and ``remedy`` let a caller word its own advice."""
    reason, remedy = WHAT_TO_DO.get(error.errno or 0, (error.strerror or str(error), ""))
    failure = WriteError(
        f"cannot write {path}: {reason}" + (f"; {remedy}, then run the command again" if remedy else "")
    )
    failure.errno = error.errno
    failure.path, failure.reason, failure.remedy = str(path), reason, remedy
    return failure


def atomic_write(path: str | os.PathLike[str], blob: bytes, shown_as: str | os.PathLike[str] | None = None) -> Path:
    """Write ``blob`` to ``path`` so that readers see the old file or the new one, never a part.

    The bytes go to a temporary file in the same folder, are flushed to disk, and the file is
    renamed over ``path``; on any error (or interrupt) the temporary file is removed and the old
    file is left as it was. Parent folders are created. A write the system refuses (disk full,
    read-only, no permission) raises :class:`WriteError` naming ``path`` (or ``shown_as``, what
    the user asked for when ``path`` is a file of the program's own, such as a lock).
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as e:
        raise write_error(shown_as or path, e) from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(blob)
            f.flush()
            os.fsync(f.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException as e:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        if isinstance(e, OSError) and not isinstance(e, WriteError):
            raise write_error(shown_as or path, e) from None
        raise
    with contextlib.suppress(OSError):  # make the rename itself durable, where the OS allows
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    return path


def read_bytes(path: str | os.PathLike[str], error: type[Exception], what: str = "file") -> bytes:
    """The bytes of ``path``; a missing or unreadable file raises ``error`` naming the path, and so, before
    anything is read, does a device, FIFO or folder, or a file over the size limit (``limits.check_file``)."""
    path = Path(path)
    try:  # O_NONBLOCK: opening a FIFO must not wait for a writer before the check refuses it
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise error(f"{path}: no such {what}") from None
    except OSError as e:
        raise error(f"{path}: cannot read it ({e.strerror})") from None
    try:
        size = check_file(os.fstat(fd), path, error, what)
        try:
            with open(fd, "rb", closefd=False) as f:
                return f.read(size)
        except OSError as e:
            raise error(f"{path}: cannot read it ({e.strerror})") from None
    finally:
        os.close(fd)
