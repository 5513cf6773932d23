"""An LSTM fitting a time series with L-BFGS (strong-Wolfe line search) takes the same steps as PyTorch's from the
same initial weights: the model and the loop are examples/lstm_time_series.py's, written once for either framework."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

import tinygrad_lenet as tl

torch = pytest.importorskip("torch", reason="PyTorch is not installed (make parity installs torch==2.13.0)")
EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "lstm_time_series.py"
STEPS = 5
"""Steps compared. Each is up to 20 L-BFGS iterations, and round-off (the order of the sums inside the LSTM) grows
about a thousandfold a step: 1e-16 after two steps, 1e-10 after five, 1e-7 after six. A one-ulp change of one initial
weight in PyTorch's own run drifts the same way, so the drift is the problem's sensitivity, not a difference."""


@pytest.fixture(autouse=True)
def one_torch_thread() -> Iterator[None]:
    """PyTorch on one thread: its OpenMP threads make these small ops ~50x slower on a busy 2-core machine."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def load_example() -> ModuleType:
    """examples/lstm_time_series.py as a module: the test runs its data, model and loop."""
    spec = importlib.util.spec_from_file_location("lstm_time_series", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_lstm_lbfgs_steps_match_pytorch() -> None:
    example = load_example()
    x, y = example.noisy_sines(48, 10, seed=1)
    tl.manual_seed(1)
    ours = example.forecaster(tl, 6)
    weights = {name: p.numpy().copy() for name, p in ours.state_dict().items()}
    theirs = example.forecaster(torch, 6, weights)
    our_losses = example.fit(tl, ours, x, y, STEPS, history=10)
    their_losses = example.fit(torch, theirs, x, y, STEPS, history=10)
    assert our_losses[-1] < 0.02 * our_losses[0]  # it fits
    np.testing.assert_allclose(our_losses, their_losses, rtol=0, atol=1e-6)
