"""PyTorch's optimizer database (OptimizerInfo ``optim_db``) run through PyTorch and through tinygrad_lenet.

For each optimizer both frameworks have, each of its ``optim_inputs`` (the hyperparameter sets PyTorch tests:
weight decay, maximize, amsgrad, nesterov, a tensor lr, ...) drives the same two float64 parameters for five steps
on the same loss, sum((W x - y)^2) + sum(b^2); the parameters must agree to rtol 1e-9.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from torch.testing._internal.common_optimizers import optim_db

import tinygrad_lenet as tl

STEPS = 5
MATRICES_ONLY = {"Muon"}
"""Optimizers PyTorch defines for 2-D parameters only: their bias is a (1, 3) row, which leaves the loss as it is."""


@dataclass
class Outcome:
    """How one optimizer fared: pass, missing (not in tl.optim), raises or wrong; ``inputs`` is how many ran."""

    name: str
    status: str
    inputs: int
    detail: str = ""


def optimizer_infos() -> list[Any]:
    return list(optim_db)


def _kwargs(kwargs: dict[str, Any], ours: bool) -> dict[str, Any]:
    def convert(v: Any) -> Any:
        if ours and isinstance(v, torch.Tensor):
            return tl.tensor(v.numpy())
        return v

    return {k: convert(v) for k, v in kwargs.items()}


def trajectory(T: Any, info: Any, optimizer: type, kwargs: dict[str, Any]) -> list[np.ndarray]:
    """The parameters after STEPS steps; an optimizer whose step needs a closure (LBFGS) gets one."""
    rng = np.random.default_rng(0)
    weight, bias = rng.standard_normal((3, 4)), rng.standard_normal(3)
    x, y = rng.standard_normal(4), rng.standard_normal(3)
    if info.optim_cls.__name__ in MATRICES_ONLY:
        bias = bias.reshape(1, 3)
    params = [T.nn.Parameter(T.tensor(weight.copy())), T.nn.Parameter(T.tensor(bias.copy()))]
    opt = optimizer(params, **kwargs)

    def closure() -> Any:
        opt.zero_grad()
        loss = ((params[0] @ T.tensor(x) + params[1] - T.tensor(y)) ** 2).sum() + (params[1] ** 2).sum()
        loss.backward()
        return loss

    for _ in range(STEPS):
        if info.step_requires_closure:
            opt.step(closure)
        else:
            closure()
            opt.step()
    return [p.detach().numpy().copy() for p in params]


def run(info: Any) -> Outcome:
    name = info.optim_cls.__name__
    ours = getattr(tl.optim, name, None)
    if ours is None:
        return Outcome(name, "missing", 0, f"tl.optim has no {name}")
    inputs = info.optim_inputs_func(device="cpu", dtype=torch.float64)
    for count, sample in enumerate(inputs):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            theirs = trajectory(torch, info, info.optim_cls, _kwargs(sample.kwargs, ours=False))
            try:
                mine = trajectory(tl, info, ours, _kwargs(sample.kwargs, ours=True))
            except Exception as e:
                return Outcome(name, "raises", count, f"{sample.kwargs}: {type(e).__name__}: {e}"[:300])
        for a, b in zip(theirs, mine):
            if not np.allclose(b, a, rtol=1e-9, atol=1e-12):
                return Outcome(name, "wrong", count, f"{sample.kwargs}: max |diff| {np.abs(a - b).max():.3g}")
    return Outcome(name, "pass", len(inputs))
