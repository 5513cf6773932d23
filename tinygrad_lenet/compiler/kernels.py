"""The steps a replay runs: a kernel reads arrays, writes one, and knows its backward.

:class:`OpKernel` replays one recorded op by calling the op's own ``forward`` and ``backward``
(what eager mode computes, bit for bit, without building Tensors or graph nodes). The other
kernels replace a recorded pattern by planned numpy calls: their buffers are allocated once,
when the replay is planned, and every call writes into them with ``out=``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ..autodiff.function import Grads

if TYPE_CHECKING:
    from .capture import Node, Ref


class Kernel:
    """One step of a replay: reads ``args``, writes the value of recorded op ``out``.

    ``nodes`` are the recorded ops it runs (one, or a pattern a rewrite replaced), ``needs`` which
    of its inputs need a gradient. Subclasses allocate their buffers in ``__init__`` and list them in
    ``buffers`` (the memory plan)."""

    owns_output = False  # the output is one of its buffers (rewritten by the next call), not a fresh array

    def __init__(self, nodes: list[Node], args: tuple[Ref, ...], needs: tuple[bool, ...]) -> None:
        self.nodes, self.args, self.needs = nodes, args, needs
        self.out = -1  # set by the planner: the index of the value it writes
        self.buffers: dict[str, np.ndarray] = {}

    @property
    def name(self) -> str:
        """What the drawings call it: the op's name, or the fused pattern's."""
        return "+".join(node.name for node in self.nodes)

    @property
    def requires_grad(self) -> bool:
        """Whether gradients flow back through it (as they did in the recorded call)."""
        return self.nodes[-1].requires_grad

    def forward(self, arrays: list[np.ndarray], kwargs: dict[str, Any]) -> np.ndarray:
        """The output array from the input arrays."""
        raise NotImplementedError

    def backward(self, grad: np.ndarray) -> Grads:
        """One gradient per input (None where not needed), for the output gradient ``grad``."""
        raise NotImplementedError

    def buffer(self, name: str, shape: tuple[int, ...], dtype: np.dtype, zero: bool = False) -> np.ndarray:
        """Allocate one planned buffer (zeroed when its zero parts are never written again)."""
        array = (np.zeros if zero else np.empty)(shape, dtype=dtype)
        self.buffers[name] = array
        return array


class OpKernel(Kernel):
    """Replays one recorded op with the op's own ``forward`` and ``backward``: a fresh op instance
    per call holds what forward saves, exactly as in eager mode."""

    def __init__(self, node: Node) -> None:
        super().__init__([node], node.args, node.needs_input_grad)
        self.fn: Any = None

    def forward(self, arrays: list[np.ndarray], kwargs: dict[str, Any]) -> np.ndarray:
        node = self.nodes[0]
        fn = self.fn = node.op()
        fn.needs_input_grad = node.needs_input_grad
        data = fn.forward(*arrays, **kwargs)
        return data if type(data) is np.ndarray else np.asarray(data)

    def backward(self, grad: np.ndarray) -> Grads:
        return self.fn.backward(grad)


class LinearKernel(Kernel):
    """``Linear`` on 2-D input, with the ``Relu`` after it when that is its only reader:

        y = x W^T + b  (into a planned buffer),  y <- max(y, 0) in place;
        backward: g <- g [y > 0],  dx = g W,  dW = g^T x,  db = sum of g over the batch.

    The same numpy calls as the eager ops, with ``out=``: the results are the eager ones bit for bit."""

    owns_output = True

    def __init__(self, nodes: list[Node], x_shape: tuple[int, ...], w_shape: tuple[int, ...]) -> None:
        super().__init__(nodes, nodes[0].args, nodes[0].needs_input_grad)
        dtype = nodes[0].dtype
        self.relu = len(nodes) == 2
        self.y = self.buffer("y", (x_shape[0], w_shape[0]), dtype)
        if self.needs[0]:
            self.dx = self.buffer("dx", x_shape, dtype)
        if self.needs[1]:
            self.dw = self.buffer("dW", w_shape, dtype)
        if self.relu:
            self.g = self.buffer("g", self.y.shape, dtype)

    def forward(self, arrays: list[np.ndarray], kwargs: dict[str, Any]) -> np.ndarray:
        x, w, *bias = arrays
        self.x, self.w = x, w
        y = np.matmul(x, w.T, out=self.y)
        if bias:
            y += bias[0]
        if self.relu:
            np.maximum(y, 0, out=y)
        return y

    def backward(self, grad: np.ndarray) -> Grads:
        if self.relu:
            grad = np.multiply(grad, self.y > 0, out=self.g)
        dx = np.matmul(grad, self.w, out=self.dx) if self.needs[0] else None
        dw = np.matmul(grad.T, self.x, out=self.dw) if self.needs[1] else None
        if len(self.needs) == 3:
            return dx, dw, (grad.sum(axis=0) if self.needs[2] else None)
        return dx, dw
