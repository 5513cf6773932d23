"""The flat step of the elementwise optimizers: one update over one arena per parameter group and dtype.

PyTorch's ``foreach=True`` runs each operation of an optimizer's rule once over a list of tensors instead
of once per tensor. Here the same comes from one flat array: the gradients of a group's parameters are
copied into one buffer, the optimizer's state (``exp_avg``, ``square_avg``, ``momentum_buffer``, ...) lives
in one flat array per name whose slices are the entries of ``optimizer.state[p]`` (views, so ``state_dict``
and code reading the state see them), the rule runs once over the flat arrays, and the new values are
copied back into each ``p._array``. The rule's dozen or so numpy calls then run once a step instead of
once per parameter, for three copies per parameter (gradient and value in, value out).

The rules are elementwise, so each element goes through the same IEEE operations in both paths: the
results are bit-identical to the per-parameter loop, and the flat step is the default (``foreach=None``).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from ..tensor.tensor import Tensor
from .optimizer import Optimizer, grad_array

ArenaKey = tuple[np.dtype, tuple[tuple[str, type, Any], ...], tuple[str, ...]]
"""What the parameters of one arena share: their dtype, their scalar state (``step``, with its type) and the
names of their state arrays."""
Rule = Callable[[np.ndarray, np.ndarray, dict[str, Any], dict[str, Any]], None]
"""An optimizer's elementwise rule: ``rule(p, grad, group, state)`` (see ``FlatOptimizer``)."""


FLAT_MAX_MEAN_SIZE = 32_768
"""With ``foreach=None``, a group takes the flat step when its parameters average at most this many
elements. Measured (one optimizer step): LeNet-5's 10 parameters (6,171 on average) with Adam, loop 164
us and flat 144-154 us; the 784-512-512-10 MLP's 6 (111,514 on average) with SGD, the whole training
step 25,500 img/s with the loop and 20,400 flat."""


class FlatOptimizer(Optimizer):
    """Base of the optimizers whose rule is elementwise (SGD, Adam, AdamW, Adadelta, RMSprop, Adagrad).

    A subclass writes its rule once, as ``rule(p, grad, group, state)`` on numpy arrays: it changes the
    array ``p`` in place from the gradient ``grad``, the group's hyperparameters and ``state`` (a dict of
    arrays of ``p``'s shape and numbers such as ``step``, created by the rule on the first step).
    ``step()`` runs it in one of two ways, which give bit-identical results:

    - flat (``foreach=True``, ``fused=True``, and the default ``foreach=None`` for groups of parameters
      of at most ``FLAT_MAX_MEAN_SIZE`` elements on average): once per arena, with ``p``,
      ``grad`` and the state arrays flat over all the group's parameters that have a gradient and share a
      dtype, a step count and the same state entries (so a parameter that missed steps gets its own arena);
    - per parameter (``foreach=False``, and the default for groups of larger parameters, where the flat
      step's three copies, gradients in and parameters in and out, cost more than the per-parameter calls
      it saves): once per parameter with its own arrays.

    The flat path covers weight decay, momentum, Nesterov, dampening, ``maximize`` (the gradients are
    gathered negated), ``amsgrad``, AdamW's decoupled decay, non-contiguous parameter arrays and groups
    mixing float32 and float64 (an arena per dtype). A parameter falls back to the per-parameter rule when
    its dtype is not a floating one, its gradient differs from it in shape or dtype, or its state holds an
    array not of its shape and dtype or anything but arrays and numbers. Complex tensors, sparse gradients,
    ``capturable`` and ``differentiable`` do not exist here.

    The arena is rebuilt (its values copied from the state entries) whenever it no longer matches: the
    parameters with a gradient changed, a parameter's array was replaced or changed shape or dtype, a
    gradient changed shape or dtype, or a state entry or a state
    dict was replaced (``load_state_dict``, code assigning ``optimizer.state[p][name]``). Writing into a
    state array in place changes the arena, as in the loop; an array kept from before a rebuild is no
    longer updated. Parameters whose arrays share memory (``nn.Parameter(other.detach())``) are left to the
    per-parameter rule too, which updates the second from the first's result as the loop does.
    """

    def __init__(self, params: Iterable[Any], defaults: dict[str, Any]) -> None:
        self._plans: dict[int, _Plan] = {}
        super().__init__(params, defaults)

    def check_hyperparameters(self, group: dict[str, Any]) -> None:
        """Also check ``foreach`` and ``fused``: each None, True or False, and not both True (as PyTorch)."""
        super().check_hyperparameters(group)
        for flag in ("foreach", "fused"):
            value = group.get(flag)
            if value is not None and not isinstance(value, (bool, np.bool_)):
                raise TypeError(f"{type(self).__name__}: {flag} must be None, True or False, got {value!r}")
        if group.get("foreach") and group.get("fused"):
            raise ValueError(f"{type(self).__name__}: `fused` and `foreach` cannot be `True` together.")

    def rule(self, p: np.ndarray, grad: np.ndarray, group: dict[str, Any], state: dict[str, Any]) -> None:
        """Change the array ``p`` in place by one step of this optimizer's rule (see the class docstring)."""
        raise NotImplementedError

    def update(self, p: Tensor, grad: np.ndarray, group: dict[str, Any], state: dict[str, Any]) -> None:
        """The per-parameter step: the rule on this parameter's own arrays."""
        self.rule(p._array, grad, group, state)

    def step_group(self, group: dict[str, Any]) -> None:
        """The flat step of one group, or the per-parameter loop for ``foreach=False`` (unless ``fused=True``)."""
        params = [p for p in group["params"] if p.grad is not None]
        if not _takes_flat_step(group, params):
            super().step_group(group)
            return
        plan = self._plans.get(id(group))
        if plan is None or not plan.fits(params, self.state):
            plan = self._plans[id(group)] = _Plan(group, params, self.state)
        for p in plan.loop:
            self.step_param(p, group)
        for arena in plan.arenas:
            arena.step(self.rule, group)

    def __getstate__(self) -> dict[str, Any]:
        """Copies (``copy.deepcopy``, pickle) leave the arenas behind: their state entries are copied apart from
        the arena, which a copy then rebuilds on its first step."""
        return {**self.__dict__, "_plans": {}}


