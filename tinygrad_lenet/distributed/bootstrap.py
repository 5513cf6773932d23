"""What each rank runs first (``python -m tinygrad_lenet.distributed.bootstrap [-m] script [args]``, started by
:mod:`.run`): torchrun's environment variables from MPI, then the script as ``__main__``.

``RANK``, ``WORLD_SIZE``, ``LOCAL_RANK``, ``LOCAL_WORLD_SIZE``, ``GROUP_RANK`` (the machine's index),
``MASTER_ADDR`` and ``MASTER_PORT`` are set as torchrun sets them, so a script that reads
``int(os.environ.get("RANK", -1))`` takes its distributed path. An exception in the script prints one
line, ``rank R of N failed: Type: message`` (with the traceback before it), and aborts the MPI world, so
that no other rank waits for it forever; each rank writes its pid for the launcher (:mod:`.run`) to
name a rank a signal killed; Ctrl-C and SIGTERM (passed on by mpiexec) stop the script as
they would without MPI.
"""

from __future__ import annotations

import io
import os
import runpy
import socket
import sys
import traceback
from pathlib import Path

from .run import PIDS_VARIABLE


def environment() -> dict[str, str]:
    """torchrun's variables for this rank of MPI's world."""
    from mpi4py import MPI

    world = MPI.COMM_WORLD
    local = world.Split_type(MPI.COMM_TYPE_SHARED)  # the ranks on this machine
    hosts = world.allgather(socket.gethostname())
    first = world.bcast(socket.gethostname(), root=0)
    machines = list(dict.fromkeys(hosts))
    variables = {
        "RANK": world.Get_rank(),
        "WORLD_SIZE": world.Get_size(),
        "LOCAL_RANK": local.Get_rank(),
        "LOCAL_WORLD_SIZE": local.Get_size(),
        "GROUP_RANK": machines.index(socket.gethostname()),
        "MASTER_ADDR": first,
        "MASTER_PORT": os.environ.get("MASTER_PORT", "29500"),
    }
    local.Free()
    return {k: str(v) for k, v in variables.items()}


def say(line: str) -> None:
    """Write ``line`` to stderr in one write, so that it never interleaves with another rank's output
    (unbuffered, ``PYTHONUNBUFFERED=1``, ``print`` writes the text and its newline apart)."""
    sys.stderr.write(line + "\n")
    sys.stderr.flush()


def main() -> None:
    from mpi4py import MPI

    args = sys.argv[1:]
    as_module = bool(args) and args[0] == "-m"
    if as_module:
        args = args[1:]
    if not args:
        raise SystemExit("usage: python -m tinygrad_lenet.distributed.bootstrap [-m] SCRIPT [ARGS...]")
    os.environ.update(environment())
    rank, size = MPI.COMM_WORLD.Get_rank(), MPI.COMM_WORLD.Get_size()
    for stream in (sys.stdout, sys.stderr):  # whole lines: ranks' lines never mix, even under PYTHONUNBUFFERED
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(line_buffering=True, write_through=False)
    pids = os.environ.pop(PIDS_VARIABLE, None)
    if pids:  # the launcher's folder: it names this rank in place of mpiexec's block if a signal kills it
        Path(pids, f"rank-{rank}").write_text(str(os.getpid()))

    def report(line: str) -> None:
        """The one line about this rank's failure: left in the launcher's folder for the launcher to print
        once every rank has stopped (mpiexec may lose a dying rank's last output), else written here."""
        if pids:
            Path(pids, f"failed-{rank}").write_text(line)
        else:
            say(line)

    sys.argv = args
    try:
        if as_module:
            runpy.run_module(args[0], run_name="__main__", alter_sys=True)
        else:
            sys.path.insert(0, os.path.dirname(os.path.abspath(args[0])))
            runpy.run_path(args[0], run_name="__main__")
    except SystemExit as stop:
        if stop.code not in (None, 0) and size > 1:
            report(f"rank {rank} of {size} exited with {stop.code}: stopping every rank")
            MPI.COMM_WORLD.Abort(stop.code if isinstance(stop.code, int) else 1)
        raise
    except KeyboardInterrupt:
        raise SystemExit(130) from None
    except BaseException as error:
        traceback.print_exc()
        report(f"rank {rank} of {size} failed: {type(error).__name__}: {error}")
        MPI.COMM_WORLD.Abort(1)


if __name__ == "__main__":
    main()
