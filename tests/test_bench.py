"""The bench command measures and reports (figures are printed, never asserted on: this is not a speed test)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from installed_command import run

import tinygrad_lenet as tl
from tinygrad_lenet.bench import WORKLOADS
from tinygrad_lenet.bench.runner import compare, frameworks


@pytest.fixture(autouse=True)
def fixed_threads_afterwards():
    """compare() sets our BLAS threads ("auto" by default): leave the process as it was."""
    before = tl.get_num_threads()
    yield
    tl.set_num_threads(before)


def test_every_workload_builds_and_steps_under_tinygrad_lenet() -> None:
    for workload in WORKLOADS:
        step = workload.build(tl)
        step()
        result = compare(workload, {"tinygrad_lenet": tl}, rounds=1, steps=1)
        assert result["images_per_s"]["tinygrad_lenet"] > 0 and len(result["rounds"]["tinygrad_lenet"]) == 1
        assert result["images_per_s"]["eager"] > 0  # compiled by default, with eager mode timed beside it
        assert result["threads"] == "auto"


def test_every_timed_round_starts_after_the_settling_pause(monkeypatch: pytest.MonkeyPatch) -> None:
    """The threads of the framework timed before must go idle before the next round is timed."""
    from tinygrad_lenet.bench import runner

    pauses: list[float] = []
    monkeypatch.setattr(runner.time, "sleep", pauses.append)
    workload = next(w for w in WORKLOADS if w.name == "lenet5-infer-64")
    runner.compare(workload, {"tinygrad_lenet": tl}, rounds=3, steps=1, threads=1, settle=0.25)
    assert pauses == [0.25] * 6  # 3 rounds x (compiled, eager)


def test_bench_command_reports_figures_blas_and_json(tmp_path: Path) -> None:
    result = run(
        "bench",
        "--no-torch",
        "--only",
        "lenet5-train-64",
        "--rounds",
        "2",
        "--steps",
        "1",
        "--memory-steps",
        "2",
        "--json",
        "bench.json",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "lenet5-train-64" in result.stdout and "img/s" in result.stdout and "under load" in result.stdout
    assert "BLAS: " in result.stdout and "threads" in result.stdout and "peak RSS" in result.stdout
    report = json.loads((tmp_path / "bench.json").read_text())
    assert set(report) == {"environment", "quiet", "under_load", "memory"}
    assert (
        report["quiet"][0]["images_per_s"]["tinygrad_lenet"] > 0
        and report["memory"][0]["peak_rss_mb"]["tinygrad_lenet"] > 0
    )
    assert report["under_load"][0]["vs_our_quiet"] > 0 and "num_threads" in report["environment"]["numpy_blas"][0]
    assert list(frameworks(with_torch=False)) == ["tinygrad_lenet"]


def test_profile_ops_times_each_op_of_a_workload() -> None:
    import subprocess
    import sys

    script = Path(__file__).resolve().parents[1] / "benchmarks" / "profile_ops.py"
    done = subprocess.run(
        [sys.executable, str(script), "--workload", "mlp-train-64", "--steps", "2", "--threads", "1"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert "ms per step (BLAS threads 1)" in done.stdout
    assert (
        "Linear.forward" in done.stdout
        and "Linear.backward" in done.stdout
        and "rest (graph, optimizer)" in done.stdout
    )
