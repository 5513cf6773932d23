"""The backward pass: an iterative walk of the graph from an output to its leaves, and the
accumulation (and clearing) of the gradients it leaves in ``.grad``."""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np

from ..base.errors import GradError
from .function import Function, check_finite, check_versions, unbroadcast
from .grad_mode import STATE

if TYPE_CHECKING:
    from ..tensor.base import TensorBase
    from ..tensor.tensor import Tensor

    Root = TypeVar("Root", bound=TensorBase)


def topological_order(root: Function) -> list[Function]:
    """The graph's nodes, each before every node it takes input from (no recursion)."""
    return topological_order_of([root])


def topological_order_of(roots: list[Function]) -> list[Function]:
    """The nodes of the graphs of ``roots``, each before every node it takes input from (no recursion).

    An explicit stack replaces the recursive depth-first search, so graphs of any depth
    (a chain of 100,000 ops) are walked without RecursionError.
    """
    order: list[Function] = []
    visited: set[int] = set()
    stack: list[tuple[Function, bool]] = [(root, False) for root in reversed(roots)]
    while stack:
        fn, children_done = stack.pop()
        if children_done:
            order.append(fn)
            continue
        if id(fn) in visited:
            continue
        visited.add(id(fn))
        stack.append((fn, True))
        for parent in fn.parents:
            node = parent.grad_fn
            if node is not None and id(node) not in visited:
                stack.append((node, False))
    order.reverse()
    return order


def store_grad(tensor: TensorBase, grad: np.ndarray, attribute: str = "grad") -> None:
    """Accumulate ``grad`` into ``tensor.grad`` (a fresh array, never a view of another grad), or
    into another attribute of the same kind (``diag_gn``, see second_order.py)."""
    current = getattr(tensor, attribute)
    if current is None:
        setattr(tensor, attribute, tensor._make(np.array(grad, dtype=tensor.dtype)))
    else:
        current._array = current._array + grad


def fit_to(g: np.ndarray, parent: Tensor) -> np.ndarray:
    """An input's gradient in the input's shape and dtype (``fit_shape``)."""
    return fit_shape(g, parent.shape, parent.dtype)


def fit_shape(g: np.ndarray, shape: tuple[int, ...], dtype: Any) -> np.ndarray:
    """A gradient in its input's ``shape`` and ``dtype``: summed over the axes broadcasting added or
    stretched (``unbroadcast``: shared weights sum their terms), then cast."""
    if g.shape != shape:
        g = unbroadcast(g, shape)
    return g.astype(dtype) if g.dtype != dtype else g


def clear_grads(tensors: Iterable[Tensor], set_to_none: bool = True) -> None:
    """What ``Module.zero_grad`` and ``Optimizer.zero_grad`` do: set each ``.grad`` to None,
    or (``set_to_none=False``) to zeros where a gradient exists."""
    for t in tensors:
        if set_to_none or t.grad is None:
            t.grad = None
        else:
            t.grad._array = np.zeros_like(t._array)


_CALLBACKS: list[Callable[[], None]] = []


def queue_callback(callback: Callable[[], None]) -> None:
    """Run ``callback`` once the ``backward()`` pass running now has filled every ``.grad`` (PyTorch's
    ``Variable._execution_engine.queue_callback``: DistributedDataParallel averages gradients there)."""
    _CALLBACKS.append(callback)


def run_backward(root: TensorBase, gradient: np.ndarray, retain_graph: bool) -> None:
    """Propagate ``gradient`` (dL/droot) back through the graph into every leaf's ``.grad``, then run the
    callbacks queued during the pass (``queue_callback``; dropped if the pass fails)."""
    try:
        walk([(root, gradient)], retain_graph, store_grad)
    except BaseException:
        _CALLBACKS.clear()
        raise
    while _CALLBACKS:
        _CALLBACKS.pop(0)()


def walk(
    roots: list[tuple[Root, np.ndarray]],
    retain_graph: bool,
    leaf: Callable[[Root | Tensor, np.ndarray], None],
    node: Callable[[Function, np.ndarray], None] | None = None,
    sent: Callable[[Function, int, np.ndarray], None] | None = None,
) -> None:
    """The backward pass from ``roots`` (each a tensor with its dL/dtensor), calling ``leaf(t, g)``
    for each gradient reaching a leaf that requires grad (a root, or an input of a node),
    ``node(fn, g)`` with each node's complete output gradient (``autograd.grad`` reads them
    there) and ``sent(fn, i, g)`` with each gradient a node sends to its input ``i``
    (``viz.backward_steps`` draws them).

    Chain rule: for a node y = f(x1, ..., xk), dL/dxi = backward_i(dL/dy), summed over every
    path from the roots to xi. Nodes are visited in topological order, so each node's output
    gradient is complete before its own backward runs. Hooks registered on a tensor
    (``register_hook``) see, and may replace, its gradient once it is complete.
    """
    with np.errstate(all="ignore"):  # as in Function.apply: NaN and Inf flow on silently
        pending: dict[int, np.ndarray] = {}
        for tensor, gradient in roots:
            if tensor.grad_fn is None:
                leaf(tensor, _hooked(tensor.hooks, gradient))
            else:
                key = id(tensor.grad_fn)
                pending[key] = pending[key] + gradient if key in pending else gradient
        order = topological_order_of([t.grad_fn for t, _ in roots if t.grad_fn is not None])
        for fn in order:
            grad = pending.pop(id(fn), None)
            if grad is None:
                continue
            if fn.released:
                raise GradError(
                    f"backward through the graph a second time: {fn.name} already released its saved "
                    "arrays after the first backward(). Call backward(retain_graph=True) the first time "
                    "if you need to go through the graph again."
                )
            grad = _hooked(fn.output_hooks, grad)
            retained = fn.retained_output
            if retained is not None and (out := retained()) is not None:
                store_grad(out, grad)
            if node is not None:
                node(fn, grad)
            check_versions(fn)
            input_grads = fn.backward(grad)
            if not retain_graph:
                fn.release()
            for i, (parent, g) in enumerate(zip(fn.parents, input_grads)):
                if g is None or not parent.requires_grad:
                    continue
                g = fit_to(g, parent)
                if STATE.anomaly:
                    check_finite(fn, g, "backward")
                if sent is not None:
                    sent(fn, i, g)
                parent_node = parent.grad_fn
                if parent_node is None:
                    leaf(parent, _hooked(parent.hooks, g))
                elif id(parent_node) in pending:
                    pending[id(parent_node)] = pending[id(parent_node)] + g
                else:
                    pending[id(parent_node)] = g


def _hooked(hooks: list[Callable[[np.ndarray], np.ndarray | None]] | None, grad: np.ndarray) -> np.ndarray:
    """``grad`` after a tensor's hooks (see ``Tensor.register_hook``): each may return a replacement."""
    for hook in hooks or ():
        replacement = hook(grad)
        if replacement is not None:
            grad = replacement
    return grad


def retain(tensor: TensorBase) -> None:
    """Make a non-leaf tensor keep its gradient in ``.grad`` during backward."""
    if tensor.grad_fn is not None:
        tensor.grad_fn.retained_output = weakref.ref(tensor)
