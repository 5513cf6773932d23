"""``tl.compile``: PyTorch's ``torch.compile`` name and arguments, on record-and-replay.

For each input signature (the tensors' shapes, dtypes and requires_grad, the other arguments,
grad mode, and each module's training flag) the first call runs eagerly and is recorded
(``capture.py``), then replayed from the same random state: every call's result is a replay's, from
the planned kernels (``program.py``). The second call's forward also runs eagerly and is compared
with its replay, a check that the result does not depend on the inputs in a way recording cannot
see. A call that cannot be replayed (a graph
break) runs eagerly, with a one-time warning naming the cause, or raises with ``fullgraph=True``.
At most ``cache_size_limit`` signatures are kept (as ``torch._dynamo.config.cache_size_limit``);
calls with further signatures run eagerly.
"""

from __future__ import annotations

import functools
import sys
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from ..autodiff.function import user_frame
from ..autodiff.grad_mode import STATE, no_grad
from ..base.module_stack import MODULE_STACK
from ..base.random import get_rng_state, set_rng_state
from ..nn.module import Module
from ..tensor.tensor import Tensor
from .capture import Capture, Ref
from .program import REWRITES, CompiledGraph, Program, attach

cache_size_limit = 8
"""Signatures one compiled callable keeps replays for (``torch._dynamo.config.cache_size_limit``)."""


class CompileWarning(UserWarning):
    """A compiled call runs eagerly: what made it impossible to replay (shown once per cause)."""


class CompileError(RuntimeError):
    """With ``fullgraph=True``: the call cannot be replayed as one graph."""


_EAGER = "eager"  # a cache entry: this signature runs eagerly


class _Entry:
    """A signature's recording, and whether its replay was checked against eager mode."""

    def __init__(self, program: Program, externals: list[tuple[Tensor, tuple[int, ...], Any, bool]]) -> None:
        self.program, self.externals, self.verified = program, externals, False

    def current(self) -> bool:
        """The external tensors still have the recorded shapes, dtypes and requires_grad."""
        return all(
            t.shape == shape and t._array.dtype == dtype and t.requires_grad == rg
            for t, shape, dtype, rg in self.externals
        )


