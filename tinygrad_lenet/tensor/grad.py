"""Tensor methods of the autograd: requires_grad_, detach, retain_grad, register_hook, backward and
backward_diag_gn (the second-order pass of the 1998 LeNet-5's SDLM).

Mixed into ``Tensor``; it never imports the tensor module (results are made by ``self._make``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from ..autodiff.engine import retain, run_backward
from ..autodiff.second_order import run_backward_diag_gn
from ..base import dtypes
from ..base.errors import DTypeError, GradError, ShapeError
from ..base.recording import note_graph_break
from .base import TensorBase

if TYPE_CHECKING:
    from typing_extensions import Self

    from .tensor import Tensor


class TensorAutograd(TensorBase):
    """The graph side of a Tensor: what requires grad, and the passes back through the graph."""

    __slots__ = ()

    def requires_grad_(self, requires_grad: bool = True) -> Self:
        """Set ``requires_grad`` in place (leaves only) and return the tensor."""
        if requires_grad and not dtypes.is_floating(self.dtype):
            raise DTypeError(
                f"only floating-point tensors can require grad, this one is {self.dtype}; "
                "convert it first with .float() or .double()"
            )
        if not requires_grad and self.grad_fn is not None:
            raise GradError("requires_grad_(False) on a non-leaf tensor: use .detach() to get a tensor without history")
        self.requires_grad = bool(requires_grad)
        return self

    def detach(self) -> Tensor:
        """A tensor sharing this data, cut out of the graph (no grad, no history)."""
        return self._make(self._array)

    def retain_grad(self) -> None:
        """Keep this non-leaf tensor's gradient in ``.grad`` during the next backward pass."""
        if not self.requires_grad:
            raise GradError("retain_grad() on a tensor that does not require grad")
        retain(self)

    def register_hook(self, hook: Callable[[Tensor], Tensor | None]) -> RemovableHook:
        """Call ``hook(grad)`` with this tensor's gradient once backward has computed it; a tensor it
        returns replaces the gradient. ``.remove()`` the returned handle to stop."""
        if not self.requires_grad:
            raise GradError("register_hook on a tensor that does not require grad: it gets no gradient")

        def on_array(grad: np.ndarray) -> np.ndarray | None:
            result = hook(self._make(grad))
            return (
                None
                if result is None
                else np.asarray(result._array if isinstance(result, TensorAutograd) else result, dtype=grad.dtype)
            )

        note_graph_break("register_hook() during the call (Python code in the backward pass)")
        if self.grad_fn is None:  # a leaf: its hooks see the gradient before it goes into .grad
            self.hooks = hooks = self.hooks or []
        else:  # a result: the hooks sit on the node that made it, and see its complete output gradient
            self.grad_fn.output_hooks = hooks = self.grad_fn.output_hooks or []
        hooks.append(on_array)
        return RemovableHook(hooks, on_array)

    def backward(self, gradient: Tensor | np.ndarray | None = None, retain_graph: bool = False) -> None:
        """Compute d(self)/d(leaf) for every leaf that requires grad; accumulate it in ``.grad``.

        ``gradient`` is dL/d(self); it may be omitted only for a one-element tensor (it is 1).
        After the pass the graph's saved arrays are freed unless ``retain_graph=True``.
        """
        run_backward(self, self._seed_gradient(gradient, "backward()"), retain_graph)

    def _seed_gradient(self, gradient: Tensor | np.ndarray | None, caller: str) -> np.ndarray:
        """dL/d(self) that a backward pass from this tensor starts with: ``gradient``, or 1 for a
        one-element tensor; ``caller`` names the public call in the errors."""
        if not self.requires_grad:
            raise GradError(
                f"{caller} on a tensor that does not require grad: none of the tensors it was computed "
                "from has requires_grad=True, or it was computed inside no_grad()"
            )
        if gradient is None:
            if self._array.size != 1:
                raise GradError(
                    f"{caller} without `gradient` works only on a one-element tensor, this one has shape "
                    f"{self.shape}: reduce it first (e.g. loss.sum().backward()) or pass gradient=..."
                )
            return np.ones_like(self._array)
        grad = np.asarray(gradient._array if isinstance(gradient, TensorAutograd) else gradient, dtype=self.dtype)
        if grad.shape != self.shape:
            raise ShapeError(f"{caller}: gradient has shape {grad.shape} but the tensor has shape {self.shape}")
        return grad

    def backward_diag_gn(self) -> None:
        """Like ``backward()`` for a one-element loss E, and also fill each leaf's ``.diag_gn`` with
        the diagonal Gauss-Newton estimate of d2E/dw2 of LeCun et al. (1998): second derivatives
        propagated with squared weights and squared slopes (second_order.py). Frees the graph."""
        run_backward_diag_gn(self)


class RemovableHook:
    """What ``register_hook`` returns: ``handle.remove()`` unregisters the hook."""

    def __init__(self, hooks: list, hook: Callable) -> None:
        self.hooks, self.hook = hooks, hook

    def remove(self) -> None:
        if self.hook in self.hooks:
            self.hooks.remove(self.hook)
