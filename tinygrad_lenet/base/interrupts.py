"""Ctrl-C and SIGTERM as ``KeyboardInterrupt``, and never lost.

Python turns Ctrl-C (SIGINT) into :class:`KeyboardInterrupt` wherever the program is, so every
``with`` block and ``finally`` runs on the way out: a run's lock is removed, a half-written file's
temporary is deleted. SIGTERM's default action ends the process at once, with none of that: inside
:func:`signals_as_interrupt` it raises :class:`Terminated` instead, a ``KeyboardInterrupt``, so both
signals take the same way out.

An exception raised while Python runs a finalizer or a ``__del__`` (the garbage collector calls them
between any two lines) cannot propagate: Python prints "Exception ignored" and goes on, and the
interrupt would be lost, a training of 1000 epochs running to its end after Ctrl-C. So the handler
also remembers the signal, and long loops call :func:`raise_pending_interrupt` once per step: it
raises the interrupt again if it never reached them. Python's "Exception ignored" report of such an
interrupt, a traceback on the user's screen for nothing that went wrong, is left out (the
``sys.unraisablehook`` of the block); every other ignored exception is reported as before.
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

EXIT_INTERRUPTED = 130
"""The exit status after Ctrl-C: 128 + SIGINT."""
EXIT_TERMINATED = 143
"""The exit status after SIGTERM: 128 + SIGTERM."""

_pending: int | None = None
"""The signal received inside :func:`signals_as_interrupt`, until a loop re-raises it or the block ends."""


class Terminated(KeyboardInterrupt):
    """SIGTERM arrived: raised where the program was, as Ctrl-C raises ``KeyboardInterrupt``."""


def _interruption(signum: int) -> KeyboardInterrupt:
    return Terminated("terminated by SIGTERM") if signum == signal.SIGTERM else KeyboardInterrupt()


def _interrupt(signum: int, frame: FrameType | None) -> None:
    global _pending
    _pending = signum
    raise _interruption(signum)


def _quiet_about_interrupts(report: Callable[[Any], None]) -> Callable[[Any], None]:
    """An unraisable hook that says nothing of the interrupt this module remembered and hands every other
    ignored exception to ``report``."""

    def hook(unraisable: Any) -> None:
        if isinstance(unraisable.exc_value, KeyboardInterrupt) and _pending is not None:
            return  # remembered: raise_pending_interrupt raises it at the loop's next step
        report(unraisable)

    return hook


def raise_pending_interrupt() -> None:
    """Raise the interrupt that a finalizer swallowed, if one did; otherwise do nothing.

    Called by loops once per step. A loop that the interrupt did reach has already left, so the
    signal is never raised twice at the same place."""
    global _pending
    if _pending is not None:
        signum, _pending = _pending, None
        raise _interruption(signum)


@contextmanager
def signals_as_interrupt() -> Iterator[None]:
    """Within this block SIGINT raises ``KeyboardInterrupt`` and SIGTERM :class:`Terminated`, and both are
    remembered for :func:`raise_pending_interrupt`; the previous handlers are restored after.

    Signal handlers can only be set from the main thread: elsewhere this does nothing.
    """
    global _pending
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    _pending = None
    previous = {s: signal.signal(s, _interrupt) for s in (signal.SIGINT, signal.SIGTERM)}
    report = sys.unraisablehook
    sys.unraisablehook = _quiet_about_interrupts(report)
    try:
        yield
    finally:
        sys.unraisablehook = report
        for s, handler in previous.items():
            signal.signal(s, handler)
        _pending = None
