"""Recording one eager call as a tape: the primitive ops it ran, in order, and where each op's
inputs came from.

While a :class:`Capture` is active, ``Function.apply`` hands every op to :meth:`Capture.record`,
which runs it eagerly (the call's result is the eager result) and notes the op class, its
non-tensor arguments and a :class:`Ref` for each tensor input: one of the call's inputs, an
external tensor (a parameter, a buffer, or a constant made during the call, read afresh at every
replay), or the value of an earlier op. Anything a replay could not reproduce, a Python decision
on a tensor's value (``item()``, ``bool(t)``), random numbers drawn outside an op, an in-place
write, a forward hook, is a *graph break*: recording notes its cause and the eager run goes on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from ..autodiff.function import Function
from ..autodiff.grad_mode import STATE
from ..base.module_stack import MODULE_STACK
from ..base.recording import RECORDING

if TYPE_CHECKING:
    from ..tensor.tensor import Tensor

EAGER_APPLY = Function.__dict__["apply"].__func__
"""``Function.apply`` itself, called with the recorder switched off: the op as eager mode runs it."""


@dataclass(frozen=True)
class Ref:
    """Where a tensor comes from: ``kind`` is ``input`` (the call's i-th tensor argument),
    ``external`` (a tensor made outside the recorded ops, read at each replay) or ``value`` (the
    output of the i-th recorded op)."""

    kind: str
    index: int

    def __str__(self) -> str:
        return {"input": "in", "external": "ext", "value": "v"}[self.kind] + str(self.index)


@dataclass
class Node:
    """One recorded op: its class, inputs, non-tensor arguments and what it produced."""

    op: type[Function]
    args: tuple[Ref, ...]
    kwargs: dict[str, Any]
    needs_input_grad: tuple[bool, ...]
    shape: tuple[int, ...]
    dtype: np.dtype
    requires_grad: bool
    module: str  # the innermost module whose forward ran the op ('' outside any), for the drawings

    @property
    def name(self) -> str:
        """The op's name, e.g. ``Conv2d``."""
        return self.op.__name__


@dataclass
class Tape:
    """A recorded call: its ops in order, the external tensors they read, and the output."""

    nodes: list[Node] = field(default_factory=list)
    externals: list[Tensor] = field(default_factory=list)
    output: Ref | None = None
    breaks: list[str] = field(default_factory=list)

    def consumers(self) -> dict[Ref, list[int]]:
        """For each value, the indices of the nodes that read it (the output counts as one reader, -1)."""
        readers: dict[Ref, list[int]] = {}
        for i, node in enumerate(self.nodes):
            for ref in node.args:
                readers.setdefault(ref, []).append(i)
        if self.output is not None:
            readers.setdefault(self.output, []).append(-1)
        return readers


class Capture:
    """The active recorder of one call (see the module docstring); use it as a context manager."""

    def __init__(self, inputs: list[Tensor]) -> None:
        self.tape = Tape()
        self.refs: dict[int, Ref] = {id(t._array): Ref("input", i) for i, t in enumerate(inputs)}
        self.external_index: dict[int, int] = {}
        self.keep: list[Any] = list(inputs)  # every recorded array stays alive, so ids stay unique
        self.versions = [(t, t._version) for t in inputs]  # inputs and externals: changed in place = a break

    def __enter__(self) -> Capture:
        if RECORDING.recorder is not None:
            raise RuntimeError("tl.compile: a compiled call inside another one's recording is not supported")
        RECORDING.recorder = self
        return self

    def __exit__(self, *exc: object) -> None:
        RECORDING.recorder = None
        RECORDING.in_op = False
        for t, version in self.versions:
            if t._version != version:
                self.graph_break(f"a tensor of shape {t.shape} was changed in place during the call")
                break

    def graph_break(self, cause: str) -> None:
        """Note a reason the call cannot be replayed (the first few are kept)."""
        if cause not in self.tape.breaks:
            self.tape.breaks.append(cause)

    def ref_of(self, t: Tensor) -> Ref:
        """The Ref of an op's input: the call's input, an earlier op's value, or an external tensor."""
        ref = self.refs.get(id(t._array))
        if ref is not None:
            return ref
        base = t._array.base
        while base is not None:
            if id(base) in self.refs and self.refs[id(base)].kind != "external":
                self.graph_break(
                    f"a tensor of shape {t.shape} was made from another tensor's array outside an op "
                    "(its values would be frozen)"
                )
                break
            base = base.base
        index = self.external_index.get(id(t))
        if index is None:
            index = self.external_index[id(t)] = len(self.tape.externals)
            self.tape.externals.append(t)
            self.versions.append((t, t._version))
        return Ref("external", index)

    def _kwarg(self, value: Any) -> Any:
        """An op argument, with any array that *is* a recorded input or value replaced by its Ref
        (cross-entropy indexes by the targets' own array): replay passes the current one."""
        if isinstance(value, np.ndarray):
            ref = self.refs.get(id(value))
            return ref if ref is not None and ref.kind != "external" else value
        if isinstance(value, tuple):
            return tuple(self._kwarg(v) for v in value)
        return value

    def record(self, cls: type[Function], inputs: tuple[Any, ...], kwargs: dict[str, Any]) -> Tensor:
        """Run the op eagerly, as ``Function.apply`` would, and add it to the tape."""
        if cls.uses_ctx:
            self.graph_break(f"the custom autograd Function {cls.__name__} (ops with ctx are run as Python code)")
        args = tuple(self.ref_of(t) for t in inputs)
        RECORDING.recorder, RECORDING.in_op = None, True  # the op runs as in eager mode, its draws inside it
        try:
            out = EAGER_APPLY(cls, *inputs, **kwargs)
        finally:
            RECORDING.recorder, RECORDING.in_op = self, False
        if cls.uses_ctx:
            return out
        modules = MODULE_STACK.running
        self.tape.nodes.append(
            Node(
                cls,
                args,
                {k: self._kwarg(v) for k, v in kwargs.items()},
                tuple(t.requires_grad for t in inputs),
                out.shape,
                out._array.dtype,
                STATE.grad_enabled and out.requires_grad,
                type(modules[-1]).__name__ if modules else "",
            )
        )
        self.refs[id(out._array)] = Ref("value", len(self.tape.nodes) - 1)
        self.keep.append(out)
        return out

    def finish(self, output: Any) -> Tape:
        """The tape, with the call's output located (a single Tensor made by a recorded op)."""
        from ..tensor.tensor import Tensor

        if not isinstance(output, Tensor):
            self.graph_break(f"the call returned {type(output).__name__}, not one Tensor")
        else:
            ref = self.refs.get(id(output._array))
            if ref is None or ref.kind != "value":
                self.graph_break("the call returned a tensor that no op of the call computed")
            else:
                self.tape.output = ref
        return self.tape
