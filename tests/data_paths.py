"""Where the tests find the full MNIST: ``$TINYGRAD_LENET_DATA`` or ``../shared/datasets/mnist``."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def full_mnist_dir() -> Path:
    """The folder with the full MNIST; skipped where it is absent, but an error in CI."""
    folder = Path(os.environ.get("TINYGRAD_LENET_DATA") or ROOT.parent / "shared" / "datasets" / "mnist")
    if not (folder / "t10k-labels-idx1-ubyte.gz").exists() and not (folder / "t10k-labels-idx1-ubyte").exists():
        if os.environ.get("CI"):
            pytest.fail(f"CI must have the full MNIST at {folder}")
        pytest.skip(f"the full MNIST is not at {folder}")
    return folder
