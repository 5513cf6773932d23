"""Reductions, cumulative ops and ordering: forward against numpy, gradcheck over generated shapes and layouts."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import arrays, distinct, leaf, nonempty_shapes

import tinygrad_lenet as tl


def _dim(data: st.DataObject, shape: tuple[int, ...]) -> int:
    return data.draw(st.integers(-len(shape), len(shape) - 1))


@settings(max_examples=15, deadline=None)
@given(data=st.data(), shape=nonempty_shapes)
def test_cumsum_and_logcumsumexp(data: st.DataObject, shape: tuple[int, ...]) -> None:
    x = data.draw(arrays(shape))
    dim = _dim(data, shape)
    np.testing.assert_allclose(tl.Tensor(x).cumsum(dim).numpy(), np.cumsum(x, axis=dim), rtol=1e-12)
    expected = np.log(np.cumsum(np.exp(x), axis=dim))
    np.testing.assert_allclose(tl.Tensor(x).logcumsumexp(dim).numpy(), expected, rtol=1e-12)
    assert tl.gradcheck(lambda t: t.cumsum(dim), [leaf(x)])
    assert tl.gradcheck(lambda t: t.logcumsumexp(dim), [leaf(x)])


def test_logcumsumexp_is_stable() -> None:
    out = tl.tensor([1000.0, 1000.0], dtype=tl.float64).logcumsumexp(0)
    np.testing.assert_allclose(out.numpy(), [1000.0, 1000.0 + np.log(2)])


@settings(max_examples=15, deadline=None)
@given(data=st.data(), shape=nonempty_shapes)
def test_cumprod_and_prod_with_zeros(data: st.DataObject, shape: tuple[int, ...]) -> None:
    x = data.draw(arrays(shape))
    x.flat[data.draw(st.integers(0, x.size - 1))] = 0.0
    dim = _dim(data, shape)
    np.testing.assert_allclose(tl.Tensor(x).cumprod(dim).numpy(), np.cumprod(x, axis=dim), rtol=1e-12)
    np.testing.assert_allclose(tl.Tensor(x).prod(dim).numpy(), np.prod(x, axis=dim), rtol=1e-12)
    assert tl.gradcheck(lambda t: t.cumprod(dim), [leaf(x)])
    assert tl.gradcheck(lambda t: t.prod(dim), [leaf(x)])
    assert tl.gradcheck(lambda t: t.prod(), [leaf(x)])


def test_prod_gradient_with_one_zero_is_the_product_of_the_others() -> None:
    x = tl.tensor([2.0, 0.0, 3.0], requires_grad=True)
    x.prod().backward()
    np.testing.assert_allclose(x.grad.numpy(), [0.0, 6.0, 0.0])


@settings(max_examples=15, deadline=None)
@given(data=st.data(), shape=nonempty_shapes, descending=st.booleans())
def test_sort_routes_the_gradient_through_the_permutation(
    data: st.DataObject, shape: tuple[int, ...], descending: bool
) -> None:
    x = distinct(data.draw(arrays(shape)))
    dim = _dim(data, shape)
    values, indices = tl.Tensor(x).sort(dim, descending)
    expected = np.sort(x, axis=dim)
    np.testing.assert_array_equal(values.numpy(), np.flip(expected, dim) if descending else expected)
    np.testing.assert_array_equal(np.take_along_axis(x, indices.numpy(), dim), values.numpy())
    assert tl.gradcheck(lambda t: t.sort(dim, descending).values, [leaf(x)])


@settings(max_examples=15, deadline=None)
@given(data=st.data(), shape=nonempty_shapes)
def test_topk_kthvalue_median_values_and_gradients(data: st.DataObject, shape: tuple[int, ...]) -> None:
    x = distinct(data.draw(arrays(shape)))
    dim = _dim(data, shape)
    n = shape[dim]
    k = data.draw(st.integers(1, n))
    ordered = np.sort(x, axis=dim)
    np.testing.assert_array_equal(tl.Tensor(x).kthvalue(k, dim).values.numpy(), np.take(ordered, k - 1, axis=dim))
    np.testing.assert_array_equal(tl.Tensor(x).median(dim).values.numpy(), np.take(ordered, (n - 1) // 2, axis=dim))
    top = tl.Tensor(x).topk(k, dim).values.numpy()
    np.testing.assert_array_equal(top, np.take(np.flip(ordered, dim), np.arange(k), axis=dim))
    assert tl.gradcheck(lambda t: t.topk(k, dim).values, [leaf(x)])
    assert tl.gradcheck(lambda t: t.kthvalue(k, dim).values, [leaf(x)])
    assert tl.gradcheck(lambda t: t.median(dim).values, [leaf(x)])


@settings(max_examples=15, deadline=None)
@given(data=st.data(), shape=nonempty_shapes, q=st.floats(0.0, 1.0))
def test_quantile_interpolates_between_order_statistics(data: st.DataObject, shape: tuple[int, ...], q: float) -> None:
    x = distinct(data.draw(arrays(shape)))
    dim = _dim(data, shape)
    np.testing.assert_allclose(tl.Tensor(x).quantile(q, dim).numpy(), np.quantile(x, q, axis=dim), rtol=1e-12)
    assert tl.gradcheck(lambda t: t.quantile(q, dim), [leaf(x)])


@settings(max_examples=15, deadline=None)
@given(data=st.data(), shape=nonempty_shapes)
def test_cummax_values_indices_and_gradient(data: st.DataObject, shape: tuple[int, ...]) -> None:
    x = distinct(data.draw(arrays(shape)))
    dim = _dim(data, shape)
    values, indices = tl.Tensor(x).cummax(dim)
    np.testing.assert_array_equal(values.numpy(), np.maximum.accumulate(x, axis=dim))
    np.testing.assert_array_equal(np.take_along_axis(x, indices.numpy(), dim), values.numpy())
    assert tl.gradcheck(lambda t: t.cummax(dim).values, [leaf(x)])
    assert tl.gradcheck(lambda t: t.cummin(dim).values, [leaf(x)])


@settings(max_examples=15, deadline=None)
@given(data=st.data(), shape=nonempty_shapes)
def test_var_std_norm_logsumexp(data: st.DataObject, shape: tuple[int, ...]) -> None:
    x = data.draw(arrays(shape))
    dim = _dim(data, shape)
    np.testing.assert_allclose(tl.Tensor(x).var(dim, correction=0).numpy(), np.var(x, axis=dim), atol=1e-12)
    np.testing.assert_allclose(tl.Tensor(x).norm(3, dim).numpy(), (np.abs(x) ** 3).sum(dim) ** (1 / 3), rtol=1e-12)
    expected = np.log(np.exp(x).sum(axis=dim))
    np.testing.assert_allclose(tl.logsumexp(tl.Tensor(x), dim).numpy(), expected, rtol=1e-12)
    assert tl.gradcheck(lambda t: t.std(dim, correction=0), [leaf(x + 5.0 * np.arange(x.size).reshape(shape))])
    assert tl.gradcheck(lambda t: t.logsumexp(dim), [leaf(x)])


@settings(max_examples=10, deadline=None)
@given(data=st.data(), shape=st.tuples(st.integers(2, 3), st.integers(3, 4)))
def test_diff_trapezoid_cov_gradient(data: st.DataObject, shape: tuple[int, int]) -> None:
    x = data.draw(arrays(shape))
    np.testing.assert_allclose(tl.Tensor(x).diff(2, 1).numpy(), np.diff(x, 2, axis=1), rtol=1e-12)
    np.testing.assert_allclose(tl.trapezoid(tl.Tensor(x)).numpy(), np.trapezoid(x, axis=-1), rtol=1e-12)
    np.testing.assert_allclose(tl.cov(tl.Tensor(x)).numpy(), np.cov(x), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(tl.gradient(tl.Tensor(x), dim=1)[0].numpy(), np.gradient(x, axis=1), rtol=1e-12)
    assert tl.gradcheck(lambda t: t.diff(1, 0), [leaf(x)])
    assert tl.gradcheck(lambda t: tl.cumulative_trapezoid(t), [leaf(x)])
    assert tl.gradcheck(lambda t: tl.cov(t), [leaf(x)])
    assert tl.gradcheck(lambda t: tl.gradient(t, dim=1, edge_order=2)[0], [leaf(x)])


def test_nan_aware_reductions() -> None:
    x = tl.tensor([[1.0, np.nan, 3.0], [4.0, 5.0, 6.0]], dtype=tl.float64)
    np.testing.assert_allclose(x.nansum(1).numpy(), [4.0, 15.0])
    np.testing.assert_allclose(x.nanmean(1).numpy(), [2.0, 5.0])
    assert np.isnan(x.median(1).values.numpy()[0]) and x.nanmedian(1).values.tolist() == [1.0, 5.0]
    assert np.isnan(x.quantile(0.5, 1).numpy()[0]) and x.nanquantile(0.5, 1).tolist() == [2.0, 5.0]


def test_sets_counts_and_searches() -> None:
    x = tl.tensor([3, 1, 3, 3, 2, 2])
    values, inverse, counts = x.unique(return_inverse=True, return_counts=True)
    assert values.tolist() == [1, 2, 3] and inverse.tolist() == [2, 0, 2, 2, 1, 1] and counts.tolist() == [1, 2, 3]
    assert x.unique_consecutive().tolist() == [3, 1, 3, 2]
    assert x.bincount().tolist() == [0, 1, 2, 3] and x.count_nonzero().item() == 6
    assert x.mode().values.item() == 3 and x.mode().indices.item() == 3
    assert tl.searchsorted(tl.tensor([1.0, 2.0, 3.0]), tl.tensor([2.0]), right=True).tolist() == [2]
    assert tl.bucketize(tl.tensor([2.0]), tl.tensor([1.0, 2.0, 3.0])).tolist() == [1]
    assert tl.tensor([0.5, 1.5, 1.7]).histc(2, 0, 2).tolist() == [1.0, 2.0]


def test_pytorch_spellings_and_dtypes() -> None:
    x = tl.tensor([[1, 2], [3, 4]])
    assert x.sum(axis=0, keepdims=True).tolist() == [[4, 6]] and x.sum().dtype == tl.int64
    assert tl.var(tl.tensor([1.0, 3.0]), True).item() == 2.0 and tl.tensor([1.0, 3.0]).var(False).item() == 1.0
    assert x.softmax(1, dtype=tl.float64).dtype == tl.float64
    assert tl.tensor([True, False]).any().item() and not tl.tensor([True, False]).all(0).item()
    assert tl.aminmax(x, dim=1).max.tolist() == [2, 4]
    assert tl.tensor(5.0).argmax(0, keepdim=True).item() == 0


def test_bad_arguments_raise_clear_errors() -> None:
    x = tl.tensor([1.0, 2.0])
    with pytest.raises(IndexError, match="topk"):
        x.topk(3)
    with pytest.raises(IndexError, match="kthvalue"):
        x.kthvalue(0)
    with pytest.raises(ValueError, match="quantile"):
        x.quantile(1.5)
    with pytest.raises(ValueError, match="nuclear"):
        x.norm("nuc")
    with pytest.raises(TypeError, match="axis"):
        x.sum(0, axis=0)
    with pytest.raises(ValueError, match="bincount"):
        tl.tensor([-1]).bincount()


def test_numpy_keyword_names_work_as_in_pytorch() -> None:
    x = tl.tensor([[1.0, 5.0], [3.0, 2.0]])
    assert x.amax(axis=0).tolist() == [3.0, 5.0] and tl.amax(x, axis=1, keepdims=True).shape == (2, 1)
    assert x.max(axis=0).indices.tolist() == [1, 0] and x.argmax(axis=1).tolist() == [1, 0]
    assert x.std(axis=0, keepdims=True).shape == (1, 2) and x.cumsum(axis=0).tolist() == [[1.0, 5.0], [4.0, 7.0]]
    with pytest.raises(TypeError, match="both dim and its alias axis"):
        x.amax(dim=0, axis=0)
