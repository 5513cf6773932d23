"""nn.functional activations, losses, normalization, dropout, embeddings and attention: forward values
against numpy references, and gradient checks over generated shapes and memory layouts."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import arrays, leaf, nonempty_shapes, shapes

import tinygrad_lenet as tl

F = tl.nn.functional


def _kinks_avoided(*kinks: float) -> object:
    """A value transform pushing values at least 0.1 away from each kink."""

    def push(v: np.ndarray) -> np.ndarray:
        for k in kinks:
            v = np.where(np.abs(v - k) < 0.1, v + 0.2, v)
        return v

    return push


def _sigmoid(v: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-v))


ACTIVATIONS = {
    # name: (function, numpy reference, value transform keeping inputs off the kinks)
    "celu": (lambda x: F.celu(x, 0.7), lambda v: np.where(v > 0, v, 0.7 * (np.exp(v / 0.7) - 1)), None),
    "selu": (
        F.selu,
        lambda v: 1.0507009873554805 * np.where(v > 0, v, 1.6732632423543772 * (np.exp(v) - 1)),
        _kinks_avoided(0.0),
    ),
    "hardsigmoid": (F.hardsigmoid, lambda v: np.clip(v / 6 + 0.5, 0, 1), lambda v: v * 3),
    "logsigmoid": (F.logsigmoid, lambda v: np.log(_sigmoid(v)), None),
    "softsign": (F.softsign, lambda v: v / (1 + np.abs(v)), _kinks_avoided(0.0)),
    "tanhshrink": (F.tanhshrink, lambda v: v - np.tanh(v), None),
    "threshold": (lambda x: F.threshold(x, 0.5, -3.0), lambda v: np.where(v > 0.5, v, -3.0), _kinks_avoided(0.5)),
    "hardshrink": (F.hardshrink, lambda v: np.where(np.abs(v) > 0.5, v, 0), _kinks_avoided(0.5, -0.5)),
    "softshrink": (
        F.softshrink,
        lambda v: np.where(v > 0.5, v - 0.5, np.where(v < -0.5, v + 0.5, 0)),
        _kinks_avoided(0.5, -0.5),
    ),
    "hardtanh": (F.hardtanh, lambda v: np.clip(v, -1, 1), _kinks_avoided(1.0, -1.0)),
    "relu6": (F.relu6, lambda v: np.clip(v, 0, 6), lambda v: np.where(np.abs(v) < 0.1, 0.5, v * 4)),
    "rrelu_eval": (F.rrelu, lambda v: np.where(v >= 0, v, v * (1 / 8 + 1 / 3) / 2), _kinks_avoided(0.0)),
    "softmin": (lambda x: F.softmin(x, -1), lambda v: np.exp(-v) / np.exp(-v).sum(-1, keepdims=True), None),
}


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
@settings(max_examples=8, deadline=None)
@given(data=st.data(), shape=nonempty_shapes)
def test_activation_forward_and_gradient(name: str, data: st.DataObject, shape: tuple[int, ...]) -> None:
    fn, reference, transform = ACTIVATIONS[name]
    x = data.draw(arrays(shape, transform=transform))  # type: ignore[arg-type]
    np.testing.assert_allclose(fn(tl.Tensor(x)).numpy(), reference(x), rtol=1e-12, atol=1e-12)
    assert tl.gradcheck(fn, [leaf(x)])


def test_clamp_like_gradients_are_zero_at_the_bounds() -> None:
    """As PyTorch: relu6 and hardtanh pass no gradient at exactly their bounds."""
    x = tl.tensor([0.0, 6.0, 3.0, -1.0, 7.0], requires_grad=True)
    F.relu6(x).sum().backward()
    assert x.grad is not None and x.grad.tolist() == [0.0, 0.0, 1.0, 0.0, 0.0]
    y = tl.tensor([-1.0, 1.0, 0.5], requires_grad=True)
    F.hardtanh(y).sum().backward()
    assert y.grad is not None and y.grad.tolist() == [0.0, 0.0, 1.0]


@settings(max_examples=8, deadline=None)
@given(data=st.data(), shape=nonempty_shapes, dim=st.integers(-1, 0))
def test_glu_and_prelu(data: st.DataObject, shape: tuple[int, ...], dim: int) -> None:
    doubled = shape[:dim] + (shape[dim] * 2,) + (shape[dim + 1 :] if dim != -1 else ())
    x = data.draw(arrays(doubled))
    a, b = np.split(x, 2, axis=dim)
    np.testing.assert_allclose(F.glu(tl.Tensor(x), dim).numpy(), a * _sigmoid(b), rtol=1e-12)
    assert tl.gradcheck(lambda t: F.glu(t, dim), [leaf(x)])
    v = data.draw(arrays(shape, transform=_kinks_avoided(0.0)))  # type: ignore[arg-type]
    channels = shape[1] if len(shape) >= 2 else 1
    w = np.linspace(0.1, 0.5, channels)
    expected = np.where(v > 0, v, v * w.reshape((channels,) + (1,) * (len(shape) - 2)))
    np.testing.assert_allclose(F.prelu(tl.Tensor(v), tl.Tensor(w)).numpy(), expected, rtol=1e-12)
    assert tl.gradcheck(F.prelu, [leaf(v), leaf(w)])


def test_kl_div_is_nan_where_the_target_is_negative_or_nan() -> None:
    out = F.kl_div(tl.tensor([-1.0, -2.0, -3.0, -1.0]), tl.tensor([0.0, math.nan, -0.5, 0.5]), reduction="none")
    values = out.numpy()
    assert values[0] == 0.0 and np.isnan(values[1]) and np.isnan(values[2])
    assert values[3] == pytest.approx(0.5 * (math.log(0.5) + 1.0))


def _nll_reference(logp: np.ndarray, t: np.ndarray, w: np.ndarray, ignore: int) -> tuple[np.ndarray, float]:
    """Per-position -w[t] logp[t] (class dim 1) and the summed weight of the counted targets."""
    moved = np.moveaxis(logp, 1, -1)
    keep = t != ignore
    safe = np.where(keep, t, 0)
    picked = np.take_along_axis(moved, safe[..., None], -1)[..., 0]
    weights = np.where(keep, w[safe], 0.0)
    return -picked * weights, float(weights.sum())


@settings(max_examples=6, deadline=None)
@given(
    data=st.data(), spatial=st.lists(st.integers(1, 3), max_size=2), reduction=st.sampled_from(["none", "sum", "mean"])
)
def test_nll_and_cross_entropy_on_spatial_input(data: st.DataObject, spatial: list[int], reduction: str) -> None:
    shape = (2, 3, *spatial)
    x = data.draw(arrays(shape))
    t = np.random.default_rng(len(spatial)).integers(0, 3, size=(2, *spatial))
    t.flat[0] = 1  # the ignored class: at least one target is left out
    w = np.array([0.5, 2.0, 1.5])
    logp = x - np.log(np.exp(x).sum(1, keepdims=True))
    losses, total = _nll_reference(logp, t, w, 1)
    with np.errstate(invalid="ignore"):  # every target ignored: a mean over nothing is NaN, as PyTorch
        expected = {"none": losses, "sum": losses.sum(), "mean": losses.sum() / total}[reduction]
    target, weight = tl.tensor(t), tl.Tensor(w)
    out = F.cross_entropy(tl.Tensor(x), target, weight, ignore_index=1, reduction=reduction)
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-10)
    nll = F.nll_loss(tl.Tensor(logp), target, weight, ignore_index=1, reduction=reduction)
    np.testing.assert_allclose(nll.numpy(), expected, rtol=1e-10)
    assert tl.gradcheck(
        lambda a: F.cross_entropy(a, target, weight, ignore_index=1, reduction=reduction, label_smoothing=0.2),
        [leaf(x)],
    )


def test_cross_entropy_label_smoothing_and_unbatched() -> None:
    x = np.array([[1.0, 2.0, 0.5], [0.1, -1.0, 2.0]])
    logp = x - np.log(np.exp(x).sum(1, keepdims=True))
    t = np.array([1, 2])
    e = 0.3
    expected = ((1 - e) * -logp[[0, 1], t] + e * -logp.mean(1)).mean()
    assert F.cross_entropy(tl.Tensor(x), tl.tensor(t), label_smoothing=e).item() == pytest.approx(expected)
    assert F.cross_entropy(tl.Tensor(x[0]), tl.tensor(1)).item() == pytest.approx(-logp[0, 1])
    with pytest.raises(tl.ShapeError, match=r"target must have shape \(2, 4\)"):
        F.nll_loss(tl.zeros(2, 3, 4), tl.tensor([0, 1]))


LOSSES = {
    # name: (loss of (input, target), target values)
    "soft_margin": (F.soft_margin_loss, "sign"),
    "hinge_embedding": (lambda x, y: F.hinge_embedding_loss(x, y, margin=3.0), "sign"),
    "margin_ranking": (lambda x, y: F.margin_ranking_loss(x, x * 0.5 + 1.0, y, margin=0.25), "sign"),
    "multilabel_soft_margin": (F.multilabel_soft_margin_loss, "binary"),
    "gaussian_nll": (lambda x, y: F.gaussian_nll_loss(x, y, x * x + 0.5, full=True), "real"),
    "poisson_nll": (lambda x, y: F.poisson_nll_loss(x, y, full=True), "count"),
    "poisson_nll_rates": (lambda x, y: F.poisson_nll_loss(x * x + 0.5, y, log_input=False), "count"),
}


def _targets(kind: str, shape: tuple[int, ...]) -> np.ndarray:
    rng = np.random.default_rng(1)
    if kind == "sign":
        return rng.choice([-1.0, 1.0], size=shape)
    if kind == "binary":
        return rng.integers(0, 2, size=shape).astype(np.float64)
    if kind == "count":
        return rng.integers(0, 4, size=shape).astype(np.float64)
    return rng.normal(size=shape)


@pytest.mark.parametrize("name", sorted(LOSSES))
@settings(max_examples=6, deadline=None)
@given(data=st.data(), shape=nonempty_shapes)
def test_loss_gradients(name: str, data: st.DataObject, shape: tuple[int, ...]) -> None:
    fn, kind = LOSSES[name]
    x = data.draw(arrays(shape, transform=_kinks_avoided(-3.0, 3.0, 2.0, -2.0)))  # type: ignore[arg-type]
    y = tl.Tensor(_targets(kind, shape))
    assert np.isfinite(fn(tl.Tensor(x), y).item())
    assert tl.gradcheck(lambda a: fn(a, y), [leaf(x)])


def test_loss_values() -> None:
    x, y = tl.tensor([0.5, -1.0]), tl.tensor([1.0, -1.0])
    assert F.soft_margin_loss(x, y).item() == pytest.approx(np.log1p(np.exp(-0.5)) / 2 + np.log1p(np.exp(-1.0)) / 2)
    assert F.hinge_embedding_loss(x, y, margin=0.5).tolist() == pytest.approx(0.5 * (0.5 + 1.5))
    assert F.margin_ranking_loss(x, tl.tensor([1.0, 0.0]), y, margin=0.1).item() == pytest.approx(0.6 / 2)
    # two classes listed (0 and 2), one not (1): hinge over the pairs (0, 1) and (2, 1)
    scores = tl.tensor([[0.2, 0.4, 0.9]])
    expected = (max(0, 1 - (0.2 - 0.4)) + max(0, 1 - (0.9 - 0.4))) / 3
    assert F.multilabel_margin_loss(scores, tl.tensor([[0, 2, -1]])).item() == pytest.approx(expected)
    expected_mm = (max(0, 1 - 0.9 + 0.2) + max(0, 1 - 0.9 + 0.4)) / 3
    assert F.multi_margin_loss(scores, tl.tensor([2])).item() == pytest.approx(expected_mm)
    assert tl.gradcheck(lambda s: F.multi_margin_loss(s, tl.tensor([2]), p=2), [leaf(np.array([[0.2, 0.4, 0.9]]))])
    assert tl.gradcheck(
        lambda s: F.multilabel_margin_loss(s, tl.tensor([[0, 2, -1]])), [leaf(np.array([[0.2, 0.4, 0.9]]))]
    )


@settings(max_examples=6, deadline=None)
@given(data=st.data(), shape=st.sampled_from([(2, 4), (3, 2, 3), (2, 4, 2, 2)]))
def test_normalization_values_and_gradients(data: st.DataObject, shape: tuple[int, ...]) -> None:
    x = data.draw(arrays(shape))
    c = shape[1]
    w, b = np.linspace(0.5, 1.5, c), np.linspace(-1, 1, c)
    channel = (1, c) + (1,) * (len(shape) - 2)
    axes = (0,) + tuple(range(2, len(shape)))
    mean, var = x.mean(axes, keepdims=True), x.var(axes, keepdims=True)
    expected = (x - mean) / np.sqrt(var + 1e-5) * w.reshape(channel) + b.reshape(channel)
    running_mean, running_var = tl.zeros(c).double(), tl.ones(c).double()
    out = F.batch_norm(tl.Tensor(x), running_mean, running_var, tl.Tensor(w), tl.Tensor(b), training=True)
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(running_mean.numpy(), 0.1 * mean.reshape(-1), rtol=1e-10)
    assert tl.gradcheck(lambda a, g: F.batch_norm(a, None, None, g, training=True), [leaf(x), leaf(w)])
    last = x.shape[-1]
    ln = (x - x.mean(-1, keepdims=True)) / np.sqrt(x.var(-1, keepdims=True) + 1e-5)
    np.testing.assert_allclose(F.layer_norm(tl.Tensor(x), (last,)).numpy(), ln, rtol=1e-10, atol=1e-12)
    assert tl.gradcheck(lambda a: F.layer_norm(a, (last,)), [leaf(x)])
    rms = x / np.sqrt((x * x).mean(-1, keepdims=True) + 1e-6)
    np.testing.assert_allclose(F.rms_norm(tl.Tensor(x), (last,), eps=1e-6).numpy(), rms, rtol=1e-10)
    assert tl.gradcheck(lambda a: F.group_norm(a, 2 if c % 2 == 0 else 1), [leaf(x)])
    unit = x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)
    np.testing.assert_allclose(F.normalize(tl.Tensor(x)).numpy(), unit, rtol=1e-10)
    assert tl.gradcheck(lambda a: F.normalize(a, p=3.0), [leaf(x)])
    if len(shape) >= 3:
        assert tl.gradcheck(lambda a: F.instance_norm(a), [leaf(x)])
        assert tl.gradcheck(lambda a: F.local_response_norm(a, 3, alpha=0.5), [leaf(x)])


def test_local_response_norm_values_and_native_statistics() -> None:
    x = np.arange(1.0, 7.0).reshape(1, 3, 2)
    sq = x * x
    window = np.stack([sq[:, 0] + sq[:, 1], sq[:, 0] + sq[:, 1] + sq[:, 2], sq[:, 1] + sq[:, 2]], 1)
    expected = x / (1.0 + 0.3 / 3 * window) ** 0.75
    np.testing.assert_allclose(F.local_response_norm(tl.Tensor(x), 3, alpha=0.3).numpy(), expected, rtol=1e-12)
    out, mean, rstd = F.native_layer_norm(tl.Tensor(x), (2,), None, None, 1e-5)
    assert mean.shape == (1, 3, 1) and rstd.shape == (1, 3, 1)
    np.testing.assert_allclose(mean.numpy()[..., 0], x.mean(-1))
    out, mean, rstd = F.native_group_norm(tl.Tensor(x), None, None, 1, 3, 2, 3, 1e-5)
    assert mean.shape == (1, 3)
    out, mean, rstd = F.native_batch_norm(tl.Tensor(x), None, None, tl.zeros(3), tl.ones(3), False, 0.1, 1e-5)
    assert mean.shape == (0,) and rstd.shape == (0,)


def test_dropout_variants() -> None:
    tl.manual_seed(0)
    x = tl.randn(4000).double()
    y = F.alpha_dropout(x, 0.3, training=True)
    assert abs(y.mean().item()) < 0.1 and abs(y.std().item() - 1.0) < 0.1
    assert F.alpha_dropout(x, 0.3).numpy() is x.numpy()  # eval: unchanged
    assert (F.alpha_dropout(x, 1.0, training=True).numpy() == 0).all()
    volumes = F.dropout3d(tl.ones(8, 6, 2, 2, 2).double(), 0.5)
    per_channel = volumes.numpy().reshape(8, 6, -1)
    assert ((per_channel == per_channel[..., :1]).all()) and set(np.unique(per_channel)) <= {0.0, 2.0}
    features = F.feature_alpha_dropout(tl.ones(8, 6, 3).double(), 0.5, training=True).numpy()
    assert (features == features[..., :1]).all()


@settings(max_examples=6, deadline=None)
@given(data=st.data(), batch=shapes.filter(lambda s: len(s) <= 2))
def test_embedding_bilinear_and_attention(data: st.DataObject, batch: tuple[int, ...]) -> None:
    w = data.draw(arrays((5, 3)))
    idx = np.random.default_rng(0).integers(0, 5, size=batch)
    np.testing.assert_array_equal(F.embedding(tl.tensor(idx), tl.Tensor(w)).numpy(), w[idx])
    assert tl.gradcheck(lambda m: F.embedding(tl.tensor(idx), m), [leaf(w)])
    scaled = leaf(w)
    F.embedding(tl.tensor(idx), scaled, scale_grad_by_freq=True).sum().backward()
    used = np.bincount(idx.reshape(-1), minlength=5) > 0  # each use's gradient divided by the row's count
    assert scaled.grad is not None
    np.testing.assert_allclose(scaled.grad.numpy(), np.repeat(used[:, None], 3, 1).astype(float))
    padded = leaf(w)
    F.embedding(tl.tensor(idx), padded, padding_idx=2).sum().backward()
    counts = np.bincount(idx.reshape(-1), minlength=5).astype(float)
    counts[2] = 0.0  # the padding row gets no gradient
    assert padded.grad is not None
    np.testing.assert_array_equal(padded.grad.numpy(), np.repeat(counts[:, None], 3, 1))
    x1, x2, bw = data.draw(arrays((*batch, 3))), data.draw(arrays((*batch, 2))), data.draw(arrays((4, 3, 2)))
    expected = np.einsum("...i,kij,...j->...k", x1, bw, x2)
    np.testing.assert_allclose(F.bilinear(tl.Tensor(x1), tl.Tensor(x2), tl.Tensor(bw)).numpy(), expected, rtol=1e-10)
    assert tl.gradcheck(F.bilinear, [leaf(x1), leaf(x2), leaf(bw)])
    q, k, v = data.draw(arrays((2, 3, 4))), data.draw(arrays((2, 5, 4))), data.draw(arrays((2, 5, 2)))
    scores = q @ k.transpose(0, 2, 1) / 2.0 + np.where(np.tril(np.ones((3, 5))) > 0, 0, -np.inf)
    attn = np.exp(scores - scores.max(-1, keepdims=True))
    expected = (attn / attn.sum(-1, keepdims=True)) @ v
    out = F.scaled_dot_product_attention(tl.Tensor(q), tl.Tensor(k), tl.Tensor(v), is_causal=True)
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-10)
    assert tl.gradcheck(
        lambda a, b, c: F.scaled_dot_product_attention(a, b, c, is_causal=True), [leaf(q), leaf(k), leaf(v)]
    )


def test_embedding_bag_modes() -> None:
    w = np.arange(12.0).reshape(6, 2)
    idx, offsets = tl.tensor([0, 2, 4, 5, 1]), tl.tensor([0, 2, 2])
    sums = F.embedding_bag(idx, tl.Tensor(w), offsets, mode="sum").numpy()
    np.testing.assert_array_equal(sums, [w[0] + w[2], np.zeros(2), w[4] + w[5] + w[1]])
    means = F.embedding_bag(idx, tl.Tensor(w), offsets, mode="mean", padding_idx=5).numpy()
    np.testing.assert_array_equal(means, [(w[0] + w[2]) / 2, np.zeros(2), (w[4] + w[1]) / 2])
    maxes = F.embedding_bag(tl.tensor([[0, 3], [5, 1]]), tl.Tensor(w), mode="max").numpy()
    np.testing.assert_array_equal(maxes, [w[3], w[5]])
    psw = np.array([0.5, 1.0, 2.0, -1.0, 3.0])
    assert tl.gradcheck(
        lambda m, p: F.embedding_bag(idx, m, offsets, mode="sum", per_sample_weights=p), [leaf(w), leaf(psw)]
    )
    with pytest.raises(IndexError, match="indices must be in"):
        F.embedding_bag(tl.tensor([[7]]), tl.Tensor(w))


def test_linear_cross_entropy_is_cross_entropy_of_the_projection() -> None:
    rng = np.random.default_rng(3)
    x, w, t = rng.normal(size=(4, 3)), rng.normal(size=(5, 3)), tl.tensor([0, 4, 2, 1])
    direct = F.cross_entropy(tl.Tensor(x @ w.T), t).item()
    assert F.linear_cross_entropy(tl.Tensor(x), tl.Tensor(w), t).item() == pytest.approx(direct)
    assert tl.gradcheck(lambda a, b: F.linear_cross_entropy(a, b, t, label_smoothing=0.1), [leaf(x), leaf(w)])


def test_gumbel_softmax_samples_a_distribution_and_hard_is_one_hot_with_the_soft_gradient() -> None:
    tl.manual_seed(0)
    logits = tl.tensor(np.log(np.array([[0.1, 0.2, 0.7]] * 4000)), requires_grad=True)
    soft = F.gumbel_softmax(logits, tau=1.0)
    np.testing.assert_allclose(soft.sum(-1).numpy(), 1.0)
    hard = F.gumbel_softmax(logits, tau=0.5, hard=True)
    assert set(np.unique(hard.detach().numpy())) == {0.0, 1.0}
    np.testing.assert_allclose(hard.detach().numpy().mean(0), [0.1, 0.2, 0.7], atol=0.03)  # argmax ~ Categorical
    (hard * tl.tensor([1.0, 2.0, 3.0])).sum().backward()
    assert logits.grad is not None and np.abs(logits.grad.numpy()).sum() > 0
