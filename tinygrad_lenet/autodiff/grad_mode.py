"""Global switches of autograd: gradient recording (``no_grad``) and anomaly detection."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


class _State:
    """Module-wide flags read by every op; kept in one object so reads are one attribute."""

    grad_enabled: bool = True
    anomaly: bool = False


STATE = _State()


def is_grad_enabled() -> bool:
    """True when ops record the graph (the default), False inside ``no_grad()``."""
    return STATE.grad_enabled


class _GradSwitch:
    """A context manager and decorator that sets gradient recording and restores it after.

    As a decorator it works with and without parentheses: ``@no_grad()`` and ``@no_grad``.
    """

    enabled: bool = True

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        if len(args) == 1 and callable(args[0]) and not kwargs:  # @no_grad without parentheses
            return object.__new__(cls)(args[0])
        return object.__new__(cls)

    def __enter__(self) -> None:
        self._previous = STATE.grad_enabled
        STATE.grad_enabled = self.enabled

    def __exit__(self, *exc: object) -> None:
        STATE.grad_enabled = self._previous

    def __call__(self, fn: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(fn)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            with type(self)():
                return fn(*args, **kwargs)

        return wrapper


class no_grad(_GradSwitch):
    """Record no graph: ``with no_grad(): ...`` or ``@no_grad()`` on a function."""

    enabled = False


class enable_grad(_GradSwitch):
    """Record the graph again, inside an enclosing ``no_grad()``."""

    enabled = True


class inference_mode(_GradSwitch):
    """``no_grad()`` under PyTorch's other name (``inference_mode(False)`` records as usual)."""

    enabled = False

    def __init__(self, mode: bool = True) -> None:
        self.enabled = not mode

    def __call__(self, fn: Callable[P, R]) -> Callable[P, R]:
        mode = not self.enabled

        @functools.wraps(fn)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            with inference_mode(mode):
                return fn(*args, **kwargs)

        return wrapper


class set_grad_enabled(_GradSwitch):
    """Turn recording on or off: at once when called (``set_grad_enabled(False)``), and back to
    what it was at the end of a ``with set_grad_enabled(...):`` block."""

    def __init__(self, mode: bool) -> None:
        self._previous = STATE.grad_enabled
        self.enabled = bool(mode)
        STATE.grad_enabled = self.enabled

    def __enter__(self) -> None:
        STATE.grad_enabled = self.enabled


class detect_anomaly:
    """Raise :class:`AnomalyError` as soon as an op's forward or backward yields NaN or Inf.

    The error names the op and the file:line of the user code that created it. Checking every
    result costs time, so use it to hunt a NaN, not for training.
    """

    def __enter__(self) -> None:
        self._previous = STATE.anomaly
        STATE.anomaly = True

    def __exit__(self, *exc: object) -> None:
        STATE.anomaly = self._previous
