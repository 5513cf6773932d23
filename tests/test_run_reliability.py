"""Runs that stop where the user did not plan it, and are continued where the user expects: a moved,
copied or relatively named run folder, a run stopped while it drew its final report, SIGTERM, and
writes the disk refuses (disk full, read-only, no permission), injected at 20 random moments."""

from __future__ import annotations

import errno
import os
import random
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from installed_command import COMMAND

import tinygrad_lenet as tl
from tinygrad_lenet.cli import main

SOFTMAX = ["train", "--model", "softmax", "--data", "sample", "--no-progress", "--threads", "1"]
REPORT = {"report.txt", "confusion.png", "curves.png", "mistakes.png", "filters.png"}  # softmax's, beside the graph


def drawn_graph(folder: Path) -> bool:
    """graph.svg, or graph.dot where Graphviz is not installed (all a run can draw without it)."""
    return (folder / "graph.svg").exists() or (shutil.which("dot") is None and (folder / "graph.dot").exists())


def train(*args: str) -> int:
    return main([*SOFTMAX, *args])


def weights_and_history(checkpoint: Path) -> tuple[dict[str, np.ndarray], list[dict]]:
    state = tl.load(checkpoint)
    rows = [{k: v for k, v in row.items() if k != "seconds"} for row in state["history"]]
    return {k: np.asarray(v) for k, v in state["model"].items()}, rows


def assert_same_run(ours: Path, theirs: Path) -> None:
    (w1, h1), (w2, h2) = weights_and_history(ours), weights_and_history(theirs)
    assert h1 == h2
    for key, value in w2.items():
        np.testing.assert_array_equal(w1[key], value, err_msg=key)


def error_line(capsys: pytest.CaptureFixture) -> str:
    err = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert len(err) == 1 and "Traceback" not in err[0], err
    return err[0]


# --- 1. resume writes where the checkpoint is ------------------------------------------------------------
def test_a_moved_run_resumes_in_its_new_folder_and_the_old_path_stays_absent(tmp_path: Path) -> None:
    assert train("--epochs", "1", "--out", str(tmp_path / "first")) == 0
    (tmp_path / "first").rename(tmp_path / "moved")
    assert train("--epochs", "2", "--resume", str(tmp_path / "moved" / "last.safetensors")) == 0
    assert not (tmp_path / "first").exists()
    assert tl.load(tmp_path / "moved" / "last.safetensors")["metadata"]["epoch"] == 2


def test_a_copy_resumes_in_the_copy_and_the_original_is_untouched(tmp_path: Path) -> None:
    assert train("--epochs", "1", "--out", str(tmp_path / "original")) == 0
    shutil.copytree(tmp_path / "original", tmp_path / "copy")
    before = {p.name: p.read_bytes() for p in (tmp_path / "original").iterdir()}
    assert train("--epochs", "2", "--resume", str(tmp_path / "copy" / "last.safetensors")) == 0
    assert tl.load(tmp_path / "copy" / "last.safetensors")["metadata"]["epoch"] == 2
    assert {p.name: p.read_bytes() for p in (tmp_path / "original").iterdir()} == before


def test_a_run_made_with_a_relative_out_resumes_from_another_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "here").mkdir()
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "here")
    assert train("--epochs", "1", "--out", "runs/relative") == 0
    assert "out" not in tl.load("runs/relative/last.safetensors")["metadata"]["config"]  # no path recorded as its home
    monkeypatch.chdir(tmp_path / "elsewhere")
    assert train("--epochs", "2", "--resume", "../here/runs/relative/last.safetensors") == 0
    assert list((tmp_path / "elsewhere").iterdir()) == []
    assert tl.load(tmp_path / "here/runs/relative/last.safetensors")["metadata"]["epoch"] == 2


# --- 4. a finished run whose report is incomplete is completed ---------------------------------------------
@pytest.fixture(scope="module")
def finished_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("finished") / "run"
    assert train("--epochs", "2", "--out", str(out)) == 0
    return out


