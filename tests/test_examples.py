"""The examples run as a user would run them, and really train."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import tinygrad_lenet as tl
from models import TinyConvNet

ROOT = Path(__file__).resolve().parent.parent


def test_train_toy_loss_falls_accuracy_is_high_and_the_checkpoint_loads(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "train_toy.py"), "--epochs", "3", "--seed", "1", "--out", str(tmp_path)],
        capture_output=True, text=True, timeout=120, cwd=ROOT, check=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    losses = [float(v) for v in re.findall(r"train loss (\d+\.\d+)", result.stdout)]
    accuracies = [float(v) for v in re.findall(r"test accuracy\s+(\d+\.\d+)%", result.stdout)]
    assert len(losses) == 3
    assert losses[-1] < losses[0] / 2
    assert accuracies[-1] > 90.0
    checkpoint = tl.load(tmp_path / "checkpoint.safetensors")
    model = TinyConvNet()
    model.load_state_dict(checkpoint["model"])
    assert checkpoint["metadata"]["epoch"] == 3
    assert checkpoint["metadata"]["test_accuracy"] * 100 == accuracies[-1]
