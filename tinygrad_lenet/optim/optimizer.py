"""The base class of the optimizers: parameter groups, per-parameter state, saving and resuming."""

from __future__ import annotations

import inspect
import math
import numbers
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from ..autodiff.engine import clear_grads
from ..base import threads
from ..base.errors import StateDictError
from ..tensor.tensor import Tensor

PYTORCH_IMPLEMENTATION_KEYS = frozenset({"foreach", "fused", "differentiable", "capturable"})
"""Keys of a PyTorch optimizer's param groups that choose how its step runs (loops, fused kernels, CUDA graphs),
not what it computes: a state dict PyTorch wrote carries them; loading here keeps those this optimizer has too
(``foreach`` and ``fused`` of the optimizers with a flat step, see ``flat.py``) and drops the others."""


def _from_pytorch(groups: list[dict[str, Any]], defaults: dict[str, Any]) -> list[dict[str, Any]]:
    """Param groups without the PyTorch implementation keys this optimizer does not have (and without PyTorch's
    ``decoupled_weight_decay=False``, Adam's default in PyTorch 2.x, where this optimizer has no such option)."""
    return [
        {
            k: v
            for k, v in g.items()
            if not (k in PYTORCH_IMPLEMENTATION_KEYS and k not in defaults)
            and not (k == "decoupled_weight_decay" and v is False and k not in defaults)
        }
        for g in groups
    ]


SCALAR_STATE = frozenset({"step", "mu_product", "eta", "mu"})
"""State entries that are numbers here and 0-d tensors in a state dict PyTorch wrote."""


def _state_value(name: str, value: Any) -> Any:
    """A saved state entry as this optimizer keeps it: arrays for tensors, numbers for the step counter."""
    if isinstance(value, Tensor):
        value = value._array
    if name in SCALAR_STATE and isinstance(value, np.ndarray) and value.ndim == 0:
        number = value.item()
        return int(number) if float(number).is_integer() else number
    return value


