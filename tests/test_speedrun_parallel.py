"""``tinygrad-lenet speedrun --procs N``: our run as data-parallel ranks takes one process's steps.

The ranks make their own share of every batch (the distortions' draws of the whole batch made, only
their rows applied), train it in DistributedDataParallel and split the evaluations; their weights
after a short schedule equal one process's to float round-off, which a wrong share, a missed
average or a distortion drawn out of step would move by far more (see test_distributed_train).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("mpi4py")

import tinygrad_lenet as tl
from tinygrad_lenet.bench.workloads import lenet5
from tinygrad_lenet.serialization.checkpoint import load
from tinygrad_lenet.speedrun import RECIPES, train
from tinygrad_lenet.speedrun.data import load_split
from tinygrad_lenet.speedrun.parallel import launch
from tinygrad_lenet.speedrun.race import accuracy
from tinygrad_lenet.speedrun.runner import lenet5_name
from tinygrad_lenet.train.data_parallel import DataParallel

ROOT = Path(__file__).resolve().parent.parent
TOLERANCE = 1e-5
"""Relative difference allowed between the weights of one process and of two ranks after 15 steps of the
speedrun's SGD (measured: at most 1.1e-7; a compiled and an eager run of one process differ by as much, 7e-8).
Round-off grows fast under this recipe (3e-4 after 30 steps, 6% after 124), hence the short run."""
RUN = ["speedrun", "--data", "sample", "--recipe", "augmented", "--epochs", "2", "--target", "0.5", "--seeds", "3"]


def speedrun(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """``python -m tinygrad_lenet speedrun ARGS`` as a user runs it (ours only, no progress bars)."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        "TINYGRAD_LENET_MPI_WAIT": "sleep",  # waiting ranks leave the cores to the suite's other worker
    }
    line = [sys.executable, "-m", "tinygrad_lenet", *RUN, "--no-torch", "--no-progress", *args]
    return subprocess.run(line, capture_output=True, text=True, cwd=cwd, timeout=300, env=env)


def test_two_ranks_train_what_one_process_trains(tmp_path: Path) -> None:
    recipe = replace(RECIPES["augmented"], epochs=1, batch_size=512)  # 15 steps: round-off stays small
    split = load_split("sample", log=lambda _: None)
    one = train(tl, recipe, 3, None, lambda: split, progress=False)
    two, saved = launch(2, recipe, 3, None, "sample", None, False, True, save_to=str(tmp_path), log=lambda _: None)
    assert two.launched is not None and two.launched > two.seconds > 0 and one.launched is None
    assert two.epochs == one.epochs == 1 and abs(two.accuracy - one.accuracy) <= 0.002
    assert saved == str(tmp_path / "speedrun-augmented-seed3.safetensors")
    weights = load(Path(saved))["model"]
    assert one.state is not None
    for key, value in one.state.items():
        name = lenet5_name(key)
        difference = np.linalg.norm(np.asarray(weights[name], np.float64) - value) / np.linalg.norm(value)
        assert difference < TOLERANCE, (name, difference)


def test_the_command_names_the_processes_and_their_start(tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    done = speedrun("--procs", "2", "--epochs", "1", "--json", str(report), cwd=tmp_path)
    assert done.returncode == 0, (done.stdout[-3000:], done.stderr[-3000:])
    assert "seed 3: ours (2 processes) " in done.stdout and " s from starting the ranks" in done.stdout
    assert done.stdout.strip().splitlines()[-1].startswith("target 50.00%: ours (2 processes) ")
    figures = json.loads(report.read_text())
    assert figures["procs"] == 2 and figures["runs"]["tinygrad_lenet"][0]["launched"] > 0


def test_ranks_that_cannot_share_a_batch_equally_are_refused(tmp_path: Path) -> None:
    done = speedrun("--procs", "3", cwd=tmp_path)
    assert done.returncode == 1
    assert "--procs 3: recipe augmented's batches of 128 cannot be shared equally by 3 ranks" in done.stderr


class OneRank(DataParallel):
    """Rank ``rank`` of ``size``, without MPI: its sums are its own values (the test adds the ranks')."""

    def __init__(self, rank: int, size: int) -> None:
        self.rank, self.size = rank, size

    def sum(self, *values: float) -> list[float]:
        return list(values)


def test_the_ranks_evaluations_count_every_digit_once() -> None:
    split = load_split("sample", log=lambda _: None)
    tl.manual_seed(0)
    model = lenet5(tl).eval()
    whole = accuracy(tl, model, split, chunk=300)  # 1,000 digits: chunks of 300, 300, 300, 100
    for size in (2, 3):
        shares = [accuracy(tl, model, split, chunk=300, world=OneRank(r, size)) for r in range(size)]
        assert sum(shares) == pytest.approx(whole, abs=1e-12)
    assert 0.02 < whole < 0.5  # an untrained model: some right, most wrong, so a lost or doubled row shows


def test_an_error_in_the_ranks_is_one_line_and_the_command_fails(tmp_path: Path) -> None:
    for name in (
        "train-images-idx3-ubyte",
        "train-labels-idx1-ubyte",
        "t10k-images-idx3-ubyte",
        "t10k-labels-idx1-ubyte",
    ):
        (tmp_path / name).write_bytes(b"\x00\x00\x08\x03 not an IDX file")  # found, so nothing is downloaded
    done = speedrun("--procs", "2", "--data", "full", "--data-dir", str(tmp_path), cwd=tmp_path)
    assert done.returncode == 1
    errors = [line for line in done.stderr.splitlines() if line.startswith("tinygrad-lenet speedrun: error: ")]
    assert f"--data-dir {tmp_path} does not hold a usable MNIST" in errors[0]
    assert errors[-1].endswith("--procs 2: the ranks of seed 3 stopped (exit 1), as said above")
    assert "Traceback" not in done.stderr


def test_sigterm_stops_the_command_and_its_ranks(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    line = [sys.executable, "-m", "tinygrad_lenet", "speedrun", "--data", "sample", "--recipe", "ceiling"]
    command = subprocess.Popen(  # 500 epochs: minutes of training, were the ranks not stopped
        [*line, "--epochs", "500", "--seeds", "4242", "--procs", "2", "--no-torch", "--no-progress"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
        env={**env, "TINYGRAD_LENET_MPI_WAIT": "sleep"},
    )
    assert command.stdout is not None
    assert command.stdout.readline().startswith("recipe ceiling")
    assert command.stdout.readline().startswith("goal:")  # the ranks are being started
    time.sleep(3.0)
    command.send_signal(signal.SIGTERM)
    assert command.wait(timeout=60) == 143
    deadline = time.monotonic() + 10  # (the launcher may take a moment to reap them)
    while ranks_of_seed(4242) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert ranks_of_seed(4242) == []  # none left running on its own
    out, err = command.communicate(timeout=60)
    assert "tinygrad-lenet speedrun: terminated (SIGTERM)" in err and "Traceback" not in err
    assert "(SIGTERM) sent to the launcher: every rank stopped" in err  # passed on, not left to a broken pipe


def ranks_of_seed(seed: int) -> list[int]:
    """The processes whose command line holds a speedrun rank's job for ``seed``."""
    found = []
    for folder in Path("/proc").glob("[0-9]*"):
        try:
            words = (folder / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"tinygrad_lenet.speedrun.ranks" in words and any(f'"seed": {seed},'.encode() in w for w in words):
            found.append(int(folder.name))
    return found
