"""Global switches of autograd: gradient recording (``no_grad``) and anomaly detection."""

from __future__ import annotations

import functools
from typing import Any, Callable, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


class _State:
    """Module-wide flags read by every op; kept in one object so reads are one attribute."""

    grad_enabled: bool = True
    anomaly: bool = False


STATE = _State()


def is_grad_enabled() -> bool:
    """True when ops record the graph (the default), False inside ``no_grad()``."""
    return STATE.grad_enabled


class _GradSwitch:
    """A context manager and decorator that sets gradient recording and restores it after."""

    enabled: bool = True

    def __enter__(self) -> None:
        self._previous = STATE.grad_enabled
        STATE.grad_enabled = self.enabled

    def __exit__(self, *exc: object) -> None:
        STATE.grad_enabled = self._previous

    def __call__(self, fn: F) -> F:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with type(self)():
                return fn(*args, **kwargs)

        return wrapper  # type: ignore[return-value]


class no_grad(_GradSwitch):
    """Record no graph: ``with no_grad(): ...`` or ``@no_grad()`` on a function."""

    enabled = False


class enable_grad(_GradSwitch):
    """Record the graph again, inside an enclosing ``no_grad()``."""

    enabled = True


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
