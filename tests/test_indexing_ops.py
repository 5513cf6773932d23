"""Indexing with index tensors and masks: forward against numpy loops, gradcheck over generated shapes and layouts."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import arrays, distinct, leaf, nonempty_shapes

import tinygrad_lenet as tl
from tinygrad_lenet.base.errors import DTypeError, GradError, ShapeError

FEW = settings(max_examples=8, deadline=None)


def f64(values: object) -> tl.Tensor:
    return tl.Tensor(np.asarray(values, dtype=np.float64))


def rng_of(data: st.DataObject) -> np.random.Generator:
    return np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))


def index_along(rng: np.random.Generator, shape: tuple[int, ...], dim: int, unique: bool = False) -> np.ndarray:
    """An int64 index for gather/scatter: no larger than ``shape`` outside ``dim``, values in range of ``dim``."""
    sizes = [int(rng.integers(1, n + 1)) for n in shape]
    if unique:  # a permutation prefix along dim: every place written at most once
        sizes[dim] = int(rng.integers(1, shape[dim] + 1))
        keys = rng.random(tuple(sizes[:dim]) + (shape[dim],) + tuple(sizes[dim + 1 :]))
        return np.argsort(keys, axis=dim).take(range(sizes[dim]), axis=dim).astype(np.int64)
    return rng.integers(0, shape[dim], size=sizes).astype(np.int64)


def scatter_reference(x: np.ndarray, dim: int, index: np.ndarray, src: np.ndarray, reduce: str, include_self: bool):
    """scatter_reduce by a loop over every index element (PyTorch's definition)."""
    combine = {"sum": np.add, "prod": np.multiply, "amax": np.maximum, "amin": np.minimum, "mean": np.add}[reduce]
    out, count = x.copy(), np.ones(x.shape)
    touched = set()
    for pos in itertools.product(*(range(n) for n in index.shape)):
        target = pos[:dim] + (index[pos],) + pos[dim + 1 :]
        if not include_self and target not in touched:
            out[target], count[target] = src[pos], 1
        else:
            out[target] = combine(out[target], src[pos])
            count[target] += 1
        touched.add(target)
    return out / count if reduce == "mean" else out


# --- gather / scatter -----------------------------------------------------------------------------------------
@FEW
@given(data=st.data(), shape=nonempty_shapes)
def test_gather_forward_and_gradient(data: st.DataObject, shape: tuple[int, ...]) -> None:
    rng = rng_of(data)
    dim = int(rng.integers(0, len(shape)))
    x, index = data.draw(arrays(shape)), index_along(rng, shape, dim)
    expected = np.take_along_axis(
        x[tuple(slice(0, n) if d != dim else slice(None) for d, n in enumerate(index.shape))], index, dim
    )
    np.testing.assert_array_equal(tl.gather(tl.Tensor(x), dim, tl.tensor(index)).numpy(), expected)
    assert tl.gradcheck(lambda t: t.gather(dim, tl.tensor(index)), [leaf(x)])


@pytest.mark.parametrize("reduce", ["sum", "prod", "mean", "amax", "amin"])
@pytest.mark.parametrize("include_self", [True, False])
@FEW
@given(data=st.data(), shape=nonempty_shapes)
def test_scatter_reduce_forward_and_gradient(
    reduce: str, include_self: bool, data: st.DataObject, shape: tuple[int, ...]
) -> None:
    rng = rng_of(data)
    dim = int(rng.integers(0, len(shape)))
    index = index_along(rng, shape, dim)
    x = data.draw(arrays(shape, transform=distinct))
    src = data.draw(arrays(index.shape, transform=lambda v: distinct(v) + 0.025))  # no value of src equals one of x
    got = tl.scatter_reduce(tl.Tensor(x), dim, tl.tensor(index), tl.Tensor(src), reduce, include_self=include_self)
    np.testing.assert_allclose(got.numpy(), scatter_reference(x, dim, index, src, reduce, include_self), rtol=1e-12)
    fn = lambda a, b: a.scatter_reduce(dim, tl.tensor(index), b, reduce, include_self=include_self)  # noqa: E731
    assert tl.gradcheck(fn, [leaf(x), leaf(src)])


@FEW
@given(data=st.data(), shape=nonempty_shapes)
def test_scatter_and_scatter_add_forward_and_gradient(data: st.DataObject, shape: tuple[int, ...]) -> None:
    rng = rng_of(data)
    dim = int(rng.integers(0, len(shape)))
    unique, index = index_along(rng, shape, dim, unique=True), index_along(rng, shape, dim)
    x, src, src2 = data.draw(arrays(shape)), data.draw(arrays(unique.shape)), data.draw(arrays(index.shape))
    expected = scatter_reference(x, dim, unique, src, "amax", False)  # one write per place: the write itself
    np.testing.assert_array_equal(tl.Tensor(x).scatter(dim, tl.tensor(unique), tl.Tensor(src)).numpy(), expected)
    np.testing.assert_allclose(
        tl.scatter_add(tl.Tensor(x), dim, tl.tensor(index), tl.Tensor(src2)).numpy(),
        scatter_reference(x, dim, index, src2, "sum", True),
    )
    assert tl.gradcheck(lambda a, b: a.scatter(dim, tl.tensor(unique), b), [leaf(x), leaf(src)])
    assert tl.gradcheck(lambda a, b: a.scatter_add(dim, tl.tensor(index), b), [leaf(x), leaf(src2)])


def test_scatter_value_and_reduce_spellings() -> None:
    x = tl.zeros(2, 3)
    index = tl.tensor([[2, 0]])
    np.testing.assert_array_equal(x.scatter(1, index, 5.0).numpy(), [[5, 0, 5], [0, 0, 0]])
    added = tl.ones(2, 3).scatter(1, index, tl.full((1, 2), 2.0), reduce="multiply")
    np.testing.assert_array_equal(added.numpy(), [[2, 1, 2], [1, 1, 1]])


def test_scatter_reduce_ties_share_the_gradient() -> None:
    x = tl.tensor([1.0, 5.0], requires_grad=True)
    src = tl.tensor([3.0, 3.0, 0.0], requires_grad=True)
    out = x.scatter_reduce(0, tl.tensor([0, 0, 1]), src, "amax")
    out.sum().backward()
    np.testing.assert_array_equal(out.numpy(), [3.0, 5.0])
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 1.0])
    np.testing.assert_array_equal(src.grad.numpy(), [0.5, 0.5, 0.0])


