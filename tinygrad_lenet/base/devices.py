"""Devices, for PyTorch code that names them: everything here runs on the CPU.

``tl.device("cpu")``, ``tensor.to(device)``, ``model.to(device)`` and ``map_location=`` are
accepted so that code written for PyTorch runs unchanged; ``tl.cuda.is_available()`` and
``tl.accelerator.is_available()`` are False, so such code picks the CPU by itself. Asking for
another device is one clear error.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any


class device:
    """A device name: only ``"cpu"`` (``"cpu:0"``) exists here."""

    def __init__(self, kind: str | device = "cpu", index: int | None = None) -> None:
        self.type = check_device(kind)
        self.index = index

    def __repr__(self) -> str:
        return f"device(type='{self.type}')"

    def __str__(self) -> str:
        return self.type

    def __eq__(self, other: object) -> bool:
        return isinstance(other, (device, str)) and str(other).split(":")[0] == self.type

    def __hash__(self) -> int:
        return hash(self.type)


def check_device(where: Any) -> str:
    """``"cpu"`` for the CPU in any of its spellings; anything else raises one line saying why."""
    name = str(where.type if isinstance(where, device) else where)
    if name.split(":")[0] == "cpu":
        return "cpu"
    raise RuntimeError(
        f"device {name!r}: tinygrad_lenet runs on the CPU only (numpy); use 'cpu' "
        "(code that checks tl.cuda.is_available() or tl.accelerator.is_available() picks it by itself)"
    )


def is_device(value: Any) -> bool:
    """True for a device object or a device name (what ``.to()`` receives besides dtypes)."""
    return isinstance(value, device) or (
        isinstance(value, str) and value.split(":")[0] in ("cpu", "cuda", "mps", "xpu")
    )


def dtype_of_to(args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """The dtype a PyTorch-style ``.to(...)`` call asks for (None: only a device), after checking
    that every device it names is the CPU: ``to(dtype)``, ``to(device)``, ``to(device, dtype)``,
    ``to(other_tensor)``, ``to(dtype=..., device=..., non_blocking=...)``."""
    target = kwargs.pop("dtype", None)
    check_device(kwargs.pop("device", "cpu"))
    kwargs.pop("non_blocking", None)
    if kwargs:
        raise TypeError(f"to() got unexpected arguments {sorted(kwargs)}")
    for arg in args:
        if hasattr(arg, "_array"):  # a tensor: take its dtype
            target = arg.dtype
        elif is_device(arg):
            check_device(arg)
        else:
            target = arg
    return target


def _false() -> bool:
    return False


cuda = SimpleNamespace(is_available=_false, device_count=lambda: 0)
"""``tl.cuda.is_available()`` is False: there is no GPU support."""

accelerator = SimpleNamespace(is_available=_false, current_accelerator=lambda: None, device_count=lambda: 0)
"""``tl.accelerator.is_available()`` is False: there is no accelerator support."""

backends = SimpleNamespace(
    mps=SimpleNamespace(is_available=_false), cudnn=SimpleNamespace(deterministic=False, benchmark=False)
)
"""``tl.backends.mps.is_available()`` is False; ``tl.backends.cudnn`` flags are accepted and do nothing."""
