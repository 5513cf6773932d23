"""Functions that make new tensors: constants, ranges and random draws (``torch.zeros`` & co).

Every factory takes PyTorch's keywords: ``dtype=`` (float ones default to ``tl.get_default_dtype()``),
``device=`` (the CPU only), ``requires_grad=``, ``generator=`` for random draws, and ``layout=``,
``pin_memory=``, ``memory_format=`` (accepted: they change no value here). ``out=`` is refused with
a clear error: the result is always a new tensor.
"""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..base import dtypes
from ..base.devices import check_device, check_memory_format
from ..base.dims import sizes_from
from ..base.random import Generator, rng_of
from .tensor import Tensor


def _float_dtype(dtype: Any) -> np.dtype:
    return dtypes.DEFAULT_FLOAT if dtype is None else dtypes.to_dtype(dtype)


def _check(op: str, device: Any = None, out: Any = None, layout: Any = None, memory_format: Any = None) -> None:
    """The keywords every factory shares: a CPU ``device``, the strided ``layout``, no ``out``."""
    check_device(device or "cpu")
    check_memory_format(memory_format)
    if layout is not None and str(layout).removeprefix("torch.") != "strided":
        raise ValueError(f"{op}: only the strided (dense) layout exists here, got layout={layout!r}")
    if out is not None:
        raise TypeError(f"{op}: out= is not supported; use the returned tensor (x = {op}(...))")


def _number(value: Any, op: str, name: str) -> builtins.float | builtins.int:
    """A Python number from a number or a one-element tensor (the tensor overloads of linspace & co)."""
    if isinstance(value, Tensor):
        if value.numel() != 1:
            raise ValueError(f"{op}: {name} must be a number or a 0-d tensor, got a tensor of shape {value.shape}")
        return value.item()
    if isinstance(value, (builtins.bool, complex)) or not isinstance(value, (builtins.int, builtins.float, np.number)):
        raise TypeError(f"{op}: {name} must be a real number, got {type(value).__name__} {value!r}")
    return value.item() if isinstance(value, np.number) else value


def _steps(steps: Any, op: str) -> builtins.int:
    if isinstance(steps, builtins.bool) or not isinstance(steps, (builtins.int, np.integer)) or steps < 0:
        raise ValueError(f"{op}: steps must be a non-negative int, got {steps!r}")
    return builtins.int(steps)


def _fill_dtype(fill_value: Any, dtype: Any) -> np.dtype:
    """PyTorch's dtype of ``full``: given, else bool / int64 / the default float by the fill value."""
    if dtype is not None:
        return dtypes.to_dtype(dtype)
    if isinstance(fill_value, (builtins.bool, np.bool_)):
        return dtypes.bool_
    if isinstance(fill_value, (builtins.int, np.integer)):
        return dtypes.int64
    return dtypes.DEFAULT_FLOAT


def _result(array: np.ndarray, requires_grad: builtins.bool, op: str) -> Tensor:
    if requires_grad and not dtypes.is_floating(array.dtype):
        raise TypeError(f"{op}: only floating-point tensors can require grad, got dtype {array.dtype}")
    return Tensor(array, requires_grad, array.dtype)


def tensor(
    data: Any, dtype: Any = None, requires_grad: builtins.bool = False, device: Any = None, pin_memory: Any = False
) -> Tensor:
    """A new tensor holding a copy of ``data`` (``torch.tensor``)."""
    _check("tensor", device)
    source = data._array if isinstance(data, Tensor) else data
    return Tensor(np.array(source, copy=True) if isinstance(source, np.ndarray) else source, requires_grad, dtype)


def zeros(
    *size: Any,
    out: Any = None,
    dtype: Any = None,
    layout: Any = None,
    device: Any = None,
    requires_grad: builtins.bool = False,
    pin_memory: Any = False,
) -> Tensor:
    """A tensor of zeros of the given shape (``zeros(2, 3)`` or ``zeros((2, 3))``), the default float dtype unless
    ``dtype`` says otherwise."""
    _check("zeros", device, out, layout)
    return _result(np.zeros(sizes_from(size), dtype=_float_dtype(dtype)), requires_grad, "zeros")


def ones(
    *size: Any,
    out: Any = None,
    dtype: Any = None,
    layout: Any = None,
    device: Any = None,
    requires_grad: builtins.bool = False,
    pin_memory: Any = False,
) -> Tensor:
    """A tensor of ones of the given shape (``ones(2, 3)`` or ``ones((2, 3))``), the default float dtype unless
    ``dtype`` says otherwise."""
    _check("ones", device, out, layout)
    return _result(np.ones(sizes_from(size), dtype=_float_dtype(dtype)), requires_grad, "ones")


