"""The folder a training run writes: never an earlier run's, and never two runs' at once.

A folder *holds a run* once it has a checkpoint (``last.safetensors`` or ``best.safetensors``).
Such a folder is refused unless the run resumes from its own ``last.safetensors``, or
``overwrite`` moves the earlier run aside (into a sibling ``NAME.replaced-<time>`` folder: it is
never deleted). While a run writes the folder it holds ``.lock``, a small JSON file with the
writer's process id: a second run into the same folder fails at once, and a lock whose process
is gone (the run was killed) is stale and is taken over.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from ..base.errors import RunFolderError
from ..base.file_io import atomic_write, write_error

CHECKPOINTS = ("last.safetensors", "best.safetensors")
LOCK = ".lock"


def holds_run(folder: Path) -> bool:
    """True if ``folder`` has a checkpoint of an earlier run."""
    return any((folder / name).exists() for name in CHECKPOINTS)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # a process of another user
        return True
    return True


class RunFolder:
    """Use as ``with RunFolder(out, resume=..., overwrite=...) as folder:``; the lock is held inside.

    Raises :class:`RunFolderError` (one line, naming the folder and the ways on) when ``out`` is a
    file, holds another run, or is locked by a running process.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        resume: str | os.PathLike[str] | None = None,
        overwrite: bool = False,
        log: Callable[[str], None] = print,
    ) -> None:
        self.dir = Path(path)
        self.resume = Path(resume) if resume is not None else None
        self.overwrite, self.log = overwrite, log
        self.last, self.best = self.dir / "last.safetensors", self.dir / "best.safetensors"
        self._locked = False

    # --- entering: check, lock, check again -----------------------------------------------------
    def __enter__(self) -> RunFolder:
        if self.dir.exists() and not self.dir.is_dir():
            raise RunFolderError(f"{self.dir} is a file, not a folder: give --out a folder for the run")
        try:
            self.dir.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise RunFolderError(f"cannot create the run folder {self.dir}: {e.strerror or e}") from None
        self._lock()
        try:
            self._check_earlier_run()
        except BaseException:
            self._unlock()
            raise
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self._unlock()

    def _check_earlier_run(self) -> None:
        if not holds_run(self.dir):
            return
        if self.resume is not None and self.resume.resolve().parent == self.dir.resolve():
            return
        if self.overwrite:
            self._move_aside()
            return
        what = "continue it with --resume " + str(self.last) if self.last.exists() else "it has a best checkpoint"
        raise RunFolderError(
            f"{self.dir} already holds a run ({what}); to train anew choose another --out"
            + (", or --overwrite to move the earlier run aside" if self.resume is None else "")
        )

    def _move_aside(self) -> None:
        """Move every file of the earlier run (not the lock) into a sibling folder; delete nothing."""
        stamp = time.strftime("%Y%m%d-%H%M%S")
        aside, n = self.dir.with_name(f"{self.dir.name}.replaced-{stamp}"), 1
        while aside.exists():
            n += 1
            aside = self.dir.with_name(f"{self.dir.name}.replaced-{stamp}-{n}")
        try:
            aside.mkdir()
            for entry in self.dir.iterdir():
                if entry.name != LOCK:
                    os.replace(entry, aside / entry.name)
        except OSError as e:
            raise write_error(self.dir, e) from None
        self.log(f"--overwrite: moved the earlier run of {self.dir} to {aside}")

    # --- the lock ---------------------------------------------------------------------------------
    def _lock(self) -> None:
        """Create ``.lock`` atomically (written in full under a temporary name, then hard-linked
        into place, which fails if a lock exists); take over a lock whose process is gone."""
        lock = self.dir / LOCK
        body = json.dumps(
            {"pid": os.getpid(), "host": socket.gethostname(), "started": time.strftime("%Y-%m-%d %H:%M:%S")}
        )
        for _ in range(2):
            tmp = atomic_write(self.dir / f".lock.{os.getpid()}", body.encode(), shown_as=self.dir)
            try:
                os.link(tmp, lock)
                self._locked = True
                return
            except FileExistsError:
                holder = self._holder(lock)
                if holder is not None and (holder.get("host") != socket.gethostname() or _alive(int(holder["pid"]))):
                    raise RunFolderError(
                        f"{self.dir} is in use by another training (process {holder.get('pid')} on "
                        f"{holder.get('host')}, started {holder.get('started')}): wait for it, or choose another --out"
                    ) from None
                self.log(
                    f"{self.dir}: removed the stale lock of a run that is gone "
                    f"(process {holder.get('pid') if holder else 'unknown'})"
                )
                with contextlib.suppress(FileNotFoundError):
                    lock.unlink()
            finally:
                with contextlib.suppress(FileNotFoundError):
                    tmp.unlink()
        raise RunFolderError(f"{self.dir}: could not take the lock {lock}; another run keeps taking it")

    @staticmethod
    def _holder(lock: Path) -> dict | None:
        try:
            holder = json.loads(lock.read_text())
            return holder if isinstance(holder, dict) and isinstance(holder.get("pid"), int) else None
        except (OSError, ValueError):
            return None

    def _unlock(self) -> None:
        if self._locked:
            with contextlib.suppress(FileNotFoundError):
                (self.dir / LOCK).unlink()
            self._locked = False

    # --- writing ----------------------------------------------------------------------------------
    def append_log(self, line: str) -> None:
        """Add a line to train.log, rewriting the file atomically (it is small)."""
        path = self.dir / "train.log"
        old = path.read_bytes() if path.exists() else b""
        atomic_write(path, old + (line + "\n").encode())
