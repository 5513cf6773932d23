"""The examples run as a user would run them, with --quick (bundled sample, seconds)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import tinygrad_lenet as tl

ROOT = Path(__file__).resolve().parent.parent


def run_example(name: str, *args: str, cwd: Path) -> str:
    result = subprocess.run(
        [sys.executable, str(ROOT / "examples" / name), *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(ROOT), "TQDM_DISABLE": "1"},
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.slow
@pytest.mark.parametrize("model", ["lenet5", "mlp", "softmax"])  # one test each, so the workers share them
def test_train_examples_quick(tmp_path: Path, model: str) -> None:
    out = run_example(f"train_{model}.py", "--quick", cwd=tmp_path)
    assert "BUNDLED SAMPLE" not in out  # --quick asks for the sample: no fallback warning
    accuracy = float(re.search(r"final test accuracy (\d+\.\d+)%", out).group(1))
    assert accuracy > 85.0, (model, out)
    assert tl.load(tmp_path / "runs" / f"{model}-quick" / "last.safetensors")["metadata"]["epoch"] == 2


@pytest.mark.slow
def test_predict_digit_quick(tmp_path: Path) -> None:
    out = run_example("predict_digit.py", "--quick", cwd=tmp_path)
    assert "wrote digit.png" in out and "digit.png: 7" in out


@pytest.mark.slow
def test_compare_quick_draws_a_figure(tmp_path: Path) -> None:
    out = run_example("compare.py", "losses", "--quick", "--out", "figures", cwd=tmp_path)
    accuracies = [float(a) for a in re.findall(r"test accuracy (\d+\.\d+)%", out)]
    assert len(accuracies) == 2 and min(accuracies) > 80.0
    assert (tmp_path / "figures" / "losses.png").read_bytes()[:4] == b"\x89PNG"


def test_show_augmentation(tmp_path: Path) -> None:
    out = run_example("show_augmentation.py", "--out", "aug.png", cwd=tmp_path)
    assert "wrote aug.png" in out and (tmp_path / "aug.png").stat().st_size > 10_000


def test_char_lstm_example_trains_and_samples(tmp_path: Path) -> None:
    out = run_example("train_char_lstm.py", "--steps", "4", "--eval-every", "2", cwd=tmp_path)
    losses = [float(v) for v in re.findall(r"val(?:idation)? loss (\d+\.\d+)", out)]
    assert losses and all(0 < v < 5 for v in losses), out
