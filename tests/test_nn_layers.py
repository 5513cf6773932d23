"""Layers: forward against numpy, gradcheck through each layer, BatchNorm and Dropout semantics, init."""

from __future__ import annotations

import math

import numpy as np
import pytest

import tinygrad_lenet as tl
import tinygrad_lenet.nn.functional as F
from tinygrad_lenet import nn


def grads_check(layer: nn.Module, x: np.ndarray) -> None:
    """gradcheck w.r.t. the input and every parameter of ``layer`` (in float64)."""
    layer.double()
    params = list(layer.parameters())  # float64 now: gradcheck perturbs them in place
    assert tl.gradcheck(lambda inp, *_: layer(inp), [tl.Tensor(x, requires_grad=True), *params])


def test_linear_forward_and_gradient() -> None:
    tl.manual_seed(0)
    layer = nn.Linear(4, 3)
    x = np.random.default_rng(0).standard_normal((5, 4)).astype(np.float32)
    expected = x @ layer.weight.numpy().T + layer.bias.numpy()
    np.testing.assert_allclose(layer(tl.Tensor(x)).numpy(), expected, rtol=1e-6)
    grads_check(layer, x.astype(np.float64))


def test_conv2d_layer_forward_and_gradient() -> None:
    tl.manual_seed(0)
    layer = nn.Conv2d(2, 3, kernel_size=3, stride=2, padding=1)
    x = np.random.default_rng(1).standard_normal((2, 2, 5, 5))
    expected = F.conv2d(
        tl.Tensor(x),
        tl.Tensor(layer.weight.numpy().astype(np.float64)),
        tl.Tensor(layer.bias.numpy().astype(np.float64)),
        stride=2,
        padding=1,
    )
    np.testing.assert_allclose(layer(tl.Tensor(x.astype(np.float32))).numpy(), expected.numpy(), rtol=1e-5, atol=1e-6)
    grads_check(layer, x)
    assert nn.Conv2d(1, 1, (2, 3), bias=False).weight.shape == (1, 1, 2, 3)


def test_parameterless_layers_match_functional() -> None:
    x = tl.randn(2, 3, 4, 4)
    np.testing.assert_array_equal(nn.MaxPool2d(2)(x).numpy(), F.max_pool2d(x, 2).numpy())
    np.testing.assert_array_equal(nn.AvgPool2d(2, stride=1)(x).numpy(), F.avg_pool2d(x, 2, 1).numpy())
    np.testing.assert_array_equal(nn.ReLU()(x).numpy(), np.maximum(x.numpy(), 0))
    np.testing.assert_allclose(nn.Sigmoid()(x).numpy(), 1 / (1 + np.exp(-x.numpy())), rtol=1e-6)
    np.testing.assert_allclose(nn.Tanh()(x).numpy(), np.tanh(x.numpy()), rtol=1e-6)
    assert nn.Flatten()(x).shape == (2, 48) and nn.Flatten(0, 1)(x).shape == (6, 4, 4)
    assert nn.Identity()(x) is x
    np.testing.assert_allclose(nn.Softmax(1)(x).numpy().sum(1), 1.0, rtol=1e-6)
    np.testing.assert_allclose(np.exp(nn.LogSoftmax(dim=1)(x).numpy()), nn.Softmax(dim=1)(x).numpy(), rtol=1e-5)
    assert repr(nn.MaxPool2d(2)) == "MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)"


def test_loss_modules_match_functional() -> None:
    logits, target = tl.randn(4, 3), tl.tensor([0, 2, 1, 1])
    assert nn.CrossEntropyLoss()(logits, target).item() == F.cross_entropy(logits, target).item()
    assert nn.NLLLoss(reduction="sum")(logits, target).item() == F.nll_loss(logits, target, reduction="sum").item()
    y = tl.rand(4, 3)
    assert nn.MSELoss()(logits, y).item() == F.mse_loss(logits, y).item()
    assert nn.L1Loss()(logits, y).item() == F.l1_loss(logits, y).item()
    assert nn.BCELoss()(logits.sigmoid(), y).item() == F.binary_cross_entropy(logits.sigmoid(), y).item()
    with pytest.raises(ValueError, match="reduction must be"):
        nn.MSELoss(reduction="average")
    assert repr(nn.L1Loss(reduction="sum")) == "L1Loss(reduction='sum')"


