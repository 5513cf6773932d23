"""The ``tinygrad-lenet`` command (also ``python -m tinygrad_lenet``): train, eval, predict, kaggle, graph, summary.

Exit codes: 0 success, 2 bad usage (argparse), 1 failure with a one-line reason on stderr (for
example a missing file), 130 interrupted (Ctrl-C), 143 terminated (SIGTERM, handled as Ctrl-C: see
``signals``); no traceback for errors a user can cause.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from ..base.allocator import tune_allocator
from ..base.errors import TinygradLenetError, one_line
from .commands import COMMANDS
from .parser import build_parser
from .signals import EXIT_INTERRUPTED, EXIT_TERMINATED, Terminated, signals_as_interrupt

__all__ = ["build_parser", "main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``tinygrad-lenet`` command with ``argv`` (default: the process's arguments); returns the exit status."""
    args = build_parser().parse_args(argv)
    args.argv = list(sys.argv[1:] if argv is None else argv)  # as typed: train --procs starts its ranks with them
    tune_allocator()
    try:
        with signals_as_interrupt():
            return COMMANDS[args.command](args) or 0
    except BrokenPipeError:  # the reader went away (output piped into head): not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # so the final flush is quiet
        return 0
    except (TinygradLenetError, ValueError, OSError) as e:
        print(f"tinygrad-lenet {args.command}: error: {one_line(e)}", file=sys.stderr)
        return 1
    except Terminated:
        print(f"tinygrad-lenet {args.command}: terminated (SIGTERM)", file=sys.stderr)
        return EXIT_TERMINATED
    except KeyboardInterrupt:
        print(f"tinygrad-lenet {args.command}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
