"""Functions that make new tensors: constants, ranges and random draws (``torch.zeros`` & co)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..base import dtypes
from ..base.devices import check_device
from ..base.dims import sizes_from
from ..base.random import Generator, rng_of
from .tensor import Tensor


def _float_dtype(dtype: Any) -> np.dtype:
    return dtypes.DEFAULT_FLOAT if dtype is None else dtypes.to_dtype(dtype)


def tensor(data: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None) -> Tensor:
    """A new tensor holding a copy of ``data`` (``torch.tensor``)."""
    check_device(device or "cpu")
    source = data._array if isinstance(data, Tensor) else data
    return Tensor(np.array(source, copy=True) if isinstance(source, np.ndarray) else source, requires_grad, dtype)


def zeros(*size: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None) -> Tensor:
    """A tensor of zeros of the given shape (``zeros(2, 3)`` or ``zeros((2, 3))``), float32 by default."""
    check_device(device or "cpu")
    return Tensor(np.zeros(sizes_from(size), dtype=_float_dtype(dtype)), requires_grad)


def ones(*size: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None) -> Tensor:
    """A tensor of ones of the given shape (``ones(2, 3)`` or ``ones((2, 3))``), float32 by default."""
    check_device(device or "cpu")
    return Tensor(np.ones(sizes_from(size), dtype=_float_dtype(dtype)), requires_grad)


def full(size: Any, fill_value: float, dtype: Any = None, requires_grad: bool = False, device: Any = None) -> Tensor:
    """A tensor of shape ``size`` with every element ``fill_value`` (float32 unless ``dtype`` says otherwise)."""
    check_device(device or "cpu")
    return Tensor(np.full(sizes_from((size,)), fill_value, dtype=_float_dtype(dtype)), requires_grad)


def arange(
    start: float,
    end: float | None = None,
    step: float = 1,
    dtype: Any = None,
    requires_grad: bool = False,
    device: Any = None,
) -> Tensor:
    """``[start, end)`` in steps; int64 for int arguments, float32 otherwise (as PyTorch)."""
    check_device(device or "cpu")
    if end is None:
        start, end = 0, start
    values = np.arange(start, end, step)
    if dtype is None:
        dtype = dtypes.int64 if values.dtype.kind in "iu" else dtypes.DEFAULT_FLOAT
    return Tensor(values, requires_grad, dtype)


def eye(n: int, m: int | None = None, dtype: Any = None, requires_grad: bool = False, device: Any = None) -> Tensor:
    """The ``n`` x ``m`` (default ``n`` x ``n``) identity matrix: ones on the diagonal, zeros elsewhere."""
    check_device(device or "cpu")
    return Tensor(np.eye(n, m, dtype=_float_dtype(dtype)), requires_grad)


def rand(
    *size: Any, dtype: Any = None, requires_grad: bool = False, generator: Generator | None = None, device: Any = None
) -> Tensor:
    """Uniform on [0, 1), drawn from ``generator`` or the package's generator (see ``manual_seed``)."""
    check_device(device or "cpu")
    return Tensor(rng_of(generator).random(sizes_from(size)).astype(_float_dtype(dtype)), requires_grad)


def randn(
    *size: Any, dtype: Any = None, requires_grad: bool = False, generator: Generator | None = None, device: Any = None
) -> Tensor:
    """Standard normal, drawn from ``generator`` or the package's generator (see ``manual_seed``)."""
    check_device(device or "cpu")
    return Tensor(rng_of(generator).standard_normal(sizes_from(size)).astype(_float_dtype(dtype)), requires_grad)


def randint(
    low: int,
    high: int | None = None,
    size: Any = (),
    dtype: Any = None,
    generator: Generator | None = None,
    device: Any = None,
) -> Tensor:
    """Integers uniform in [low, high) (``randint(high, size)`` starts at 0), int64 by default."""
    check_device(device or "cpu")
    if high is None:
        low, high = 0, low
    return Tensor(rng_of(generator).integers(low, high, sizes_from((size,))), dtype=dtype or dtypes.int64)


def randperm(n: int, dtype: Any = None, generator: Generator | None = None, device: Any = None) -> Tensor:
    """A random permutation of 0 .. n-1, int64 by default."""
    check_device(device or "cpu")
    return Tensor(rng_of(generator).permutation(n), dtype=dtype or dtypes.int64)


def empty(*size: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None) -> Tensor:
    """A tensor whose values are not set (zeros here; PyTorch leaves memory as it was)."""
    check_device(device or "cpu")
    return zeros(*size, dtype=dtype, requires_grad=requires_grad)


def empty_like(input: Tensor, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor of ``input``'s shape (and dtype, unless given); filled with zeros here
    (``torch.empty_like`` leaves it unset)."""
    return zeros_like(input, dtype, requires_grad)


def linspace(start: float, end: float, steps: int, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """``steps`` evenly spaced values from ``start`` to ``end`` inclusive."""
    return Tensor(np.linspace(start, end, steps), requires_grad, _float_dtype(dtype))


def from_numpy(array: np.ndarray) -> Tensor:
    """A tensor sharing ``array``'s memory and dtype."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"from_numpy expects a numpy array, got {type(array).__name__}")
    return Tensor(array)


def as_tensor(data: Any, dtype: Any = None, device: Any = None) -> Tensor:
    """``data`` as a tensor, sharing memory where it can (a tensor or an array of that dtype)."""
    check_device(device or "cpu")
    if isinstance(data, Tensor):
        return data if dtype is None else data.astype(dtype)
    return Tensor(data, dtype=dtype)


def _like(t: Tensor, dtype: Any) -> tuple[tuple[int, ...], Any]:
    return t.shape, t.dtype if dtype is None else dtype


def zeros_like(input: Tensor, dtype: Any = None, requires_grad: bool = False, device: Any = None) -> Tensor:
    """A tensor of zeros of ``input``'s shape and dtype."""
    check_device(device or "cpu")
    shape, dt = _like(input, dtype)
    return Tensor(np.zeros(shape, dtype=dt), requires_grad)


def ones_like(input: Tensor, dtype: Any = None, requires_grad: bool = False, device: Any = None) -> Tensor:
    """A tensor of ones of ``input``'s shape and dtype."""
    check_device(device or "cpu")
    shape, dt = _like(input, dtype)
    return Tensor(np.ones(shape, dtype=dt), requires_grad)


def full_like(
    input: Tensor, fill_value: float, dtype: Any = None, requires_grad: bool = False, device: Any = None
) -> Tensor:
    """A tensor of ``input``'s shape and dtype with every element ``fill_value``."""
    check_device(device or "cpu")
    shape, dt = _like(input, dtype)
    return Tensor(np.full(shape, fill_value, dtype=dt), requires_grad)


def rand_like(input: Tensor, dtype: Any = None, requires_grad: bool = False, device: Any = None) -> Tensor:
    """Uniform random numbers in [0, 1) of ``input``'s shape and dtype, from the global generator (``manual_seed``)."""
    check_device(device or "cpu")
    shape, dt = _like(input, dtype)
    return rand(shape, dtype=dt, requires_grad=requires_grad)


def randn_like(input: Tensor, dtype: Any = None, requires_grad: bool = False, device: Any = None) -> Tensor:
    """Standard normal random numbers of ``input``'s shape and dtype, from the global generator (``manual_seed``)."""
    check_device(device or "cpu")
    shape, dt = _like(input, dtype)
    return randn(shape, dtype=dt, requires_grad=requires_grad)