def test_scatter_reduce_prod_gradient_with_zeros() -> None:
    x = tl.tensor([2.0, 3.0, 4.0], requires_grad=True)
    src = tl.tensor([0.0, 5.0, 0.0, 0.0, 7.0], requires_grad=True)
    index = tl.tensor([0, 0, 1, 1, 2])
    out = x.scatter_reduce(0, index, src, "prod")
    np.testing.assert_array_equal(out.numpy(), [0.0, 0.0, 28.0])
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 0.0, 7.0])  # x_0 times a zero; x_1 times two zeros
    np.testing.assert_array_equal(src.grad.numpy(), [10.0, 0.0, 0.0, 0.0, 4.0])
    assert tl.gradcheck(lambda a, b: a.scatter_reduce(0, index, b, "prod"), [x, src])


# --- index_* along a dim --------------------------------------------------------------------------------------
@FEW
@given(data=st.data(), shape=nonempty_shapes)
def test_index_ops_forward_and_gradient(data: st.DataObject, shape: tuple[int, ...]) -> None:
    rng = rng_of(data)
    dim = int(rng.integers(0, len(shape)))
    n = shape[dim]
    index = rng.integers(0, n, size=int(rng.integers(1, 5)))
    unique = rng.permutation(n)[: int(rng.integers(1, n + 1))]
    x = data.draw(arrays(shape))
    chosen = np.take(x, index, axis=dim)
    np.testing.assert_array_equal(tl.index_select(tl.Tensor(x), dim, tl.tensor(index)).numpy(), chosen)
    source = data.draw(arrays(chosen.shape))
    added = x.copy()
    for k, i in enumerate(index):
        np.moveaxis(added, dim, 0)[i] += 2 * np.moveaxis(source, dim, 0)[k]
    got = tl.Tensor(x).index_add(dim, tl.tensor(index), tl.Tensor(source), alpha=2)
    np.testing.assert_allclose(got.numpy(), added)
    copied_source = np.take(source, range(len(unique)), axis=dim) if len(unique) <= len(index) else None
    if copied_source is not None:
        copied = x.copy()
        np.moveaxis(copied, dim, 0)[unique] = np.moveaxis(copied_source, dim, 0)
        got = tl.index_copy(tl.Tensor(x), dim, tl.tensor(unique), tl.Tensor(copied_source))
        np.testing.assert_array_equal(got.numpy(), copied)
    filled = x.copy()
    np.moveaxis(filled, dim, 0)[index] = -1.0
    np.testing.assert_array_equal(tl.Tensor(x).index_fill(dim, tl.tensor(index), -1.0).numpy(), filled)
    idx = tl.tensor(index)
    assert tl.gradcheck(lambda t: t.index_select(dim, idx), [leaf(x)])
    assert tl.gradcheck(lambda t, s: t.index_add(dim, idx, s, alpha=2), [leaf(x), leaf(source)])
    assert tl.gradcheck(lambda t, v: t.index_fill(dim, idx, v), [leaf(x), leaf(np.array(0.5))])


