"""The exit statuses of an interrupted command (the signals themselves: :mod:`..base.interrupts`).

Ctrl-C and SIGTERM (the signal ``kill``, systemd, Docker and job schedulers send) both raise a
``KeyboardInterrupt`` where the program is; the ``train`` command then says which epoch the folder
holds and how to resume, and the command exits with 130 (128 + SIGINT) or 143 (128 + SIGTERM), as a
process killed by that signal does, so that a scheduler sees what happened.
"""

from __future__ import annotations

from ..base.interrupts import EXIT_INTERRUPTED, EXIT_TERMINATED, Terminated, signals_as_interrupt

__all__ = ["EXIT_INTERRUPTED", "EXIT_TERMINATED", "Terminated", "signals_as_interrupt"]