def _takes_flat_step(group: dict[str, Any], params: list[Tensor]) -> bool:
    """``fused=True`` or ``foreach=True``: yes; ``foreach=False``: no; ``foreach=None``: when the parameters
    average at most ``FLAT_MAX_MEAN_SIZE`` elements."""
    if group.get("fused") or group.get("foreach"):
        return True
    if group.get("foreach") is False:
        return False
    return sum(p._array.size for p in params) <= FLAT_MAX_MEAN_SIZE * len(params)


class _Plan:
    """How one group steps: its parameters with a gradient when the plan was made, its arenas and the
    parameters left to the per-parameter rule."""

    def __init__(self, group: dict[str, Any], params: list[Tensor], table: dict[Tensor, dict[str, Any]]) -> None:
        self.group = group  # held, so that the id keying this plan stays the group's
        self.params = tuple(params)
        self.arrays = tuple(p._array for p in params)
        self.loop: list[Tensor] = []
        members: dict[ArenaKey, list[tuple[Tensor, dict[str, Any]]]] = {}
        shared = _sharing_memory(self.arrays)
        for i, p in enumerate(params):
            state = table.setdefault(p, {})
            key = None if i in shared else _arena_key(p, state)
            if key is None:
                self.loop.append(p)
            else:
                members.setdefault(key, []).append((p, state))
        self.arenas = [_Arena(key[0], found) for key, found in members.items()]

    def fits(self, params: list[Tensor], table: dict[Tensor, dict[str, Any]]) -> bool:
        """Whether this plan still holds for the parameters that now have a gradient and the state ``table``."""
        return (
            len(params) == len(self.params)
            and all(p is q and p._array is array for p, q, array in zip(params, self.params, self.arrays))
            and all(arena.fits(table) for arena in self.arenas)
        )


def _memory_span(array: np.ndarray) -> tuple[int, int]:
    """The first byte ``array`` reaches and the one after its last."""
    low = high = array.__array_interface__["data"][0]
    for n, stride in zip(array.shape, array.strides):
        if stride < 0:
            low += stride * (n - 1)
        else:
            high += stride * (n - 1)
    return low, high + array.itemsize


def _sharing_memory(arrays: tuple[np.ndarray, ...]) -> set[int]:
    """The positions of the arrays whose bytes overlap another's (interleaved views count as overlapping)."""
    shared: set[int] = set()
    run: list[int] = []  # arrays, by start, each overlapping an earlier one of the run
    reach = -1
    for (low, high), i in sorted((_memory_span(a), i) for i, a in enumerate(arrays) if a.size):
        if low >= reach:
            shared.update(run if len(run) > 1 else ())
            run = []
        run.append(i)
        reach = max(reach, high)
    shared.update(run if len(run) > 1 else ())
    return shared