@pytest.mark.parametrize("reduce", ["prod", "mean", "amax", "amin"])
def test_index_reduce_matches_scatter_reduce(reduce: str) -> None:
    x = np.arange(6.0).reshape(2, 3) + 1
    source = np.array([[0.5, 9.0], [7.0, 0.25]])
    index = np.array([2, 2])
    got = tl.Tensor(x).index_reduce(1, tl.tensor(index), tl.Tensor(source), reduce)
    expected = scatter_reference(x, 1, np.broadcast_to(index, (2, 2)), source, reduce, True)
    np.testing.assert_allclose(got.numpy(), expected)
    assert tl.gradcheck(lambda a, b: a.index_reduce(1, tl.tensor(index), b, reduce), [leaf(x), leaf(source)])


def test_index_put_put_and_take() -> None:
    x = np.arange(12.0).reshape(3, 4)
    rows, cols = tl.tensor([0, 2, 0]), tl.tensor([1, 3, 1])
    accumulated = tl.Tensor(x).index_put((rows, cols), f64(10.0), accumulate=True).numpy()
    assert accumulated[0, 1] == 21.0 and accumulated[2, 3] == 21.0
    mask = tl.tensor([True, False, True])
    np.testing.assert_array_equal(tl.index_put(tl.Tensor(x), (mask,), f64(np.zeros(4))).numpy()[[0, 2]], 0.0)
    np.testing.assert_array_equal(tl.take(tl.Tensor(x), tl.tensor([[0, -1], [5, 5]])).numpy(), [[0, 11], [5, 5]])
    put = tl.Tensor(x).put(tl.tensor([0, -1]), f64([-5.0, -6.0])).numpy()
    assert put[0, 0] == -5.0 and put[2, 3] == -6.0
    assert tl.gradcheck(lambda t: t.take(tl.tensor([[0, -1], [5, 5]])), [leaf(x)])
    assert tl.gradcheck(lambda t, v: t.index_put((rows, cols), v, accumulate=True), [leaf(x), leaf(np.ones(3))])
    assert tl.gradcheck(lambda t, v: tl.put(t, tl.tensor([3, 1]), v, accumulate=True), [leaf(x), leaf(np.ones(2))])


