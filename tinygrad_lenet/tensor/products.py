"""Products beyond matmul: dot, vdot, inner, outer, mv, the add-and-multiply family (addmm, addmv,
addbmm, baddbmm, addr), tensordot, kron, einsum, trace, cross, block_diag, meshgrid, cartesian_prod.

The Tensor methods live in :class:`TensorProducts` (mixed into ``Tensor``); the ``torch.*`` functions of the
same ops follow it and are re-exported by the package (this module's ``__all__``). One primitive, ``Einsum``
(ops/products.py), carries the contractions; the rest is composed of it, matmul, elementwise and movement ops.
"""

from __future__ import annotations

import itertools
import string
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from ..base.dims import normalize_dim
from ..base.errors import ShapeError
from ..ops.movement import Cat
from ..ops.products import Einsum
from .base import TensorBase

if TYPE_CHECKING:
    from .tensor import Tensor

_LETTERS = string.ascii_letters


def _scaled(t: Tensor, factor: Any) -> Tensor:
    """``t * factor``, skipping the product when ``factor`` is 1 (integer tensors stay exact)."""
    return t if factor == 1 else t * factor


def _need_ndim(name: str, *checks: tuple[str, Tensor, int]) -> None:
    """Raise ShapeError unless each (label, tensor, ndim) tensor has that number of dims."""
    for label, t, ndim in checks:
        if t.ndim != ndim:
            raise ShapeError(f"{name}: {label} must be {ndim}-D, got shape {tuple(t.shape)}")


def _expand_ellipsis(terms: list[str], operands: Sequence[Tensor], output: str | None) -> tuple[list[str], str]:
    """The equation's terms with ``...`` replaced by letters (right-aligned), and its output (explicit, or
    implicit: the broadcast dims, then the labels used once, in alphabetical order)."""
    used = set("".join(terms))
    free = [c for c in _LETTERS if c not in used]
    widths = [t.ndim - len(term.replace("...", "")) for term, t in zip(terms, operands) if "..." in term]
    width = max(widths, default=0)
    if width > len(free) or min(widths, default=0) < 0:
        raise ShapeError(
            f"einsum: the subscripts {terms} do not fit operand shapes {[tuple(t.shape) for t in operands]}"
        )
    dots = "".join(free[:width])
    expanded = [
        term.replace("...", dots[width - (t.ndim - len(term.replace("...", ""))) :]) for term, t in zip(terms, operands)
    ]
    if output is None:
        counts = "".join(expanded)
        output = dots + "".join(sorted(c for c in set(counts) if counts.count(c) == 1 and c not in dots))
    return expanded, output.replace("...", dots)


def _check_einsum(terms: list[str], output: str, operands: Sequence[Tensor]) -> None:
    sizes: dict[str, int] = {}
    for term, t in zip(terms, operands):
        if not all(c in _LETTERS for c in term) or len(term) != t.ndim:
            raise ShapeError(f"einsum: subscripts {term!r} do not fit an operand of shape {tuple(t.shape)}")
        for c, n in zip(term, t.shape):
            if sizes.get(c, 1) != 1 and n not in (1, sizes[c]):
                raise ShapeError(f"einsum: label {c!r} has size {n} in one operand and {sizes[c]} in another")
            sizes[c] = n if sizes.get(c, 1) == 1 else sizes[c]
    missing = [c for c in output if c not in sizes]
    if missing or len(set(output)) != len(output):
        raise ValueError(f"einsum: output subscripts {output!r} must name input labels, each once")


