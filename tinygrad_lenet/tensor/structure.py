"""Structure: tril/triu, diag and diagonals, roll, rot90, movedim, splitting and stacking,
tile, repeat_interleave, broadcasting, views and their _copy variants.

The Tensor methods live in :class:`TensorStructure` (mixed into ``Tensor``); the ``torch.*`` functions of the
same ops follow it and are re-exported by the package (this module's ``__all__``). The primitive ops are in
``tinygrad_lenet.ops.structure``; everything else is a composition of reshape, permute, flip, expand, indexing
and cat, so its gradient comes from theirs.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from ..base.dims import Size, normalize_dim, normalize_dims, sizes_from
from ..base.errors import DTypeError, ShapeError
from ..ops.movement import Cat
from ..ops.structure import DiagEmbed, Diagonal, RepeatInterleave, Roll, Tril, Triu, Unfold
from .base import TensorBase

if TYPE_CHECKING:
    from .tensor import Tensor

IntsOrTensor = int | Sequence[int] | TensorBase
"""What ``tensor_split`` takes: a number of sections, or the indices to split at (a list or an int tensor)."""


def ints_of(value: Any, name: str, op: str) -> tuple[int, ...]:
    """An int or a sequence of ints as a tuple of ints; else a TypeError naming the argument."""
    items = value if isinstance(value, (tuple, list)) else (value,)
    if not all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in items):
        raise TypeError(f"{op}: {name} must be an int or a sequence of ints, got {value!r}")
    return tuple(int(v) for v in items)


def matrix_dims(dim1: int, dim2: int, ndim: int, op: str) -> tuple[int, int]:
    """Two distinct dims among ``ndim`` normalised (the plane of a diagonal or a rotation)."""
    a, b = normalize_dim(dim1, ndim, op), normalize_dim(dim2, ndim, op)
    if a == b:
        raise ValueError(f"{op}: dim1 and dim2 must be different dims, both are {a}")
    return a, b


def join(tensors: Sequence[Tensor], dim: int, op: str = "cat") -> Tensor:
    """The tensors joined along an existing ``dim`` (``torch.cat``): other dims must agree. As PyTorch,
    1-D tensors of size 0 may join tensors of any shape (they add nothing)."""
    tensors = list(tensors)
    if not tensors:
        raise ValueError(f"{op}: expected a non-empty sequence of tensors")
    kept = [t for t in tensors if t.shape != (0,)] or tensors[:1]
    first = kept[0]
    axis = normalize_dim(dim, first.ndim, op)
    rest = first.shape[:axis] + first.shape[axis + 1 :]
    if any(t.ndim != first.ndim or t.shape[:axis] + t.shape[axis + 1 :] != rest for t in kept):
        raise ShapeError(f"{op}: shapes {[tuple(t.shape) for t in tensors]} must agree in every dim except dim {dim}")
    return Cat.apply(*kept, dim=axis)


def section_bounds(length: int, sections: int, op: str) -> list[int]:
    """The indices that cut ``length`` into ``sections`` nearly equal pieces (the first ones one larger)."""
    if sections < 1:
        raise ValueError(f"{op}: the number of sections must be at least 1, got {sections}")
    small, extra = divmod(length, sections)
    return [i * small + min(i, extra) for i in range(1, sections)]


def check_output_size(output_size: int | None, total: int) -> None:
    """repeat_interleave's ``output_size``, when given, must be the number of repeats."""
    if output_size is not None and output_size != total:
        raise ValueError(f"repeat_interleave: output_size {output_size} but the repeats add up to {total}")