def test_assignment_with_duplicates_keeps_the_last_write_and_its_gradient() -> None:
    src = tl.tensor([1.0, 2.0, 3.0], requires_grad=True)
    out = tl.zeros(2).index_copy(0, tl.tensor([0, 0, 1]), src)
    out.sum().backward()
    np.testing.assert_array_equal(out.numpy(), [2.0, 3.0])
    np.testing.assert_array_equal(src.grad.numpy(), [0.0, 1.0, 1.0])


@FEW
@given(data=st.data(), shape=nonempty_shapes)
def test_take_along_dim_broadcasts(data: st.DataObject, shape: tuple[int, ...]) -> None:
    rng = rng_of(data)
    dim = int(rng.integers(0, len(shape)))
    x = data.draw(arrays(shape))
    index_shape = tuple(1 if d != dim and rng.random() < 0.5 else (2 if d == dim else n) for d, n in enumerate(shape))
    index = rng.integers(-shape[dim], shape[dim], size=index_shape)
    np.testing.assert_array_equal(
        tl.take_along_dim(tl.Tensor(x), tl.tensor(index), dim).numpy(), np.take_along_axis(x, index, dim)
    )
    np.testing.assert_array_equal(
        tl.Tensor(x).take_along_dim(tl.tensor(index)).numpy(), x.reshape(-1)[index.reshape(-1)]
    )
    assert tl.gradcheck(lambda t: t.take_along_dim(tl.tensor(index), dim), [leaf(x)])


# --- masks ----------------------------------------------------------------------------------------------------
@FEW
@given(data=st.data(), shape=nonempty_shapes)
def test_mask_ops_forward_and_gradient(data: st.DataObject, shape: tuple[int, ...]) -> None:
    rng = rng_of(data)
    x = data.draw(arrays(shape))
    mask = rng.random(shape[1:]) < 0.5  # broadcasts over the first dim
    full = np.broadcast_to(mask, shape)
    m = tl.tensor(mask)
    np.testing.assert_array_equal(tl.masked_select(tl.Tensor(x), m).numpy(), x[full])
    np.testing.assert_array_equal(tl.masked_fill(tl.Tensor(x), m, 7.0).numpy(), np.where(full, 7.0, x))
    source = data.draw(arrays((x.size + 1,)))
    expected = x.copy()
    expected[full] = source[: full.sum()]
    np.testing.assert_array_equal(tl.Tensor(x).masked_scatter(m, tl.Tensor(source)).numpy(), expected)
    assert tl.gradcheck(lambda t: t.masked_select(m), [leaf(x)])
    assert tl.gradcheck(lambda t, s: t.masked_scatter(m, s), [leaf(x), leaf(source)])


def test_nonzero_argwhere_and_nonzero_static() -> None:
    x = tl.tensor([[0.0, 1.5], [-2.0, 0.0]])
    np.testing.assert_array_equal(tl.nonzero(x).numpy(), [[0, 1], [1, 0]])
    rows, cols = x.nonzero(as_tuple=True)
    np.testing.assert_array_equal(rows.numpy(), [0, 1])
    np.testing.assert_array_equal(cols.numpy(), [1, 0])
    assert tl.argwhere(x).dtype == np.int64
    np.testing.assert_array_equal(x.nonzero_static(size=3).numpy(), [[0, 1], [1, 0], [-1, -1]])
    np.testing.assert_array_equal(tl.nonzero_static(x, size=1, fill_value=9).numpy(), [[0, 1]])
    assert tl.tensor(3.0).nonzero().shape == (1, 0)


