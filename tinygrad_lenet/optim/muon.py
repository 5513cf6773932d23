"""Muon: momentum SGD for weight matrices whose step is the momentum made (nearly) orthogonal."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np

from ..tensor.tensor import Tensor
from .optimizer import Optimizer

NS_COEFFICIENTS = (3.4445, -4.7750, 2.0315)
"""The quintic Newton-Schulz polynomial's (a, b, c) from Keller Jordan's Muon, as PyTorch's defaults."""
ADJUST_LR_FNS = (None, "original", "match_rms_adamw")


def round_to_bfloat16(x: np.ndarray) -> np.ndarray:
    """``x`` rounded to the nearest bfloat16 (ties to even), held in float32: the top 16 bits of its float32."""
    bits = np.ascontiguousarray(x, dtype=np.float32).view(np.uint32).astype(np.uint64)
    rounded = (bits + np.uint64(0x7FFF) + ((bits >> np.uint64(16)) & np.uint64(1))) & np.uint64(0xFFFF0000)
    return rounded.astype(np.uint32).view(np.float32)


def orthogonalize(g: np.ndarray, coefficients: tuple[float, float, float], steps: int, eps: float) -> np.ndarray:
    """An approximation of U V^T for g = U S V^T, by ``steps`` quintic Newton-Schulz iterations in bfloat16.

    With X = g / max(||g||_F, eps) (every singular value at most 1) and A = X X^T, each iteration is
    X <- a X + (b A + c A^2) X, which pushes every singular value towards 1 (to about 0.7 to 1.2: the
    coefficients trade exactness for speed). As in PyTorch, the work is in bfloat16: each product is summed
    in float32 and rounded to bfloat16 once, and a tall matrix is iterated as its transpose.
    """
    a, b, c = (np.float32(v) for v in coefficients)
    tall = g.shape[0] > g.shape[1]
    x = round_to_bfloat16(g.T if tall else g)
    norm = round_to_bfloat16(np.sqrt(np.sum(x * x, dtype=np.float32)))
    x = round_to_bfloat16(x / max(norm, round_to_bfloat16(np.float32(eps))))
    for _ in range(steps):
        gram = round_to_bfloat16(x @ x.T)
        poly = round_to_bfloat16(b * gram + c * (gram @ gram))
        x = round_to_bfloat16(a * x + poly @ x)
    return (x.T if tall else x).astype(np.float64)


def lerp(start: np.ndarray, end: np.ndarray, weight: float) -> np.ndarray:
    """start + weight (end - start), computed from the nearer end as PyTorch's lerp does (so the results agree
    to the last bit before the rounding to bfloat16)."""
    if abs(weight) < 0.5:
        return start + weight * (end - start)
    return end - (end - start) * (1 - weight)


def adjusted_lr(lr: float, adjust_lr_fn: str | None, shape: tuple[int, ...]) -> float:
    """``lr`` scaled for a (rows, cols) matrix so that steps of every shape have a like RMS: by
    sqrt(max(1, rows / cols)) ("original", the default) or 0.2 sqrt(max(rows, cols)) ("match_rms_adamw",
    which lets Muon reuse AdamW's lr and weight decay)."""
    rows, cols = shape[:2]
    if adjust_lr_fn is None or adjust_lr_fn == "original":
        return lr * math.sqrt(max(1, rows / cols))
    return lr * 0.2 * math.sqrt(max(rows, cols))


class Muon(Optimizer):
    """PyTorch's Muon (Jordan et al., 2024), for 2-D parameters only (the weight matrices of hidden layers;
    give biases, embeddings and the rest to an optimizer such as AdamW). For a weight matrix W with gradient g:

        B <- momentum B + (1 - momentum) g                        (B = 0 at the start)
        U = g + momentum (B - g)  with nesterov, else U = B
        O = NS(U)                                                  (``orthogonalize``: U with its singular
                                                                     values pushed to about 1)
        W <- W (1 - lr weight_decay) - adjusted_lr(lr, shape) O

    Every direction of the update gets a step of about the same size, whatever the gradient's scale.
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        weight_decay: float = 0.1,
        momentum: float = 0.95,
        nesterov: bool = True,
        ns_coefficients: tuple[float, float, float] = NS_COEFFICIENTS,
        eps: float = 1e-7,
        ns_steps: int = 5,
        adjust_lr_fn: str | None = None,
    ) -> None:
        super().__init__(
            params,
            dict(
                lr=lr,
                weight_decay=weight_decay,
                momentum=momentum,
                nesterov=nesterov,
                ns_coefficients=tuple(ns_coefficients),
                eps=eps,
                ns_steps=ns_steps,
                adjust_lr_fn=adjust_lr_fn,
            ),
        )

    def add_param_group(self, group: dict[str, Any]) -> None:
        """Add parameters with their own hyperparameters; a tensor ``lr`` keeps its dtype (a numpy scalar), since
        PyTorch's Muon computes the weight decay factor and the adjusted lr in that dtype."""
        lr = group.get("lr", self.defaults["lr"])
        super().add_param_group(group)
        if isinstance(lr, Tensor) and lr.ndim == 0:
            self.param_groups[-1]["lr"] = lr._array[()]

    def check_hyperparameters(self, group: dict[str, Any]) -> None:
        super().check_hyperparameters(group)
        if group["momentum"] < 0:
            raise ValueError(f"Muon: momentum must be >= 0, got {group['momentum']}")
        if group["adjust_lr_fn"] not in ADJUST_LR_FNS:
            raise ValueError(f"Muon: adjust_lr_fn must be one of {ADJUST_LR_FNS}, got {group['adjust_lr_fn']!r}")
        if not 0 <= group["ns_steps"] < 100:
            raise ValueError(f"Muon: ns_steps must be in [0, 100), got {group['ns_steps']}")
        for p in group["params"]:
            if p.ndim != 2:
                raise ValueError(
                    f"Muon optimizes 2-D parameters (weight matrices) only, got one of shape {tuple(p.shape)}; "
                    "give the others (biases, norms, embeddings) to another optimizer such as AdamW"
                )

    def update(self, p: Tensor, grad: np.ndarray, group: dict[str, Any], state: dict[str, Any]) -> None:
        momentum, lr = group["momentum"], group["lr"]
        buf = state.setdefault("momentum_buffer", np.zeros_like(p._array))
        buf[...] = lerp(buf, grad, 1 - momentum)
        direction = lerp(grad, buf, momentum) if group["nesterov"] else buf
        ortho = orthogonalize(direction, group["ns_coefficients"], group["ns_steps"], group["eps"])
        p._array *= 1 - lr * group["weight_decay"]
        p._array -= adjusted_lr(lr, group["adjust_lr_fn"], p.shape) * ortho.astype(p.dtype)
