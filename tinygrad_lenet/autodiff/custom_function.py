"""PyTorch's ``autograd.Function`` protocol: ``@staticmethod forward(ctx, ...)`` / ``backward(ctx, *grads)`` on Tensors.

The project's own ops subclass :class:`~.function.Function` with ``forward`` / ``backward`` on numpy arrays. A
subclass whose ``forward`` is a ``@staticmethod`` speaks PyTorch's protocol instead, and ``Function.apply`` sends it
here (``apply_with_ctx``):

1. ``forward(ctx, *args, **kwargs)`` runs on the Tensors themselves, under ``no_grad()``, with a
   :class:`FunctionCtx` to keep what ``backward`` needs (``ctx.save_for_backward``, or any attribute).
   PyTorch 2's split form also works: ``forward(*args)`` plus ``setup_context(ctx, inputs, output)``.
2. When an input requires grad, one graph node (a :class:`CtxNode`) stands for the call. A single output is that
   node's output; several differentiable outputs are packed into one flat node output and handed back as slices of
   it, so each output's gradient flows back through the slice into the node, which unpacks them.
3. In the backward pass the node calls ``backward(ctx, *grad_outputs)`` with Tensors and checks its answer: one
   gradient per ``forward`` argument (``None`` for non-tensors and for inputs that need none), each of its
   input's shape, or of a shape the input broadcasts to (summed back, as PyTorch does). Anything else raises a
   ``GradError`` naming the Function and the input; nothing is broadcast silently.

Gradients of the backward itself (double backward through a custom Function) are not recorded: every custom
Function here behaves as if decorated with ``once_differentiable``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from ..base.errors import GradError
from .function import Function, Grads, unbroadcast
from .grad_mode import STATE, no_grad

if TYPE_CHECKING:
    from ..tensor.base import TensorBase
    from ..tensor.tensor import Tensor


class FunctionCtx:
    """The ``ctx`` of a custom Function: what ``forward`` leaves for ``backward``.

    Attributes
    ----------
    needs_input_grad
        One bool per argument of ``forward``: whether that argument is a tensor that requires grad.
    """

    def __init__(self, name: str, needs_input_grad: tuple[bool, ...]) -> None:
        self._name = name
        self.needs_input_grad = needs_input_grad
        self._saved: tuple[Any, ...] = ()
        self._released = False
        self.materialize_grads = True
        self._non_differentiable: set[int] = set()

    def save_for_backward(self, *tensors: Any) -> None:
        """Keep tensors (or None) for ``backward``, read back as ``ctx.saved_tensors``."""
        from ..tensor.base import TensorBase

        for i, t in enumerate(tensors):
            if t is not None and not isinstance(t, TensorBase):
                raise TypeError(
                    f"{self._name}: save_for_backward takes tensors or None, got a {type(t).__name__} at position "
                    f"{i}; keep other values as attributes of ctx (ctx.{'value'} = ...)"
                )
        self._saved = tensors

    @property
    def saved_tensors(self) -> tuple[Any, ...]:
        """The tensors given to ``save_for_backward``; freed after the first backward pass (as in PyTorch)."""
        if self._released:
            raise GradError(
                f"{self._name}: saved_tensors were freed after the first backward pass; call "
                "backward(retain_graph=True) the first time to go through the graph again"
            )
        return self._saved

    def mark_non_differentiable(self, *outputs: Any) -> None:
        """Declare outputs (an index tensor, a mask) that carry no gradient: they leave without a graph."""
        self._non_differentiable.update(id(o) for o in outputs)

    def set_materialize_grads(self, value: bool) -> None:
        """False: ``backward`` gets None (not zeros) for outputs that are not differentiable."""
        self.materialize_grads = value

    def mark_dirty(self, *tensors: Any) -> None:
        """Accepted for PyTorch's scripts; in-place changes are tracked by each tensor's version counter."""


class CtxNode(Function):
    """The graph node of one call of a custom Function (see the module docstring)."""

    def __init__(self, function: Any, ctx: FunctionCtx, args: tuple[Any, ...], outputs: tuple[Any, ...]) -> None:
        from ..tensor.base import TensorBase

        self.function = function
        self.ctx = ctx
        self.args = args
        # each output's (shape, dtype, packed into the node's output?); None for an output that is not a tensor
        self.outputs = [
            (o.shape, o.dtype, _differentiable(o, ctx)) if isinstance(o, TensorBase) else None for o in outputs
        ]

    @property
    def name(self) -> str:
        return self.function.__name__

    def forward(self, *args: Any, **kwargs: Any) -> np.ndarray:
        raise GradError(f"{self.name}: a custom Function's node is made by apply, not run forward")

    def backward(self, grad: np.ndarray) -> Grads:
        """Unpack dL/d(each output), call the user's ``backward(ctx, *grads)`` and check each returned gradient."""
        from ..tensor.tensor import Tensor

        pieces: list[Tensor | None] = []
        offset = 0
        for output in self.outputs:
            if output is None or not output[2]:  # not a tensor, or not differentiable: no gradient arrives
                materialize = output is not None and self.ctx.materialize_grads
                pieces.append(Tensor(np.zeros(output[0], output[1])) if materialize and output else None)
                continue
            shape, dtype, _ = output
            size = int(np.prod(shape))
            pieces.append(Tensor(grad.reshape(-1)[offset : offset + size].reshape(shape).astype(dtype)))
            offset += size
        with no_grad():
            returned = self.function.backward(self.ctx, *pieces)
        returned = returned if isinstance(returned, tuple) else (returned,)
        return self._checked(returned)

    def _checked(self, returned: tuple[Any, ...]) -> Grads:
        from ..tensor.base import TensorBase

        n = len(self.args)
        if len(returned) < n or any(g is not None for g in returned[n:]):
            raise GradError(
                f"{self.name}.backward returned {len(returned)} gradient(s) for {n} input(s) of forward: it must "
                "return one per forward argument (None for arguments that are not tensors or need no gradient)"
            )
        grads: list[np.ndarray | None] = []
        for i, (arg, g) in enumerate(zip(self.args, returned)):
            if not isinstance(arg, TensorBase):
                if g is not None:
                    raise GradError(
                        f"{self.name}.backward returned a gradient for input {i}, a {type(arg).__name__} "
                        "(not a tensor): return None there"
                    )
                continue
            grads.append(None if g is None else self._fitted(i, arg, g))
        return tuple(grads)

    def _fitted(self, i: int, arg: TensorBase, g: Any) -> np.ndarray:
        from ..tensor.base import TensorBase

        array = np.asarray(g._array if isinstance(g, TensorBase) else g)
        if array.shape == arg.shape:
            return array
        try:
            np.broadcast_shapes(arg.shape, array.shape)
            expandable = np.broadcast_shapes(arg.shape, array.shape) == array.shape
        except ValueError:
            expandable = False
        if not expandable:
            raise GradError(
                f"{self.name}.backward returned a gradient of shape {tuple(array.shape)} for input {i} of shape "
                f"{tuple(arg.shape)}: each gradient must have its input's shape"
            )
        return unbroadcast(array, arg.shape)

    def release(self) -> None:
        super().release()
        self.ctx._released = True


