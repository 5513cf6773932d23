"""The examples run as a user would run them, and really train."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_train_toy_loss_falls_and_accuracy_is_high() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "train_toy.py"), "--epochs", "3", "--seed", "1"],
        capture_output=True, text=True, timeout=120, cwd=ROOT, check=True,
    )
    losses = [float(v) for v in re.findall(r"train loss (\d+\.\d+)", result.stdout)]
    accuracies = [float(v) for v in re.findall(r"test accuracy\s+(\d+\.\d+)%", result.stdout)]
    assert len(losses) == 3
    assert losses[-1] < losses[0] / 2
    assert accuracies[-1] > 90.0