# --- slices and their scatters --------------------------------------------------------------------------------
@FEW
@given(data=st.data(), shape=nonempty_shapes)
def test_select_narrow_and_their_scatters(data: st.DataObject, shape: tuple[int, ...]) -> None:
    rng = rng_of(data)
    dim = int(rng.integers(0, len(shape)))
    n = shape[dim]
    i, start = int(rng.integers(-n, n)), int(rng.integers(0, n))
    length = int(rng.integers(0, n - start + 1))
    x = data.draw(arrays(shape))
    picked, cut = np.take(x, i, axis=dim), np.take(x, range(start, start + length), axis=dim)
    np.testing.assert_array_equal(tl.select(tl.Tensor(x), dim, i).numpy(), picked)
    np.testing.assert_array_equal(tl.Tensor(x).narrow(dim, tl.tensor(start), length).numpy(), cut)
    np.testing.assert_array_equal(tl.narrow_copy(tl.Tensor(x), dim, start, length).numpy(), cut)
    src = data.draw(arrays(picked.shape))
    expected = x.copy()
    np.moveaxis(expected, dim, 0)[i] = src
    np.testing.assert_array_equal(tl.select_scatter(tl.Tensor(x), tl.Tensor(src), dim, i).numpy(), expected)
    assert tl.gradcheck(lambda t, s: t.select_scatter(s, dim, i), [leaf(x), leaf(src)])
    part = data.draw(arrays(cut.shape))
    expected = x.copy()
    np.moveaxis(expected, dim, 0)[start : start + length] = np.moveaxis(part, dim, 0)
    got = tl.Tensor(x).slice_scatter(tl.Tensor(part), dim, start, start + length)
    np.testing.assert_array_equal(got.numpy(), expected)
    assert tl.gradcheck(lambda t, s: t.slice_scatter(s, dim, start, start + length), [leaf(x), leaf(part)])


@pytest.mark.parametrize("offset", [-1, 0, 2])
def test_diagonal_scatter(offset: int) -> None:
    x = np.arange(24.0).reshape(2, 3, 4)
    diag = np.diagonal(x, offset, 2, 1)
    src = -np.ones_like(diag)
    got = tl.diagonal_scatter(tl.Tensor(x), tl.Tensor(src), offset, 2, 1).numpy()
    np.testing.assert_array_equal(np.diagonal(got, offset, 2, 1), src)
    assert (got != x).sum() == src.size
    assert tl.gradcheck(lambda t, s: t.diagonal_scatter(s, offset, 2, 1), [leaf(x), leaf(src)])


def test_as_strided_and_as_strided_scatter() -> None:
    x = np.arange(9.0).reshape(3, 3)
    np.testing.assert_array_equal(tl.as_strided(tl.Tensor(x), (2, 2), (1, 2), 1).numpy(), [[1, 3], [2, 4]])
    np.testing.assert_array_equal(tl.as_strided_copy(tl.Tensor(x), (3,), (4,)).numpy(), [0, 4, 8])
    got = tl.Tensor(x).as_strided_scatter(f64(np.zeros((2, 2))), (2, 2), (1, 2)).numpy()
    np.testing.assert_array_equal(got.reshape(-1), [0, 0, 0, 0, 4, 5, 6, 7, 8])
    assert tl.gradcheck(lambda t: t.as_strided((2, 3), (3, 1), 2), [leaf(x)])
    assert tl.gradcheck(lambda t, s: t.as_strided_scatter(s, (2, 2), (1, 2)), [leaf(x), leaf(np.ones((2, 2)))])
    with pytest.raises(IndexError, match="outside the 9 elements"):
        tl.as_strided(tl.Tensor(x), (2, 2), (5, 1), 4)


# --- whole tensors and values ---------------------------------------------------------------------------------
def test_fill_zero_isin_and_unravel_index() -> None:
    x = tl.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    value = tl.tensor(2.5, requires_grad=True)
    filled = tl.fill(x, value)
    np.testing.assert_array_equal(filled.numpy(), np.full((2, 2), 2.5))
    filled.sum().backward()
    assert value.grad.item() == 4.0 and not np.any(x.grad.numpy())
    assert tl.fill(tl.zeros(3), True).dtype == np.float32
    np.testing.assert_array_equal(tl.zero_(tl.ones(2, 2)).numpy(), np.zeros((2, 2)))
    found = tl.isin(tl.tensor([1, 2, 3, 4]), tl.tensor([2, 4]))
    np.testing.assert_array_equal(found.numpy(), [False, True, False, True])
    np.testing.assert_array_equal(tl.isin(tl.tensor([1, 2]), 2, invert=True).numpy(), [True, False])
    rows, cols = tl.unravel_index(tl.tensor([0, 5, 11]), (3, 4))
    np.testing.assert_array_equal(rows.numpy(), [0, 1, 2])
    np.testing.assert_array_equal(cols.numpy(), [0, 1, 3])


