"""Conversions and new tensors made from a tensor: the dtype shortcuts (byte, short, bfloat16, ...),
new_zeros/new_ones/new_full/new_empty, ``to`` with PyTorch's memory-format, device and copy arguments,
``resize_``, and the random draws parameterised by a tensor (``bernoulli``, ``multinomial``).

The Tensor methods live in :class:`TensorConversions` (mixed into ``Tensor``); the ``torch.*`` functions of the
same ops follow it and are re-exported by the package (this module's ``__all__``).

Memory formats (``channels_last``, ...) are layouts: numpy picks its own, so they are checked and change no value.
Complex dtypes (``cfloat``, ``chalf``, ...) do not exist here: asking for one is a clear :class:`DTypeError`.
"""

from __future__ import annotations

import builtins
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from ..base import dtypes
from ..base.devices import check_device, check_memory_format, dtype_of_to
from ..base.dims import sizes_from
from ..base.errors import DTypeError, GradError, ShapeError
from ..base.random import Generator, rng_of
from .base import TensorBase

if TYPE_CHECKING:
    from .tensor import Tensor

_TYPE_NAMES = {
    "float32": "Float",
    "float64": "Double",
    "float16": "Half",
    "bfloat16": "BFloat16",
    "int64": "Long",
    "int32": "Int",
    "int16": "Short",
    "int8": "Char",
    "uint8": "Byte",
    "bool": "Bool",
}
"""PyTorch's tensor type names (``torch.FloatTensor``) by dtype name."""