class Compiler:
    """Records and replays calls of ``fn`` (see the module docstring); ``module`` is the compiled
    module, whose training flags and buffers are part of what a recording depends on."""

    def __init__(
        self,
        fn: Callable[..., Any],
        module: Module | None,
        fullgraph: bool,
        replay: bool,
        rewrites: frozenset[str] = REWRITES,
    ) -> None:
        self.fn, self.module, self.fullgraph, self.replay, self.rewrites = fn, module, fullgraph, replay, rewrites
        self.cache: dict[Any, _Entry | str] = {}
        self.warned: set[str] = set()

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if not self.replay or STATE.anomaly:
            return self.fn(*args, **kwargs)
        key = self._signature(args, kwargs)
        entry = self.cache.get(key) if key is not None else _EAGER
        if entry is None:
            if len(self.cache) >= cache_size_limit:
                self._fall_back(f"{cache_size_limit} signatures recorded (cache_size_limit): new ones run eagerly")
                return self.fn(*args, **kwargs)
            return self._record(key, args, kwargs)
        if entry is _EAGER:
            return self.fn(*args, **kwargs)
        assert isinstance(entry, _Entry)
        if not entry.current():
            del self.cache[key]
            return self._record(key, args, kwargs)
        tensors = [a for a in args if isinstance(a, Tensor)]
        if not entry.verified:
            return self._verify(key, entry, tensors, args, kwargs)
        return self._replay(entry.program, tensors)

    def _signature(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        """What a recording depends on, hashable; None when an argument cannot be part of it."""
        parts: list[Any] = [STATE.grad_enabled]
        if self.module is not None:
            parts.append(tuple(m.training for m in self.module.modules()))
        for a in args:
            parts.append((a.shape, a._array.dtype, a.requires_grad) if isinstance(a, Tensor) else a)
        if kwargs:
            self._fall_back("keyword arguments (only positional ones are recorded)")
            return None
        try:
            hash(tuple(parts))
        except TypeError:
            self._fall_back("an argument that is neither a Tensor nor hashable")
            return None
        return tuple(parts)

    def _record(self, key: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        """Run the call eagerly while recording it. Unless it broke, the call's result is then the
        replay's, from the same random state, so that every call of a signature gives replay results
        (a resumed run repeats an uninterrupted one bit for bit)."""
        tensors = [a for a in args if isinstance(a, Tensor)]
        buffers = [(b, b._array.copy()) for b in self.module.buffers()] if self.module is not None else []
        state = get_rng_state()
        with Capture(tensors) as capture:
            result = self.fn(*args, **kwargs)
        tape = capture.finish(result)
        changed = any(
            b._array.shape != before.shape or not np.array_equal(b._array, before, equal_nan=True)
            for b, before in buffers
        )
        if changed and not tape.breaks:  # a break already named (batch norm's own) says why
            capture.graph_break(
                "the module changed its buffers during the call (e.g. BatchNorm's running statistics "
                "in training mode): a replay would not update them"
            )
        if tape.breaks:
            self.cache[key] = _EAGER
            self._fall_back("; ".join(tape.breaks))
            return result
        program = Program(tape, [(t.shape, t._array.dtype) for t in tensors], self.rewrites)
        self.cache[key] = _Entry(program, [(t, t.shape, t._array.dtype, t.requires_grad) for t in tape.externals])
        del result, capture
        set_rng_state(state)
        return self._replay(program, tensors)

    def _verify(
        self, key: Any, entry: _Entry, tensors: list[Tensor], args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> Any:
        """The second call: replay, then run the forward eagerly from the same random state and compare.
        A difference means the recording missed a dependence on the inputs: the signature runs eagerly."""
        state = get_rng_state()
        result = self._replay(entry.program, tensors)
        after = get_rng_state()
        set_rng_state(state)
        with no_grad():
            expected = self.fn(*args, **kwargs)._array
        replayed = result._array
        tol = 1e-10 if expected.dtype == np.float64 else 1e-4
        same = replayed.shape == expected.shape and (
            np.array_equal(replayed, expected, equal_nan=True)
            or (expected.dtype.kind == "f" and np.allclose(replayed, expected, rtol=tol, atol=tol, equal_nan=True))
        )
        if same:
            entry.verified = True
            set_rng_state(after)
            return result
        self.cache[key] = _EAGER
        self._fall_back(
            "a replay differed from eager mode on new inputs: the result depends on the inputs in a way "
            "recording cannot see (values read outside the ops, e.g. with .numpy() or ._array)"
        )
        del result
        set_rng_state(state)
        return self.fn(*args, **kwargs)

    def _replay(self, program: Program, tensors: list[Tensor]) -> Tensor:
        """Run the recorded call's kernels; the output carries a CompiledGraph node when grads are needed."""
        externals = program.tape.externals
        replay = program.take()
        replay.busy = True
        data = replay.forward([t._array for t in tensors], [t._array for t in externals])
        out_node = program.tape.nodes[program.tape.output.index]  # type: ignore[union-attr]
        if not out_node.requires_grad:
            replay.done()
            return Tensor._make(data)
        parents, refs = [], []
        for i, t in enumerate(tensors):
            if t.requires_grad:
                parents.append(t)
                refs.append(Ref("input", i))
        for i, t in enumerate(externals):
            if t.requires_grad:
                parents.append(t)
                refs.append(Ref("external", i))
        node = CompiledGraph()
        node.parents, node.parent_refs = tuple(parents), tuple(refs)
        node.needs_input_grad = (True,) * len(parents)
        node.versions = tuple(p._version for p in parents)
        node.modules = MODULE_STACK.running
        attach(node, replay)
        return parents[0]._make(data, True, node)

    def _fall_back(self, cause: str) -> None:
        """Say once per cause why calls run eagerly (raise with ``fullgraph=True``)."""
        name = getattr(self.fn, "__qualname__", type(self.fn).__name__)
        if self.fullgraph:
            raise CompileError(f"tl.compile(fullgraph=True): {name} cannot be replayed as one graph: {cause}")
        if cause not in self.warned:
            self.warned.add(cause)
            warnings.warn(f"tl.compile: {name} runs eagerly: {cause}", CompileWarning, stacklevel=_user_level())


def _user_level() -> int:
    """The ``stacklevel`` that makes a warning point at the user's line, the first frame outside the package."""
    return user_frame(sys._getframe(1))[1] + 1


class CompiledModule(Module):
    """A compiled module (PyTorch's ``OptimizedModule``): the original is ``_orig_mod``, so
    ``parameters()`` and ``state_dict()`` keys start with ``_orig_mod.`` as in PyTorch; other
    attributes are the original's."""

    def __init__(self, module: Module, compiler: Compiler) -> None:
        super().__init__()
        self._orig_mod = module
        object.__setattr__(self, "compiler", compiler)

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        return self.compiler(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        try:
            return super().__getattr__(name)
        except AttributeError:
            return getattr(self._orig_mod, name)

    def plan(self) -> str:
        """The memory plans of the recorded signatures (``Program.plan``), as text."""
        return plans(self.compiler)


def recorded_programs(compiler: Compiler) -> list[Program]:
    """The programs of the signatures ``compiler`` recorded (and did not give up on), oldest first."""
    return [e.program for e in compiler.cache.values() if isinstance(e, _Entry)]


def plans(compiler: Compiler) -> str:
    """Every recorded signature's plan, or a line saying there is none yet."""
    programs = recorded_programs(compiler)
    if not programs:
        return "nothing recorded yet: call it once"
    return "\n\n".join(p.plan() for p in programs)


def compile(
    model: Callable[..., Any] | None = None,
    *,
    fullgraph: bool = False,
    dynamic: bool | None = None,
    backend: str | Callable[..., Any] = "inductor",
    mode: str | None = None,
    options: dict[str, Any] | None = None,
    disable: bool = False,
) -> Any:
    """Compile a module or function, as ``torch.compile``: record the first call of each input
    signature, replay planned numpy kernels afterwards (docs/performance.md).

    ``model`` may be given later (``@tl.compile(fullgraph=True)``). ``fullgraph=True`` raises
    :class:`CompileError` where a call would run eagerly; ``backend="eager"`` and ``disable=True``
    run everything eagerly. ``options={"rewrites": [...]}`` chooses the pattern rewrites among
    ``conv_pool`` and ``linear`` (default both; ``[]`` replays every op as recorded, to measure what
    each gains). ``dynamic`` and ``mode`` are accepted for PyTorch's scripts and change nothing:
    every signature is recorded for its exact shapes."""
    if model is None:
        return functools.partial(
            compile, fullgraph=fullgraph, dynamic=dynamic, backend=backend, mode=mode, options=options, disable=disable
        )
    if disable:
        return model
    if not callable(model):
        raise TypeError(f"tl.compile expects a Module or a function, got {type(model).__name__}")
    options = dict(options or {})
    rewrites = frozenset(options.pop("rewrites", REWRITES))
    if options or not rewrites <= REWRITES:
        unknown = sorted(options) or sorted(rewrites - REWRITES)
        raise ValueError(
            f"tl.compile: unknown option(s) {unknown}; options takes 'rewrites', a list of {sorted(REWRITES)}"
        )
    replay = backend != "eager"
    if isinstance(model, Module):
        return CompiledModule(model, Compiler(model, model, fullgraph, replay, rewrites))
    compiler = Compiler(model, None, fullgraph, replay, rewrites)

    @functools.wraps(model)
    def compiled(*args: Any, **kwargs: Any) -> Any:
        return compiler(*args, **kwargs)

    compiled.compiler = compiler  # type: ignore[attr-defined]
    compiled.plan = lambda: plans(compiler)  # type: ignore[attr-defined]
    return compiled