class TensorProducts(TensorBase):
    """Tensor methods of this family (see the module docstring)."""

    __slots__ = ()

    def dot(self, other: Tensor) -> Tensor:
        """The inner product of two 1-D tensors of the same size."""
        t = cast("Tensor", self)
        _need_ndim("dot", ("input", t, 1), ("other", other, 1))
        if t.shape != other.shape:
            raise ShapeError(f"dot: the vectors must have the same size, got {t.shape[0]} and {other.shape[0]}")
        return einsum("i,i->", t, other)

    vdot = dot  # real tensors: conjugating the first is the identity

    def inner(self, other: Tensor) -> Tensor:
        """The sum over the last dims of both (a product when one is 0-d)."""
        t = cast("Tensor", self)
        if t.ndim == 0 or other.ndim == 0:
            return t * other
        return tensordot(t, other, ([-1], [-1]))

    def outer(self, vec2: Tensor) -> Tensor:
        """The outer product of two 1-D tensors: out[i, j] = self[i] vec2[j]."""
        t = cast("Tensor", self)
        _need_ndim("outer", ("input", t, 1), ("vec2", vec2, 1))
        return einsum("i,j->ij", t, vec2)

    ger = outer

    def mv(self, vec: Tensor) -> Tensor:
        """The product of a matrix and a vector."""
        t = cast("Tensor", self)
        _need_ndim("mv", ("input", t, 2), ("vec", vec, 1))
        return t @ vec

    def bmm(self, mat2: Tensor) -> Tensor:
        """The batched matrix product of (b, n, m) and (b, m, p) tensors."""
        t = cast("Tensor", self)
        _need_ndim("bmm", ("input", t, 3), ("mat2", mat2, 3))
        if t.shape[0] != mat2.shape[0]:
            raise ShapeError(f"bmm: the batch sizes differ: {t.shape} and {mat2.shape}")
        return t @ mat2

    def _add_product(self, product: Tensor, beta: Any, alpha: Any) -> Tensor:
        """beta * self + alpha * product; with beta 0, self is ignored (also its NaNs), as PyTorch."""
        scaled = _scaled(product, alpha)
        if beta == 0:
            return scaled + cast("Tensor", self)._make(np.zeros(self.shape, dtype=scaled.dtype))
        return _scaled(cast("Tensor", self), beta) + scaled

    def addmm(self, mat1: Tensor, mat2: Tensor, *, beta: Any = 1, alpha: Any = 1) -> Tensor:
        """beta * self + alpha * (mat1 @ mat2)."""
        return self._add_product(mat1.mm(mat2), beta, alpha)

    def addmv(self, mat: Tensor, vec: Tensor, *, beta: Any = 1, alpha: Any = 1) -> Tensor:
        """beta * self + alpha * (mat @ vec)."""
        return self._add_product(mat.mv(vec), beta, alpha)

    def addr(self, vec1: Tensor, vec2: Tensor, *, beta: Any = 1, alpha: Any = 1) -> Tensor:
        """beta * self + alpha * outer(vec1, vec2)."""
        return self._add_product(vec1.outer(vec2), beta, alpha)

    def baddbmm(self, batch1: Tensor, batch2: Tensor, *, beta: Any = 1, alpha: Any = 1) -> Tensor:
        """beta * self + alpha * bmm(batch1, batch2)."""
        return self._add_product(batch1.bmm(batch2), beta, alpha)

    def addbmm(self, batch1: Tensor, batch2: Tensor, *, beta: Any = 1, alpha: Any = 1) -> Tensor:
        """beta * self + alpha * the sum over the batch of bmm(batch1, batch2)."""
        return self._add_product(batch1.bmm(batch2).sum(0), beta, alpha)

    def tensordot(self, other: Tensor, dims: Any = 2) -> Tensor:
        """``torch.tensordot``: the sum over ``dims`` of self and other (``einsum``)."""
        return tensordot(cast("Tensor", self), other, dims)

    def kron(self, other: Tensor) -> Tensor:
        """The Kronecker product: every element of self times the whole of other, in blocks."""
        t = cast("Tensor", self)
        ndim = max(t.ndim, other.ndim)
        a = t.reshape(*(1,) * (ndim - t.ndim), *t.shape)
        b = other.reshape(*(1,) * (ndim - other.ndim), *other.shape)
        left, right = _LETTERS[:ndim], _LETTERS[ndim : 2 * ndim]
        out = einsum(f"{left},{right}->{''.join(x + y for x, y in zip(left, right))}", a, b)
        return out.reshape(*(m * n for m, n in zip(a.shape, b.shape)))

    def trace(self) -> Tensor:
        """The sum of the main diagonal of a 2-D tensor."""
        t = cast("Tensor", self)
        _need_ndim("trace", ("input", t, 2))
        k = min(t.shape)
        return einsum("ii->", t[:k, :k])

    def cross(self, other: Tensor, dim: int | None = None) -> Tensor:
        """The cross product of 3-vectors along ``dim`` (the first dim of size 3 when None): out_i =
        eps_ijk self_j other_k, with eps the Levi-Civita symbol."""
        t = cast("Tensor", self)
        try:
            shape = np.broadcast_shapes(t.shape, other.shape)
        except ValueError:
            raise ShapeError(f"cross: shapes {t.shape} and {other.shape} cannot be broadcast together") from None
        axis = next((i for i, n in enumerate(shape) if n == 3), -1) if dim is None else dim
        axis = normalize_dim(axis, len(shape), "cross")
        if shape[axis] != 3:
            raise ShapeError(f"cross: dim {axis} must have size 3, got shape {tuple(shape)}")
        eps = np.zeros((3, 3, 3), dtype=np.result_type(t.dtype, other.dtype))
        for i, j, k in ((0, 1, 2), (1, 2, 0), (2, 0, 1)):
            eps[i, j, k], eps[i, k, j] = 1, -1
        rest = _LETTERS[3 : 3 + len(shape)]
        labels = [rest[:axis] + c + rest[axis + 1 :] for c in "ijk"]
        a, b = t.expand(*shape), other.expand(*shape)
        return einsum(f"{labels[1]},{labels[2]},ijk->{labels[0]}", a, b, t._make(eps))


