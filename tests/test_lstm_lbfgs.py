"""An LSTM fitting a time series with L-BFGS (strong-Wolfe line search) takes the same steps as PyTorch's from the
same initial weights: the model and the loop are examples/lstm_time_series.py's, written once for either framework."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

import tinygrad_lenet as tl

torch = pytest.importorskip("torch", reason="PyTorch is not installed (make parity installs torch==2.13.0)")
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


def series(windows: int = 48, width: int = 10) -> tuple[np.ndarray, np.ndarray]:
    """Windows of a noisy sum of sines (N, width, 1) and the value after each (N, 1)."""
    t = np.arange(windows + width, dtype=np.float64)
    values = np.sin(0.2 * t) + 0.5 * np.sin(0.53 * t + 1.0) + 0.05 * np.random.default_rng(1).standard_normal(t.size)
    return values[np.arange(windows)[:, None] + np.arange(width)][:, :, None], values[width:, None]


def forecaster(T: Any, weights: dict[str, np.ndarray] | None = None) -> Any:
    """LSTM(1, 6) -> its last output -> Linear(6, 1), float64, in framework T."""

    class Forecaster(T.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.lstm = T.nn.LSTM(1, 6, batch_first=True)
            self.head = T.nn.Linear(6, 1)

        def forward(self, x: Any) -> Any:
            return self.head(self.lstm(x)[0][:, -1])

    model = Forecaster().double()
    if weights is not None:
        model.load_state_dict({name: T.tensor(array) for name, array in weights.items()})
    return model


def step_losses(T: Any, model: Any) -> list[float]:
    """The loss each of STEPS full-batch L-BFGS steps returns (its first evaluation)."""
    x, y = (T.tensor(a) for a in series())
    opt = T.optim.LBFGS(model.parameters(), lr=0.8, history_size=10, line_search_fn="strong_wolfe")

    def closure() -> Any:
        opt.zero_grad()
        loss = T.nn.functional.mse_loss(model(x), y)
        loss.backward()
        return loss

    return [opt.step(closure).item() for _ in range(STEPS)]


def test_lstm_lbfgs_steps_match_pytorch() -> None:
    tl.manual_seed(1)
    ours = forecaster(tl)
    weights = {name: p.numpy().copy() for name, p in ours.state_dict().items()}
    theirs = forecaster(torch, weights)
    our_losses, their_losses = step_losses(tl, ours), step_losses(torch, theirs)
    assert our_losses[-1] < 0.02 * our_losses[0]  # it fits
    np.testing.assert_allclose(our_losses, their_losses, rtol=0, atol=1e-6)