class TensorStructure(TensorBase):
    """Tensor methods of this family (see the module docstring)."""

    __slots__ = ()

    # --- triangles and diagonals ----------------------------------------------------------------------------
    def tril(self, diagonal: int = 0) -> Tensor:
        """The lower triangle of the last two dims (on and below ``diagonal``); the rest zero."""
        self._need_matrix("tril")
        return Tril.apply(self, diagonal=diagonal)

    def triu(self, diagonal: int = 0) -> Tensor:
        """The upper triangle of the last two dims (on and above ``diagonal``); the rest zero."""
        self._need_matrix("triu")
        return Triu.apply(self, diagonal=diagonal)

    def _need_matrix(self, op: str) -> None:
        if self.ndim < 2:
            raise ShapeError(f"{op}: expects a tensor of at least 2 dims, got shape {self.shape}")

    def diagonal(self, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
        """The ``offset`` diagonal of the (dim1, dim2) matrices, as a new last dim (both dims removed)."""
        self._need_matrix("diagonal")
        a, b = matrix_dims(dim1, dim2, self.ndim, "diagonal")
        return Diagonal.apply(self, offset=offset, dim1=a, dim2=b)

    def diag_embed(self, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Tensor:
        """Matrices in dims (dim1, dim2) of the result, zero but for the last dim of self on diagonal ``offset``."""
        if self.ndim == 0:
            raise ShapeError("diag_embed: expects a tensor of at least 1 dim, got a 0-d tensor")
        a, b = matrix_dims(dim1, dim2, self.ndim + 1, "diag_embed")
        return DiagEmbed.apply(self, offset=offset, dim1=a, dim2=b)

    def diag(self, diagonal: int = 0) -> Tensor:
        """A 1-D tensor -> the square matrix with it on ``diagonal``; a 2-D tensor -> that diagonal of it."""
        t = cast("Tensor", self)
        if self.ndim == 1:
            return t.diag_embed(diagonal)
        if self.ndim == 2:
            return t.diagonal(diagonal)
        raise ShapeError(f"diag: expects a 1-D or 2-D tensor, got shape {self.shape}")

    def diagflat(self, offset: int = 0) -> Tensor:
        """The flattened tensor on diagonal ``offset`` of a square matrix."""
        return cast("Tensor", self).reshape(-1).diag_embed(offset)

    # --- rearranging ----------------------------------------------------------------------------------------
    def roll(self, shifts: int | Sequence[int], dims: int | Sequence[int] | None = None) -> Tensor:
        """The elements shifted by ``shifts`` along ``dims``, those falling off one end coming back at the other
        (without ``dims``: over the flattened tensor, shape kept)."""
        steps = ints_of(shifts, "shifts", "roll")
        if dims is None:
            if len(steps) != 1:
                raise ValueError(f"roll: without dims, shifts must be one int, got {shifts!r}")
            return Roll.apply(self, shifts=steps, dims=None)
        axes = tuple(normalize_dim(d, self.ndim, "roll") for d in ints_of(dims, "dims", "roll"))
        if len(axes) != len(steps):
            raise ValueError(f"roll: shifts {shifts!r} and dims {dims!r} must have the same length")
        return Roll.apply(self, shifts=steps, dims=axes)

    def rot90(self, k: int = 1, dims: Sequence[int] = (0, 1)) -> Tensor:
        """Rotated by 90 degrees ``k`` times in the plane of ``dims``, from the first dim towards the second."""
        t = cast("Tensor", self)
        if len(dims) != 2:
            raise ValueError(f"rot90: dims must name two dims, got {dims!r}")
        a, b = matrix_dims(dims[0], dims[1], self.ndim, "rot90")
        turns = k % 4
        if turns == 1:
            return t.flip(b).transpose(a, b)
        if turns == 2:
            return t.flip(a, b)
        if turns == 3:
            return t.flip(a).transpose(a, b)
        return t.clone()

    def movedim(self, source: int | Sequence[int], destination: int | Sequence[int]) -> Tensor:
        """Dims ``source`` moved to positions ``destination``; the others keep their order."""
        src = normalize_dims(ints_of(source, "source", "movedim"), self.ndim, "movedim")
        dst = normalize_dims(ints_of(destination, "destination", "movedim"), self.ndim, "movedim")
        if len(src) != len(dst):
            raise ValueError(f"movedim: source {source!r} and destination {destination!r} must have the same length")
        order = [d for d in range(self.ndim) if d not in src]
        for d, s in sorted(zip(dst, src)):
            order.insert(d, s)
        return cast("Tensor", self).permute(*order)

    moveaxis = movedim

    def swapaxes(self, axis0: int, axis1: int) -> Tensor:
        """``transpose(axis0, axis1)`` (numpy's name)."""
        return cast("Tensor", self).transpose(axis0, axis1)

    swapdims = swapaxes

    @property
    def mT(self) -> Tensor:
        """The last two dims swapped (a batch of matrices transposed)."""
        self._need_matrix("mT")
        return cast("Tensor", self).transpose(-2, -1)

    @property
    def mH(self) -> Tensor:
        """The conjugate transpose of a batch of matrices: ``mT`` (the tensors here are real)."""
        return self.mT

    @property
    def H(self) -> Tensor:
        """The conjugate transpose of a matrix (a 0-d tensor is its own): ``t()`` for real tensors."""
        if self.ndim not in (0, 2):
            raise ShapeError(f"H: expects a 0-d or 2-D tensor, got shape {self.shape}; use mH for batches")
        return cast("Tensor", self).transpose(0, -1) if self.ndim else cast("Tensor", self).clone()

    def fliplr(self) -> Tensor:
        """The columns in reverse order (dim 1)."""
        if self.ndim < 2:
            raise ShapeError(f"fliplr: expects a tensor of at least 2 dims, got shape {self.shape}")
        return cast("Tensor", self).flip(1)

    def flipud(self) -> Tensor:
        """The rows in reverse order (dim 0)."""
        if self.ndim < 1:
            raise ShapeError("flipud: expects a tensor of at least 1 dim, got a 0-d tensor")
        return cast("Tensor", self).flip(0)

    def ravel(self) -> Tensor:
        """The elements as a 1-D tensor."""
        return cast("Tensor", self).reshape(-1)

    def unflatten(self, dim: int, sizes: Sequence[int]) -> Tensor:
        """Dim ``dim`` split into dims of ``sizes`` (one may be -1)."""
        axis = normalize_dim(dim, self.ndim, "unflatten")
        parts = sizes_from(tuple(sizes))
        if not parts:
            raise ValueError("unflatten: sizes must name at least one size")
        known = math.prod(s for s in parts if s != -1)
        length = self.shape[axis]
        if parts.count(-1) > 1 or (-1 not in parts and known != length) or (known and length % known):
            raise ShapeError(f"unflatten: sizes {list(parts)} do not multiply to dim {dim}'s size {length}")
        return cast("Tensor", self).reshape(*self.shape[:axis], *parts, *self.shape[axis + 1 :])

    def sum_to_size(self, *size: Any) -> Tensor:
        """Summed down to ``size`` (which self must broadcast to): the adjoint of ``expand``."""
        target = sizes_from(size)
        lead = self.ndim - len(target)
        if lead < 0 or any(s not in (1, self.shape[i + lead]) for i, s in enumerate(target)):
            raise ShapeError(f"sum_to_size: size {target} is not expandable to the tensor's shape {self.shape}")
        t = cast("Tensor", self)
        summed = [i + lead for i, s in enumerate(target) if s == 1 and self.shape[i + lead] != 1]
        if summed:
            t = t.sum(summed, keepdim=True)
        return t.sum(list(range(lead))) if lead else t.reshape(*t.shape)

    def unfold(self, dimension: int, size: int, step: int) -> Tensor:
        """Every window of ``size`` elements along ``dimension``, ``step`` apart, in a new last dim."""
        axis = normalize_dim(dimension, self.ndim, "unfold")
        length = self.shape[axis] if self.ndim else 1
        if not 0 <= size <= length or step < 1:
            raise ValueError(
                f"unfold: size {size} must be in [0, {length}] (the size of dim {dimension}) and step {step} >= 1"
            )
        if self.ndim == 0:
            return cast("Tensor", self).reshape(1)
        return Unfold.apply(self, dim=axis, size=size, step=step)

    # --- repeating and broadcasting -------------------------------------------------------------------------
    def repeat_interleave(
        self, repeats: int | TensorBase | None = None, dim: int | None = None, *, output_size: int | None = None
    ) -> Tensor:
        """Each element repeated ``repeats`` times (or ``repeats[i]`` times) along ``dim`` (the flattened tensor
        without ``dim``); as a function with only an int tensor, the indices repeated that many times."""
        t = cast("Tensor", self)
        if repeats is None:
            return self._counts_to_indices(output_size)
        counts = np.asarray(repeats._array if isinstance(repeats, TensorBase) else repeats)
        if counts.dtype.kind not in "iu" or counts.ndim > 1 or (counts < 0).any():
            raise DTypeError(
                f"repeat_interleave: repeats must be non-negative ints (or a 1-D int tensor), got {repeats!r}"
            )
        if dim is None:
            t, axis = t.reshape(-1), 0
        else:
            axis = normalize_dim(dim, self.ndim, "repeat_interleave")
        length = t.shape[axis] if t.ndim else 1
        if counts.ndim == 1 and counts.size not in (1, length):
            raise ShapeError(f"repeat_interleave: {counts.size} repeats for dim {axis} of size {length}")
        if t.ndim == 0:
            t = t.reshape(1)
        total = int(np.broadcast_to(counts, (length,)).sum())
        check_output_size(output_size, total)
        return RepeatInterleave.apply(t, repeats=counts, dim=axis)

    def _counts_to_indices(self, output_size: int | None) -> Tensor:
        """``repeat_interleave(counts)``: index i repeated counts[i] times, an int64 tensor."""
        if self.dtype.kind not in "iu" or self.ndim > 1 or (self._array < 0).any():
            raise DTypeError(
                f"repeat_interleave: a 1-D tensor of non-negative int counts is needed, got {self.dtype} {self.shape}"
            )
        counts = self._array.reshape(-1)
        check_output_size(output_size, int(counts.sum()))
        return self._make(np.repeat(np.arange(counts.size, dtype=np.int64), counts))

    def tile(self, dims: Sequence[int]) -> Tensor:
        """``repeat(dims)``, with ones put in front of ``dims`` when it names fewer dims than the tensor has."""
        counts = sizes_from(tuple(dims))
        return cast("Tensor", self).repeat(*(1,) * (self.ndim - len(counts)), *counts)

    def broadcast_to(self, size: Sequence[int]) -> Tensor:
        """``expand(size)``: the tensor broadcast to ``size`` without copying."""
        return cast("Tensor", self).expand(*size)

    # --- splitting ------------------------------------------------------------------------------------------
    def unbind(self, dim: int = 0) -> tuple[Tensor, ...]:
        """The slices along ``dim``, that dim removed."""
        if self.ndim == 0:
            raise ShapeError("unbind: a 0-d tensor has no dim to unbind")
        axis = normalize_dim(dim, self.ndim, "unbind")
        t = cast("Tensor", self)
        return tuple(t[(slice(None),) * axis + (i,)] for i in range(self.shape[axis]))

    def split_with_sizes(self, split_sizes: Sequence[int], dim: int = 0) -> tuple[Tensor, ...]:
        """Pieces of the listed sizes along ``dim`` (they must add up to its size)."""
        return cast("Tensor", self).split(sizes_from(tuple(split_sizes)), dim)

    def unsafe_split(self, split_size: int | Sequence[int], dim: int = 0) -> tuple[Tensor, ...]:
        """``split`` (PyTorch's variant without view tracking; here the same)."""
        return cast("Tensor", self).split(split_size, dim)

    def tensor_split(self, indices_or_sections: IntsOrTensor, dim: int = 0) -> tuple[Tensor, ...]:
        """``n`` nearly equal pieces along ``dim`` (the first ones one larger), or the pieces cut before each
        of the listed indices (an int, a list, or an int tensor: 0-d for a count, 1-D for indices)."""
        if self.ndim == 0:
            raise ShapeError("tensor_split: expects a tensor of at least 1 dim, got a 0-d tensor")
        axis = normalize_dim(dim, self.ndim, "tensor_split")
        length = self.shape[axis]
        spec: Any = indices_or_sections
        if isinstance(spec, TensorBase):
            if spec.dtype.kind not in "iu" or spec.ndim > 1:
                raise DTypeError(f"tensor_split: a tensor of indices must be a 0-d or 1-D int tensor, got {spec.dtype}")
            spec = spec._array.tolist()
        if isinstance(spec, (int, np.integer)) and not isinstance(spec, bool):
            bounds = section_bounds(length, int(spec), "tensor_split")
        else:
            bounds = list(ints_of(list(spec), "indices", "tensor_split"))
        t = cast("Tensor", self)
        lead = (slice(None),) * axis
        return tuple(t[lead + (slice(a, b),)] for a, b in zip([0, *bounds], [*bounds, None]))

    def _split_evenly(self, spec: int | Sequence[int], dim: int, op: str) -> tuple[Tensor, ...]:
        """hsplit/vsplit/dsplit: ``tensor_split`` along ``dim``, where a count must divide the size."""
        if isinstance(spec, int) and (spec < 1 or self.shape[dim] % spec):
            raise ShapeError(f"{op}: dim {dim} of size {self.shape[dim]} does not split into {spec} equal pieces")
        return self.tensor_split(spec, dim)

    def hsplit(self, indices_or_sections: int | Sequence[int]) -> tuple[Tensor, ...]:
        """``tensor_split`` along dim 1 (dim 0 of a 1-D tensor); a count must divide the size."""
        if self.ndim == 0:
            raise ShapeError("hsplit: expects a tensor of at least 1 dim, got a 0-d tensor")
        return self._split_evenly(indices_or_sections, 1 if self.ndim > 1 else 0, "hsplit")

    def vsplit(self, indices_or_sections: int | Sequence[int]) -> tuple[Tensor, ...]:
        """``tensor_split`` along dim 0 of a tensor of at least 2 dims; a count must divide the size."""
        if self.ndim < 2:
            raise ShapeError(f"vsplit: expects a tensor of at least 2 dims, got shape {self.shape}")
        return self._split_evenly(indices_or_sections, 0, "vsplit")

    def dsplit(self, indices_or_sections: int | Sequence[int]) -> tuple[Tensor, ...]:
        """``tensor_split`` along dim 2 of a tensor of at least 3 dims; a count must divide the size."""
        if self.ndim < 3:
            raise ShapeError(f"dsplit: expects a tensor of at least 3 dims, got shape {self.shape}")
        return self._split_evenly(indices_or_sections, 2, "dsplit")

    def unsafe_chunk(self, chunks: int, dim: int = 0) -> tuple[Tensor, ...]:
        """``chunk`` (PyTorch's variant without view tracking; here the same)."""
        return cast("Tensor", self).chunk(chunks, dim)


# --- the torch.* functions ----------------------------------------------------------------------------------
def tril(input: Tensor, diagonal: int = 0) -> Tensor:
    """``input.tril(diagonal)``: the lower triangle of the last two dims."""
    return input.tril(diagonal)


def triu(input: Tensor, diagonal: int = 0) -> Tensor:
    """``input.triu(diagonal)``: the upper triangle of the last two dims."""
    return input.triu(diagonal)


def diag(input: Tensor, diagonal: int = 0) -> Tensor:
    """``input.diag(diagonal)``: a vector on a diagonal, or a matrix's diagonal."""
    return input.diag(diagonal)


def diag_embed(input: Tensor, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Tensor:
    """``input.diag_embed(offset, dim1, dim2)``: the last dim put on a diagonal of new matrices."""
    return input.diag_embed(offset, dim1, dim2)


def diagflat(input: Tensor, offset: int = 0) -> Tensor:
    """``input.diagflat(offset)``: the flattened input on a diagonal of a square matrix."""
    return input.diagflat(offset)


def diagonal(input: Tensor, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
    """``input.diagonal(offset, dim1, dim2)``: a diagonal of the (dim1, dim2) matrices."""
    return input.diagonal(offset, dim1, dim2)


def diagonal_copy(input: Tensor, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
    """:func:`diagonal` as a new tensor."""
    return input.diagonal(offset, dim1, dim2).clone()


def roll(input: Tensor, shifts: int | Sequence[int], dims: int | Sequence[int] | None = None) -> Tensor:
    """``input.roll(shifts, dims)``: the elements shifted cyclically."""
    return input.roll(shifts, dims)


def rot90(input: Tensor, k: int = 1, dims: Sequence[int] = (0, 1)) -> Tensor:
    """``input.rot90(k, dims)``: rotated by k quarter turns in the plane of ``dims``."""
    return input.rot90(k, dims)


def movedim(input: Tensor, source: int | Sequence[int], destination: int | Sequence[int]) -> Tensor:
    """``input.movedim(source, destination)``: dims moved to new positions."""
    return input.movedim(source, destination)


moveaxis = movedim


def swapaxes(input: Tensor, axis0: int, axis1: int) -> Tensor:
    """``input.transpose(axis0, axis1)``."""
    return input.transpose(axis0, axis1)


swapdims = swapaxes


def fliplr(input: Tensor) -> Tensor:
    """``input.fliplr()``: the columns in reverse order."""
    return input.fliplr()


def flipud(input: Tensor) -> Tensor:
    """``input.flipud()``: the rows in reverse order."""
    return input.flipud()


def permute(input: Tensor, dims: Sequence[int]) -> Tensor:
    """``input.permute(dims)``: the dims reordered."""
    return input.permute(*dims)


def permute_copy(input: Tensor, dims: Sequence[int]) -> Tensor:
    """:func:`permute` as a new tensor."""
    return input.permute(*dims).clone()


def transpose(input: Tensor, dim0: int, dim1: int) -> Tensor:
    """``input.transpose(dim0, dim1)``: two dims swapped."""
    return input.transpose(dim0, dim1)


def transpose_copy(input: Tensor, dim0: int, dim1: int) -> Tensor:
    """:func:`transpose` as a new tensor."""
    return input.transpose(dim0, dim1).clone()


def t(input: Tensor) -> Tensor:
    """``input.t()``: the transpose of a tensor of at most 2 dims."""
    return input.t()


def t_copy(input: Tensor) -> Tensor:
    """:func:`t` as a new tensor."""
    return input.t().clone()


def squeeze(input: Tensor, dim: int | Sequence[int] | None = None) -> Tensor:
    """``input.squeeze(dim)``: size-1 dims dropped (all, or those of ``dim``)."""
    return input.squeeze(dim)


def squeeze_copy(input: Tensor, dim: int | Sequence[int] | None = None) -> Tensor:
    """:func:`squeeze` as a new tensor."""
    return input.squeeze(dim).clone()


def unsqueeze(input: Tensor, dim: int) -> Tensor:
    """``input.unsqueeze(dim)``: a size-1 dim inserted."""
    return input.unsqueeze(dim)


def unsqueeze_copy(input: Tensor, dim: int) -> Tensor:
    """:func:`unsqueeze` as a new tensor."""
    return input.unsqueeze(dim).clone()


def reshape(input: Tensor, shape: Sequence[int]) -> Tensor:
    """``input.reshape(shape)``: the same elements in a new shape."""
    return input.reshape(*shape)


def view_copy(input: Tensor, size: Sequence[int]) -> Tensor:
    """``input.view(size)`` as a new tensor."""
    return input.reshape(*size).clone()


def expand_copy(input: Tensor, size: Sequence[int], *, implicit: bool = False) -> Tensor:
    """``input.expand(size)`` as a new tensor (``implicit`` is accepted and changes nothing)."""
    return input.expand(*size).clone()


def alias_copy(input: Tensor) -> Tensor:
    """A new tensor with the values of ``input`` (in the graph)."""
    return input.clone()


def clone(input: Tensor, *, memory_format: Any = None) -> Tensor:
    """``input.clone()``: a copy with its own memory, in the graph."""
    return input.clone(memory_format=memory_format)


def ravel(input: Tensor) -> Tensor:
    """``input.ravel()``: the elements as a 1-D tensor."""
    return input.ravel()


def unflatten(input: Tensor, dim: int, sizes: Sequence[int]) -> Tensor:
    """``input.unflatten(dim, sizes)``: one dim split into several."""
    return input.unflatten(dim, sizes)


def unfold_copy(input: Tensor, dimension: int, size: int, step: int) -> Tensor:
    """``input.unfold(dimension, size, step)``: the sliding windows along a dim, as a new tensor."""
    return input.unfold(dimension, size, step)


def repeat_interleave(
    input: Tensor, repeats: int | Tensor | None = None, dim: int | None = None, *, output_size: int | None = None
) -> Tensor:
    """``input.repeat_interleave(repeats, dim)``; ``repeat_interleave(counts)`` alone repeats the indices."""
    return input.repeat_interleave(repeats, dim, output_size=output_size)


def tile(input: Tensor, dims: Sequence[int]) -> Tensor:
    """``input.tile(dims)``: the tensor repeated along each dim."""
    return input.tile(dims)


def broadcast_to(input: Tensor, size: Sequence[int]) -> Tensor:
    """``input.broadcast_to(size)``: broadcast without copying."""
    return input.broadcast_to(size)


def broadcast_shapes(*shapes: int | Sequence[int]) -> Size:
    """The shape that tensors of ``shapes`` broadcast to together (an int stands for a 1-D shape)."""
    dims = [ints_of(s, "shape", "broadcast_shapes") for s in shapes]
    try:
        return Size(np.broadcast_shapes(*dims))
    except ValueError:
        raise ShapeError(f"broadcast_shapes: shapes {[list(d) for d in dims]} do not broadcast together") from None


def broadcast_tensors(*tensors: Tensor) -> tuple[Tensor, ...]:
    """The tensors expanded to their common broadcast shape."""
    shape = broadcast_shapes(*(tuple(x.shape) for x in tensors))
    return tuple(x.expand(*shape) for x in tensors)


# --- splitting ----------------------------------------------------------------------------------------------
def split(tensor: Tensor, split_size_or_sections: int | Sequence[int], dim: int = 0) -> tuple[Tensor, ...]:
    """``tensor.split(split_size_or_sections, dim)``: pieces of one size, or of the listed sizes."""
    return tensor.split(split_size_or_sections, dim)


unsafe_split = split


def split_with_sizes(input: Tensor, split_sizes: Sequence[int], dim: int = 0) -> tuple[Tensor, ...]:
    """``input.split_with_sizes(split_sizes, dim)``: pieces of the listed sizes."""
    return input.split_with_sizes(split_sizes, dim)


def split_with_sizes_copy(input: Tensor, split_sizes: Sequence[int], dim: int = 0) -> tuple[Tensor, ...]:
    """:func:`split_with_sizes`, each piece a new tensor."""
    return tuple(piece.clone() for piece in input.split_with_sizes(split_sizes, dim))


def chunk(input: Tensor, chunks: int, dim: int = 0) -> tuple[Tensor, ...]:
    """``input.chunk(chunks, dim)``: ``chunks`` pieces of equal size (the last may be smaller)."""
    return input.chunk(chunks, dim)


unsafe_chunk = chunk


def tensor_split(input: Tensor, indices_or_sections: IntsOrTensor, dim: int = 0) -> tuple[Tensor, ...]:
    """``input.tensor_split(indices_or_sections, dim)``: n nearly equal pieces, or cut at indices."""
    return input.tensor_split(indices_or_sections, dim)


def hsplit(input: Tensor, indices_or_sections: int | Sequence[int]) -> tuple[Tensor, ...]:
    """``input.hsplit(...)``: split along the columns."""
    return input.hsplit(indices_or_sections)


def vsplit(input: Tensor, indices_or_sections: int | Sequence[int]) -> tuple[Tensor, ...]:
    """``input.vsplit(...)``: split along the rows."""
    return input.vsplit(indices_or_sections)


def dsplit(input: Tensor, indices_or_sections: int | Sequence[int]) -> tuple[Tensor, ...]:
    """``input.dsplit(...)``: split along dim 2."""
    return input.dsplit(indices_or_sections)


def unbind(input: Tensor, dim: int = 0) -> tuple[Tensor, ...]:
    """``input.unbind(dim)``: the slices along ``dim``."""
    return input.unbind(dim)


def unbind_copy(input: Tensor, dim: int = 0) -> tuple[Tensor, ...]:
    """:func:`unbind`, each slice a new tensor."""
    return tuple(piece.clone() for piece in input.unbind(dim))


# --- at least n dims, and stacking --------------------------------------------------------------------------
def _at_least(tensors: tuple[Any, ...], op: str, lift: Callable[[Tensor], Tensor]) -> Any:
    """``lift`` applied to one tensor (a tensor back), or to several or a sequence of them (a tuple back)."""
    if len(tensors) == 1 and isinstance(tensors[0], TensorBase):
        return lift(cast("Tensor", tensors[0]))
    items = tuple(tensors[0]) if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)) else tensors
    if not all(isinstance(x, TensorBase) for x in items):
        raise TypeError(f"{op}: expects tensors, got {[type(x).__name__ for x in items]}")
    return tuple(lift(x) for x in items)


def _as_1d(x: Tensor) -> Tensor:
    return x.reshape(1) if x.ndim == 0 else x


def _as_2d(x: Tensor) -> Tensor:
    return x.reshape(1, -1) if x.ndim < 2 else x


def _as_3d(x: Tensor) -> Tensor:
    if x.ndim == 0:
        return x.reshape(1, 1, 1)
    if x.ndim == 1:
        return x.reshape(1, -1, 1)
    return x.unsqueeze(-1) if x.ndim == 2 else x


def atleast_1d(*tensors: Any) -> Any:
    """Each tensor with at least 1 dim (a 0-d tensor becomes shape (1,)); one tensor in, one out."""
    return _at_least(tensors, "atleast_1d", _as_1d)


def atleast_2d(*tensors: Any) -> Any:
    """Each tensor with at least 2 dims (shape (n,) becomes (1, n)); one tensor in, one out."""
    return _at_least(tensors, "atleast_2d", _as_2d)


def atleast_3d(*tensors: Any) -> Any:
    """Each tensor with at least 3 dims ((n,) becomes (1, n, 1), (m, n) becomes (m, n, 1))."""
    return _at_least(tensors, "atleast_3d", _as_3d)


def hstack(tensors: Sequence[Tensor]) -> Tensor:
    """Joined column-wise: along dim 1, or dim 0 when all are 1-D (0-d tensors count as 1-D)."""
    items = [_as_1d(x) for x in tensors]
    return join(items, 0 if all(x.ndim == 1 for x in items) else 1, "hstack")


def vstack(tensors: Sequence[Tensor]) -> Tensor:
    """Joined row-wise: along dim 0 after :func:`atleast_2d`."""
    return join([_as_2d(x) for x in tensors], 0, "vstack")


def dstack(tensors: Sequence[Tensor]) -> Tensor:
    """Joined depth-wise: along dim 2 after :func:`atleast_3d`."""
    return join([_as_3d(x) for x in tensors], 2, "dstack")


def column_stack(tensors: Sequence[Tensor]) -> Tensor:
    """Joined along dim 1, 0-d and 1-D tensors first made columns of shape (n, 1)."""
    return join([x.reshape(-1, 1) if x.ndim < 2 else x for x in tensors], 1, "column_stack")


__all__ = [
    "alias_copy",
    "atleast_1d",
    "atleast_2d",
    "atleast_3d",
    "broadcast_shapes",
    "broadcast_tensors",
    "broadcast_to",
    "chunk",
    "clone",
    "column_stack",
    "diag",
    "diag_embed",
    "diagflat",
    "diagonal",
    "diagonal_copy",
    "dsplit",
    "dstack",
    "expand_copy",
    "fliplr",
    "flipud",
    "hsplit",
    "hstack",
    "moveaxis",
    "movedim",
    "permute",
    "permute_copy",
    "ravel",
    "repeat_interleave",
    "reshape",
    "roll",
    "rot90",
    "split",
    "split_with_sizes",
    "split_with_sizes_copy",
    "squeeze",
    "squeeze_copy",
    "swapaxes",
    "swapdims",
    "t",
    "t_copy",
    "tensor_split",
    "tile",
    "transpose",
    "transpose_copy",
    "tril",
    "triu",
    "unbind",
    "unbind_copy",
    "unflatten",
    "unfold_copy",
    "unsafe_chunk",
    "unsafe_split",
    "unsqueeze",
    "unsqueeze_copy",
    "view_copy",
    "vsplit",
    "vstack",
]
