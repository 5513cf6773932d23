"""Devices, for PyTorch code that names them: everything here runs on the CPU.

``tl.device("cpu")``, ``tensor.to(device)``, ``model.to(device)``, ``map_location=`` and
``tl.set_default_device("cpu")`` are accepted so that code written for PyTorch runs unchanged;
``tl.cuda.is_available()`` and ``tl.accelerator.is_available()`` are False, so such code picks the
CPU by itself. A CPU script's CUDA lines (``tl.cuda.manual_seed_all(0)``,
``tl.backends.cudnn.deterministic = True``, ``tl.cuda.amp.autocast(enabled=False)``) run and do
nothing. Asking for another device is one clear error.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from ..amp import GradScaler, autocast


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
    check_memory_format(kwargs.pop("memory_format", None))
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


MEMORY_FORMATS = ("preserve_format", "contiguous_format", "channels_last", "channels_last_3d")
"""PyTorch's memory formats, by name (``tl.channels_last``): layouts only, so every one gives the same values."""
preserve_format = "preserve_format"
contiguous_format = "contiguous_format"
channels_last = "channels_last"
channels_last_3d = "channels_last_3d"


def check_memory_format(memory_format: Any) -> None:
    """Accept None or one of :data:`MEMORY_FORMATS` (they change strides, never values); else a clear error."""
    if memory_format is not None and str(memory_format).removeprefix("torch.") not in MEMORY_FORMATS:
        raise ValueError(f"memory_format must be one of {MEMORY_FORMATS}, got {memory_format!r}")


def set_default_device(where: Any) -> None:
    """``torch.set_default_device``: only the CPU (or None, the same) can be the default; others raise."""
    check_device("cpu" if where is None else where)


def get_default_device() -> device:
    """``torch.get_default_device``: always the CPU."""
    return device("cpu")


def _false(*args: Any) -> bool:
    return False


def _nothing(*args: Any, **kwargs: Any) -> None:
    return None


def _check_seed(seed: Any) -> None:
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(f"manual_seed expects an int, got {type(seed).__name__} {seed!r}")


def _cuda_manual_seed(seed: int) -> None:
    """``torch.cuda.manual_seed(seed)``: there is no CUDA generator to seed, so nothing happens
    (as in PyTorch without CUDA); the CPU generator is ``tl.manual_seed``'s."""
    _check_seed(seed)


def _cuda_autocast(enabled: bool = True, dtype: Any = None, cache_enabled: bool = True) -> autocast:
    """``torch.cuda.amp.autocast(...)``: ``autocast("cuda", ...)``, which disables itself without CUDA."""
    return autocast("cuda", dtype=dtype, enabled=enabled, cache_enabled=cache_enabled)


def _cuda_grad_scaler(
    init_scale: float = 2.0**16,
    growth_factor: float = 2.0,
    backoff_factor: float = 0.5,
    growth_interval: int = 2000,
    enabled: bool = True,
) -> GradScaler:
    """``torch.cuda.amp.GradScaler(...)``: ``GradScaler("cuda", ...)``, a no-op here."""
    return GradScaler("cuda", init_scale, growth_factor, backoff_factor, growth_interval, enabled)


cuda = SimpleNamespace(
    is_available=_false,
    device_count=lambda: 0,
    is_initialized=_false,
    is_bf16_supported=_false,
    manual_seed=_cuda_manual_seed,
    manual_seed_all=_cuda_manual_seed,
    synchronize=_nothing,
    empty_cache=_nothing,
    amp=SimpleNamespace(autocast=_cuda_autocast, GradScaler=_cuda_grad_scaler),
)
"""``tl.cuda.is_available()`` is False and ``device_count()`` 0: there is no GPU support. Seeding,
``synchronize`` and ``empty_cache`` do nothing; ``tl.cuda.amp`` is :mod:`tinygrad_lenet.amp` for ``"cuda"``."""

accelerator = SimpleNamespace(is_available=_false, current_accelerator=lambda: None, device_count=lambda: 0)
"""``tl.accelerator.is_available()`` is False: there is no accelerator support."""

backends = SimpleNamespace(
    mps=SimpleNamespace(is_available=_false, is_built=_false),
    cudnn=SimpleNamespace(deterministic=False, benchmark=False, enabled=True, allow_tf32=True, is_available=_false),
    cuda=SimpleNamespace(
        matmul=SimpleNamespace(allow_tf32=False, allow_fp16_reduced_precision_reduction=True),
        is_built=_false,
        enable_flash_sdp=_nothing,
        enable_mem_efficient_sdp=_nothing,
        enable_math_sdp=_nothing,
    ),
)
"""``tl.backends.mps.is_available()`` is False; the flags of ``tl.backends.cudnn`` and
``tl.backends.cuda`` (``deterministic``, ``benchmark``, ``matmul.allow_tf32``, ...) can be read and set
and change nothing (the CPU's numpy kernels are deterministic)."""