def einsum(equation: str, *operands: Any) -> Tensor:
    """Einstein summation: ``einsum("ij,jk->ik", a, b)`` or ``einsum("ij,jk", [a, b])``; ``...`` stands
    for broadcast dims; without ``->``, the output is the labels used once, in alphabetical order."""
    tensors = list(operands[0]) if len(operands) == 1 and isinstance(operands[0], (list, tuple)) else list(operands)
    equation = equation.replace(" ", "")
    lhs, arrow, rhs = equation.partition("->")
    terms = lhs.split(",")
    if len(terms) != len(tensors) or not tensors:
        raise ValueError(f"einsum: {equation!r} names {len(terms)} operand(s), {len(tensors)} given")
    inputs, output = _expand_ellipsis(terms, tensors, rhs if arrow else None)
    _check_einsum(inputs, output, tensors)
    return Einsum.apply(*tensors, inputs=tuple(inputs), output=output)


def tensordot(a: Tensor, b: Tensor, dims: Any = 2) -> Tensor:
    """The sum of a * b over ``dims``: an int n (the last n dims of a with the first n of b) or a pair of
    dim lists."""
    if isinstance(dims, int) or hasattr(dims, "item") and getattr(dims, "ndim", 1) == 0:
        n = int(dims)
        if n < 0 or n > min(a.ndim, b.ndim):
            raise ShapeError(f"tensordot: dims={n} does not fit shapes {tuple(a.shape)} and {tuple(b.shape)}")
        pairs = list(zip(range(a.ndim - n, a.ndim), range(n)))
    else:
        first, second = ([d] if isinstance(d, int) else [int(x) for x in d] for d in dims)
        if len(first) != len(second):
            raise ShapeError(f"tensordot: dims {dims!r} must pair as many dims of a as of b")
        pairs = [
            (normalize_dim(i, a.ndim, "tensordot"), normalize_dim(j, b.ndim, "tensordot"))
            for i, j in zip(first, second)
        ]
    left = list(_LETTERS[: a.ndim])
    right = list(_LETTERS[a.ndim : a.ndim + b.ndim])
    for i, j in pairs:
        right[j] = left[i]
    shared = {left[i] for i, _ in pairs}
    output = "".join(c for c in left if c not in shared) + "".join(c for c in right if c not in shared)
    return einsum(f"{''.join(left)},{''.join(right)}->{output}", a, b)


def _one_or_list(tensors: tuple[Any, ...]) -> list[Tensor]:
    """``f(a, b)`` and ``f([a, b])`` alike: the tensors as a list."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        return list(tensors[0])
    return list(tensors)


def block_diag(*tensors: Tensor) -> Tensor:
    """The tensors (0-, 1- or 2-D, a 1-D one as a row) as the blocks of a block-diagonal matrix."""
    if not tensors:
        raise ValueError("block_diag: give at least one tensor")
    blocks = []
    for t in tensors:
        if t.ndim > 2:
            raise ShapeError(f"block_diag: tensors must have at most 2 dims, got shape {tuple(t.shape)}")
        blocks.append(t.reshape(1, -1) if t.ndim < 2 else t)
    dtype = np.result_type(*(t.dtype for t in blocks))
    width = sum(t.shape[1] for t in blocks)
    rows, left = [], 0
    for t in blocks:
        r, c = t.shape
        pads = [t._make(np.zeros((r, n), dtype)) for n in (left, width - left - c)]
        rows.append(Cat.apply(pads[0], t.astype(dtype), pads[1], dim=1))
        left += c
    return Cat.apply(*rows, dim=0)


def meshgrid(*tensors: Any, indexing: str = "ij") -> tuple[Tensor, ...]:
    """Coordinate grids from 1-D (or 0-D) tensors: output k varies along dim k (``"ij"``); with
    ``"xy"``, the first two dims are swapped, as numpy's."""
    grid = _one_or_list(tensors)
    if indexing not in ("ij", "xy"):
        raise ValueError(f"meshgrid: indexing must be 'ij' or 'xy', got {indexing!r}")
    if any(t.ndim > 1 for t in grid):
        raise ShapeError(f"meshgrid: expects 0-D or 1-D tensors, got shapes {[tuple(t.shape) for t in grid]}")
    sizes = [t.numel() for t in grid]
    axes = list(range(len(grid)))
    if indexing == "xy" and len(grid) > 1:
        axes[0], axes[1] = 1, 0
    shape = [0] * len(grid)
    for t_axis, n in zip(axes, sizes):
        shape[t_axis] = n
    out = []
    for t, axis in zip(grid, axes):
        view = [1] * len(grid)
        view[axis] = -1
        out.append(t.reshape(*view).expand(*shape))
    return tuple(out)