def test_batchnorm_training_uses_batch_statistics_and_updates_running_ones() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(3.0, 2.0, size=(16, 4)).astype(np.float32)
    bn = nn.BatchNorm1d(4)
    out = bn(tl.Tensor(x)).numpy()
    np.testing.assert_allclose(out.mean(0), 0, atol=1e-5)
    np.testing.assert_allclose(out.var(0), x.var(0) / (x.var(0) + 1e-5), rtol=1e-4)
    np.testing.assert_allclose(bn.running_mean.numpy(), 0.9 * 0 + 0.1 * x.mean(0), rtol=1e-5)
    np.testing.assert_allclose(bn.running_var.numpy(), 0.9 * 1 + 0.1 * x.var(0, ddof=1), rtol=1e-5)
    assert bn.num_batches_tracked.item() == 1


def test_batchnorm_eval_uses_running_statistics() -> None:
    bn = nn.BatchNorm2d(2)
    bn.running_mean.data = np.array([1.0, -1.0], dtype=np.float32)
    bn.running_var.data = np.array([4.0, 0.25], dtype=np.float32)
    bn.weight.data = np.array([2.0, 1.0], dtype=np.float32)
    bn.bias.data = np.array([0.5, 0.0], dtype=np.float32)
    bn.eval()
    x = np.ones((1, 2, 2, 2), dtype=np.float32)
    out = bn(tl.Tensor(x)).numpy()
    np.testing.assert_allclose(out[0, 0], (1 - 1) / np.sqrt(4 + 1e-5) * 2 + 0.5, rtol=1e-6)
    np.testing.assert_allclose(out[0, 1], (1 + 1) / np.sqrt(0.25 + 1e-5), rtol=1e-5)
    assert bn.num_batches_tracked.item() == 0


def test_batchnorm_gradients_in_training_and_eval() -> None:
    rng = np.random.default_rng(2)
    for bn, shape in ((nn.BatchNorm1d(3), (5, 3)), (nn.BatchNorm2d(2), (3, 2, 2, 2)), (nn.BatchNorm1d(2), (3, 2, 4))):
        grads_check(bn, rng.standard_normal(shape))
        grads_check(bn.eval(), rng.standard_normal(shape))


def test_batchnorm_errors_and_options() -> None:
    with pytest.raises(ValueError, match="expected more than 1 value per channel when training"):
        nn.BatchNorm1d(3)(tl.randn(1, 3))
    assert nn.BatchNorm1d(3).eval()(tl.randn(1, 3)).shape == (1, 3)
    with pytest.raises(tl.ShapeError, match=r"BatchNorm2d\(3\): expected input with 4 dims and 3 channels"):
        nn.BatchNorm2d(3)(tl.randn(2, 4, 5, 5))
    cumulative = nn.BatchNorm1d(1, momentum=None)
    for value in (1.0, 3.0):
        cumulative(tl.tensor([[value - 1], [value + 1]]))
    assert cumulative.running_mean.item() == pytest.approx(2.0)
    plain = nn.BatchNorm1d(2, affine=False, track_running_stats=False)
    assert list(plain.state_dict()) == [] and plain.eval()(tl.randn(4, 2)).shape == (4, 2)


def test_dropout_layer_scales_and_passes_through_in_eval() -> None:
    drop = nn.Dropout(0.5)
    x = tl.ones(10_000)
    tl.manual_seed(1)
    y = drop(x).numpy()
    assert set(np.unique(y)) == {0.0, 2.0} and 0.45 < (y == 0).mean() < 0.55
    tl.manual_seed(1)
    np.testing.assert_array_equal(drop(x).numpy(), y)
    assert drop.eval()(x) is x
    with pytest.raises(ValueError, match="Dropout: p must be"):
        nn.Dropout(-0.1)


