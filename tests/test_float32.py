"""Float32 stays float32 end to end: every op's output and every gradient, for float32 inputs."""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad_lenet as tl
import tinygrad_lenet.nn.functional as F
from tinygrad_lenet import nn

OPS = {
    "add sub mul div": lambda x, y: ((x + y) - x * y) / (y.abs() + 1),
    "python scalars": lambda x, y: x * 2.5 + 1 - 0.5 / (x.abs() + 1) + 2**y,
    "pow": lambda x, y: x.abs() ** 1.5 + x**2,
    "exp log sqrt": lambda x, y: x.exp() + (x.abs() + 1).log() + (x.abs() + 1).sqrt(),
    "relu sigmoid tanh clip": lambda x, y: x.relu() + x.sigmoid() + x.tanh() + x.clamp(-0.5, 0.5),
    "maximum minimum where": lambda x, y: tl.maximum(x, y) + tl.minimum(x, y) + tl.where(x > 0, x, y),
    "activations": lambda x, y: F.gelu(x) + F.silu(x) + F.softplus(x) + F.elu(x) + F.leaky_relu(x) + F.mish(x),
    "matmul": lambda x, y: x @ y.T,
    "reductions": lambda x, y: x.sum() + x.mean(1).sum() + x.var() + x.amax() + x.logsumexp(1).sum() + x.norm(),
    "softmax family": lambda x, y: x.softmax(1) + x.log_softmax(1),
    "movement": lambda x, y: tl.cat([x.reshape(-1), x.T.flatten(), x[0], x.flip(1).clone().reshape(-1)]),
    "expand repeat pad": lambda x, y: x[:1].expand(3, 4).sum() + x.repeat(2, 1).sum() + F.pad(x, (1, 1)).sum(),
    "setitem": lambda x, y: (lambda z: (z.__setitem__(0, y[1]), z)[1])(x * 1.0),
    "losses": lambda x, y: (
        F.cross_entropy(x, tl.tensor([0, 1, 3]), label_smoothing=0.1)
        + F.mse_loss(x, y)
        + F.l1_loss(x, y)
        + F.huber_loss(x, y)
        + F.binary_cross_entropy_with_logits(x, y.sigmoid())
        + F.binary_cross_entropy(x.sigmoid(), y.sigmoid())
        + F.kl_div(x.log_softmax(1), y.softmax(1))
    ),
    "dropout": lambda x, y: F.dropout(x, 0.3) + F.dropout(x, 0.3, training=False),
}


@pytest.mark.parametrize("name", sorted(OPS))
def test_elementwise_and_shape_ops_keep_float32(name: str) -> None:
    tl.manual_seed(0)
    x = tl.randn(3, 4, requires_grad=True)
    y = tl.randn(3, 4, requires_grad=True)
    out = OPS[name](x, y)
    assert out.dtype == np.float32, out.dtype
    out.sum().backward()
    for leaf in (x, y):
        assert leaf.grad is None or leaf.grad.dtype == np.float32


def test_layers_and_a_training_step_keep_float32() -> None:
    tl.manual_seed(0)
    model = nn.Sequential(
        nn.Conv2d(1, 4, 3, padding="same"),
        nn.BatchNorm2d(4),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(4, 4, 3, groups=2, dilation=2),
        nn.AvgPool2d(2),
        nn.AdaptiveAvgPool2d(1),
        nn.Flatten(),
        nn.Dropout(0.2),
        nn.Linear(4, 10),
    )
    optimizer = tl.optim.Adam(model.parameters())
    images, labels = tl.randn(8, 1, 16, 16), tl.randint(0, 10, (8,))
    logits = model(images)
    assert logits.dtype == np.float32
    F.cross_entropy(logits, labels).backward()
    optimizer.step()
    for name, p in model.named_parameters():
        assert p.dtype == np.float32 and p.grad.dtype == np.float32, name
    for name, b in model.named_buffers():
        assert b.dtype in (np.float32, np.int64), name
    with tl.no_grad():
        assert model.eval()(images).dtype == np.float32
    table = nn.Embedding(5, 3)
    assert table(tl.tensor([1, 4])).dtype == np.float32