@pytest.mark.xdist_group("finished_run")
def test_resuming_a_finished_run_draws_only_what_its_report_lacks(
    finished_run: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    run = shutil.copytree(finished_run, tmp_path / "run")
    for name in ("curves.png", "mistakes.png"):
        (run / name).unlink()
    kept = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in run.iterdir()}
    assert train("--resume", str(run / "last.safetensors")) == 0
    out = capsys.readouterr().out
    assert "the run is finished (2 of 2 epochs); drew what its final report lacked: curves.png, mistakes.png" in out
    assert "nothing else was changed" in out
    assert {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in run.iterdir() if p.name in kept} == kept
    assert (run / "curves.png").read_bytes() == (finished_run / "curves.png").read_bytes()
    assert REPORT <= {p.name for p in run.iterdir()} and drawn_graph(run)


@pytest.mark.xdist_group("finished_run")
def test_eval_out_redraws_every_file_of_a_run(finished_run: Path, tmp_path: Path) -> None:
    out = tmp_path / "redrawn"
    assert (
        main(["eval", "--checkpoint", str(finished_run / "last.safetensors"), "--data", "sample", "--out", str(out)])
        == 0
    )
    assert REPORT <= {p.name for p in out.iterdir()} and drawn_graph(out)
    for name in REPORT:
        assert (out / name).read_bytes() == (finished_run / name).read_bytes(), name