def _arena_key(p: Tensor, state: dict[str, Any]) -> ArenaKey | None:
    """The arena ``p`` belongs in, or None when only the per-parameter rule can update it."""
    array, grad = p._array, p.grad._array if p.grad is not None else None
    if grad is None or array.dtype.kind != "f" or grad.dtype != array.dtype or grad.shape != array.shape:
        return None
    scalars, arrays = [], []
    for name, entry in sorted(state.items()):
        if isinstance(entry, np.ndarray):
            if entry.shape != array.shape or entry.dtype != array.dtype:
                return None
            arrays.append(name)
        elif isinstance(entry, numbers.Number):
            scalars.append((name, type(entry), entry))
        else:
            return None
    return array.dtype, tuple(scalars), tuple(arrays)


class _Arena:
    """Parameters of one dtype and one kind of state, with flat buffers of their values, gradients and state.

    ``flat_state`` is the state the rule sees: the flat arrays, and the numbers all these parameters share.
    """

    def __init__(self, dtype: np.dtype, members: list[tuple[Tensor, dict[str, Any]]]) -> None:
        self.dtype = dtype
        self.params = tuple(p for p, _ in members)
        self.states = tuple(state for _, state in members)
        self.shapes = tuple(p._array.shape for p in self.params)
        stops = np.cumsum([math.prod(shape) for shape in self.shapes]).tolist()
        self.bounds = list(zip([0, *stops[:-1]], stops))
        self.size = stops[-1]
        self.values, self.grads = np.empty(self.size, dtype), np.empty(self.size, dtype)
        self.value_views, self.grad_views = self._views(self.values), self._views(self.grads)
        self.flat_state: dict[str, Any] = {}
        self.arrays: dict[str, np.ndarray] = {}  # the flat state arrays
        self.state_views: dict[str, list[np.ndarray]] = {}  # their slices: the parameters' state entries
        for name, entry in self.states[0].items():
            if isinstance(entry, np.ndarray):
                self._adopt(name, np.concatenate([state[name].reshape(-1) for state in self.states]))
            else:
                self.flat_state[name] = entry

    def _views(self, flat: np.ndarray) -> list[np.ndarray]:
        """Each parameter's slice of ``flat``, in its shape (views)."""
        return [flat[start:stop].reshape(shape) for (start, stop), shape in zip(self.bounds, self.shapes)]

    def _adopt(self, name: str, flat: np.ndarray) -> None:
        """Make ``flat`` the state array ``name``: each parameter's ``state[name]`` becomes its slice."""
        if flat.shape != (self.size,) or flat.dtype != self.dtype or not flat.flags.c_contiguous:
            raise RuntimeError(
                f"the rule left state {name!r} as a {flat.dtype} array of shape {flat.shape}, "
                f"not a contiguous flat {self.dtype} array of {self.size} elements"
            )
        views = self.state_views[name] = self._views(flat)
        for state, view in zip(self.states, views):
            state[name] = view
        self.flat_state[name] = self.arrays[name] = flat

    def fits(self, table: dict[Tensor, dict[str, Any]]) -> bool:
        """Whether every parameter still has its shape, dtype, gradient of both and state dict, and every state
        entry is still this arena's (the same view, the same number)."""
        for p, state, shape in zip(self.params, self.states, self.shapes):
            array, grad = p._array, p.grad._array if p.grad is not None else None
            if (
                table.get(p) is not state
                or grad is None
                or array.shape != shape
                or array.dtype != self.dtype
                or grad.shape != shape
                or grad.dtype != self.dtype
                or len(state) != len(self.flat_state)
            ):
                return False
        for name, entry in self.flat_state.items():
            views = self.state_views.get(name)
            if views is None:
                if not all(state.get(name) is entry for state in self.states):
                    return False
            elif not all(state.get(name) is view for state, view in zip(self.states, views)):
                return False
        return True

    def step(self, rule: Rule, group: dict[str, Any]) -> None:
        """Gather the values and gradients, run ``rule`` once over the flat arrays, take up the state it created
        or changed, and copy the new values back into each parameter."""
        maximize = group.get("maximize")
        for p, value, grad in zip(self.params, self.value_views, self.grad_views):
            np.copyto(value, p._array)
            if maximize:
                np.negative(grad_array(p), out=grad)
            else:
                np.copyto(grad, grad_array(p))
        rule(self.values, self.grads, group, self.flat_state)
        for name, entry in self.flat_state.items():
            if isinstance(entry, np.ndarray):
                if entry is not self.arrays.get(name):
                    self._adopt(name, entry)
            else:
                for state in self.states:
                    state[name] = entry
        for p, value in zip(self.params, self.value_views):
            np.copyto(p._array, value)
            p._version += 1  # an in-place change, as in the per-parameter step