def full(
    size: Any,
    fill_value: Any,
    *,
    out: Any = None,
    dtype: Any = None,
    layout: Any = None,
    device: Any = None,
    requires_grad: builtins.bool = False,
    pin_memory: Any = False,
) -> Tensor:
    """A tensor of shape ``size`` with every element ``fill_value``; its dtype follows the value (bool, int64 or
    the default float) unless ``dtype`` says otherwise."""
    _check("full", device, out, layout)
    value = _number(fill_value, "full", "fill_value") if isinstance(fill_value, Tensor) else fill_value
    return _result(np.full(sizes_from((size,)), value, dtype=_fill_dtype(value, dtype)), requires_grad, "full")


def scalar_tensor(
    s: Any,
    *,
    dtype: Any = None,
    layout: Any = None,
    device: Any = None,
    requires_grad: builtins.bool = False,
    pin_memory: Any = False,
) -> Tensor:
    """A 0-d tensor holding the number ``s``, of the default float dtype unless ``dtype`` says otherwise."""
    _check("scalar_tensor", device, None, layout)
    value = _number(s, "scalar_tensor", "s") if not isinstance(s, builtins.bool) else s
    return _result(np.asarray(value, dtype=_float_dtype(dtype)), requires_grad, "scalar_tensor")


def arange(
    start: float,
    end: float | None = None,
    step: float = 1,
    *,
    out: Any = None,
    dtype: Any = None,
    layout: Any = None,
    device: Any = None,
    requires_grad: builtins.bool = False,
) -> Tensor:
    """``[start, end)`` in steps; int64 for int arguments, the default float dtype otherwise (as PyTorch)."""
    _check("arange", device, out, layout)
    if end is None:
        start, end = 0, start
    values = np.arange(start, end, step)
    if dtype is None:
        dtype = dtypes.int64 if values.dtype.kind in "iu" else dtypes.DEFAULT_FLOAT
    return _result(values.astype(dtypes.to_dtype(dtype)), requires_grad, "arange")