def test_inplace_variants_write_into_the_tensor() -> None:
    x = tl.zeros(2, 3)
    view = x.numpy()
    x.index_add_(1, tl.tensor([0, 0]), tl.ones(2, 2)).scatter_(0, tl.tensor([[1]]), 5.0)
    x.masked_scatter_(tl.tensor([False, False, True]), tl.tensor([7.0, 8.0])).put_(tl.tensor([4]), tl.tensor([9.0]))
    np.testing.assert_array_equal(view, [[2, 0, 7], [5, 9, 8]])
    x.index_fill_(0, tl.tensor([0]), -1.0).index_copy_(1, tl.tensor([1]), tl.zeros(2, 1))
    x.scatter_add_(1, tl.tensor([[0], [0]]), tl.ones(2, 1)).scatter_reduce_(
        1, tl.tensor([[2]]), tl.tensor([[3.0]]), "amax"
    )
    np.testing.assert_array_equal(view, [[0, 0, 3], [6, 0, 8]])
    x.index_put_((tl.tensor([1]),), tl.tensor(4.0)).index_reduce_(0, tl.tensor([0]), tl.full((1, 3), 2.0), "prod")
    np.testing.assert_array_equal(view, [[0, 0, 6], [4, 4, 4]])
    leaf_x = tl.zeros(2, requires_grad=True)
    with pytest.raises(GradError):
        leaf_x.index_fill_(0, tl.tensor([0]), 1.0)


def test_inplace_variant_in_a_graph_passes_gradients() -> None:
    x = tl.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * 2
    y.index_add_(0, tl.tensor([2]), x[:1] * 10)
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [12.0, 2.0, 2.0])


# --- bad input ------------------------------------------------------------------------------------------------
def test_bad_input_is_reported_at_the_boundary() -> None:
    x = tl.zeros(2, 3)
    with pytest.raises(IndexError, match="out of range"):
        x.gather(1, tl.tensor([[3]]))
    with pytest.raises(DTypeError, match="integers"):
        x.index_select(0, tl.tensor([0.0]))
    with pytest.raises(ShapeError, match="does not fit"):
        x.index_add(0, tl.tensor([0]), tl.ones(2, 3))
    with pytest.raises(DTypeError, match="dtype"):
        x.scatter_add(0, tl.tensor([[0]]), tl.ones(1, 1).double())
    with pytest.raises(DTypeError, match="bool"):
        x.masked_select(tl.tensor([1, 0, 1]))
    with pytest.raises(ShapeError, match="elements"):
        x.masked_scatter(tl.tensor(True), tl.ones(5))
    with pytest.raises(ValueError, match="reduce"):
        x.scatter_reduce(0, tl.tensor([[0]]), tl.ones(1, 1), "max")
    with pytest.raises(IndexError, match="narrow"):
        x.narrow(1, 2, 2)
    with pytest.raises(IndexError):
        tl.unravel_index(tl.tensor([6]), (2, 3))


def test_changing_the_input_after_a_reducing_scatter_is_refused_in_backward() -> None:
    x = tl.tensor([1.0, 2.0], requires_grad=True)
    y = x * 1
    out = y.scatter_reduce(0, tl.tensor([0]), tl.tensor([5.0]), "amax")
    with tl.no_grad():
        y.add_(1)
    with pytest.raises(GradError, match="changed in place"):
        out.sum().backward()