class Optimizer:
    """Holds parameter groups (each a dict of ``params`` and hyperparameters) and per-parameter state.

    Subclasses implement ``update(p, grad, group, state)`` for one parameter; ``step()`` calls it
    for every parameter whose ``.grad`` is not None (negated for a group with ``maximize=True``:
    gradient ascent). The elementwise optimizers instead write ``rule`` on arrays, which ``step()``
    runs over one flat arena per group (``flat.FlatOptimizer``).
    """

    def __init__(self, params: Iterable[Any], defaults: dict[str, Any]) -> None:
        self.defaults = defaults
        self.param_groups: list[dict[str, Any]] = []
        self.state: dict[Tensor, dict[str, Any]] = {}
        params = list(params)
        if not params:
            raise ValueError(
                f"{type(self).__name__} got an empty parameter list: did the model register any Parameter?"
            )
        for group in params if isinstance(params[0], dict) else [{"params": params}]:
            self.add_param_group(group)

    def add_param_group(self, group: dict[str, Any]) -> None:
        """Add parameters with their own hyperparameters (e.g. a smaller lr for some layers)."""
        group = dict(group)
        params = group["params"]
        group["params"] = [params] if isinstance(params, Tensor) else list(params)
        seen = {id(p) for g in self.param_groups for p in g["params"]}
        for p in group["params"]:
            if not isinstance(p, Tensor):
                raise TypeError(f"{type(self).__name__} optimizes Tensors, got {type(p).__name__}")
            if not p.is_leaf:
                raise ValueError(
                    f"{type(self).__name__} can only optimize leaf tensors (parameters), not results of ops"
                )
            if id(p) in seen:
                raise ValueError(f"{type(self).__name__}: a parameter appears in more than one parameter group")
            seen.add(id(p))
        for key, value in self.defaults.items():
            group.setdefault(key, value)
        for key, value in group.items():  # a 0-d tensor hyperparameter (PyTorch accepts lr=tensor(0.01)) as a number
            if key != "params" and isinstance(value, Tensor) and value.ndim == 0:
                group[key] = value.item()
        self.check_hyperparameters(group)
        self.param_groups.append(group)

    def check_hyperparameters(self, group: dict[str, Any]) -> None:
        """Reject values that make no sense (subclasses add their own range checks).

        Each hyperparameter must be of the kind of its default in the optimizer's signature: a flag
        for a bool default, a finite real number for a number (``lr="0.1"`` is a TypeError,
        ``lr=nan`` a ValueError), a tuple of finite numbers of the same length for a tuple (``betas``).
        """
        signature = inspect.signature(type(self).__init__).parameters
        for key in self.defaults:
            declared = signature[key].default if key in signature else inspect.Parameter.empty
            if declared is not inspect.Parameter.empty:
                _check_kind(type(self).__name__, key, group[key], declared)
        if group["lr"] < 0:
            raise ValueError(f"{type(self).__name__}: invalid learning rate {group['lr']} (must be >= 0)")
        if group.get("weight_decay", 0) < 0:
            raise ValueError(f"{type(self).__name__}: invalid weight_decay {group['weight_decay']} (must be >= 0)")

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Clear the gradients of every parameter (call before each ``backward()``)."""
        clear_grads(self._all_params(), set_to_none)

    def step(self, closure: Callable[[], Tensor] | None = None) -> Tensor | None:
        """Update every parameter that has a gradient; ``closure`` re-computes the loss if given."""
        loss = closure() if closure is not None else None
        with np.errstate(all="ignore"):  # an Inf gradient makes NaN weights silently, as in PyTorch
            for group in self.param_groups:
                self.step_group(group)
        threads.step_done()  # times the step for set_num_threads("auto"); nothing otherwise
        return loss

    def step_group(self, group: dict[str, Any]) -> None:
        """Update the parameters of one group that have a gradient, one at a time (``step_param``); an optimizer
        with a flat step (see ``flat.py``) overrides it."""
        for p in group["params"]:
            if p.grad is not None:
                self.step_param(p, group)

    def step_param(self, p: Tensor, group: dict[str, Any]) -> None:
        """Update one parameter of ``group`` by ``update``, with its gradient negated for ``maximize``."""
        grad = -grad_array(p) if group.get("maximize") else grad_array(p)
        self.update(p, grad, group, self.state.setdefault(p, {}))
        p._version += 1  # an in-place change, as every other (see tensor_inplace)

    def update(self, p: Tensor, grad: np.ndarray, group: dict[str, Any], state: dict[str, Any]) -> None:
        """Change ``p`` in place by one step of this optimizer's rule.

        ``grad`` is its gradient, ``group`` its group's hyperparameters and ``state`` its
        per-parameter state; each optimizer writes its rule here (``step`` calls it for every
        parameter with a gradient)."""
        raise NotImplementedError

    def before_epoch(self, sample_loss: Callable[[int], Tensor]) -> None:
        """Prepare for a pass over the training data; ``train.fit`` calls it before every epoch.

        ``sample_loss(n)`` returns the mean loss, in training mode, of ``n`` training patterns
        drawn at random (drawing them uses the package's random generator, so an optimizer that
        does not call it leaves a run's random numbers as they were). The default does nothing;
        an optimizer that needs something measured on the data before a pass, such as
        :class:`SDLM`'s curvature estimate, overrides it. A training loop of your own that may
        get such an optimizer calls it as ``fit`` does.
        """

    # --- saving and resuming -----------------------------------------------------------------------
    def _all_params(self) -> list[Tensor]:
        return [p for group in self.param_groups for p in group["params"]]

    def state_dict(self) -> dict[str, Any]:
        """Hyperparameters and state (copies), with parameters named by their position, as PyTorch,
        and the optimizer's class name under ``"type"``, so that another optimizer refuses it."""
        index = {id(p): i for i, p in enumerate(self._all_params())}
        groups = [
            {**{k: v for k, v in g.items() if k != "params"}, "params": [index[id(p)] for p in g["params"]]}
            for g in self.param_groups
        ]
        state = {
            index[id(p)]: {k: np.array(v, copy=True) if isinstance(v, np.ndarray) else v for k, v in s.items()}
            for p, s in self.state.items()
            if id(p) in index
        }
        return {"type": type(self).__name__, "state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore hyperparameters and state saved by ``state_dict()``, so training resumes exactly.

        Everything is checked first; on any mismatch nothing changes and one ``StateDictError``
        names every problem.
        """
        groups = state_dict.get("param_groups")
        if not isinstance(groups, list) or "state" not in state_dict:
            raise StateDictError(
                "optimizer state dict must have 'state' and 'param_groups' (from Optimizer.state_dict())"
            )
        groups = _from_pytorch(groups, self.defaults)
        problems = []
        name = type(self).__name__
        saved_type = state_dict.get("type")
        saved_keys = {k for g in groups for k in g if k not in ("params", "initial_lr")}
        if saved_type is not None and saved_type != name:
            raise StateDictError(
                f"{name}.load_state_dict: this state was saved by {saved_type}, not {name}; "
                f"continue it with {saved_type}, or start {name} from scratch"
            )
        foreign = saved_keys - set(self.defaults)  # missing ones (saved by an older version) keep their defaults
        if groups and foreign:
            raise StateDictError(
                f"{name}.load_state_dict: this state has hyperparameters {', '.join(sorted(foreign))} that {name} does "
                "not have: it was saved by another kind of optimizer"
            )
        if len(groups) != len(self.param_groups):
            problems.append(f"it has {len(groups)} parameter groups, this optimizer has {len(self.param_groups)}")
        else:
            for i, (saved, own) in enumerate(zip(groups, self.param_groups)):
                if len(saved["params"]) != len(own["params"]):
                    problems.append(
                        f"group {i} has {len(saved['params'])} parameters, this optimizer's has {len(own['params'])}"
                    )
        params = self._all_params()
        new_state: dict[Tensor, dict[str, Any]] = {}
        for key, entry in state_dict["state"].items():
            i = int(key)
            if not 0 <= i < len(params):
                problems.append(f"state for parameter {i}, but there are only {len(params)} parameters")
                continue
            p = params[i]
            entry = {k: _state_value(k, v) for k, v in entry.items()}
            for name, value in entry.items():
                expected = self.state_shape(name, p)
                if isinstance(value, np.ndarray) and value.shape != expected:
                    problems.append(
                        f"state {name!r} of parameter {i} has shape {value.shape}, the parameter {p.shape}"
                        + ("" if expected == tuple(p.shape) else f" (so this entry {expected})")
                    )
            new_state[p] = {
                k: np.array(v, dtype=p.dtype, copy=True) if isinstance(v, np.ndarray) else v for k, v in entry.items()
            }
        if problems:
            raise StateDictError(
                f"{type(self).__name__}.load_state_dict failed, nothing was changed:\n  " + "\n  ".join(problems)
            )
        for saved, own in zip(groups, self.param_groups):
            own.update({k: tuple(v) if isinstance(own.get(k), tuple) else v for k, v in saved.items() if k != "params"})
        self.state = new_state

    def state_shape(self, name: str, p: Tensor) -> tuple[int, ...]:
        """The shape the state entry ``name`` of parameter ``p`` must have in a loaded state dict: the parameter's
        (an optimizer that keeps smaller statistics, as Adafactor does, says which)."""
        return tuple(p.shape)

    def __repr__(self) -> str:
        lines = [f"{type(self).__name__} ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            lines += [f"    {k}: {v}" for k, v in sorted(group.items()) if k != "params"]
        return "\n".join(lines) + "\n)"


def grad_array(p: Tensor) -> np.ndarray:
    """The gradient of ``p`` as an array (a step asks for it only of parameters that have one)."""
    if p.grad is None:
        raise RuntimeError(f"a parameter of shape {tuple(p.shape)} has no gradient to step with")
    return p.grad._array


def _check_kind(optimizer: str, key: str, value: Any, default: Any) -> None:
    """Raise TypeError or ValueError when ``value`` is not of the kind of ``default`` (see
    ``Optimizer.check_hyperparameters``)."""
    if isinstance(default, bool):
        if not isinstance(value, (bool, np.bool_)):
            raise TypeError(f"{optimizer}: {key} must be True or False, got {value!r}")
        return
    if isinstance(default, tuple):
        values = value if isinstance(value, (tuple, list)) else None
        if values is None or len(values) != len(default):
            raise TypeError(f"{optimizer}: {key} must be a tuple of {len(default)} numbers, got {value!r}")
        for item in values:
            _check_kind(optimizer, key, item, default[0])
        return
    if isinstance(default, numbers.Real):
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
            raise TypeError(f"{optimizer}: {key} must be a number, got {type(value).__name__} {value!r}")
        if not math.isfinite(value):
            raise ValueError(f"{optimizer}: {key} must be a finite number, got {value}")
