"""A recorded call planned for replay: the tape lowered to kernels (with the rewrites), the memory
plan, and the replays that run it forward and backward.

Lowering walks the tape once. A convolution whose only reader is a ReLU whose only reader is a 2x2
max-pool (or a convolution read only by such a pool) becomes one :class:`ConvPoolKernel`; a 2-D
``Linear`` (with the ReLU after it when that is its only reader) a :class:`LinearKernel`; every
other op an :class:`OpKernel` that calls the op's own forward and backward.

A :class:`Replay` is one set of kernels with their buffers. A call takes a free replay, runs it
forward, and hands it to the output's autograd node, :class:`CompiledGraph`, whose backward runs the
kernels' backward in reverse order and gives each parameter its gradient; the replay is free again
once that backward is done (or the output is dropped). Two outputs alive at once use two replays.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from ..autodiff.engine import fit_shape
from ..autodiff.function import Function, Grads
from . import conv_pool
from .capture import Ref, Tape
from .conv_pool import ConvPoolKernel
from .kernels import Kernel, LinearKernel, OpKernel

if TYPE_CHECKING:
    from .capture import Node


REWRITES = frozenset({"conv_pool", "linear"})
"""The rewrites ``lower`` knows: ``conv_pool`` (ConvPoolKernel) and ``linear`` (LinearKernel)."""


class Program:
    """A tape lowered to kernel factories (``lower``), with a pool of replays to run them."""

    def __init__(
        self, tape: Tape, input_shapes: list[tuple[tuple[int, ...], np.dtype]], rewrites: frozenset[str] = REWRITES
    ) -> None:
        self.tape = tape
        self.input_shapes = input_shapes
        self.factories = lower(tape, self.shape_of, rewrites)
        self.free: list[Replay] = []
        self.replays = 0

    def shape_of(self, ref: Ref) -> tuple[tuple[int, ...], np.dtype]:
        """The shape and dtype of what ``ref`` names, as recorded."""
        if ref.kind == "input":
            return self.input_shapes[ref.index]
        if ref.kind == "external":
            t = self.tape.externals[ref.index]
            return t.shape, t._array.dtype
        node = self.tape.nodes[ref.index]
        return node.shape, node.dtype

    def take(self) -> Replay:
        """A replay not in use (a new one, with new buffers, when all are)."""
        if self.free:
            return self.free.pop()
        self.replays += 1
        return Replay(self)

    def sample(self) -> Replay:
        """A replay to show (a free one, or a new one that is not added to the pool)."""
        return self.free[-1] if self.free else Replay(self)

    def plan(self) -> str:
        """The memory plan as text: each kernel in order, the ops it replaced and its buffers."""
        replay = self.sample()
        lines, total = [], 0
        for i, kernel in enumerate(replay.kernels):
            ins = ", ".join(str(r) for r in kernel.args)
            lines.append(f"{i:3d}  v{kernel.out:<3d} = {kernel.name}({ins})")
            for name, array in kernel.buffers.items():
                total += array.nbytes
                lines.append(f"       {name:<18s} {str(array.shape):<24s} {array.dtype} {array.nbytes / 1024:9.1f} KiB")
        lines.append(
            f"{len(replay.kernels)} kernels for {len(self.tape.nodes)} recorded ops; "
            f"planned buffers {total / 2**20:.2f} MiB per replay (other ops allocate their results as in eager mode)"
        )
        return "\n".join(lines)


def lower(
    tape: Tape, shape_of: Callable[[Ref], tuple[tuple[int, ...], np.dtype]], rewrites: frozenset[str] = REWRITES
) -> list[Callable[[], Kernel]]:
    """The tape as kernel factories in run order, with the ``rewrites`` named (module docstring)."""
    readers = tape.consumers()

    def only_reader(i: int, name: str) -> int | None:
        """The node reading value i, if it is the only reader and an op called ``name``."""
        r = readers.get(Ref("value", i), [])
        if len(r) == 1 and r[0] >= 0 and tape.nodes[r[0]].name == name and len(tape.nodes[r[0]].args) == 1:
            return r[0]
        return None

    factories: list[Callable[[], Kernel]] = []
    fused: set[int] = set()
    for i, node in enumerate(tape.nodes):
        if i in fused:
            continue
        chain, factory = [i], None
        if node.name == "Conv2d" and "conv_pool" in rewrites:
            relu = only_reader(i, "Relu")
            pool = only_reader(relu if relu is not None else i, "MaxPool2d")
            x_shape = shape_of(node.args[0])[0]
            if pool is not None and conv_pool.fits(node, tape.nodes[pool], x_shape):
                chain = [i] + ([relu] if relu is not None else []) + [pool]
                factory = _factory(ConvPoolKernel, tape, chain, x_shape, shape_of(node.args[1])[0])
        elif (
            node.name == "Linear"
            and "linear" in rewrites
            and len(shape_of(node.args[0])[0]) == 2
            and node.dtype.kind == "f"
        ):
            relu = only_reader(i, "Relu")
            chain = [i] + ([relu] if relu is not None else [])
            factory = _factory(LinearKernel, tape, chain, shape_of(node.args[0])[0], shape_of(node.args[1])[0])
        factories.append(factory or _op_factory(node, i))
        fused.update(chain)
    return factories


def _is_2d_float(node: Node, x_shape: tuple[int, ...]) -> bool:
    """A Linear the LinearKernel computes: a 2-D input (a batch of rows) and a float result."""
    return len(x_shape) == 2 and node.dtype.kind == "f"


def _factory(cls: type, tape: Tape, chain: list[int], *shapes: tuple[int, ...]) -> Callable[[], Kernel]:
    def make() -> Kernel:
        kernel: Kernel = cls([tape.nodes[j] for j in chain], *shapes)
        kernel.out = chain[-1]
        return kernel

    return make


def _op_factory(node: Node, i: int) -> Callable[[], Kernel]:
    def make() -> Kernel:
        kernel = OpKernel(node)
        kernel.out = i
        return kernel

    return make


def _has_ref(value: Any) -> bool:
    """Whether an op's arguments hold a Ref (an array replaced by this call's), at any depth."""
    if isinstance(value, Ref):
        return True
    if isinstance(value, (tuple, list)):
        return any(_has_ref(v) for v in value)
    if isinstance(value, dict):
        return any(_has_ref(v) for v in value.values())
    return False


def _resolve(value: Any, inputs: list[np.ndarray], values: list[Any]) -> Any:
    """An op argument with each recorded Ref replaced by this call's array."""
    if isinstance(value, Ref):
        return inputs[value.index] if value.kind == "input" else values[value.index]
    if isinstance(value, tuple):
        return tuple(_resolve(v, inputs, values) for v in value)
    return value


