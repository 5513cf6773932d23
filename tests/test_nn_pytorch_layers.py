"""The layers, activations and losses PyTorch code reaches for: values by their definitions,
gradients by finite differences (float64, generated shapes and layouts)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import arrays, away_from_zero, leaf, shapes

import tinygrad_lenet as tl
import tinygrad_lenet.nn.functional as F
from tinygrad_lenet import nn

ERF = np.vectorize(math.erf)
ACTIVATIONS = {
    # name: (function, numpy definition, keep inputs off the kinks)
    "leaky_relu": (lambda x: F.leaky_relu(x, 0.1), lambda v: np.where(v > 0, v, 0.1 * v), away_from_zero),
    "elu": (lambda x: F.elu(x, 0.7), lambda v: np.where(v > 0, v, 0.7 * (np.exp(v) - 1)), away_from_zero),
    "relu6": (F.relu6, lambda v: np.clip(v, 0, 6), lambda v: away_from_zero(v * 4) % 5.5 + 0.2),
    "softplus": (lambda x: F.softplus(x, beta=2.0), lambda v: np.log1p(np.exp(2 * v)) / 2, None),
    "silu": (F.silu, lambda v: v / (1 + np.exp(-v)), None),
    "mish": (F.mish, lambda v: v * np.tanh(np.log1p(np.exp(v))), None),
    "hardswish": (F.hardswish, lambda v: v * np.clip(v + 3, 0, 6) / 6, lambda v: v),
    "gelu": (F.gelu, lambda v: v * (1 + ERF(v / math.sqrt(2))) / 2, None),
    "gelu_tanh": (
        lambda x: F.gelu(x, approximate="tanh"),
        lambda v: v * (1 + np.tanh(math.sqrt(2 / math.pi) * (v + 0.044715 * v**3))) / 2,
        None,
    ),
}


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
@given(data=st.data(), shape=shapes)
def test_activation_values_and_gradients(name: str, data: st.DataObject, shape: tuple[int, ...]) -> None:
    fn, definition, keep = ACTIVATIONS[name]
    x = data.draw(arrays(shape, transform=keep))
    np.testing.assert_allclose(fn(tl.Tensor(x)).numpy(), definition(x), rtol=1e-9, atol=1e-12)
    assert tl.gradcheck(fn, [leaf(x)])


def test_activation_modules_call_their_functions() -> None:
    x = tl.tensor([-2.0, -0.5, 0.5, 3.0])
    pairs = [
        (nn.LeakyReLU(0.2, inplace=True), F.leaky_relu(x, 0.2)),
        (nn.ELU(), F.elu(x)),
        (nn.GELU(), F.gelu(x)),
        (nn.SiLU(), F.silu(x)),
        (nn.Softplus(beta=3.0), F.softplus(x, 3.0)),
        (nn.Mish(), F.mish(x)),
        (nn.Hardswish(), F.hardswish(x)),
        (nn.ReLU6(inplace=True), F.relu6(x)),
        (nn.ReLU(inplace=True), x.relu()),
    ]
    for module, expected in pairs:
        np.testing.assert_array_equal(module(x).numpy(), expected.numpy())
    assert repr(nn.LeakyReLU(0.2)) == "LeakyReLU(negative_slope=0.2)"
    assert F.softplus(tl.tensor([50.0])).item() == 50.0  # above the threshold: x itself, no overflow


def test_cross_entropy_and_nll_options_follow_their_definitions() -> None:
    rng = np.random.default_rng(0)
    x = rng.standard_normal((5, 4))
    t = np.array([0, 3, 1, 1, 2])
    w = np.array([1.0, 2.0, 0.5, 3.0])
    log_p = x - np.log(np.exp(x).sum(1, keepdims=True))
    keep = t != 1
    nll = -(w[t] * log_p[np.arange(5), t])[keep].sum() / w[t][keep].sum()
    got = F.nll_loss(tl.tensor(log_p), tl.tensor(t), weight=tl.tensor(w), ignore_index=1)
    assert got.item() == pytest.approx(nll, rel=1e-12)
    smooth = (-(log_p * w).sum(1) / 4)[keep].sum() / w[t][keep].sum()
    got = F.cross_entropy(tl.tensor(x), tl.tensor(t), weight=tl.tensor(w), ignore_index=1, label_smoothing=0.1)
    assert got.item() == pytest.approx(0.9 * nll + 0.1 * smooth, rel=1e-12)
    p = rng.random((5, 4))
    p /= p.sum(1, keepdims=True)
    soft = p * 0.8 + 0.2 / 4
    assert F.cross_entropy(tl.tensor(x), tl.tensor(p), label_smoothing=0.2).item() == pytest.approx(
        -(soft * log_p).sum(1).mean(), rel=1e-12
    )
    assert F.nll_loss(tl.tensor(log_p), tl.tensor(t), ignore_index=3, reduction="none").numpy()[1] == 0.0
    module = nn.CrossEntropyLoss(weight=tl.tensor(w), ignore_index=1, label_smoothing=0.1)
    assert module(tl.tensor(x), tl.tensor(t)).item() == pytest.approx(0.9 * nll + 0.1 * smooth, rel=1e-12)
    assert tl.gradcheck(lambda a: F.cross_entropy(a, tl.tensor(t), weight=tl.tensor(w), label_smoothing=0.3), [leaf(x)])


def test_regression_and_divergence_losses_follow_their_definitions() -> None:
    rng = np.random.default_rng(1)
    x, y = rng.standard_normal((4, 3)) * 2, rng.standard_normal((4, 3))
    d = np.abs(x - y)
    assert F.smooth_l1_loss(tl.tensor(x), tl.tensor(y), beta=0.5).item() == pytest.approx(
        np.where(d < 0.5, 0.5 * d**2 / 0.5, d - 0.25).mean(), rel=1e-12
    )
    assert F.huber_loss(tl.tensor(x), tl.tensor(y), delta=0.7).item() == pytest.approx(
        np.where(d <= 0.7, 0.5 * d**2, 0.7 * (d - 0.35)).mean(), rel=1e-12
    )
    z = rng.random((4, 3))
    pos = np.array([1.0, 2.0, 3.0])
    expected = pos * z * np.log1p(np.exp(-x)) + (1 - z) * np.log1p(np.exp(x))
    assert F.binary_cross_entropy_with_logits(
        tl.tensor(x), tl.tensor(z), pos_weight=tl.tensor(pos)
    ).item() == pytest.approx(expected.mean(), rel=1e-12)
    assert nn.BCEWithLogitsLoss(pos_weight=tl.tensor(pos))(tl.tensor(x), tl.tensor(z)).item() == pytest.approx(
        expected.mean()
    )
    log_q = x - np.log(np.exp(x).sum(1, keepdims=True))
    p = rng.random((4, 3))
    p[0, 0] = 0.0  # 0 log 0 counts as 0
    kl = np.where(p > 0, p * (np.log(np.where(p > 0, p, 1)) - log_q), 0)
    assert F.kl_div(tl.tensor(log_q), tl.tensor(p), reduction="batchmean").item() == pytest.approx(
        kl.sum() / 4, rel=1e-12
    )
    assert nn.KLDivLoss(reduction="sum", log_target=True)(tl.tensor(log_q), tl.tensor(log_q)).item() == pytest.approx(
        0.0
    )
    for loss in (
        lambda a: F.smooth_l1_loss(a, tl.tensor(y), beta=0.5),
        lambda a: F.huber_loss(a, tl.tensor(y)),
        lambda a: F.binary_cross_entropy_with_logits(a, tl.tensor(z), pos_weight=tl.tensor(pos)),
        lambda a: F.kl_div(a.log_softmax(1), tl.tensor(p), reduction="batchmean"),
    ):
        assert tl.gradcheck(loss, [leaf(x + 0.01)])


def test_containers_embedding_unflatten_and_adaptive_pooling() -> None:
    heads = nn.ModuleDict({"a": nn.Linear(2, 3), "b": nn.Linear(2, 1)})
    heads["c"] = nn.Identity()
    assert list(heads) == ["a", "b", "c"] and "b" in heads and len(heads) == 3
    assert [k for k, _ in heads.named_parameters()] == ["a.weight", "a.bias", "b.weight", "b.bias"]
    scales = nn.ParameterList([tl.ones(2), nn.Parameter(tl.zeros(3))])
    assert len(scales) == 2 and list(scales.state_dict()) == ["0", "1"] and scales[0].requires_grad
    tl.manual_seed(0)
    table = nn.Embedding(10, 4, padding_idx=0)
    assert table.weight.numpy()[0].tolist() == [0.0] * 4
    out = table(tl.tensor([[1, 2], [2, 9]]))
    out.sum().backward()
    assert out.shape == (2, 2, 4) and table.weight.grad.numpy()[2].tolist() == [2.0] * 4  # two lookups add up
    with pytest.raises(IndexError, match=r"indices must be in \[0, 9\]"):
        table(tl.tensor([10]))
    assert nn.Unflatten(1, (2, 3))(tl.zeros(4, 6)).shape == (4, 2, 3)
    x = np.random.default_rng(2).standard_normal((2, 3, 7, 5))
    pooled = F.adaptive_avg_pool2d(tl.tensor(x), (3, 2)).numpy()
    bins = lambda n, m: [(i * n // m, -(-(i + 1) * n // m)) for i in range(m)]  # noqa: E731 - PyTorch's bins
    expected = np.array([[x[:, :, a:b, c:d].mean((2, 3)) for c, d in bins(5, 2)] for a, b in bins(7, 3)]).transpose(
        2, 3, 0, 1
    )
    np.testing.assert_allclose(pooled, expected, rtol=1e-12)
    assert nn.AdaptiveAvgPool2d(1)(tl.tensor(x)).shape == (2, 3, 1, 1)
    assert tl.gradcheck(lambda a: F.adaptive_avg_pool2d(a, (3, 2)), [leaf(x)])


def test_layer_constructors_take_device_and_dtype_as_pytorch() -> None:
    for layer in (
        tl.nn.Linear(2, 3, True, "cpu", tl.float64),
        tl.nn.Conv2d(1, 2, 3, device="cpu", dtype=tl.float64),
        tl.nn.BatchNorm2d(3, device="cpu", dtype=tl.float64),
        tl.nn.Embedding(4, 2, device="cpu", dtype=tl.float64),
    ):
        assert all(p.dtype == tl.float64 for p in layer.parameters())
    with pytest.raises(RuntimeError, match="runs on the CPU only"):
        tl.nn.Linear(2, 3, device="cuda")