def cartesian_prod(*tensors: Tensor) -> Tensor:
    """Every tuple of one element from each 1-D tensor, as the rows of a matrix (one tensor: itself)."""
    if len(tensors) == 1:
        return tensors[0]
    columns = [g.reshape(-1, 1) for g in meshgrid(*tensors, indexing="ij")]
    return Cat.apply(*columns, dim=1)


def combinations(input: Tensor, r: int = 2, with_replacement: bool = False) -> Tensor:
    """The length-``r`` combinations of the elements of a 1-D tensor, as the rows of a matrix."""
    _need_ndim("combinations", ("input", input, 1))
    if r < 0:
        raise ValueError(f"combinations: r must be non-negative, got {r}")
    if r == 0:
        return input._make(np.zeros(0, input.dtype))
    choose = itertools.combinations_with_replacement if with_replacement else itertools.combinations
    index = np.array(list(choose(range(input.shape[0]), r)), dtype=np.int64).reshape(-1, r)
    return input[index]


def dot(input: Tensor, other: Tensor) -> Tensor:
    """``input.dot(other)``: the inner product of two vectors."""
    return input.dot(other)


vdot = dot


def inner(input: Tensor, other: Tensor) -> Tensor:
    """``input.inner(other)``: the sum over the last dims of both."""
    return input.inner(other)


def outer(input: Tensor, vec2: Tensor) -> Tensor:
    """``input.outer(vec2)``: the outer product of two vectors."""
    return input.outer(vec2)


ger = outer


def mv(input: Tensor, vec: Tensor) -> Tensor:
    """``input.mv(vec)``: a matrix times a vector."""
    return input.mv(vec)


def addmm(input: Tensor, mat1: Tensor, mat2: Tensor, *, beta: Any = 1, alpha: Any = 1) -> Tensor:
    """``input.addmm(mat1, mat2)``: beta * input + alpha * (mat1 @ mat2)."""
    return input.addmm(mat1, mat2, beta=beta, alpha=alpha)


def addmv(input: Tensor, mat: Tensor, vec: Tensor, *, beta: Any = 1, alpha: Any = 1) -> Tensor:
    """``input.addmv(mat, vec)``: beta * input + alpha * (mat @ vec)."""
    return input.addmv(mat, vec, beta=beta, alpha=alpha)


def addr(input: Tensor, vec1: Tensor, vec2: Tensor, *, beta: Any = 1, alpha: Any = 1) -> Tensor:
    """``input.addr(vec1, vec2)``: beta * input + alpha * outer(vec1, vec2)."""
    return input.addr(vec1, vec2, beta=beta, alpha=alpha)


def baddbmm(input: Tensor, batch1: Tensor, batch2: Tensor, *, beta: Any = 1, alpha: Any = 1) -> Tensor:
    """``input.baddbmm(batch1, batch2)``: beta * input + alpha * bmm(batch1, batch2)."""
    return input.baddbmm(batch1, batch2, beta=beta, alpha=alpha)


def addbmm(input: Tensor, batch1: Tensor, batch2: Tensor, *, beta: Any = 1, alpha: Any = 1) -> Tensor:
    """``input.addbmm(batch1, batch2)``: beta * input + alpha * sum over the batch of bmm(batch1, batch2)."""
    return input.addbmm(batch1, batch2, beta=beta, alpha=alpha)


def kron(input: Tensor, other: Tensor) -> Tensor:
    """``input.kron(other)``: the Kronecker product."""
    return input.kron(other)


def trace(input: Tensor) -> Tensor:
    """``input.trace()``: the sum of the main diagonal."""
    return input.trace()


def cross(input: Tensor, other: Tensor, dim: int | None = None) -> Tensor:
    """``input.cross(other, dim)``: the cross product of 3-vectors."""
    return input.cross(other, dim)


__all__: list[str] = [
    "addbmm",
    "addmm",
    "addmv",
    "addr",
    "baddbmm",
    "block_diag",
    "cartesian_prod",
    "combinations",
    "cross",
    "dot",
    "einsum",
    "ger",
    "inner",
    "kron",
    "meshgrid",
    "mv",
    "outer",
    "tensordot",
    "trace",
    "vdot",
]