def _tensors_in(out: Any) -> tuple[Any, ...]:
    return out if isinstance(out, tuple) else (out,)


def _differentiable(output: Any, ctx: FunctionCtx) -> bool:
    """A floating-point tensor output not marked non-differentiable: gradients flow through it."""
    return output.dtype.kind == "f" and id(output) not in ctx._non_differentiable


def apply_with_ctx(function: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """``Function.apply`` for a Function written with PyTorch's protocol (see the module docstring)."""
    from ..tensor.base import TensorBase

    needs = tuple(isinstance(a, TensorBase) and a.requires_grad for a in args)
    ctx = FunctionCtx(function.__name__, needs)
    with no_grad():
        if _has_setup_context(function):
            out = function.forward(*args, **kwargs)
            function.setup_context(ctx, args, out)
        else:
            out = function.forward(ctx, *args, **kwargs)
    if not (STATE.grad_enabled and any(needs)):
        return out
    outputs = _tensors_in(out)
    differentiable = [i for i, o in enumerate(outputs) if isinstance(o, TensorBase) and _differentiable(o, ctx)]
    if not differentiable:
        return out
    chosen = [outputs[i] for i in differentiable]
    node = CtxNode(function, ctx, args, outputs)
    parents = tuple(a for a in args if isinstance(a, TensorBase))
    node.parents = parents  # type: ignore[assignment]  # as in Function.apply
    node.needs_input_grad = tuple(p.requires_grad for p in parents)
    node.versions = tuple(p._version for p in parents)
    dtype = np.result_type(*[o.dtype for o in chosen])
    flat = np.concatenate([o._array.reshape(-1).astype(dtype) for o in chosen])
    packed = parents[0]._make(flat, True, node)
    replaced = list(outputs)
    offset = 0
    for i, o in zip(differentiable, chosen):
        size = o.numel()
        piece = packed[offset : offset + size].reshape(o.shape)
        replaced[i] = piece.to(o.dtype) if piece.dtype != o.dtype else piece
        offset += size
    return tuple(replaced) if isinstance(out, tuple) else replaced[0]


def _has_setup_context(function: Any) -> bool:
    return getattr(function, "setup_context", None) is not getattr(Function, "setup_context", None)


def once_differentiable(backward: Callable[..., Any]) -> Callable[..., Any]:
    """PyTorch's decorator for a ``backward`` that is not itself differentiable: runs it under ``no_grad()``."""

    @functools.wraps(backward)
    def wrapper(ctx: Any, *grads: Any) -> Any:
        with no_grad():
            return backward(ctx, *grads)

    return wrapper
