"""Reductions: sum, mean, var, amax/amin, max/min, logsumexp, argmax/argmin."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import arrays, distinct, leaf, shapes

import tinygrad_lenet as tl


@st.composite
def dims_of(draw: st.DrawFn, shape: tuple[int, ...]):
    """None, one dim (maybe negative) or a tuple of distinct dims of ``shape``."""
    ndim = len(shape)
    if ndim == 0:
        return draw(st.sampled_from([None, 0, -1, ()]))
    kind = draw(st.sampled_from(["none", "one", "tuple"]))
    if kind == "none":
        return None
    if kind == "one":
        return draw(st.integers(-ndim, ndim - 1))
    return tuple(draw(st.lists(st.integers(0, ndim - 1), unique=True, min_size=1, max_size=ndim)))


def numpy_axes(dim, ndim: int):
    if dim is None:
        return None
    return tuple(d % max(ndim, 1) for d in ((dim,) if isinstance(dim, int) else dim)) if ndim else None


REDUCTIONS = {
    "sum": (lambda x, d, k: x.sum(d, k), lambda v, a, k: v.sum(axis=a, keepdims=k), None),
    "mean": (lambda x, d, k: x.mean(d, k), lambda v, a, k: v.mean(axis=a, keepdims=k), None),
    "amax": (lambda x, d, k: x.amax(d, k), lambda v, a, k: v.max(axis=a, keepdims=k), distinct),
    "amin": (lambda x, d, k: x.amin(d, k), lambda v, a, k: v.min(axis=a, keepdims=k), distinct),
    "logsumexp": (
        lambda x, d, k: x.logsumexp(d, k),
        lambda v, a, k: np.log(np.exp(v).sum(axis=a, keepdims=k)),
        None,
    ),
}


@pytest.mark.parametrize("name", sorted(REDUCTIONS))
@given(data=st.data(), shape=shapes, keepdim=st.booleans())
def test_reduction_forward_and_gradient(name: str, data: st.DataObject, shape, keepdim: bool) -> None:
    fn, reference, transform = REDUCTIONS[name]
    x = data.draw(arrays(shape, transform=transform))
    dim = data.draw(dims_of(shape))
    out = fn(tl.Tensor(x), dim, keepdim)
    np.testing.assert_allclose(out.numpy(), reference(x, numpy_axes(dim, x.ndim), keepdim), rtol=1e-12)
    assert tl.gradcheck(lambda t: fn(t, dim, keepdim), [leaf(x)])


@given(data=st.data(), shape=shapes, keepdim=st.booleans(), correction=st.sampled_from([0, 1]))
def test_var_forward_and_gradient(data: st.DataObject, shape, keepdim: bool, correction: int) -> None:
    x = data.draw(arrays(shape))
    dim = data.draw(dims_of(shape))
    axes = numpy_axes(dim, x.ndim)
    count = x.size if axes is None else int(np.prod([x.shape[a] for a in axes]))
    if count - correction <= 0:
        return
    out = tl.Tensor(x).var(dim, keepdim, correction=correction)
    np.testing.assert_allclose(out.numpy(), x.var(axis=axes, keepdims=keepdim, ddof=correction), rtol=1e-10, atol=1e-12)
    assert tl.gradcheck(lambda t: t.var(dim, keepdim, correction=correction), [leaf(x)])


def test_var_unbiased_flag_matches_correction() -> None:
    x = tl.tensor([1.0, 2.0, 4.0])
    assert x.var().item() == pytest.approx(np.var([1, 2, 4], ddof=1))
    assert x.var(unbiased=False).item() == pytest.approx(np.var([1, 2, 4]))


def test_amax_splits_the_gradient_among_ties() -> None:
    x = tl.tensor([[1.0, 3.0, 3.0], [2.0, 2.0, 2.0]], requires_grad=True)
    x.amax(dim=1).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [[0, 0.5, 0.5], [1 / 3, 1 / 3, 1 / 3]])
    x.grad = None
    x.max().backward()
    np.testing.assert_allclose(x.grad.numpy(), [[0, 0.5, 0.5], [0, 0, 0]])
    x.grad = None
    x.amin().backward()
    np.testing.assert_allclose(x.grad.numpy(), [[1, 0, 0], [0, 0, 0]])


def test_max_and_min_with_dim_return_values_and_indices() -> None:
    x = tl.tensor([[1.0, 5.0, 2.0], [7.0, 0.0, 7.0]], requires_grad=True)
    values, indices = x.max(dim=1)
    assert values.tolist() == [5.0, 7.0] and indices.tolist() == [1, 0]
    assert indices.dtype == tl.int64 and not indices.requires_grad
    result = x.min(1, keepdim=True)
    assert result.values.tolist() == [[1.0], [0.0]] and result.indices.tolist() == [[0], [1]]
    values.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [[0, 1, 0], [0.5, 0, 0.5]])


def test_argmax_and_argmin() -> None:
    x = tl.tensor([[1.0, 5.0, 2.0], [7.0, 0.0, 7.0]])
    assert x.argmax().item() == 3 and x.argmin().item() == 4
    assert x.argmax(1).tolist() == [1, 0] and x.argmin(dim=-1, keepdim=True).tolist() == [[0], [1]]


def test_reductions_of_empty_tensors_follow_pytorch() -> None:
    """max/min/argmax/argmin over no elements raise (RuntimeError without dim, IndexError over an
    empty dim, like PyTorch); sum is 0, mean and var NaN, logsumexp -inf, all without warnings."""
    empty, rows = tl.zeros(0), tl.zeros(0, 3)
    for reduce in (
        lambda t: t.max(),
        lambda t: t.min(),
        lambda t: t.amax(),
        lambda t: t.amin(),
        lambda t: t.argmax(),
        lambda t: t.argmin(),
    ):
        with pytest.raises(
            RuntimeError, match=r"of a tensor with no elements \(shape \(0,\)\) has no value; give dim="
        ):
            reduce(empty)
    for reduce in (lambda t: t.max(0), lambda t: t.argmin(0), lambda t: t.amax(0)):
        with pytest.raises(IndexError, match=r"over dim 0 of size 0 \(shape \(0, 3\)\) has no value"):
            reduce(rows)
    assert rows.max(1).values.shape == (0,) and rows.argmax(1).shape == (0,)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert empty.sum().item() == 0.0
        assert math.isnan(empty.mean().item()) and math.isnan(empty.var().item())
        assert empty.logsumexp().item() == -math.inf


def test_logsumexp_is_finite_for_huge_values() -> None:
    x = tl.tensor([[1e5, 1e5 - 1.0], [-1e5, -1e5]], requires_grad=True)
    out = x.logsumexp(dim=1)
    np.testing.assert_allclose(out.numpy(), [1e5 + np.log1p(np.exp(-1.0)), -1e5 + np.log(2)], rtol=1e-6)
    out.sum().backward()
    assert np.isfinite(x.grad.numpy()).all()


def test_dim_out_of_range_is_reported() -> None:
    x = tl.zeros(2, 3)
    with pytest.raises(IndexError, match=r"sum: dim 2 is out of range for a tensor with 2 dimension"):
        x.sum(2)
    with pytest.raises(ValueError, match="same dimension twice"):
        x.sum((0, -2))
