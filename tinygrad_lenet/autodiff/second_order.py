"""The second-order backward pass of LeCun et al. (1998): diagonal Gauss-Newton estimates of d2E/dw2.

``loss.backward_diag_gn()`` walks the graph once, like ``backward()``, but carries two arrays
to every node: the gradient g = dE/dy of its output and h, the estimate of the diagonal
second derivatives d2E/dy2. Each op's ``diag_gn(g, h)`` returns the h of its inputs next to
its ``backward(g)``. For y = f(x) elementwise the exact rule would be

    d2E/dx2 = f'(x)^2 d2E/dy2 + f''(x) dE/dy,

and the Gauss-Newton approximation drops the second term in the network's own nonlinearities
(tanh, the squashing) while the ops that make up the criterion (Pow of squared errors, the
Euclidean RBF distance, the MAP criterion) keep theirs: that is where the curvature comes
from. Off-diagonal terms are dropped everywhere. For a linear map y = sum_j w_j x_j, the rule
is exact: d2E/dx_j2 = w_j^2 d2E/dy2, and a weight used at many places (a convolution's
kernel, a broadcast bias) sums its per-connection terms, as its gradient does. Each leaf that
requires grad receives the sum in ``.diag_gn`` (a numpy-backed Tensor, accumulated like
``.grad``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..base.errors import GradError
from .engine import fit_to, store_grad, topological_order
from .function import check_versions

if TYPE_CHECKING:
    from ..tensor.base import TensorBase


def run_backward_diag_gn(root: TensorBase) -> None:
    """From a one-element loss E (dE/dE = 1, d2E/dE2 = 0): fill ``.grad`` and ``.diag_gn`` of the leaves."""
    if root.grad_fn is None:
        raise GradError("backward_diag_gn() needs a loss computed from tensors that require grad")
    if root._array.size != 1:
        raise GradError(f"backward_diag_gn() needs a one-element loss, got shape {root.shape}")
    with np.errstate(all="ignore"):
        pending = {id(root.grad_fn): (np.ones_like(root._array), np.zeros_like(root._array))}
        for fn in topological_order(root.grad_fn):
            if id(fn) not in pending:
                continue
            grad, h = pending.pop(id(fn))
            if fn.released:
                raise GradError(f"backward_diag_gn through a released graph: {fn.name} already ran its backward")
            check_versions(fn)
            input_h = fn.diag_gn(grad, h)
            input_grads = fn.backward(grad)
            fn.release()
            for i, (parent, g, hp) in enumerate(zip(fn.parents, input_grads, input_h)):
                if g is None or not parent.requires_grad:
                    continue
                if hp is None:
                    raise GradError(f"{fn.name}.diag_gn returned None for input {i}, which backward gave a gradient")
                g, hp = fit_to(g, parent), fit_to(hp, parent)
                if parent.grad_fn is None:
                    store_grad(parent, g)
                    store_grad(parent, hp, "diag_gn")
                elif id(parent.grad_fn) in pending:
                    g0, h0 = pending[id(parent.grad_fn)]
                    pending[id(parent.grad_fn)] = (g0 + g, h0 + hp)
                else:
                    pending[id(parent.grad_fn)] = (g, hp)