def test_default_initialisation_is_pytorchs_and_seeded() -> None:
    tl.manual_seed(5)
    a = nn.Linear(400, 120)
    bound = 1 / math.sqrt(400)
    for p in (a.weight, a.bias):
        assert -bound <= p.numpy().min() and p.numpy().max() <= bound
    assert a.weight.numpy().std() == pytest.approx(bound / math.sqrt(3), rel=0.05)
    conv = nn.Conv2d(6, 16, 5)
    assert np.abs(conv.weight.numpy()).max() <= 1 / math.sqrt(150)
    tl.manual_seed(5)
    np.testing.assert_array_equal(nn.Linear(400, 120).weight.numpy(), a.weight.numpy())


def test_init_functions() -> None:
    tl.manual_seed(0)
    w = tl.zeros(200, 300)
    nn.init.xavier_uniform_(w)
    assert np.abs(w.numpy()).max() <= math.sqrt(6 / 500)
    nn.init.xavier_normal_(w, gain=2.0)
    assert w.numpy().std() == pytest.approx(2 * math.sqrt(2 / 500), rel=0.05)
    nn.init.kaiming_uniform_(w, nonlinearity="relu")
    assert np.abs(w.numpy()).max() <= math.sqrt(2) * math.sqrt(3 / 300)
    nn.init.kaiming_normal_(w, mode="fan_out", nonlinearity="relu")
    assert w.numpy().std() == pytest.approx(math.sqrt(2 / 200), rel=0.05)
    nn.init.normal_(w, 1.0, 0.5)
    assert w.numpy().mean() == pytest.approx(1.0, abs=0.01)
    nn.init.uniform_(w, -3, -2)
    assert -3 <= w.numpy().min() and w.numpy().max() <= -2
    c = tl.zeros(16, 6, 5, 5)
    nn.init.lecun_uniform_(c)
    assert np.abs(c.numpy()).max() <= 2.4 / 150 and np.abs(c.numpy()).max() > 2.0 / 150
    nn.init.lecun_uniform_(c, fan_in=75)
    assert np.abs(c.numpy()).max() > 2.4 / 150
    nn.init.zeros_(c)
    assert (c.numpy() == 0).all() and nn.init.ones_(c).numpy().min() == 1 and nn.init.constant_(c, 3).numpy().max() == 3
    assert w.dtype == tl.float32
    assert nn.init.calculate_fan_in_and_fan_out(c) == (150, 400)
    assert nn.init.calculate_gain("tanh") == pytest.approx(5 / 3)
    assert nn.init.calculate_gain("leaky_relu", 0) == pytest.approx(math.sqrt(2))
    with pytest.raises(ValueError, match="unknown nonlinearity"):
        nn.init.calculate_gain("swish")
    with pytest.raises(ValueError, match="at least 2 dims"):
        nn.init.xavier_uniform_(tl.zeros(3))
    with pytest.raises(ValueError, match="mode must be"):
        nn.init.kaiming_normal_(w, mode="fan_avg")


def test_clip_grad_norm() -> None:
    a = tl.tensor([3.0], requires_grad=True)
    b = tl.tensor([4.0], requires_grad=True)
    (a * a / 2 + b * b / 2).sum().backward()  # grads 3 and 4: norm 5
    total = nn.utils.clip_grad_norm_([a, b], max_norm=1.0)
    assert total.item() == pytest.approx(5.0)
    assert a.grad.item() == pytest.approx(0.6, rel=1e-5) and b.grad.item() == pytest.approx(0.8, rel=1e-5)
    assert nn.utils.clip_grad_norm_([a, b], max_norm=10.0).item() == pytest.approx(1.0, rel=1e-5)
    assert a.grad.item() == pytest.approx(0.6, rel=1e-5)
    assert nn.utils.clip_grad_norm_(a, 0.1, norm_type=float("inf")).item() == pytest.approx(0.6, rel=1e-5)
    assert nn.utils.clip_grad_norm_([tl.zeros(1, requires_grad=True)], 1.0).item() == 0.0


