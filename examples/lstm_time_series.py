"""Fit an LSTM to a noisy sum of sines with L-BFGS, full batch, and compare with PyTorch step by step.

    python examples/lstm_time_series.py [--steps 15] [--seed 0]
    python examples/lstm_time_series.py --compare-torch

An LSTM reads a window of the series and a linear head predicts the value that follows; L-BFGS
(lr 0.8, strong-Wolfe line search) minimises the mean squared error over every window at once,
in float64. The model and the loop are written once against PyTorch's API and run with either
framework as ``T``; --compare-torch runs PyTorch from our initial weights and prints both
per-step losses, the last step through which they agree to 1e-6, and their largest difference.
They agree through step 5: round-off (the order of the sums inside the LSTM) then grows about a
thousandfold a step, as it does between two PyTorch runs whose initial weights differ by one ulp
(docs/results.md).
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from types import ModuleType
from typing import Any

import numpy as np

import tinygrad_lenet as tl


def noisy_sines(windows: int, width: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(windows, width, 1) stretches of sin(0.2 t) + 0.5 sin(0.53 t + 1) + N(0, 0.05^2) noise, and the value
    after each (windows, 1)."""
    t = np.arange(windows + width, dtype=np.float64)
    series = np.sin(0.2 * t) + 0.5 * np.sin(0.53 * t + 1.0) + 0.05 * np.random.default_rng(seed).standard_normal(t.size)
    rows = np.arange(windows)[:, None] + np.arange(width)
    return series[rows][:, :, None], series[width:, None]


def forecaster(T: ModuleType, hidden: int, weights: Mapping[str, np.ndarray] | None = None) -> Any:
    """An LSTM(1, hidden) whose last output a Linear(hidden, 1) maps to the next value, in float64,
    in framework ``T`` (tinygrad_lenet or torch); ``weights`` (a state dict of arrays) replaces its initial ones."""

    class Forecaster(T.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.lstm = T.nn.LSTM(1, hidden, batch_first=True)
            self.head = T.nn.Linear(hidden, 1)

        def forward(self, x: Any) -> Any:
            return self.head(self.lstm(x)[0][:, -1])

    model = Forecaster().double()
    if weights is not None:
        model.load_state_dict({name: T.tensor(array) for name, array in weights.items()})
    return model


def fit(T: ModuleType, model: Any, x: np.ndarray, y: np.ndarray, steps: int, history: int) -> list[float]:
    """``steps`` L-BFGS steps on the whole batch; the loss each step returns (its first evaluation)."""
    inputs, targets = T.tensor(x), T.tensor(y)
    opt = T.optim.LBFGS(model.parameters(), lr=0.8, history_size=history, line_search_fn="strong_wolfe")

    def closure() -> Any:
        opt.zero_grad()
        loss = T.nn.functional.mse_loss(model(inputs), targets)
        loss.backward()
        return loss

    return [opt.step(closure).item() for _ in range(steps)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=15)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--hidden", type=int, default=16)
    parser.add_argument("--windows", type=int, default=200)
    parser.add_argument("--width", type=int, default=20)
    parser.add_argument("--history", type=int, default=10, help="L-BFGS history size")
    parser.add_argument("--threads", type=int, default=1, help="BLAS threads, ours and PyTorch's alike")
    parser.add_argument("--compare-torch", action="store_true", help="run the same fit in PyTorch too")
    args = parser.parse_args()

    x, y = noisy_sines(args.windows, args.width, args.seed)
    tl.manual_seed(args.seed)
    tl.set_num_threads(args.threads)
    model = forecaster(tl, args.hidden)
    initial = {name: p.numpy().copy() for name, p in model.state_dict().items()}
    ours = fit(tl, model, x, y, args.steps, args.history)
    if not args.compare_torch:
        for step, loss in enumerate(ours, 1):
            print(f"step {step:2d}: loss {loss:.10f}")
        return
    import torch

    torch.set_num_threads(args.threads)
    theirs = fit(torch, forecaster(torch, args.hidden, initial), x, y, args.steps, args.history)
    for step, (a, b) in enumerate(zip(ours, theirs), 1):
        print(f"step {step:2d}: ours {a:.12f}  torch {b:.12f}  difference {abs(a - b):.1e}")
    differences = [abs(a - b) for a, b in zip(ours, theirs)]
    agree = next((i for i, d in enumerate(differences) if d > 1e-6), len(differences))
    print(f"per-step losses equal to 1e-6 through step {agree}; largest difference {max(differences):.1e}")


if __name__ == "__main__":
    main()
