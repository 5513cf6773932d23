"""Checks and normalisation of the ``dim``, size and window arguments that ops and Tensor methods take."""

from __future__ import annotations

import functools
import inspect
import math
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np


def normalize_dim(dim: int, ndim: int, op: str) -> int:
    """Turn a possibly negative ``dim`` into an index in ``range(ndim)``, or raise IndexError."""
    size = max(ndim, 1)
    if isinstance(dim, bool) or not isinstance(dim, int) or not -size <= dim < size:
        raise IndexError(
            f"{op}: dim {dim!r} is out of range for a tensor with {ndim} dimension(s) "
            f"(expected an int in [{-size}, {size - 1}])"
        )
    return dim % size if ndim else 0


def normalize_dims(dim: int | Sequence[int] | None, ndim: int, op: str) -> tuple[int, ...]:
    """All axes for ``None``, else the given axes as non-negative ints (duplicates rejected)."""
    if dim is None:
        return tuple(range(ndim))
    dims = (dim,) if isinstance(dim, int) else tuple(dim)
    axes = tuple(normalize_dim(d, ndim, op) for d in dims)
    if len(set(axes)) != len(axes):
        raise ValueError(f"{op}: dim {dim!r} names the same dimension twice")
    return tuple(a for a in axes if a < ndim)


def pair(value: int | Sequence[int], name: str, op: str, minimum: int | None = None) -> tuple[int, int]:
    """``3 -> (3, 3)``; ``(2, 3)`` stays; used for kernel_size, stride and padding. With ``minimum``,
    each must be at least that (1 for a kernel size or a stride, 0 for padding)."""
    pair_ = (value, value) if isinstance(value, int) else tuple(value)
    if len(pair_) != 2 or not all(isinstance(v, int) and not isinstance(v, bool) for v in pair_):
        raise TypeError(f"{op}: {name} must be an int or a pair of ints, got {value!r}")
    if minimum is not None and min(pair_) < minimum:
        raise ValueError(f"{op}: {name} must be at least {minimum}, got {value!r}")
    return pair_


def positive_int(value: Any, name: str, op: str) -> int:
    """``value`` if it is an int >= 1 (a size: features, channels); else a clear error."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{op}: {name} must be an int, got {type(value).__name__} {value!r}")
    if value < 1:
        raise ValueError(f"{op}: {name} must be at least 1, got {value}")
    return int(value)


def sizes_from(args: tuple[Any, ...]) -> tuple[int, ...]:
    """Accept sizes both as ``f(2, 3)`` and as ``f((2, 3))`` / ``f([2, 3])``."""
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        args = tuple(args[0])
    if not all(isinstance(a, (int, np.integer)) and not isinstance(a, bool) for a in args):
        raise TypeError(f"sizes must be ints, got {args!r}")
    return tuple(int(a) for a in args)


class Size(tuple):
    """A shape, as ``torch.Size``: a tuple of ints (``x.shape``, ``x.size()``) with ``numel()``."""

    def numel(self) -> int:
        """The number of elements a tensor of this shape holds (the product of the sizes)."""
        return math.prod(self)

    def __repr__(self) -> str:
        return f"Size({list(self)})"

    __str__ = tuple.__repr__  # in messages (f"{x.shape}") a shape reads as the tuple it is: (2, 3)


def numpy_names(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Accept numpy's keyword names as PyTorch's argument parser does: ``axis`` for ``dim`` and ``keepdims`` for
    ``keepdim`` (``x.amax(axis=0, keepdims=True)`` is ``x.amax(dim=0, keepdim=True)``)."""
    signature = inspect.signature(fn)
    renamed = {"axis": "dim", "keepdims": "keepdim"}

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if "axis" in kwargs or "keepdims" in kwargs:  # the common call names neither: no work for it
            if "axis" in kwargs and ("dim" in kwargs or "dim" in signature.bind_partial(*args).arguments):
                raise TypeError(f"{fn.__name__}() got both dim and its alias axis")
            kwargs = {renamed.get(k, k): v for k, v in kwargs.items()}
        return fn(*args, **kwargs)

    return wrapper


def with_numpy_names(owner: Any, names: Iterable[str]) -> None:
    """Wrap each function of ``owner`` (a class or a module) named in ``names`` whose signature has ``dim`` but not
    ``axis`` with :func:`numpy_names`."""
    for name in names:
        fn = getattr(owner, name, None)
        if not callable(fn) or isinstance(fn, type):
            continue
        parameters = inspect.signature(fn).parameters
        if "dim" in parameters and "axis" not in parameters:
            setattr(owner, name, numpy_names(fn))
