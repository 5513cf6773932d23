"""Softmax family and losses of nn.functional, and dropout."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import arrays, away_from_zero, leaf, nonempty_shapes

import tinygrad_lenet as tl
import tinygrad_lenet.nn.functional as F


def np_log_softmax(x: np.ndarray, axis: int) -> np.ndarray:
    shifted = x - x.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


@given(data=st.data(), shape=nonempty_shapes)
def test_softmax_and_log_softmax(data: st.DataObject, shape) -> None:
    x = data.draw(arrays(shape))
    dim = data.draw(st.integers(-x.ndim, x.ndim - 1))
    np.testing.assert_allclose(F.log_softmax(tl.Tensor(x), dim).numpy(), np_log_softmax(x, dim), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(
        F.softmax(tl.Tensor(x), dim).numpy(), np.exp(np_log_softmax(x, dim)), rtol=1e-12, atol=1e-12
    )
    assert tl.gradcheck(lambda t: F.log_softmax(t, dim), [leaf(x)])
    assert tl.gradcheck(lambda t: F.softmax(t, dim), [leaf(x)])


@st.composite
def classification(draw: st.DrawFn):
    n, c = draw(st.integers(1, 4)), draw(st.integers(1, 5))
    logits = draw(arrays((n, c), low=-3, high=3))
    target = np.random.default_rng(draw(st.integers(0, 1000))).integers(0, c, size=n)
    return logits, target


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@given(case=classification())
def test_cross_entropy_and_nll_loss(case, reduction: str) -> None:
    logits, target = case
    per_sample = -np_log_softmax(logits, 1)[np.arange(len(target)), target]
    expected = {"mean": per_sample.mean(), "sum": per_sample.sum(), "none": per_sample}[reduction]
    out = F.cross_entropy(tl.Tensor(logits), tl.Tensor(target), reduction=reduction)
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-12)
    assert tl.gradcheck(lambda t: F.cross_entropy(t, tl.Tensor(target), reduction=reduction), [leaf(logits)])
    assert tl.gradcheck(lambda t: F.nll_loss(t, tl.Tensor(target), reduction=reduction), [leaf(logits)])


@st.composite
def weighted_classification(draw: st.DrawFn):
    """(N, C) or (N, C, d) logits (sometimes a transposed, non-contiguous view), class indices with some
    ignored, class weights or none, and a label smoothing."""
    n, c = draw(st.integers(1, 4)), draw(st.integers(2, 5))
    extra = draw(st.sampled_from([(), (3,)]))
    rng = np.random.default_rng(draw(st.integers(0, 1000)))
    logits = rng.uniform(-3, 3, (n, c, *extra))
    if draw(st.booleans()):  # the same values through a non-contiguous view
        logits = np.ascontiguousarray(np.moveaxis(logits, 1, -1)).swapaxes(1, -1) if extra else logits.T.copy().T
    target = rng.integers(0, c, size=(n, *extra))
    target[rng.random(target.shape) < 0.25] = -100
    weight = rng.uniform(0.5, 2.0, c) if draw(st.booleans()) else None
    return logits, target, weight, draw(st.sampled_from([0.0, 0.1, 0.7]))


def np_cross_entropy(logits, target, weight, smoothing: float, reduction: str) -> np.ndarray:
    """The class-index cross-entropy written out per row, as PyTorch defines it."""
    c = logits.shape[1]
    rows = np.moveaxis(logits, 1, -1).reshape(-1, c)
    t = target.reshape(-1)
    w = np.ones(c) if weight is None else weight
    log_p = np_log_softmax(rows, 1)
    keep = t != -100
    safe = np.where(keep, t, 0)
    v = np.where(keep, w[safe], 0.0)
    losses = -(1 - smoothing) * v * log_p[np.arange(len(t)), safe] - smoothing / c * keep * (log_p * w).sum(1)
    if reduction == "none":
        return losses.reshape(target.shape)
    with np.errstate(invalid="ignore"):  # 0 / 0 when every target is ignored: NaN, as PyTorch's
        return losses.sum() / (v.sum() if reduction == "mean" else 1.0)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@given(case=weighted_classification())
def test_cross_entropy_with_weights_ignored_targets_and_smoothing(case, reduction: str) -> None:
    logits, target, weight, smoothing = case
    options = dict(reduction=reduction, label_smoothing=smoothing)
    w = None if weight is None else tl.tensor(weight)
    out = F.cross_entropy(tl.Tensor(logits), tl.tensor(target), w, **options)
    expected = np_cross_entropy(logits, target, weight, smoothing, reduction)
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-10, atol=1e-12)
    if reduction == "mean" and (target == -100).all():
        return  # NaN, as PyTorch's, with a zero gradient
    assert tl.gradcheck(lambda t: F.cross_entropy(t, tl.tensor(target), w, **options), [leaf(logits)])


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@given(case=weighted_classification())
def test_nll_loss_with_weights_and_ignored_targets(case, reduction: str) -> None:
    scores, target, weight, _ = case  # the scores stand in for log-probabilities: nll_loss reads them as given
    w = None if weight is None else tl.tensor(weight)
    out = F.nll_loss(tl.Tensor(scores), tl.tensor(target), w, reduction=reduction)
    c = scores.shape[1]
    rows, t = np.moveaxis(scores, 1, -1).reshape(-1, c), target.reshape(-1)
    keep = t != -100
    v = np.where(keep, (np.ones(c) if weight is None else weight)[np.where(keep, t, 0)], 0.0)
    losses = -v * rows[np.arange(len(t)), np.where(keep, t, 0)]
    with np.errstate(invalid="ignore"):  # 0 / 0 when every target is ignored: NaN, as PyTorch's
        expected = {"none": losses.reshape(target.shape), "sum": losses.sum(), "mean": losses.sum() / v.sum()}
    np.testing.assert_allclose(out.numpy(), expected[reduction], rtol=1e-12, atol=1e-14)
    if reduction == "mean" and (target == -100).all():
        return
    assert tl.gradcheck(lambda s: F.nll_loss(s, tl.tensor(target), w, reduction=reduction), [leaf(scores)])


def test_cross_entropy_of_only_ignored_targets_is_nan_with_a_zero_gradient() -> None:
    logits = tl.tensor([[1.0, 2.0], [0.5, 0.0]], requires_grad=True)
    loss = F.cross_entropy(logits, tl.tensor([-100, -100]), label_smoothing=0.1)
    loss.backward()
    assert np.isnan(loss.item())
    np.testing.assert_array_equal(logits.grad.numpy(), np.zeros((2, 2)))


def test_cross_entropy_is_finite_for_huge_logits() -> None:
    logits = tl.tensor([[1e5, -1e5, 0.0], [-1e5, 1e5, 1e5]], requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loss = F.cross_entropy(logits, tl.tensor([0, 2]))
        loss.backward()
    np.testing.assert_allclose(loss.item(), np.log(2) / 2, atol=1e-2)  # float32 spacing at 1e5 is 0.008
    assert np.isfinite(logits.grad.numpy()).all()
    assert np.isfinite(F.log_softmax(tl.tensor([[1e5, -1e5]]), 1).numpy()).all()


@given(data=st.data(), shape=nonempty_shapes, reduction=st.sampled_from(["mean", "sum", "none"]))
def test_mse_and_l1_losses(data: st.DataObject, shape, reduction: str) -> None:
    x, y = data.draw(arrays(shape)), data.draw(arrays(shape))
    y = x + away_from_zero(y - x)  # keep |x - y| off the kink of l1
    reduce = {"mean": np.mean, "sum": np.sum, "none": lambda v: v}[reduction]
    np.testing.assert_allclose(
        F.mse_loss(tl.Tensor(x), tl.Tensor(y), reduction).numpy(), reduce((x - y) ** 2), rtol=1e-12
    )
    np.testing.assert_allclose(
        F.l1_loss(tl.Tensor(x), tl.Tensor(y), reduction).numpy(), reduce(np.abs(x - y)), rtol=1e-12
    )
    assert tl.gradcheck(lambda a, b: F.mse_loss(a, b, reduction), [leaf(x), leaf(y)])
    assert tl.gradcheck(lambda a, b: F.l1_loss(a, b, reduction), [leaf(x), leaf(y)])


@given(data=st.data(), shape=nonempty_shapes)
def test_binary_cross_entropy(data: st.DataObject, shape) -> None:
    p = data.draw(arrays(shape, low=0.05, high=0.95))
    t = data.draw(arrays(shape, low=0.0, high=1.0))
    expected = -(t * np.log(p) + (1 - t) * np.log(1 - p)).mean()
    np.testing.assert_allclose(F.binary_cross_entropy(tl.Tensor(p), tl.Tensor(t)).numpy(), expected, rtol=1e-12)
    assert tl.gradcheck(lambda a, b: F.binary_cross_entropy(a, b), [leaf(p), leaf(t)])


def test_binary_cross_entropy_at_exact_zero_and_one_is_finite() -> None:
    p = tl.tensor([0.0, 1.0, 0.5], requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loss = F.binary_cross_entropy(p, tl.tensor([1.0, 0.0, 1.0]), reduction="none")
        loss.sum().backward()
    np.testing.assert_allclose(loss.numpy(), [100.0, 100.0, np.log(2)], rtol=1e-6)
    assert np.isfinite(p.grad.numpy()).all()


def test_loss_errors() -> None:
    logits = tl.zeros(2, 3)
    with pytest.raises(ValueError, match=r"class indices in \[0, 2\], found 0..3"):
        F.cross_entropy(logits, tl.tensor([0, 3]))
    with pytest.raises(tl.DTypeError, match="integer class indices"):
        F.nll_loss(logits, tl.tensor([0.0, 1.0]))
    with pytest.raises(tl.ShapeError, match=r"probability targets must have the input's shape \(2, 3\), got \(2,\)"):
        F.cross_entropy(logits, tl.tensor([0.0, 1.0]))
    with pytest.raises(tl.ShapeError, match=r"target must have shape \(2,\)"):
        F.nll_loss(logits, tl.tensor([0, 1, 2]))
    with pytest.raises(tl.ShapeError, match=r"expected input of shape \(N, C\)"):
        F.cross_entropy(tl.zeros(()), tl.tensor([0]))
    with pytest.raises(ValueError, match="reduction must be"):
        F.mse_loss(logits, logits, reduction="avg")
    with pytest.raises(tl.ShapeError, match="must have the same shape"):
        F.l1_loss(logits, tl.zeros(3))
    with pytest.raises(ValueError, match="probabilities in"):
        F.binary_cross_entropy(tl.tensor([1.5]), tl.tensor([1.0]))


def test_one_hot() -> None:
    assert F.one_hot(tl.tensor([2, 0]), 3).tolist() == [[0, 0, 1], [1, 0, 0]]
    assert F.one_hot(tl.tensor([1])).shape == (1, 2)
    with pytest.raises(ValueError, match="class indices must be in"):
        F.one_hot(tl.tensor([3]), 2)
    with pytest.raises(tl.DTypeError):
        F.one_hot(tl.tensor([1.0]))


def test_dropout_scales_kept_elements_and_is_deterministic_under_a_seed() -> None:
    x = tl.ones(1000, requires_grad=True)
    tl.manual_seed(3)
    y = F.dropout(x, p=0.25)
    kept = y.numpy() != 0
    assert 0.7 < kept.mean() < 0.8
    np.testing.assert_allclose(y.numpy()[kept], 1 / 0.75)
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), np.where(kept, 1 / 0.75, 0), rtol=1e-6)
    tl.manual_seed(3)
    np.testing.assert_array_equal(F.dropout(x, p=0.25).numpy(), y.numpy())
    assert F.dropout(x, p=0.5, training=False) is x
    assert (F.dropout(x, p=1.0).numpy() == 0).all()
    with pytest.raises(ValueError, match=r"probability in \[0, 1\]"):
        F.dropout(x, p=1.5)
    with pytest.raises(tl.DTypeError):
        F.dropout(tl.tensor([1, 2]), 0.5)


def test_activation_functions_match_the_methods() -> None:
    x = tl.tensor([-1.0, 0.5])
    assert F.relu(x).tolist() == [0.0, 0.5]
    np.testing.assert_allclose(F.sigmoid(x).numpy(), 1 / (1 + np.exp(-x.numpy())), rtol=1e-6)
    np.testing.assert_allclose(F.tanh(x).numpy(), np.tanh(x.numpy()), rtol=1e-6)
