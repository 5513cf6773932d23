"""Nothing a user trained is lost and nothing asked for is ignored: run folders, locks, resume, Ctrl-C
and SIGKILL at random moments, all through the installed command."""

from __future__ import annotations

import json
import os
import queue
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
import weakref
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from installed_command import COMMAND, one_line_error, run

import tinygrad_lenet as tl
from tinygrad_lenet.base.interrupts import Terminated, raise_pending_interrupt, signals_as_interrupt

SAMPLE = ["--data", "sample"]
SOFTMAX = ["train", "--model", "softmax", *SAMPLE]
ONE_THREAD = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}  # bit-identical numbers across the runs compared


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def history_lrs(folder: Path) -> list[float]:
    return [row["lr"] for row in json.loads((folder / "history.json").read_text())]


def wait_for(path: Path, process: subprocess.Popen, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, f"{path} did not appear"
        time.sleep(0.02)


def epoch_lines(process: subprocess.Popen) -> queue.Queue[str | None]:
    """The epoch lines the process prints, as they come (a thread reads them); None when its output ends."""
    lines: queue.Queue[str | None] = queue.Queue()

    def read() -> None:
        for line in process.stdout:
            if line.startswith("epoch"):
                lines.put(line)
        lines.put(None)

    threading.Thread(target=read, daemon=True).start()
    return lines


def without_seconds(rows: list[dict]) -> list[dict]:
    """History rows less their wall-clock seconds, the one column two identical runs differ in."""
    return [{k: v for k, v in row.items() if k != "seconds"} for row in rows]


# --- runs never overwrite runs -------------------------------------------------------------------------
@pytest.mark.slow
def test_a_folder_holding_a_run_is_refused_and_overwrite_moves_it_aside(tmp_path: Path) -> None:
    first = run(*SOFTMAX, "--epochs", "1", "--out", "run", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "epoch   1/1" in first.stdout and "batch/s" not in first.stderr  # no progress bar in a pipe
    assert "on the bundled sample of 1,000 test digits (accuracies on it are lower than" in first.stdout
    kept = files_of(tmp_path / "run")
    assert not [name for name in kept if name.startswith(".")]  # no lock or temporary file left behind
    one_line_error(
        run(*SOFTMAX, "--epochs", "2", "--out", "run", cwd=tmp_path),
        1,
        "run already holds a run",
        "--resume run/last.safetensors",
        "another --out",
        "--overwrite",
    )
    assert files_of(tmp_path / "run") == kept
    moved = run(*SOFTMAX, "--epochs", "1", "--lr", "0.01", "--out", "run", "--overwrite", cwd=tmp_path)
    assert moved.returncode == 0, moved.stderr
    (aside,) = tmp_path.glob("run.replaced-*")
    assert "moved the earlier run of run to" in moved.stdout and files_of(aside) == kept
    assert tl.load(tmp_path / "run" / "last.safetensors")["metadata"]["config"]["lr"] == 0.01


@pytest.mark.slow
def test_a_second_run_into_a_folder_in_use_fails_at_once_and_a_stale_lock_is_taken_over(tmp_path: Path) -> None:
    """The first run is stopped (SIGSTOP) while it holds the folder, so the second cannot succeed by
    waiting for it: it must fail at once, whatever the machine's speed."""
    holder = subprocess.Popen(
        [COMMAND, *SOFTMAX, "--epochs", "1000", "--out", "run"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for(tmp_path / "run" / "last.safetensors", holder)  # training: past taking the lock
        assert (tmp_path / "run" / ".lock").exists()
        holder.send_signal(signal.SIGSTOP)
        second = run(*SOFTMAX, "--epochs", "1", "--out", "run", cwd=tmp_path, timeout=120)
        one_line_error(second, 1, f"run is in use by another training (process {holder.pid}")
    finally:
        holder.send_signal(signal.SIGCONT)
        holder.send_signal(signal.SIGINT)
        _, err = holder.communicate(timeout=120)
    assert holder.returncode == 130, err
    assert not (tmp_path / "run" / ".lock").exists()
    gone = subprocess.Popen(["true"])
    gone.wait()
    stale = tmp_path / "stale"
    stale.mkdir()
    (stale / ".lock").write_text(json.dumps({"pid": gone.pid, "host": os.uname().nodename, "started": "earlier"}))
    result = run(*SOFTMAX, "--epochs", "1", "--out", "stale", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert f"removed the stale lock of a run that is gone (process {gone.pid})" in result.stdout


# --- resume is explicit ----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def cosine_trained(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A finished run of 2 epochs with a cosine schedule, trained once for the tests below."""
    folder = tmp_path_factory.mktemp("cosine")
    result = run(*SOFTMAX, "--epochs", "2", "--schedule", "cosine", "--out", "run", cwd=folder)
    assert result.returncode == 0, result.stderr
    return folder / "run"


@pytest.fixture()
def cosine_run(cosine_trained: Path, tmp_path: Path) -> Path:
    """A copy of that run (times of the files kept) for one test to resume or change."""
    return Path(shutil.copytree(cosine_trained, tmp_path / "run"))


def test_resume_refuses_what_would_make_it_another_run(cosine_run: Path) -> None:
    before = files_of(cosine_run)
    last = str(cosine_run / "last.safetensors")
    for option, fragment in (
        (["--optimizer", "sgd"], "trained with optimizer 'adam'; 'sgd' would make it another run"),
        (["--model", "mlp"], "trained with model 'softmax'; 'mlp' would make it another run"),
        (["--loss", "mse"], "trained with loss 'cross_entropy'"),
        (["--seed", "3"], "trained with seed 0"),
    ):
        one_line_error(
            run("train", "--resume", last, *option, "--epochs", "3", *SAMPLE, cwd=cosine_run.parent),
            1,
            fragment,
            "cannot be changed on resume",
        )
    assert files_of(cosine_run) == before


@pytest.mark.slow
def test_resume_extends_a_cosine_schedule_for_the_new_total(cosine_run: Path) -> None:
    result = run("train", "--resume", str(cosine_run / "last.safetensors"), "--epochs", "4", cwd=cosine_run.parent)
    assert result.returncode == 0, result.stderr
    assert "resume: epochs 2 -> 4, from epoch 3" in result.stdout
    assert "resume: schedule cosine rebuilt for 4 epochs; epoch 3 trains at lr 0.0005" in result.stdout
    # the run went on with the saved options (softmax, the sample) without repeating them
    expected = [1e-3 * (1 + np.cos(np.pi * e / 4)) / 2 for e in (2, 3)]
    assert history_lrs(cosine_run) == pytest.approx([1e-3, 5e-4, *expected])  # not 0 at epoch 3, then falling


@pytest.mark.slow
def test_resume_applies_a_new_learning_rate_and_says_so(cosine_run: Path) -> None:
    result = run(
        "train",
        "--resume",
        str(cosine_run / "last.safetensors"),
        "--epochs",
        "3",
        "--lr",
        "0.01",
        "--schedule",
        "constant",
        cwd=cosine_run.parent,
    )
    assert result.returncode == 0, result.stderr
    assert "resume: lr 0.001 -> 0.01, from epoch 3" in result.stdout
    assert "resume: schedule 'cosine' -> 'constant', from epoch 3" in result.stdout
    assert history_lrs(cosine_run)[2] == pytest.approx(0.01)
    assert tl.load(cosine_run / "last.safetensors")["optimizer"]["param_groups"][0]["lr"] == pytest.approx(0.01)


@pytest.mark.slow
def test_resuming_a_finished_run_changes_nothing(cosine_run: Path) -> None:
    before = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in cosine_run.iterdir()}
    result = run("train", "--resume", str(cosine_run / "last.safetensors"), cwd=cosine_run.parent)
    assert result.returncode == 0
    assert "the run is finished (2 of 2 epochs); nothing was changed" in result.stdout
    assert {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in cosine_run.iterdir()} == before


@pytest.mark.slow
def test_a_run_records_what_its_numbers_depend_on(cosine_run: Path) -> None:
    environment = tl.load(cosine_run / "last.safetensors")["metadata"]["environment"]
    assert environment["numpy"] == np.__version__ and environment["cpus"] == os.cpu_count()
    assert environment["blas"] and all(isinstance(b["num_threads"], int) for b in environment["blas"])


# --- interruptions ---------------------------------------------------------------------------------------
def test_ctrl_c_says_how_to_resume(tmp_path: Path) -> None:
    process = subprocess.Popen(
        [COMMAND, *SOFTMAX, "--epochs", "1000", "--out", "run"],  # far more epochs than it runs
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    wait_for(tmp_path / "run" / "last.safetensors", process)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 130 and "Traceback" not in err
    assert "holds the run after epoch" in err and "tinygrad-lenet train --resume run/last.safetensors" in err
    assert not (tmp_path / "run" / ".lock").exists()


@pytest.mark.parametrize(("signum", "raised"), [(signal.SIGINT, KeyboardInterrupt), (signal.SIGTERM, Terminated)])
def test_an_interrupt_a_finalizer_swallowed_is_raised_at_the_next_step(signum: int, raised: type) -> None:
    """Python ignores an exception raised inside a finalizer (the garbage collector runs them between any
    two lines): the signal is remembered and the training loops raise it at their next step. Python's
    "Exception ignored" report of it, a traceback, is left out (it once failed a SIGTERM test at random);
    any other ignored exception is still reported."""

    def signalled_while_collected() -> None:
        signal.raise_signal(signum)
        for _ in range(1000):  # Python runs the handler here, inside the finalizer
            pass

    class Held:
        pass

    reported: list[Any] = []
    report = sys.unraisablehook
    sys.unraisablehook = reported.append
    try:
        with signals_as_interrupt():
            holder = Held()
            weakref.finalize(holder, signalled_while_collected)
            del holder  # the interrupt does not propagate out of the finalizer
            with pytest.raises(raised):
                raise_pending_interrupt()
            raise_pending_interrupt()  # raised once, not again
            weakref.finalize(Held(), lambda: 1 / 0)
    finally:
        sys.unraisablehook = report
    assert [type(r.exc_value) for r in reported] == [ZeroDivisionError]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


@pytest.mark.slow
def test_sigkill_at_random_moments_never_loses_the_run_and_resume_finishes_it_identically(tmp_path: Path) -> None:
    """20 SIGKILLs at moments chosen on the run's observed progress, in turn: during start-up, while
    an epoch's files are written (right after its line is printed), and part way into the next epoch;
    after each, the folder holds a loadable last checkpoint no older than before; resuming each time
    and once more at the end gives the same weights and history as a run never interrupted.

    The kills wait for the run's own output, not for wall-clock delays, so the test neither depends
    on the machine's speed nor waits longer than needed: each kill costs the run at most a few
    epochs, far fewer than it has."""
    epochs = 50
    args = [*SOFTMAX, "--epochs", str(epochs), "--batch-size", "500", "--no-progress"]
    straight = run(*args, "--out", "straight", cwd=tmp_path, env=ONE_THREAD)
    assert straight.returncode == 0, straight.stderr
    # how long an epoch takes here (training and evaluation), observed in the run never interrupted
    epoch_seconds = float(
        np.median([row["seconds"] for row in tl.load(tmp_path / "straight" / "last.safetensors")["history"]])
    )
    folder, rng, epoch = tmp_path / "killed", random.Random(0), 0
    last, errors = folder / "last.safetensors", tmp_path / "stderr.txt"
    start_up = None  # seconds from launch to the first epoch's line, observed on the first kill
    for kill in range(20):
        resume = ["--resume", str(last)] if last.exists() else []
        with errors.open("w") as stderr:
            process = subprocess.Popen(
                [COMMAND, *args, "--out", str(folder), *resume],
                cwd=tmp_path,
                env={**os.environ, **ONE_THREAD, "PYTHONUNBUFFERED": "1"},
                stdout=subprocess.PIPE,
                stderr=stderr,
                text=True,
            )
        launched, lines = time.monotonic(), epoch_lines(process)
        moment = ("while writing", "start-up", "mid-epoch")[kill % 3]
        if moment == "start-up" and start_up is not None:
            time.sleep(rng.uniform(0, start_up))
        else:
            for _ in range(rng.randint(1, 2)):
                line = lines.get(timeout=300)
                assert line is not None, f"the run ended before it was killed: {errors.read_text()}"
                start_up = start_up or time.monotonic() - launched
            if moment == "mid-epoch":
                time.sleep(rng.uniform(0, epoch_seconds))
        process.kill()
        process.wait(timeout=60)
        assert process.returncode == -signal.SIGKILL, (process.returncode, errors.read_text())
        if epoch:
            assert last.exists()
        if last.exists():
            saved = tl.load(last)["metadata"]["epoch"]  # loads: complete, and its digest matches
            assert saved >= epoch
            epoch = saved
    assert epoch < epochs
    finished = run(*args, "--out", str(folder), "--resume", str(last), cwd=tmp_path, env=ONE_THREAD)
    assert finished.returncode == 0, finished.stderr
    ours, theirs = tl.load(last), tl.load(tmp_path / "straight" / "last.safetensors")
    for key, value in theirs["model"].items():
        np.testing.assert_array_equal(ours["model"][key], value, err_msg=key)
    assert without_seconds(ours["history"]) == without_seconds(theirs["history"])
    assert len(json.loads((folder / "history.json").read_text())) == epochs


@pytest.mark.slow
def test_threads_option_sets_and_records_the_blas_threads(tmp_path: Path) -> None:
    result = run(*SOFTMAX, "--epochs", "1", "--threads", "1", "--out", "run", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    metadata = tl.load(tmp_path / "run" / "last.safetensors")["metadata"]
    assert metadata["config"]["threads"] == 1 and {b["num_threads"] for b in metadata["environment"]["blas"]} == {1}
    one_line_error(
        run(*SOFTMAX, "--threads", "0", "--out", "other", cwd=tmp_path),
        2,
        "--threads: expected a number of threads >= 1 or 'auto', got '0'",
    )
    result = run(*SOFTMAX, "--epochs", "1", "--threads", "auto", "--out", "auto", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert tl.load(tmp_path / "auto" / "last.safetensors")["metadata"]["config"]["threads"] == "auto"