# --- 5. SIGTERM is Ctrl-C; refused writes name the file asked for ------------------------------------------
@pytest.mark.slow
def test_sigterm_stops_a_run_as_ctrl_c_does(tmp_path: Path) -> None:
    process = subprocess.Popen(
        [COMMAND, *SOFTMAX, "--epochs", "1000", "--out", "run"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    last, deadline = tmp_path / "run" / "last.safetensors", time.monotonic() + 120
    while not last.exists():
        assert process.poll() is None and time.monotonic() < deadline, process.communicate()
        time.sleep(0.02)
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 143 and "Traceback" not in err, err
    assert "holds the run after epoch" in err and "tinygrad-lenet train --resume run/last.safetensors" in err
    assert "terminated (SIGTERM)" in err
    assert not (tmp_path / "run" / ".lock").exists()
    assert not [p for p in (tmp_path / "run").iterdir() if p.name.endswith(".tmp")]


def refuse(monkeypatch: pytest.MonkeyPatch, code: int) -> None:
    """Make every new file the system is asked for fail with ``code``, as a read-only or
    unwritable folder does (this test runs as root on some machines, where permissions do not
    stop writes)."""

    def refused(*args: Any, **kwargs: Any) -> Any:
        raise OSError(code, os.strerror(code), os.path.join(kwargs.get("dir") or "", ".x.tmp"))

    monkeypatch.setattr(tempfile, "mkstemp", refused)


@pytest.mark.xdist_group("finished_run")
@pytest.mark.parametrize(
    ("code", "says"),
    [
        (errno.ENOSPC, "no space left on the device; free some space, then run the command again"),
        (errno.EROFS, "the file system is read-only; write somewhere else, then run the command again"),
        (errno.EACCES, "permission denied; write into a folder you may write to, then run the command again"),
    ],
)
def test_a_refused_write_names_the_file_asked_for(
    finished_run: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture,
    code: int,
    says: str,
) -> None:
    checkpoint = str(finished_run / "last.safetensors")
    out = tmp_path / "ro"
    held = shutil.copytree(finished_run, tmp_path / "held")
    csv = write_kaggle_csv(tmp_path)
    refuse(monkeypatch, code)
    commands = {  # the command, and the file it writes first (graph writes the drawing's source first)
        ("kaggle", "--checkpoint", checkpoint, "--test-csv", str(csv), "--out", str(out / "sub.csv")): "sub.csv",
        ("graph", "--model", "softmax", "--out", str(out / "g.svg")): "g.dot",
        ("export", "--model", "softmax", "--out", str(out / "m.onnx")): "m.onnx",
    }
    for args, written in commands.items():
        assert main(list(args)) == 1
        line = error_line(capsys)
        assert f"cannot write {out / written}: {says}" in line and ".tmp" not in line, line
    assert main(["eval", "--checkpoint", checkpoint, "--data", "sample", "--out", str(out)]) == 1
    line = [x for x in capsys.readouterr().err.splitlines() if x.strip()][-1]
    assert f"cannot write {out / 'report.txt'}: {says}" in line and ".tmp" not in line
    assert train("--epochs", "1", "--out", str(held), "--overwrite") == 1
    line = error_line(capsys)
    assert f"cannot write {held}: " in line and ".lock" not in line, line


def write_kaggle_csv(folder: Path) -> Path:
    path = folder / "test.csv"
    pixels = np.zeros((2, 784), dtype=np.uint8)
    path.write_text("\n".join([",".join(f"pixel{i}" for i in range(784)), *(",".join(map(str, r)) for r in pixels)]))
    return path


# --- 8. the disk refuses a write at a random moment: nothing is lost, resuming finishes identically ---------
FDOPEN: Callable[..., Any] = os.fdopen


class FullDisk:
    """Counts the files written (``os.fdopen`` is how the atomic writer opens each), and from the
    ``fail_at``-th on, writes half the bytes and raises ENOSPC, as a disk that fills up does."""

    def __init__(self, fail_at: int | None) -> None:
        self.fail_at, self.count = fail_at, 0

    def __call__(self, fd: int, *args: Any, **kwargs: Any) -> Any:
        file = FDOPEN(fd, *args, **kwargs)
        self.count += 1
        if self.fail_at is None or self.count < self.fail_at:
            return file
        write = file.write

        def half_then_full(blob: bytes) -> int:
            write(blob[: len(blob) // 2])
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        file.write = half_then_full
        return file


@pytest.mark.slow
def test_a_disk_that_fills_up_at_20_random_moments_loses_nothing_and_resuming_finishes_identically(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    """The whole run counts its writes; each of 20 trials fills the disk at a random one of them
    (an epoch's checkpoints, history, log, or the final report), checks that the folder's
    checkpoints still load and that the one line printed names the file and the resume command,
    then resumes on a disk with room and compares with the run never interrupted."""
    epochs = ["--epochs", "3"]
    counter = FullDisk(None)
    monkeypatch.setattr(os, "fdopen", counter)
    assert train(*epochs, "--out", str(tmp_path / "straight")) == 0
    writes = counter.count
    capsys.readouterr()
    rng = random.Random(0)
    for trial, fail_at in enumerate(rng.sample(range(1, writes + 1), 20)):
        folder = tmp_path / f"full{trial}"
        monkeypatch.setattr(os, "fdopen", FullDisk(fail_at))
        assert train(*epochs, "--out", str(folder)) == 1, fail_at
        line = error_line(capsys)
        assert "no space left on the device. Free some space" in line and ".tmp" not in line, line
        for checkpoint in ("last.safetensors", "best.safetensors"):
            if (folder / checkpoint).exists():
                tl.load(folder / checkpoint)  # complete: its digest matches
        assert not [p.name for p in folder.iterdir() if p.name.endswith(".tmp") or p.name == ".lock"]
        monkeypatch.setattr(os, "fdopen", FullDisk(None))
        if (folder / "last.safetensors").exists():
            assert f"tinygrad-lenet train --resume {folder / 'last.safetensors'}" in line, line
            assert train(*epochs, "--resume", str(folder / "last.safetensors")) == 0
        else:  # with --overwrite where the first epoch's best.safetensors was written, but not its last
            assert "run the command again" in line and "(no epoch of this run was saved)" in line, line
            overwrite = ["--overwrite"] if "--overwrite" in line else []
            assert train(*epochs, "--out", str(folder), *overwrite) == 0
        capsys.readouterr()
        assert_same_run(folder / "last.safetensors", tmp_path / "straight" / "last.safetensors")
        assert REPORT <= {p.name for p in folder.iterdir()} and drawn_graph(folder), fail_at
