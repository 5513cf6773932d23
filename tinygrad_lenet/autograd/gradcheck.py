"""Check hand-written backward rules against central finite differences, in float64."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ..autodiff.grad_mode import no_grad
from ..base.errors import GradcheckError
from ..tensor.tensor import Tensor


def _as_float64(t: Any) -> Tensor:
    """Float tensors in float64 (a float64 tensor is used as it is, views included)."""
    if not isinstance(t, Tensor):
        return Tensor(np.asarray(t, dtype=np.float64))
    if t.dtype.kind == "f" and t.dtype != np.float64:
        return Tensor(t._array.astype(np.float64), requires_grad=t.requires_grad)
    return t


def gradcheck(
    fn: Callable[..., Tensor],
    inputs: Sequence[Any],
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    seed: int = 0,
) -> bool:
    """Compare the analytic gradient of ``fn`` with central differences; raise on mismatch.

    For a random cotangent v (fixed by ``seed``) and s(x) = sum(fn(x) * v), the analytic
    gradient ``backward(v)`` must match, for every element x_i of every input that requires grad,

        (s(x + eps e_i) - s(x - eps e_i)) / (2 eps)    within  atol + rtol * |numerical|.

    Float inputs are converted to float64 first (float64 tensors are used as given, so
    non-contiguous views stay non-contiguous). ``fn`` must be deterministic.

    Returns True; raises :class:`GradcheckError` naming the input, the worst index and both values.
    """
    tensors = [_as_float64(t) for t in inputs]
    wrt = [i for i, t in enumerate(tensors) if t.requires_grad]
    if not wrt:
        raise ValueError("gradcheck: no input has requires_grad=True, so there is nothing to check")
    out = fn(*tensors)
    if not isinstance(out, Tensor):
        raise TypeError(f"gradcheck: fn must return a Tensor, got {type(out).__name__}")
    cotangent = np.random.default_rng(seed).standard_normal(out.shape)
    for i in wrt:
        tensors[i].grad = None
    out.backward(cotangent.astype(out.dtype))

    def objective() -> float:
        return float(np.sum(fn(*tensors)._array.astype(np.float64) * cotangent))

    with no_grad():
        for i in wrt:
            x = tensors[i]
            analytic = np.zeros(x.shape) if x.grad is None else x.grad._array.astype(np.float64)
            numerical = np.zeros(x.shape)
            for index in np.ndindex(*x.shape):
                original = x._array[index]
                x._array[index] = original + eps
                plus = objective()
                x._array[index] = original - eps
                minus = objective()
                x._array[index] = original
                numerical[index] = (plus - minus) / (2 * eps)
            excess = np.abs(analytic - numerical) - (atol + rtol * np.abs(numerical))
            if excess.size and excess.max() > 0:
                worst = np.unravel_index(int(np.argmax(excess)), x.shape)
                raise GradcheckError(
                    f"gradcheck failed for input {i} (shape {x.shape}) at index {tuple(int(j) for j in worst)}: "
                    f"analytic {analytic[worst]:.8g} vs numerical {numerical[worst]:.8g} "
                    f"(allowed difference {atol + rtol * abs(numerical[worst]):.3g})"
                )
    return True
