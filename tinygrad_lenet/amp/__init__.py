"""Automatic mixed precision with PyTorch's names (``torch.amp``), for scripts written for a GPU.

Everything here runs in full precision: :class:`autocast` changes no dtype and :class:`GradScaler`
never scales, so a script's AMP lines run unchanged on the CPU and give the same numbers as without
them. Asking for them *enabled* says so once, with a warning, rather than pretending.

This package imports nothing but the standard library, so the device namespaces (``tl.cuda.amp``
in ``base/devices.py``) can offer it.
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Callable
from typing import Any

_DEVICE_TYPES = ("cpu", "cuda", "mps", "xpu")
_state = {"enabled": False}


class autocast(contextlib.ContextDecorator):
    """``torch.amp.autocast(device_type, dtype=None, enabled=True, cache_enabled=None)``: a context
    manager (or decorator) under which ops run as they would without it.

    ``device_type="cpu"`` with ``enabled=True`` warns that no op switches to lower precision; another
    device type warns that it is not available and disables itself, as PyTorch does without CUDA.
    """

    def __init__(
        self, device_type: str, dtype: Any = None, enabled: bool = True, cache_enabled: bool | None = None
    ) -> None:
        if device_type not in _DEVICE_TYPES:
            raise ValueError(f"autocast: device_type must be one of {_DEVICE_TYPES}, got {device_type!r}")
        if enabled and device_type != "cpu":
            warnings.warn(
                f"autocast: device_type {device_type!r} is not available (tinygrad_lenet runs on the CPU); "
                "autocast is disabled",
                stacklevel=2,
            )
            enabled = False
        elif enabled:
            warnings.warn(
                "autocast on the CPU: tinygrad_lenet has no lower-precision kernels, ops keep their tensors' dtype",
                stacklevel=2,
            )
        self.device_type, self.fast_dtype, self.enabled = device_type, dtype, enabled
        self._previous = False

    def __enter__(self) -> autocast:
        self._previous = _state["enabled"]
        _state["enabled"] = self.enabled
        return self

    def __exit__(self, *exc: object) -> None:
        _state["enabled"] = self._previous


def is_autocast_available(device_type: str) -> bool:
    """True for ``"cpu"``, the one device type :class:`autocast` accepts enabled."""
    return device_type == "cpu"


def is_autocast_enabled(device_type: str | None = None) -> bool:
    """Whether the innermost :class:`autocast` block is enabled (it changes no dtype either way)."""
    return _state["enabled"]


class GradScaler:
    """``torch.amp.GradScaler``: here a real no-op with PyTorch's methods.

    Gradients in full precision never underflow the way float16 ones do, so there is nothing to
    scale: :meth:`scale` returns its argument, :meth:`step` calls ``optimizer.step()``, :meth:`unscale_`
    and :meth:`update` do nothing and :meth:`get_scale` is 1.0, as PyTorch's disabled scaler.
    ``enabled=True`` warns once that it runs without scaling.
    """

    def __init__(
        self,
        device: str = "cuda",
        init_scale: float = 2.0**16,
        growth_factor: float = 2.0,
        backoff_factor: float = 0.5,
        growth_interval: int = 2000,
        enabled: bool = True,
    ) -> None:
        if enabled:
            warnings.warn(
                "GradScaler: tinygrad_lenet computes in full precision, so the scaler runs without scaling "
                "(scale() returns its input, step() calls optimizer.step())",
                stacklevel=2,
            )
        self.device = device
        self._growth = (init_scale, growth_factor, backoff_factor, growth_interval)

    def scale(self, outputs: Any) -> Any:
        """``outputs`` unchanged (a tensor, or a list/tuple of them)."""
        return outputs

    def unscale_(self, optimizer: Any) -> None:
        """Nothing to undo: the gradients were never scaled."""

    def step(self, optimizer: Any, *args: Any, **kwargs: Any) -> Any:
        """``optimizer.step(*args, **kwargs)`` (gradients are finite unless the model's are not)."""
        step: Callable[..., Any] = optimizer.step
        return step(*args, **kwargs)

    def update(self, new_scale: float | None = None) -> None:
        """Nothing to update: the scale stays 1.0."""

    def get_scale(self) -> float:
        """1.0, as PyTorch's disabled scaler."""
        return 1.0

    def get_growth_factor(self) -> float:
        """The ``growth_factor`` given (unused)."""
        return self._growth[1]

    def get_backoff_factor(self) -> float:
        """The ``backoff_factor`` given (unused)."""
        return self._growth[2]

    def get_growth_interval(self) -> int:
        """The ``growth_interval`` given (unused)."""
        return self._growth[3]

    def is_enabled(self) -> bool:
        """False: the scaler never scales here."""
        return False

    def state_dict(self) -> dict[str, Any]:
        """``{}``, as PyTorch's disabled scaler (nothing to restore)."""
        return {}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Accept a state (from PyTorch's enabled scaler too); nothing of it applies here."""
        if not isinstance(state_dict, dict):
            raise TypeError(f"GradScaler.load_state_dict expects a dict, got {type(state_dict).__name__}")


__all__ = ["GradScaler", "autocast", "is_autocast_available", "is_autocast_enabled"]
