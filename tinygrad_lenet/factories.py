"""Functions that make new tensors: constants, ranges and random draws (``torch.zeros`` & co)."""

from __future__ import annotations

from typing import Any

import numpy as np

from . import dtypes
from .random import generator
from .tensor import Tensor
from .dims import sizes_from


def _float_dtype(dtype: Any) -> np.dtype:
    return dtypes.DEFAULT_FLOAT if dtype is None else dtypes.to_dtype(dtype)


def tensor(data: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """A new tensor holding a copy of ``data`` (``torch.tensor``)."""
    source = data._array if isinstance(data, Tensor) else data
    return Tensor(np.array(source, copy=True) if isinstance(source, np.ndarray) else source, requires_grad, dtype)


def zeros(*size: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    return Tensor(np.zeros(sizes_from(size), dtype=_float_dtype(dtype)), requires_grad)


def ones(*size: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    return Tensor(np.ones(sizes_from(size), dtype=_float_dtype(dtype)), requires_grad)


def full(size: Any, fill_value: float, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    return Tensor(np.full(sizes_from((size,)), fill_value, dtype=_float_dtype(dtype)), requires_grad)


def arange(start: float, end: float | None = None, step: float = 1, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """``[start, end)`` in steps; int64 for int arguments, float32 otherwise (as PyTorch)."""
    if end is None:
        start, end = 0, start
    values = np.arange(start, end, step)
    if dtype is None:
        dtype = dtypes.int64 if values.dtype.kind in "iu" else dtypes.DEFAULT_FLOAT
    return Tensor(values, requires_grad, dtype)


def eye(n: int, m: int | None = None, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    return Tensor(np.eye(n, m, dtype=_float_dtype(dtype)), requires_grad)


def rand(*size: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Uniform on [0, 1), drawn from the package's generator (see ``manual_seed``)."""
    return Tensor(generator().random(sizes_from(size)).astype(_float_dtype(dtype)), requires_grad)


def randn(*size: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Standard normal, drawn from the package's generator (see ``manual_seed``)."""
    return Tensor(generator().standard_normal(sizes_from(size)).astype(_float_dtype(dtype)), requires_grad)


def _like(t: Tensor, dtype: Any) -> tuple[tuple[int, ...], Any]:
    return t.shape, t.dtype if dtype is None else dtype


def zeros_like(input: Tensor, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    shape, dt = _like(input, dtype)
    return Tensor(np.zeros(shape, dtype=dt), requires_grad)


def ones_like(input: Tensor, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    shape, dt = _like(input, dtype)
    return Tensor(np.ones(shape, dtype=dt), requires_grad)


def full_like(input: Tensor, fill_value: float, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    shape, dt = _like(input, dtype)
    return Tensor(np.full(shape, fill_value, dtype=dt), requires_grad)


def rand_like(input: Tensor, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    shape, dt = _like(input, dtype)
    return rand(shape, dtype=dt, requires_grad=requires_grad)


def randn_like(input: Tensor, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    shape, dt = _like(input, dtype)
    return randn(shape, dtype=dt, requires_grad=requires_grad)
