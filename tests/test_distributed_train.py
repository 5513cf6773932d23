"""``tinygrad-lenet train --procs N``: data-parallel training over MPI ranks gives one process's run.

The runs compared train LeNet-5 (Adam) on the bundled sample with batches of 512 for two epochs (32
steps). Float32 training is chaotic: the round-off of a different but equally exact computation (two
halves of a batch instead of one, or compiled against eager) grows through every step, by orders of
magnitude over a few hundred (250 steps of batch 64 leave a compiled and an eager run of one process
10-26% apart); 32 steps keep it near 1e-6, where a real mistake (a wrong share, an unweighted average,
a missed reduction) shows as 1e-2 or more. Two ranks agree with one process to ~1e-7; four ranks (128
rows each) to ~3e-5 in conv2.weight, all of it in a few elements whose Adam step divides a near-zero
gradient by its near-zero running magnitude (the median element differs by 2e-10): their tolerance is
1e-4.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("mpi4py")

from tinygrad_lenet.serialization.checkpoint import load
from tinygrad_lenet.train.data_parallel import DataParallel

ROOT = Path(__file__).resolve().parent.parent
RUN = ["train", "--data", "sample", "--batch-size", "512", "--no-progress"]


def train(*args: str, cwd: Path, timeout: float = 240) -> subprocess.CompletedProcess:
    """``python -m tinygrad_lenet ARGS`` as a user runs it (its output a pipe)."""
    env = {  # the sleeping wait: waiting ranks leave the cores to the suite's other worker (same results)
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        "TINYGRAD_LENET_MPI_WAIT": "sleep",
    }
    return subprocess.run(
        [sys.executable, "-m", "tinygrad_lenet", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=timeout,
        env=env,
        stdin=subprocess.DEVNULL,
    )


def trained(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    result = train(*args, cwd=cwd)
    assert result.returncode == 0, (result.stdout[-3000:], result.stderr[-3000:])
    return result


def relative_differences(a: Path, b: Path) -> dict[str, float]:
    """Per parameter, ||a - b|| / ||a|| of the two checkpoints' models."""
    ma, mb = load(a)["model"], load(b)["model"]
    assert ma.keys() == mb.keys()
    out = {}
    for name in ma:
        x, y = np.asarray(ma[name], dtype=np.float64), np.asarray(mb[name], dtype=np.float64)
        out[name] = float(np.linalg.norm(x - y) / np.linalg.norm(x))
    return out


def assert_same_run(one: Path, many: Path, tolerance: float = 1e-5) -> None:
    """Same parameters (to float32 round-off), same accuracies, losses equal to round-off."""
    worst = relative_differences(one / "last.safetensors", many / "last.safetensors")
    assert max(worst.values()) < tolerance, worst
    h1, h2 = (json.loads((f / "history.json").read_text()) for f in (one, many))
    assert [r["epoch"] for r in h1] == [r["epoch"] for r in h2]
    for r1, r2 in zip(h1, h2):
        assert r1["train_accuracy"] == r2["train_accuracy"] and r1["test_accuracy"] == r2["test_accuracy"], (r1, r2)
        assert r1["lr"] == r2["lr"]
        for key in ("train_loss", "test_loss"):
            assert r2[key] == pytest.approx(r1[key], rel=1e-5), (key, r1, r2)


def assert_only_rank_0_wrote(one: Path, many: Path) -> None:
    """The folder of the ranks holds exactly the files one process writes: no temporaries, no lock, one
    train.log with one line per epoch."""
    assert sorted(p.name for p in many.iterdir()) == sorted(p.name for p in one.iterdir())
    assert (many / "train.log").read_text().count("\n") == (one / "train.log").read_text().count("\n")