class Replay:
    """One set of kernels with their buffers: runs the recorded call forward and backward."""

    def __init__(self, program: Program) -> None:
        self.program = program
        self.kernels = [make() for make in program.factories]
        self.values: list[Any] = [None] * len(program.tape.nodes)
        self.dynamic = [_has_ref(k.nodes[0].kwargs) for k in self.kernels]
        out_ref = program.tape.output
        assert out_ref is not None
        self.out_ref = out_ref
        self.copy_output = next(k for k in self.kernels if k.out == out_ref.index).owns_output
        # the backward pass, in run order: each kernel through which gradients flow, the value it
        # receives a gradient for, and (position, input, its shape and dtype) of each input needing one
        self.backward_steps = [
            (
                kernel,
                Ref("value", kernel.out),
                [
                    (i, ref, *program.shape_of(ref))
                    for i, (ref, need) in enumerate(zip(kernel.args, kernel.needs))
                    if need
                ],
            )
            for kernel in reversed(self.kernels)
            if kernel.requires_grad
        ]
        self.busy = False

    def forward(self, inputs: list[np.ndarray], externals: list[np.ndarray]) -> np.ndarray:
        """Run every kernel; the recorded output's array (a copy when it is a kernel's buffer)."""
        values = self.values
        sources = {"input": inputs, "external": externals, "value": values}
        with np.errstate(all="ignore"):
            for kernel, dynamic in zip(self.kernels, self.dynamic):
                arrays = [sources[r.kind][r.index] for r in kernel.args]
                kwargs = kernel.nodes[0].kwargs
                if dynamic:
                    kwargs = {k: _resolve(v, inputs, values) for k, v in kwargs.items()}
                values[kernel.out] = kernel.forward(arrays, kwargs)
        out = values[self.out_ref.index]
        return out.copy() if self.copy_output else out

    def backward(self, grad: np.ndarray) -> dict[Ref, np.ndarray]:
        """The gradient of every input and external that requires one, for output gradient ``grad``.

        Chain rule in reverse recorded order: a kernel's output gradient is complete once every
        kernel after it has run; each input gradient is summed to its input's shape (broadcasting)
        and added to what other readers of that input sent."""
        grads: dict[Ref, np.ndarray] = {self.out_ref: grad}
        with np.errstate(all="ignore"):
            for kernel, value, targets in self.backward_steps:
                g = grads.pop(value, None)
                if g is None:
                    continue
                input_grads = kernel.backward(g)
                for i, ref, shape, dtype in targets:
                    gi = input_grads[i]
                    if gi is None:
                        continue
                    gi = fit_shape(gi, shape, dtype)
                    grads[ref] = grads[ref] + gi if ref in grads else gi
        return grads

    def done(self) -> None:
        """Give this replay back to its program's pool (once)."""
        if self.busy:
            self.busy = False
            self.values = [None] * len(self.values)
            self.program.free.append(self)


class CompiledGraph(Function):
    """The autograd node of one replayed call: ``backward`` replays the recorded backward pass and
    returns the gradient of each parent (the call's inputs and external tensors that require grad)."""

    replay: Replay
    parent_refs: tuple[Ref, ...]

    def backward(self, grad: np.ndarray) -> Grads:
        grads = self.replay.backward(grad)
        leaf = [p.grad_fn is None for p in self.parents]
        return tuple(
            None if (g := grads.get(ref)) is None else g if is_leaf else g.copy()
            for ref, is_leaf in zip(self.parent_refs, leaf)
        )

    def release(self) -> None:
        super().release()
        self.replay.done()


def attach(node: CompiledGraph, replay: Replay) -> None:
    """Tie ``replay`` to ``node``: it is given back when the node is released or collected."""
    node.replay = replay
    weakref.finalize(node, replay.done)