class TensorConversions(TensorBase):
    """Tensor methods of this family (see the module docstring)."""

    __slots__ = ()

    # --- dtypes -----------------------------------------------------------------------------
    def _converted(self, dtype: Any, memory_format: Any) -> Tensor:
        """This tensor as ``dtype`` (itself if it has it already): differentiable between floating dtypes."""
        check_memory_format(memory_format)
        return self.astype(dtype)

    def to(self, *args: Any, **kwargs: Any) -> Tensor:
        """``to(dtype)``, ``to(device)``, ``to(device, dtype)``, ``to(other_tensor)``, each optionally followed by
        ``non_blocking`` and ``copy`` (positional or by keyword), and ``memory_format=``, as PyTorch.

        The device must be the CPU. Without a change of dtype the tensor itself is returned, unless ``copy=True``.
        """
        flags = [a for a in args if isinstance(a, builtins.bool)]
        if len(flags) > 2:
            raise TypeError(f"to() takes at most two flags (non_blocking, copy), got {len(flags)}")
        copy = kwargs.pop("copy", flags[1] if len(flags) == 2 else False)
        target = dtype_of_to(tuple(a for a in args if not isinstance(a, builtins.bool)), kwargs)
        t = cast("Tensor", self)
        result = t if target is None else t.astype(target)
        return result.clone() if copy and result is t else result

    def type(self, dtype: Any = None, non_blocking: builtins.bool = False) -> Tensor | str:
        """Without ``dtype``, PyTorch's type name (``"torch.FloatTensor"``); with it (a dtype or such a name),
        this tensor in that dtype."""
        if dtype is None:
            return f"torch.{_TYPE_NAMES.get(self.dtype.name, self.dtype.name)}Tensor"
        if isinstance(dtype, str) and dtype.endswith("Tensor"):
            by_name = {f"torch.{v}Tensor": k for k, v in _TYPE_NAMES.items()}
            if dtype not in by_name:
                raise DTypeError(f"type(): unknown tensor type {dtype!r}; expected one of {sorted(by_name)}")
            dtype = by_name[dtype]
        return self.astype(dtype)

    def float(self, memory_format: Any = None) -> Tensor:
        """A copy as float32; differentiable (the gradient is cast back)."""
        return self._converted(dtypes.float32, memory_format)

    def double(self, memory_format: Any = None) -> Tensor:
        """A copy as float64; differentiable (the gradient is cast back)."""
        return self._converted(dtypes.float64, memory_format)

    def half(self, memory_format: Any = None) -> Tensor:
        """A copy as float16; differentiable (the gradient is cast back)."""
        return self._converted(dtypes.float16, memory_format)

    def bfloat16(self, memory_format: Any = None) -> Tensor:
        """A copy as bfloat16 (needs ``ml_dtypes``); differentiable (the gradient is cast back)."""
        return self._converted(dtypes.bfloat16, memory_format)

    def long(self, memory_format: Any = None) -> Tensor:
        """A copy as int64 (class labels are long); outside the graph."""
        return self._converted(dtypes.int64, memory_format)

    def int(self, memory_format: Any = None) -> Tensor:
        """A copy as int32; outside the graph."""
        return self._converted(dtypes.int32, memory_format)

    def short(self, memory_format: Any = None) -> Tensor:
        """A copy as int16; outside the graph."""
        return self._converted(dtypes.int16, memory_format)

    def char(self, memory_format: Any = None) -> Tensor:
        """A copy as int8; outside the graph."""
        return self._converted(dtypes.int8, memory_format)

    def byte(self, memory_format: Any = None) -> Tensor:
        """A copy as uint8; outside the graph."""
        return self._converted(dtypes.uint8, memory_format)

    def bool(self, memory_format: Any = None) -> Tensor:
        """A copy as booleans (``torch.bool``); outside the graph."""
        return self._converted(dtypes.bool_, memory_format)

    def _complex(self, name: str) -> Tensor:
        raise DTypeError(f"{name}(): complex tensors are not supported (tinygrad_lenet holds real numbers only)")

    def cfloat(self, memory_format: Any = None) -> Tensor:
        """Complex tensors do not exist here: a clear :class:`DTypeError`."""
        return self._complex("cfloat")

    def cdouble(self, memory_format: Any = None) -> Tensor:
        """Complex tensors do not exist here: a clear :class:`DTypeError`."""
        return self._complex("cdouble")

    def chalf(self, memory_format: Any = None) -> Tensor:
        """Complex tensors do not exist here: a clear :class:`DTypeError`."""
        return self._complex("chalf")

    # --- new tensors like this one ----------------------------------------------------------
    def _new(self, array: np.ndarray, device: Any, requires_grad: builtins.bool, op: str) -> Tensor:
        check_device(device or "cpu")
        if requires_grad and not dtypes.is_floating(array.dtype):
            raise TypeError(f"{op}: only floating-point tensors can require grad, got dtype {array.dtype}")
        return self._make(array, requires_grad)

    def _new_dtype(self, dtype: Any) -> np.dtype:
        return self.dtype if dtype is None else dtypes.to_dtype(dtype)

    def new_zeros(
        self,
        *size: Any,
        dtype: Any = None,
        device: Any = None,
        requires_grad: builtins.bool = False,
        layout: Any = None,
        pin_memory: builtins.bool = False,
    ) -> Tensor:
        """Zeros of shape ``size`` with this tensor's dtype (unless ``dtype`` is given)."""
        array = np.zeros(sizes_from(size), dtype=self._new_dtype(dtype))
        return self._new(array, device, requires_grad, "new_zeros")

    def new_ones(
        self,
        *size: Any,
        dtype: Any = None,
        device: Any = None,
        requires_grad: builtins.bool = False,
        layout: Any = None,
        pin_memory: builtins.bool = False,
    ) -> Tensor:
        """Ones of shape ``size`` with this tensor's dtype (unless ``dtype`` is given)."""
        array = np.ones(sizes_from(size), dtype=self._new_dtype(dtype))
        return self._new(array, device, requires_grad, "new_ones")

    def new_full(
        self,
        size: Any,
        fill_value: Any,
        *,
        dtype: Any = None,
        device: Any = None,
        requires_grad: builtins.bool = False,
        layout: Any = None,
        pin_memory: builtins.bool = False,
    ) -> Tensor:
        """``fill_value`` everywhere in shape ``size``, with this tensor's dtype (unless ``dtype`` is given)."""
        array = np.full(sizes_from((size,)), fill_value, dtype=self._new_dtype(dtype))
        return self._new(array, device, requires_grad, "new_full")

    def new_empty(
        self,
        *size: Any,
        dtype: Any = None,
        device: Any = None,
        requires_grad: builtins.bool = False,
        layout: Any = None,
        pin_memory: builtins.bool = False,
    ) -> Tensor:
        """A tensor of shape ``size`` with this tensor's dtype, values unset (zeros here)."""
        array = np.zeros(sizes_from(size), dtype=self._new_dtype(dtype))
        return self._new(array, device, requires_grad, "new_empty")

    def new_empty_strided(
        self,
        size: Any,
        stride: Any,
        *,
        dtype: Any = None,
        device: Any = None,
        requires_grad: builtins.bool = False,
        layout: Any = None,
        pin_memory: builtins.bool = False,
    ) -> Tensor:
        """``new_empty(size)``: the strides are a layout, which numpy chooses here."""
        shape = sizes_from((size,))
        if len(sizes_from((stride,))) != len(shape):
            raise ValueError(f"new_empty_strided: {len(stride)} strides for a shape of {len(shape)} dimensions")
        return self._new(np.zeros(shape, dtype=self._new_dtype(dtype)), device, requires_grad, "new_empty_strided")

    def new_tensor(
        self, data: Any, *, dtype: Any = None, device: Any = None, requires_grad: builtins.bool = False
    ) -> Tensor:
        """A copy of ``data`` with this tensor's dtype (unless ``dtype`` is given), outside the graph."""
        source = data._array if isinstance(data, TensorBase) else data
        return self._new(np.array(source, dtype=self._new_dtype(dtype)), device, requires_grad, "new_tensor")

    # --- resizing ---------------------------------------------------------------------------
    def resize_(self, *sizes: Any, memory_format: Any = None) -> Tensor:
        """Give this tensor the shape ``sizes`` in place, keeping its values in memory (C) order: the first
        ``numel`` of them when it shrinks, followed by zeros when it grows (PyTorch leaves those unset)."""
        check_memory_format(memory_format)
        if self.requires_grad:
            raise GradError("resize_: cannot resize a tensor that requires grad; resize a .detach()-ed copy")
        shape = sizes_from(sizes)
        if any(n < 0 for n in shape):
            raise ShapeError(f"resize_: sizes must be non-negative, got {shape}")
        flat = self._array.reshape(-1)
        count = int(np.prod(shape))
        kept = flat[:count] if count <= flat.size else np.concatenate([flat, np.zeros(count - flat.size, flat.dtype)])
        self._array = np.ascontiguousarray(kept).reshape(shape)
        self._version += 1
        return cast("Tensor", self)

    def resize_as_(self, the_template: Tensor, memory_format: Any = None) -> Tensor:
        """``resize_`` to ``the_template``'s shape."""
        if not isinstance(the_template, TensorBase):
            raise TypeError(f"resize_as_ expects a tensor, got {type(the_template).__name__}")
        return self.resize_(the_template.shape, memory_format=memory_format)

    # --- random draws parameterised by this tensor ------------------------------------------
    def bernoulli(self, p: Any = None, *, generator: Generator | None = None) -> Tensor:
        """0 or 1 draws, 1 with probability ``p`` (a number) or this tensor's values (in [0, 1]), of this
        tensor's shape and dtype; outside the graph."""
        probs = self._array if p is None else np.broadcast_to(np.asarray(p, dtype=np.float64), self.shape)
        if probs.size and (np.any(probs < 0) or np.any(probs > 1)):
            raise ValueError("bernoulli: probabilities must lie in [0, 1]")
        draws = rng_of(generator).random(self.shape) < probs
        return self._make(draws.astype(self.dtype))

    def multinomial(
        self, num_samples: builtins.int, replacement: builtins.bool = False, *, generator: Generator | None = None
    ) -> Tensor:
        """``num_samples`` category indices per row, drawn with the row's (non-negative, unnormalised) weights;
        without ``replacement`` each index at most once. int64, shape (num_samples,) or (rows, num_samples)."""
        if self.ndim not in (1, 2) or self.shape[-1] == 0:
            raise ShapeError(f"multinomial expects a 1-D or 2-D tensor of weights, got shape {self.shape}")
        if not dtypes.is_floating(self.dtype):
            raise DTypeError(f"multinomial expects floating-point weights, got {self.dtype}")
        rows = self._array.reshape(-1, self.shape[-1]).astype(np.float64)
        if np.any(rows < 0) or not np.all(np.isfinite(rows)) or np.any(rows.sum(axis=1) <= 0):
            raise ValueError("multinomial: the weights must be finite, non-negative and not all zero in any row")
        if not replacement and num_samples > np.count_nonzero(rows, axis=1).min():
            raise ValueError(
                "multinomial: cannot draw more samples than there are non-zero weights without replacement"
            )
        rng = rng_of(generator)
        picks = [rng.choice(row.size, num_samples, replace=replacement, p=row / row.sum()) for row in rows]
        result = np.array(picks, dtype=np.int64).reshape(*self.shape[:-1], num_samples)
        return self._make(result)


def bernoulli(input: Tensor, p: Any = None, *, generator: Generator | None = None, out: Any = None) -> Tensor:
    """``input.bernoulli(p, generator=...)`` (``torch.bernoulli``)."""
    _no_out("bernoulli", out)
    return input.bernoulli(p, generator=generator)


def multinomial(
    input: Tensor,
    num_samples: builtins.int,
    replacement: builtins.bool = False,
    *,
    generator: Generator | None = None,
    out: Any = None,
) -> Tensor:
    """``input.multinomial(num_samples, replacement, generator=...)`` (``torch.multinomial``)."""
    _no_out("multinomial", out)
    return input.multinomial(num_samples, replacement, generator=generator)


def resize_as_(input: Tensor, the_template: Tensor, memory_format: Any = None) -> Tensor:
    """``input.resize_as_(the_template)`` (``torch.resize_as_``)."""
    return input.resize_as_(the_template, memory_format)


def _no_out(op: str, out: Any) -> None:
    if out is not None:
        raise TypeError(f"{op}: out= is not supported; use the returned tensor")


__all__ = ["bernoulli", "multinomial", "resize_as_"]
