"""``torch.autograd`` under its PyTorch name: ``grad``, ``backward``, ``Function``, ``gradcheck``, ``detect_anomaly``.

``Function`` takes both protocols: the project's ops (``forward``/``backward`` on numpy arrays) and PyTorch's
(``@staticmethod forward(ctx, ...)``, ``ctx.save_for_backward``, ``backward(ctx, *grads)`` on Tensors).

``grad(outputs, inputs)`` returns the gradients of the outputs with respect to the inputs
without touching any ``.grad``: the same backward walk as ``loss.backward()`` (``engine.walk``),
reading each input's gradient where it is complete instead of storing it in the leaves.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..autodiff.custom_function import FunctionCtx, once_differentiable
from ..autodiff.engine import store_grad, walk
from ..autodiff.function import Function
from ..autodiff.grad_mode import detect_anomaly, enable_grad, no_grad, set_grad_enabled
from ..base.errors import GradError, ShapeError
from ..tensor.tensor import Tensor
from .gradcheck import gradcheck

__all__ = [
    "Function",
    "FunctionCtx",
    "once_differentiable",
    "backward",
    "detect_anomaly",
    "enable_grad",
    "grad",
    "gradcheck",
    "no_grad",
    "set_grad_enabled",
]


def _roots(outputs: Tensor | Sequence[Tensor], grad_outputs: Any) -> list[tuple[Tensor, np.ndarray]]:
    outs = [outputs] if isinstance(outputs, Tensor) else list(outputs)
    seeds = (
        [grad_outputs]
        if isinstance(grad_outputs, Tensor) or grad_outputs is None and len(outs) == 1
        else list(grad_outputs)
        if grad_outputs is not None
        else [None] * len(outs)
    )
    if len(seeds) != len(outs):
        raise ValueError(f"grad_outputs has {len(seeds)} entries for {len(outs)} outputs")
    roots = []
    for out, seed in zip(outs, seeds):
        if not out.requires_grad:
            raise GradError(
                "autograd: an output does not require grad (it was computed from no tensor that requires "
                "grad, or inside no_grad())"
            )
        if seed is None:
            if out.numel() != 1:
                raise GradError(
                    f"autograd: grad_outputs is needed for an output of shape {out.shape} (not one element)"
                )
            seed = np.ones_like(out._array)
        array = np.asarray(seed._array if isinstance(seed, Tensor) else seed, dtype=out.dtype)
        if array.shape != out.shape:
            raise ShapeError(f"autograd: grad_outputs of shape {array.shape} for an output of shape {out.shape}")
        roots.append((out, array))
    return roots


def grad(
    outputs: Tensor | Sequence[Tensor],
    inputs: Tensor | Sequence[Tensor],
    grad_outputs: Any = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    allow_unused: bool | None = None,
    materialize_grads: bool = False,
) -> tuple[Tensor | None, ...]:
    """d(outputs)/d(inputs), weighted by ``grad_outputs``, as ``torch.autograd.grad``; ``.grad`` stays as it was.

    An input the outputs do not depend on is an error, unless ``allow_unused`` (then None, or
    zeros with ``materialize_grads``). ``create_graph`` (gradients of gradients) is not supported.
    """
    if create_graph:
        raise NotImplementedError(
            "autograd.grad(create_graph=True): second derivatives through the graph are not "
            "supported; the backward rules compute plain arrays"
        )
    wanted = [inputs] if isinstance(inputs, Tensor) else list(inputs)
    found: dict[int, np.ndarray] = {}
    by_leaf = {id(t): i for i, t in enumerate(wanted) if t.grad_fn is None}
    by_node = {id(t.grad_fn): i for i, t in enumerate(wanted) if t.grad_fn is not None}

    def add(i: int, g: np.ndarray) -> None:
        found[i] = found[i] + g if i in found else np.array(g, copy=True)

    walk(
        _roots(outputs, grad_outputs),
        bool(retain_graph),
        lambda t, g: add(by_leaf[id(t)], g) if id(t) in by_leaf else None,
        lambda fn, g: add(by_node[id(fn)], g) if id(fn) in by_node else None,
    )
    results: list[Tensor | None] = []
    for i, t in enumerate(wanted):
        if i in found:
            results.append(Tensor._make(found[i].astype(t.dtype, copy=False)))
        elif allow_unused or materialize_grads:
            results.append(Tensor._make(np.zeros_like(t._array)) if materialize_grads else None)
        else:
            raise GradError(
                f"autograd.grad: input {i} (shape {t.shape}) was not used to compute the outputs; pass "
                "allow_unused=True if that is expected"
            )
    return tuple(results)


def backward(tensors: Tensor | Sequence[Tensor], grad_tensors: Any = None, retain_graph: bool | None = None) -> None:
    """``loss.backward()`` for several outputs at once, each with its gradient, as ``torch.autograd.backward``."""
    walk(_roots(tensors, grad_tensors), bool(retain_graph), store_grad)