def _linear_steps(start: Any, end: Any, steps: Any, op: str) -> np.ndarray:
    """``steps`` values from ``start`` to ``end`` inclusive in float64, each half counted from its own end (as
    PyTorch: the first half from ``start``, the second from ``end``, so both ends are exact)."""
    a, b, n = _number(start, op, "start"), _number(end, op, "end"), _steps(steps, op)
    if n == 1:
        return np.full(1, a, dtype=np.float64)
    step = (b - a) / max(n - 1, 1)
    i = np.arange(n, dtype=np.float64)
    return np.where(i < n // 2, a + step * i, b - step * (n - 1 - i))


def linspace(
    start: Any,
    end: Any,
    steps: builtins.int,
    *,
    out: Any = None,
    dtype: Any = None,
    layout: Any = None,
    device: Any = None,
    requires_grad: builtins.bool = False,
) -> Tensor:
    """``steps`` evenly spaced values from ``start`` to ``end`` inclusive (numbers or 0-d tensors)."""
    _check("linspace", device, out, layout)
    return _result(_linear_steps(start, end, steps, "linspace").astype(_float_dtype(dtype)), requires_grad, "linspace")


def logspace(
    start: Any,
    end: Any,
    steps: builtins.int,
    base: builtins.float = 10.0,
    *,
    out: Any = None,
    dtype: Any = None,
    layout: Any = None,
    device: Any = None,
    requires_grad: builtins.bool = False,
) -> Tensor:
    """``steps`` values from ``base ** start`` to ``base ** end``, evenly spaced in the exponent."""
    _check("logspace", device, out, layout)
    exponents = _linear_steps(start, end, steps, "logspace")
    return _result(np.power(float(base), exponents).astype(_float_dtype(dtype)), requires_grad, "logspace")


def eye(
    n: builtins.int,
    m: builtins.int | None = None,
    *,
    out: Any = None,
    dtype: Any = None,
    layout: Any = None,
    device: Any = None,
    requires_grad: builtins.bool = False,
) -> Tensor:
    """The ``n`` x ``m`` (default ``n`` x ``n``) identity matrix: ones on the diagonal, zeros elsewhere."""
    _check("eye", device, out, layout)
    return _result(np.eye(n, m, dtype=_float_dtype(dtype)), requires_grad, "eye")


def _index_pairs(rows: np.ndarray, cols: np.ndarray, dtype: Any, op: str) -> Tensor:
    target = dtypes.int64 if dtype is None else dtypes.to_dtype(dtype)
    if target.kind not in "iu":
        raise TypeError(f"{op}: dtype must be an integer dtype, got {target}")
    return Tensor(np.stack([rows, cols]).astype(target).reshape(2, -1))


def tril_indices(
    row: builtins.int,
    col: builtins.int,
    offset: builtins.int = 0,
    *,
    dtype: Any = None,
    device: Any = None,
    layout: Any = None,
) -> Tensor:
    """The (2, N) row and column indices of the lower triangle of a ``row`` x ``col`` matrix (diagonal ``offset``
    and below), row by row; int64 unless ``dtype`` says otherwise."""
    _check("tril_indices", device, None, layout)
    return _index_pairs(*np.tril_indices(row, offset, col), dtype, "tril_indices")


def triu_indices(
    row: builtins.int,
    col: builtins.int,
    offset: builtins.int = 0,
    *,
    dtype: Any = None,
    device: Any = None,
    layout: Any = None,
) -> Tensor:
    """The (2, N) row and column indices of the upper triangle of a ``row`` x ``col`` matrix (diagonal ``offset``
    and above), row by row; int64 unless ``dtype`` says otherwise."""
    _check("triu_indices", device, None, layout)
    return _index_pairs(*np.triu_indices(row, offset, col), dtype, "triu_indices")


def rand(
    *size: Any,
    generator: Generator | None = None,
    out: Any = None,
    dtype: Any = None,
    layout: Any = None,
    device: Any = None,
    requires_grad: builtins.bool = False,
    pin_memory: Any = False,
) -> Tensor:
    """Uniform on [0, 1), drawn from ``generator`` or the package's generator (see ``manual_seed``)."""
    _check("rand", device, out, layout)
    return _result(rng_of(generator).random(sizes_from(size)).astype(_float_dtype(dtype)), requires_grad, "rand")


def randn(
    *size: Any,
    generator: Generator | None = None,
    out: Any = None,
    dtype: Any = None,
    layout: Any = None,
    device: Any = None,
    requires_grad: builtins.bool = False,
    pin_memory: Any = False,
) -> Tensor:
    """Standard normal, drawn from ``generator`` or the package's generator (see ``manual_seed``)."""
    _check("randn", device, out, layout)
    draws = rng_of(generator).standard_normal(sizes_from(size))
    return _result(draws.astype(_float_dtype(dtype)), requires_grad, "randn")


def _integers(low: Any, high: Any, shape: tuple[builtins.int, ...], generator: Generator | None, op: str) -> np.ndarray:
    if low >= high:
        raise ValueError(f"{op}: low must be below high, got low={low}, high={high}")
    return rng_of(generator).integers(low, high, shape)


def randint(
    *args: Any,
    size: Any = None,
    generator: Generator | None = None,
    out: Any = None,
    dtype: Any = None,
    layout: Any = None,
    device: Any = None,
    requires_grad: builtins.bool = False,
    pin_memory: Any = False,
) -> Tensor:
    """Integers uniform in [low, high): ``randint(high, size)`` or ``randint(low, high, size)`` (``size`` a tuple,
    positional or by keyword); int64 unless ``dtype`` says otherwise."""
    _check("randint", device, out, layout)
    if size is None and args and isinstance(args[-1], (tuple, list)):
        *args_, size = args
        args = tuple(args_)
    if size is None or len(args) not in (1, 2):
        raise TypeError("randint expects randint(high, size) or randint(low, high, size), size a tuple of ints")
    low, high = (0, args[0]) if len(args) == 1 else args
    values = _integers(low, high, sizes_from((size,)), generator, "randint")
    return _result(values.astype(dtypes.int64 if dtype is None else dtypes.to_dtype(dtype)), requires_grad, "randint")


def randint_like(
    input: Tensor,
    *args: builtins.int,
    generator: Generator | None = None,
    dtype: Any = None,
    layout: Any = None,
    device: Any = None,
    requires_grad: builtins.bool = False,
    memory_format: Any = None,
) -> Tensor:
    """Integers uniform in [low, high) of ``input``'s shape and dtype: ``randint_like(x, high)`` or
    ``randint_like(x, low, high)``."""
    _check("randint_like", device, None, layout, memory_format)
    if len(args) not in (1, 2):
        raise TypeError("randint_like expects randint_like(input, high) or randint_like(input, low, high)")
    low, high = (0, args[0]) if len(args) == 1 else args
    shape, dt = _like(input, dtype)
    return _result(_integers(low, high, shape, generator, "randint_like").astype(dt), requires_grad, "randint_like")


def randperm(
    n: builtins.int,
    *,
    generator: Generator | None = None,
    out: Any = None,
    dtype: Any = None,
    layout: Any = None,
    device: Any = None,
    requires_grad: builtins.bool = False,
    pin_memory: Any = False,
) -> Tensor:
    """A random permutation of 0 .. n-1, int64 by default."""
    _check("randperm", device, out, layout)
    values = rng_of(generator).permutation(n)
    return _result(values.astype(dtypes.int64 if dtype is None else dtypes.to_dtype(dtype)), requires_grad, "randperm")


def normal(
    mean: Any,
    std: Any = 1.0,
    size: Any = None,
    *,
    generator: Generator | None = None,
    out: Any = None,
    dtype: Any = None,
    layout: Any = None,
    device: Any = None,
    requires_grad: builtins.bool = False,
    pin_memory: Any = False,
) -> Tensor:
    """Normal draws (``torch.normal``): ``mean`` and ``std`` are tensors or numbers (broadcast together), or
    both numbers with a ``size``. The result is ``mean + std * eps`` with ``eps`` standard normal, so its gradient
    reaches tensor means and standard deviations (d/dmean = 1, d/dstd = eps)."""
    _check("normal", device, out, layout)
    if not isinstance(mean, Tensor) and not isinstance(std, Tensor):
        if size is None:
            raise TypeError("normal: with a number mean and std, give the size: normal(0.0, 1.0, (2, 3))")
        draws = rng_of(generator).normal(_number(mean, "normal", "mean"), _number(std, "normal", "std"), size)
        return _result(draws.astype(_float_dtype(dtype)), requires_grad, "normal")
    if size is not None:
        raise TypeError("normal: size= is only for a number mean and std; a tensor's shape gives the result's")
    if isinstance(std, Tensor) and np.any(std.numpy() < 0) or not isinstance(std, Tensor) and std < 0:
        raise ValueError("normal: std must be non-negative")
    m = mean if isinstance(mean, Tensor) else Tensor(np.asarray(mean, dtype=std.dtype))
    s = std if isinstance(std, Tensor) else Tensor(np.asarray(std, dtype=m.dtype))
    shape = np.broadcast_shapes(m.shape, s.shape)
    eps = rng_of(generator).standard_normal(shape).astype(m.dtype)
    return m + s * Tensor(eps)


def poisson(input: Tensor, generator: Generator | None = None) -> Tensor:
    """Poisson draws with rates ``input`` (non-negative), of its shape and dtype; outside the graph."""
    if not isinstance(input, Tensor):
        raise TypeError(f"poisson expects a tensor of rates, got {type(input).__name__}")
    rates = input.numpy()
    if np.any(rates < 0):
        raise ValueError("poisson: the rates must be non-negative")
    return Tensor(rng_of(generator).poisson(rates).astype(input.dtype))


def empty(
    *size: Any,
    out: Any = None,
    dtype: Any = None,
    layout: Any = None,
    device: Any = None,
    requires_grad: builtins.bool = False,
    pin_memory: Any = False,
    memory_format: Any = None,
) -> Tensor:
    """A tensor whose values are not set (zeros here; PyTorch leaves memory as it was)."""
    _check("empty", device, out, layout, memory_format)
    return zeros(*size, dtype=dtype, requires_grad=requires_grad)


def empty_like(
    input: Tensor,
    *,
    dtype: Any = None,
    layout: Any = None,
    device: Any = None,
    requires_grad: builtins.bool = False,
    memory_format: Any = None,
) -> Tensor:
    """A tensor of ``input``'s shape (and dtype, unless given); filled with zeros here
    (``torch.empty_like`` leaves it unset)."""
    _check("empty_like", device, None, layout, memory_format)
    return zeros_like(input, dtype=dtype, requires_grad=requires_grad)


def empty_strided(
    size: Sequence[builtins.int],
    stride: Sequence[builtins.int],
    *,
    dtype: Any = None,
    layout: Any = None,
    device: Any = None,
    requires_grad: builtins.bool = False,
    pin_memory: Any = False,
) -> Tensor:
    """``empty(size)``: the strides are a layout, which numpy chooses here (values are zeros)."""
    _check("empty_strided", device, None, layout)
    shape = sizes_from((size,))
    if len(sizes_from((stride,))) != len(shape):
        raise ValueError(f"empty_strided: {len(stride)} strides for a shape of {len(shape)} dimensions")
    return zeros(shape, dtype=dtype, requires_grad=requires_grad)


def empty_permuted(
    size: Sequence[builtins.int],
    physical_layout: Sequence[builtins.int],
    *,
    dtype: Any = None,
    layout: Any = None,
    device: Any = None,
    requires_grad: builtins.bool = False,
    pin_memory: Any = False,
) -> Tensor:
    """``empty(size)``; ``physical_layout`` (a permutation of the dims) orders memory in PyTorch, nothing here."""
    _check("empty_permuted", device, None, layout)
    shape = sizes_from((size,))
    if sorted(sizes_from((physical_layout,))) != list(range(len(shape))):
        raise ValueError(
            f"empty_permuted: physical_layout must be a permutation of range({len(shape)}), got {physical_layout!r}"
        )
    return zeros(shape, dtype=dtype, requires_grad=requires_grad)


def from_numpy(array: np.ndarray) -> Tensor:
    """A tensor sharing ``array``'s memory and dtype."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"from_numpy expects a numpy array, got {type(array).__name__}")
    return Tensor(array)


def as_tensor(data: Any, dtype: Any = None, device: Any = None) -> Tensor:
    """``data`` as a tensor, sharing memory where it can (a tensor or an array of that dtype)."""
    _check("as_tensor", device)
    if isinstance(data, Tensor):
        return data if dtype is None else data.astype(dtype)
    return Tensor(data, dtype=dtype)


def _like(t: Tensor, dtype: Any) -> tuple[tuple[builtins.int, ...], np.dtype]:
    if not isinstance(t, Tensor):
        raise TypeError(f"expected a tensor to copy the shape of, got {type(t).__name__}")
    return t.shape, t.dtype if dtype is None else dtypes.to_dtype(dtype)


def zeros_like(
    input: Tensor,
    *,
    dtype: Any = None,
    layout: Any = None,
    device: Any = None,
    requires_grad: builtins.bool = False,
    memory_format: Any = None,
) -> Tensor:
    """A tensor of zeros of ``input``'s shape and dtype."""
    _check("zeros_like", device, None, layout, memory_format)
    shape, dt = _like(input, dtype)
    return _result(np.zeros(shape, dtype=dt), requires_grad, "zeros_like")


def ones_like(
    input: Tensor,
    *,
    dtype: Any = None,
    layout: Any = None,
    device: Any = None,
    requires_grad: builtins.bool = False,
    memory_format: Any = None,
) -> Tensor:
    """A tensor of ones of ``input``'s shape and dtype."""
    _check("ones_like", device, None, layout, memory_format)
    shape, dt = _like(input, dtype)
    return _result(np.ones(shape, dtype=dt), requires_grad, "ones_like")


def full_like(
    input: Tensor,
    fill_value: Any,
    *,
    dtype: Any = None,
    layout: Any = None,
    device: Any = None,
    requires_grad: builtins.bool = False,
    memory_format: Any = None,
) -> Tensor:
    """A tensor of ``input``'s shape and dtype with every element ``fill_value``."""
    _check("full_like", device, None, layout, memory_format)
    shape, dt = _like(input, dtype)
    return _result(np.full(shape, fill_value, dtype=dt), requires_grad, "full_like")


def rand_like(
    input: Tensor,
    *,
    generator: Generator | None = None,
    dtype: Any = None,
    layout: Any = None,
    device: Any = None,
    requires_grad: builtins.bool = False,
    memory_format: Any = None,
) -> Tensor:
    """Uniform random numbers in [0, 1) of ``input``'s shape and dtype, from ``generator`` or the package's."""
    _check("rand_like", device, None, layout, memory_format)
    shape, dt = _like(input, dtype)
    return rand(shape, generator=generator, dtype=dt, requires_grad=requires_grad)


def randn_like(
    input: Tensor,
    *,
    generator: Generator | None = None,
    dtype: Any = None,
    layout: Any = None,
    device: Any = None,
    requires_grad: builtins.bool = False,
    memory_format: Any = None,
) -> Tensor:
    """Standard normal random numbers of ``input``'s shape and dtype, from ``generator`` or the package's."""
    _check("randn_like", device, None, layout, memory_format)
    shape, dt = _like(input, dtype)
    return randn(shape, generator=generator, dtype=dt, requires_grad=requires_grad)