def test_l2_penalty_equals_weight_decay() -> None:
    tl.manual_seed(0)
    x, y = tl.randn(8, 3), tl.tensor([0, 1, 0, 1, 1, 0, 0, 1])
    a, b = nn.Linear(3, 2), nn.Linear(3, 2)
    b.load_state_dict(a.state_dict())
    opt_a = tl.optim.SGD(a.parameters(), lr=0.1, weight_decay=0.01)
    opt_b = tl.optim.SGD(b.parameters(), lr=0.1)
    for _ in range(3):
        for model, opt, penalty in ((a, opt_a, 0.0), (b, opt_b, 0.01)):
            opt.zero_grad()
            loss = F.cross_entropy(model(x), y)
            if penalty:
                loss = loss + nn.utils.l2_penalty(model.parameters(), penalty)
            loss.backward()
            opt.step()
    np.testing.assert_allclose(a.weight.numpy(), b.weight.numpy(), rtol=1e-6)
    with pytest.raises(ValueError, match="no parameters"):
        nn.utils.l2_penalty([], 0.1)


PARAMETERLESS = {
    "MaxPool2d": (lambda: nn.MaxPool2d(2, stride=1), (2, 2, 3, 3)),
    "AvgPool2d": (lambda: nn.AvgPool2d(2, padding=1), (2, 2, 3, 3)),
    "ReLU": (nn.ReLU, (3, 4)),
    "Sigmoid": (nn.Sigmoid, (3, 4)),
    "Tanh": (nn.Tanh, (3, 4)),
    "Flatten": (nn.Flatten, (2, 3, 2)),
    "Softmax": (lambda: nn.Softmax(1), (3, 4)),
    "LogSoftmax": (lambda: nn.LogSoftmax(0), (3, 4)),
    "Dropout": (lambda: nn.Dropout(0.3), (3, 4)),
}


@pytest.mark.parametrize("name", sorted(PARAMETERLESS))
def test_gradcheck_through_each_parameterless_layer(name: str) -> None:
    make, shape = PARAMETERLESS[name]
    layer = make()
    values = np.random.default_rng(4).permutation(np.prod(shape)).reshape(shape) * 0.1 + 0.05  # no ties, no zeros

    def fn(x: tl.Tensor) -> tl.Tensor:
        tl.manual_seed(0)  # the same dropout mask at every evaluation
        out = layer(x)
        return out * out

    assert tl.gradcheck(fn, [tl.Tensor(values, requires_grad=True)])


@pytest.mark.parametrize("loss_fn", [nn.CrossEntropyLoss(), nn.NLLLoss(reduction="sum")], ids=repr)
def test_gradcheck_through_class_losses(loss_fn: nn.Module) -> None:
    logits = np.random.default_rng(5).standard_normal((4, 3))
    assert tl.gradcheck(lambda x: loss_fn(x, tl.tensor([0, 2, 1, 1])), [tl.Tensor(logits, requires_grad=True)])


@pytest.mark.parametrize("loss_fn", [nn.MSELoss(), nn.L1Loss(reduction="none"), nn.BCELoss()], ids=repr)
def test_gradcheck_through_regression_losses(loss_fn: nn.Module) -> None:
    rng = np.random.default_rng(6)
    p, t = rng.uniform(0.1, 0.9, (3, 2)), rng.uniform(0.0, 1.0, (3, 2))
    t = np.where(np.abs(p - t) < 0.05, t + 0.1, t)
    assert tl.gradcheck(
        lambda a, b: loss_fn(a, b), [tl.Tensor(p, requires_grad=True), tl.Tensor(t, requires_grad=True)]
    )
