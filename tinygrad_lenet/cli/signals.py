"""SIGTERM, the signal ``kill``, systemd, Docker and job schedulers send, handled as Ctrl-C is.

Python turns Ctrl-C (SIGINT) into :class:`KeyboardInterrupt` wherever the program is, so every
``with`` block and ``finally`` runs on the way out: a run's lock is removed, a half-written file's
temporary is deleted, and the ``train`` command says which epoch the folder holds and how to
resume. SIGTERM's default action ends the process at once, with none of that. Inside
:func:`sigterm_as_interrupt` it raises :class:`Terminated` instead, a ``KeyboardInterrupt``, so
both signals take the same way out; the command then exits with 143 (128 + 15), as a process
killed by SIGTERM does, so that a scheduler sees what happened.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

EXIT_INTERRUPTED = 130
"""The exit status after Ctrl-C: 128 + SIGINT."""
EXIT_TERMINATED = 143
"""The exit status after SIGTERM: 128 + SIGTERM."""


class Terminated(KeyboardInterrupt):
    """SIGTERM arrived: raised where the program was, as Ctrl-C raises ``KeyboardInterrupt``."""


def _raise_terminated(signum: int, frame: FrameType | None) -> None:
    raise Terminated("terminated by SIGTERM")


@contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """Within this block, SIGTERM raises :class:`Terminated`; the previous handler is restored after.

    Signal handlers can only be set from the main thread: elsewhere this does nothing.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
