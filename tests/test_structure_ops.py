"""Structure ops: triangles, diagonals, roll, rot90, movedim, splitting and stacking, repeats, unfold.

Forward values against numpy (or values written out by hand), and gradchecks over generated shapes
and memory layouts (contiguous, transposed, strided).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from strategies import arrays, leaf, nonempty_shapes

import tinygrad_lenet as tl

matrix_shapes = hnp.array_shapes(min_dims=2, max_dims=4, min_side=1, max_side=4)
FEW = settings(max_examples=12)


def weighted(fn):
    """The output times itself, so that the gradient depends on where each element went."""
    return lambda *xs: fn(*xs) * fn(*xs)


def weighted_pieces(fn):
    """For ops returning several tensors: a weighted sum of the squared pieces, one scalar."""

    def total(*xs):
        pieces = fn(*xs)
        out = None
        for i, p in enumerate(pieces):
            term = (p * p).sum() * (i + 1)
            out = term if out is None else out + term
        return out

    return total


@FEW
@given(data=st.data(), shape=matrix_shapes, diagonal=st.integers(-3, 3))
def test_tril_and_triu(data: st.DataObject, shape, diagonal: int) -> None:
    x = data.draw(arrays(shape))
    np.testing.assert_array_equal(tl.tril(tl.Tensor(x), diagonal).numpy(), np.tril(x, diagonal))
    np.testing.assert_array_equal(tl.Tensor(x).triu(diagonal).numpy(), np.triu(x, diagonal))
    assert tl.gradcheck(weighted(lambda t: t.tril(diagonal)), [leaf(x)])
    assert tl.gradcheck(weighted(lambda t: t.triu(diagonal)), [leaf(x)])


def test_tril_needs_a_matrix() -> None:
    with pytest.raises(tl.ShapeError, match="at least 2 dims"):
        tl.tril(tl.Tensor([1.0, 2.0]))


@FEW
@given(data=st.data(), shape=matrix_shapes, offset=st.integers(-3, 3))
def test_diagonal_matches_numpy_and_diag_embed_is_its_adjoint(data: st.DataObject, shape, offset: int) -> None:
    x = data.draw(arrays(shape))
    dims = data.draw(st.permutations(range(x.ndim)))[:2]
    got = tl.Tensor(x).diagonal(offset, dims[0], dims[1])
    np.testing.assert_array_equal(got.numpy(), np.diagonal(x, offset, dims[0], dims[1]))
    assert tl.gradcheck(weighted(lambda t: t.diagonal(offset, dims[0], dims[1])), [leaf(x)])
    v = data.draw(arrays(got.shape))
    embedded = tl.diag_embed(tl.Tensor(v), offset, dims[0], dims[1])
    # <diagonal(x), v> = <x, diag_embed(v)> when x has the shape diag_embed makes: check it on that shape
    y = data.draw(arrays(embedded.shape))
    lhs = (tl.Tensor(y).diagonal(offset, dims[0], dims[1]) * tl.Tensor(v)).sum().item()
    assert np.isclose(lhs, float((y * embedded.numpy()).sum()))
    assert tl.gradcheck(weighted(lambda t: t.diag_embed(offset, dims[0], dims[1])), [leaf(v)])


def test_diag_and_diagflat_known_values() -> None:
    v = tl.Tensor([1.0, 2.0])
    np.testing.assert_array_equal(tl.diag(v, 1).numpy(), [[0, 1, 0], [0, 0, 2], [0, 0, 0]])
    np.testing.assert_array_equal(tl.diag(tl.diag(v, -1), -1).numpy(), [1, 2])
    np.testing.assert_array_equal(tl.Tensor([[1.0, 2.0], [3.0, 4.0]]).diagflat().numpy(), np.diag([1, 2, 3, 4]))
    np.testing.assert_array_equal(tl.diagflat(tl.Tensor(5.0)).numpy(), [[5.0]])
    with pytest.raises(tl.ShapeError, match="1-D or 2-D"):
        tl.diag(tl.zeros(2, 2, 2))
    with pytest.raises(ValueError, match="different dims"):
        tl.zeros(2, 2).diagonal(0, 1, -1)


@FEW
@given(data=st.data(), shape=nonempty_shapes, shift=st.integers(-5, 5))
def test_roll(data: st.DataObject, shape, shift: int) -> None:
    x = data.draw(arrays(shape))
    dim = data.draw(st.integers(-x.ndim, x.ndim - 1))
    np.testing.assert_array_equal(tl.roll(tl.Tensor(x), shift, dim).numpy(), np.roll(x, shift, dim))
    np.testing.assert_array_equal(tl.Tensor(x).roll(shift).numpy(), np.roll(x, shift))
    assert tl.gradcheck(weighted(lambda t: t.roll((shift, 1), (dim, 0))), [leaf(x)])
    assert tl.gradcheck(weighted(lambda t: t.roll(shift)), [leaf(x)])
    with pytest.raises(ValueError, match="same length"):
        tl.Tensor(x).roll((1, 2), 0)


@FEW
@given(data=st.data(), shape=matrix_shapes, k=st.integers(-5, 5))
def test_rot90_and_movedim(data: st.DataObject, shape, k: int) -> None:
    x = data.draw(arrays(shape))
    dims = data.draw(st.permutations(range(x.ndim)))[:2]
    np.testing.assert_array_equal(tl.rot90(tl.Tensor(x), k, dims).numpy(), np.rot90(x, k, dims))
    assert tl.gradcheck(weighted(lambda t: t.rot90(k, dims)), [leaf(x)])
    np.testing.assert_array_equal(tl.movedim(tl.Tensor(x), dims[0], dims[1]).numpy(), np.moveaxis(x, dims[0], dims[1]))
    np.testing.assert_array_equal(tl.Tensor(x).movedim((0, 1), (-1, 0)).numpy(), np.moveaxis(x, (0, 1), (-1, 0)))
    assert tl.gradcheck(weighted(lambda t: t.movedim((0, 1), (-1, 0))), [leaf(x)])


def test_transposes_of_matrices() -> None:
    x = np.arange(24.0).reshape(2, 3, 4)
    np.testing.assert_array_equal(tl.Tensor(x).mT.numpy(), np.swapaxes(x, -1, -2))
    np.testing.assert_array_equal(tl.Tensor(x).mH.numpy(), np.swapaxes(x, -1, -2))
    np.testing.assert_array_equal(tl.Tensor(x[0]).H.numpy(), x[0].T)
    assert tl.transpose(tl.Tensor(3.0), 0, 0).shape == ()
    with pytest.raises(tl.ShapeError, match="mH"):
        _ = tl.Tensor(x).H


@FEW
@given(data=st.data(), shape=nonempty_shapes)
def test_repeat_interleave(data: st.DataObject, shape) -> None:
    x = data.draw(arrays(shape))
    dim = data.draw(st.integers(0, x.ndim - 1))
    counts = data.draw(hnp.arrays(np.int64, (x.shape[dim],), elements=st.integers(0, 3)))
    got = tl.repeat_interleave(tl.Tensor(x), tl.Tensor(counts), dim)
    np.testing.assert_array_equal(got.numpy(), np.repeat(x, counts, dim))
    np.testing.assert_array_equal(tl.Tensor(x).repeat_interleave(2).numpy(), np.repeat(x, 2))
    assert tl.gradcheck(weighted(lambda t: t.repeat_interleave(tl.Tensor(counts), dim)), [leaf(x)])
    assert tl.gradcheck(weighted(lambda t: t.repeat_interleave(3)), [leaf(x)])


def test_repeat_interleave_of_counts_alone() -> None:
    np.testing.assert_array_equal(tl.repeat_interleave(tl.Tensor(np.array([2, 0, 1]))).numpy(), [0, 0, 2])
    with pytest.raises(tl.ShapeError, match="repeats"):
        tl.Tensor([1.0, 2.0]).repeat_interleave(tl.Tensor(np.array([1, 2, 3])), 0)


@FEW
@given(data=st.data(), shape=nonempty_shapes)
def test_unfold_takes_windows_and_adds_their_gradients_back(data: st.DataObject, shape) -> None:
    x = data.draw(arrays(shape))
    dim = data.draw(st.integers(-x.ndim, x.ndim - 1))
    size = data.draw(st.integers(1, x.shape[dim]))
    step = data.draw(st.integers(1, 3))
    got = tl.Tensor(x).unfold(dim, size, step)
    windows = np.lib.stride_tricks.sliding_window_view(x, size, axis=dim)
    expected = np.take(windows, np.arange(0, x.shape[dim] - size + 1, step), axis=dim % x.ndim)
    np.testing.assert_array_equal(got.numpy(), expected)
    assert tl.gradcheck(weighted(lambda t: t.unfold(dim, size, step)), [leaf(x)])


def test_unfold_known_values_and_errors() -> None:
    x = tl.arange(5)
    np.testing.assert_array_equal(x.unfold(0, 2, 2).numpy(), [[0, 1], [2, 3]])
    assert tl.unfold_copy(tl.Tensor(1.0), 0, 1, 1).shape == (1,)
    with pytest.raises(ValueError, match="size 6"):
        x.unfold(0, 6, 1)


@FEW
@given(data=st.data(), shape=nonempty_shapes)
def test_splits(data: st.DataObject, shape) -> None:
    x = data.draw(arrays(shape))
    dim = data.draw(st.integers(0, x.ndim - 1))
    sections = data.draw(st.integers(1, 4))
    pieces = tl.tensor_split(tl.Tensor(x), sections, dim)
    for got, expected in zip(pieces, np.array_split(x, sections, dim), strict=True):
        np.testing.assert_array_equal(got.numpy(), expected)
    indices = sorted(data.draw(st.lists(st.integers(-4, 4), max_size=3)))
    cut = tl.Tensor(x).tensor_split(tl.Tensor(np.array(indices, dtype=np.int64)), dim)
    assert sum(p.shape[dim] for p in cut) <= x.shape[dim] and len(cut) == len(indices) + 1
    assert tl.gradcheck(weighted_pieces(lambda t: t.tensor_split(sections, dim)), [leaf(x)])
    unbound = tl.unbind(tl.Tensor(x), dim)
    assert len(unbound) == x.shape[dim]
    np.testing.assert_array_equal(unbound[-1].numpy(), np.take(x, -1, dim))
    assert tl.gradcheck(weighted_pieces(lambda t: t.unbind(dim)), [leaf(x)])


def test_named_splits_known_values() -> None:
    x = tl.arange(24.0).reshape(2, 3, 4)
    assert [p.shape for p in tl.hsplit(x, [1])] == [(2, 1, 4), (2, 2, 4)]
    assert [p.shape for p in tl.vsplit(x, 2)] == [(1, 3, 4), (1, 3, 4)]
    assert [p.shape for p in tl.dsplit(x, 2)] == [(2, 3, 2), (2, 3, 2)]
    assert [p.shape for p in tl.split_with_sizes(x, [1, 3, 0], 2)] == [(2, 3, 1), (2, 3, 3), (2, 3, 0)]
    assert [p.shape for p in tl.split(x, 2, -1)] == [(2, 3, 2), (2, 3, 2)]
    np.testing.assert_array_equal(tl.tensor_split(tl.arange(5), [4, 2])[2].numpy(), [2, 3, 4])
    with pytest.raises(tl.ShapeError, match="equal pieces"):
        tl.dsplit(x, 3)


@FEW
@given(data=st.data(), shape=nonempty_shapes, count=st.integers(1, 3))
def test_stacking(data: st.DataObject, shape, count: int) -> None:
    xs = [data.draw(arrays(shape)) for _ in range(count)]
    for ours, numpys in (
        (tl.hstack, np.hstack),
        (tl.vstack, np.vstack),
        (tl.dstack, np.dstack),
        (tl.column_stack, np.column_stack),
    ):
        np.testing.assert_array_equal(ours([tl.Tensor(x) for x in xs]).numpy(), numpys(xs))
        assert tl.gradcheck(weighted(lambda *ts, ours=ours: ours(list(ts))), [leaf(x) for x in xs])


def test_cat_skips_empty_vectors_and_atleast() -> None:
    a, b = tl.zeros(0, dtype=tl.float64, requires_grad=True), tl.ones(2, 3, dtype=tl.float64, requires_grad=True)
    out = tl.cat([a, b], dim=1)
    assert out.shape == (2, 3)
    out.sum().backward()
    np.testing.assert_array_equal(b.grad.numpy(), np.ones((2, 3)))
    assert tl.atleast_3d(tl.arange(3.0)).shape == (1, 3, 1)
    assert [t.shape for t in tl.atleast_2d(tl.Tensor(1.0), tl.arange(2.0))] == [(1, 1), (1, 2)]
    assert tl.atleast_1d([tl.Tensor(1.0)])[0].shape == (1,)
    with pytest.raises(tl.ShapeError, match="agree"):
        tl.cat([tl.zeros(2, 3), tl.zeros(3, 2)], dim=0)


@FEW
@given(data=st.data(), pair=hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, max_side=3))
def test_broadcasting_and_sum_to_size(data: st.DataObject, pair) -> None:
    a, b = data.draw(arrays(pair.input_shapes[0])), data.draw(arrays(pair.input_shapes[1]))
    assert tl.broadcast_shapes(a.shape, b.shape) == pair.result_shape
    big_a, big_b = tl.broadcast_tensors(tl.Tensor(a), tl.Tensor(b))
    np.testing.assert_array_equal(big_a.numpy(), np.broadcast_to(a, pair.result_shape))
    np.testing.assert_array_equal(tl.broadcast_to(tl.Tensor(b), pair.result_shape).numpy(), big_b.numpy())
    big = data.draw(arrays(pair.result_shape))
    summed = tl.Tensor(big).sum_to_size(a.shape)
    assert summed.shape == a.shape
    np.testing.assert_allclose(summed.sum().item(), big.sum())
    assert tl.gradcheck(weighted(lambda t: t.sum_to_size(*a.shape)), [leaf(big)])
    with pytest.raises(tl.ShapeError, match="broadcast"):
        tl.broadcast_shapes((2,), (3,))


def test_views_and_copies() -> None:
    x = tl.arange(12.0).reshape(1, 3, 1, 4)
    assert tl.squeeze(x, (0, 2)).shape == (3, 4)
    assert tl.squeeze_copy(x, -2).shape == (1, 3, 4)
    assert x.flip(dims=[1, -1])[0, 0, 0, 0].item() == 11.0
    assert tl.fliplr(tl.eye(2)).numpy()[0, 1] == 1.0
    assert tl.unflatten(x, -1, (2, -1)).shape == (1, 3, 1, 2, 2)
    assert tl.ravel(x.transpose(1, 3)).shape == (12,)
    assert tl.tile(tl.arange(2.0), (2, 2)).shape == (2, 4)
    assert tl.permute_copy(x, (3, 2, 1, 0)).shape == (4, 1, 3, 1)
    assert tl.expand_copy(tl.ones(1, 2), (3, 2)).shape == (3, 2)
    assert tl.view_copy(x, (-1,)).shape == (12,)
    assert tl.t_copy(tl.ones(2, 3)).shape == (3, 2)
    with pytest.raises(ValueError, match="multiply"):
        x.unflatten(-1, (3, 2))
    with pytest.raises(TypeError, match="not both"):
        x.permute(0, dims=(0,))