@pytest.fixture(scope="module")
def one_process(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The plain single-process run the others are compared with."""
    cwd = tmp_path_factory.mktemp("one")
    trained(*RUN, "--epochs", "2", "--out", "one", cwd=cwd)
    return cwd / "one"


@pytest.mark.slow
def test_two_ranks_train_as_one_process(one_process: Path, tmp_path: Path) -> None:
    result = trained(*RUN, "--epochs", "2", "--procs", "2", "--out", "two", cwd=tmp_path)
    assert result.stdout.count("epoch   2/2") == 1, result.stdout  # rank 0 alone prints
    assert "(2 ranks x 256)" in result.stdout
    assert_same_run(one_process, tmp_path / "two")
    assert_only_rank_0_wrote(one_process, tmp_path / "two")
    assert load(tmp_path / "two" / "last.safetensors")["metadata"]["procs"] == 2
    assert load(one_process / "last.safetensors")["metadata"]["procs"] == 1


@pytest.mark.slow
def test_resume_a_two_rank_run_with_one_process(one_process: Path, tmp_path: Path) -> None:
    """The checkpoint of a 2-rank run holds what one process would hold: one process continues it to
    the uninterrupted run's result, and the metadata notes who wrote it last."""
    trained(*RUN, "--epochs", "1", "--procs", "2", "--out", "run", cwd=tmp_path)
    assert load(tmp_path / "run" / "last.safetensors")["metadata"]["procs"] == 2
    trained("train", "--resume", "run/last.safetensors", "--epochs", "2", "--no-progress", cwd=tmp_path)
    assert load(tmp_path / "run" / "last.safetensors")["metadata"]["procs"] == 1
    assert_same_run(one_process, tmp_path / "run")
    assert_only_rank_0_wrote(one_process, tmp_path / "run")


@pytest.mark.slow
def test_four_ranks_and_a_one_process_run_resumed_with_two(one_process: Path, tmp_path: Path) -> None:
    trained(*RUN, "--epochs", "2", "--procs", "4", "--out", "four", cwd=tmp_path)
    assert_same_run(one_process, tmp_path / "four", tolerance=1e-4)
    assert_only_rank_0_wrote(one_process, tmp_path / "four")
    trained(*RUN, "--epochs", "1", "--out", "run", cwd=tmp_path)
    trained("train", "--resume", "run/last.safetensors", "--epochs", "2", "--procs", "2", "--no-progress", cwd=tmp_path)
    assert_same_run(one_process, tmp_path / "run")


def test_batch_size_must_divide_among_the_ranks(tmp_path: Path) -> None:
    result = train(*RUN, "--batch-size", "63", "--procs", "2", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "tinygrad-lenet train: error: --batch-size 63 is not divisible by --procs 2: every rank takes an equal "
        "share of each batch; give a batch size that is a multiple of 2"
    ]
    assert not list(tmp_path.iterdir())


def test_a_failing_rank_stops_every_rank_with_one_line(tmp_path: Path) -> None:
    """Rank 0 cannot open the folder (it holds another run): it says why, once, and no rank is left."""
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "last.safetensors").write_bytes(b"an earlier run")
    start = time.monotonic()
    result = train(*RUN, "--procs", "2", "--out", "taken", cwd=tmp_path, timeout=60)
    assert result.returncode == 1, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "taken already holds a run" in lines[0], result.stderr
    assert time.monotonic() - start < 30
    assert sorted(p.name for p in (tmp_path / "taken").iterdir()) == ["last.safetensors"]


@pytest.mark.slow
def test_sigterm_stops_every_rank_and_says_once_how_to_continue(one_process: Path, tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TINYGRAD_LENET_MPI_WAIT": "sleep"}
    line = [sys.executable, "-m", "tinygrad_lenet", *RUN, "--epochs", "40", "--procs", "2", "--out", "run"]
    process = subprocess.Popen(line, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    last = tmp_path / "run" / "last.safetensors"
    deadline = time.monotonic() + 120
    while not last.exists():
        assert process.poll() is None and time.monotonic() < deadline, process.communicate()
        time.sleep(0.05)
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 143, (out, err)
    assert err.count("interrupted: ") == 1 and "tinygrad-lenet train --resume run/last.safetensors" in err, err
    assert err.strip().splitlines()[-1] == "tinygrad-lenet train: terminated (SIGTERM)", err
    assert "Traceback" not in err and "rank" not in err, err
    names = {p.name for p in (tmp_path / "run").iterdir()}
    assert not {n for n in names if n.endswith(".tmp") or n.startswith(".lock")}, names
    ranks = "--epochs 40 --out run --rank-of 2"
    assert subprocess.run(["pgrep", "-f", "--", ranks], capture_output=True).stdout == b""
    trained("train", "--resume", "run/last.safetensors", "--epochs", "2", "--no-progress", cwd=tmp_path)


class _Rank(DataParallel):
    """A rank's arithmetic without MPI."""

    def __init__(self, rank: int, size: int) -> None:
        self.rank, self.size = rank, size


def test_shares_cover_every_row_once_and_weights_make_the_global_mean() -> None:
    """The split of a batch among N ranks and the weights of their losses: DDP's mean of the weighted
    rank losses is the mean over the whole batch (a rank with no rows trains one with weight 0)."""
    from tinygrad_lenet import tensor

    for size in (1, 2, 3, 4):
        for n in (1, 2, 5, 64, 200):
            rows, weights, total = [], [], 0.0
            for rank in range(size):
                (part,), real, weight = _Rank(rank, size).share(tensor(np.arange(n, dtype=np.float64)))
                rows += list(part.numpy()[:real])
                weights.append(weight)
                total += weight * (part.numpy().mean() if len(part) else 0.0)
                assert len(part) == max(real, 1)
            assert rows == list(range(n))
            assert total / size == pytest.approx(np.arange(n).mean())
            if n % size == 0:
                assert weights == [1.0] * size
