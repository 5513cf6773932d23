"""Cross-check against PyTorch where it is installed (it is not a dependency: skipped otherwise).

Same inputs, same weights: forward values and gradients must agree, so that models and weights
port between the two frameworks.
"""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad_lenet as tl
import tinygrad_lenet.nn.functional as F

torch = pytest.importorskip("torch", reason="PyTorch is not installed (make parity installs torch==2.13.0)")
TF = torch.nn.functional


def both(array: np.ndarray) -> tuple[tl.Tensor, torch.Tensor]:
    return tl.Tensor(array.copy(), requires_grad=True), torch.tensor(array.copy(), requires_grad=True)


def test_lenet_style_forward_and_backward_agree_with_pytorch() -> None:
    rng = np.random.default_rng(0)
    x = rng.standard_normal((4, 1, 32, 32))
    params = {
        "w1": rng.standard_normal((6, 1, 5, 5)) * 0.2,
        "b1": rng.standard_normal(6) * 0.1,
        "w2": rng.standard_normal((16, 6, 5, 5)) * 0.1,
        "b2": rng.standard_normal(16) * 0.1,
        "w3": rng.standard_normal((10, 400)) * 0.05,
        "b3": rng.standard_normal(10) * 0.1,
    }
    target = np.array([3, 1, 4, 1])
    ours = {k: tl.Tensor(v.copy(), requires_grad=True) for k, v in params.items()}
    theirs = {k: torch.tensor(v.copy(), requires_grad=True) for k, v in params.items()}

    def forward(f, p, inp, tgt, lib):
        h = f.max_pool2d(f.relu(f.conv2d(inp, p["w1"], p["b1"])), 2)
        h = f.avg_pool2d(f.conv2d(h, p["w2"], p["b2"], padding=1, stride=1).tanh(), 2, stride=2)
        h = h[:, :, :5, :5].reshape(4, 400)
        logits = h @ p["w3"].T + p["b3"]
        return f.cross_entropy(logits, tgt) + (f.softmax(logits, 1) ** 2).mean()

    ours_loss = forward(F, ours, tl.Tensor(x), tl.Tensor(target), tl)
    theirs_loss = forward(TF, theirs, torch.tensor(x), torch.tensor(target), torch)
    ours_loss.backward()
    theirs_loss.backward()
    np.testing.assert_allclose(ours_loss.item(), theirs_loss.item(), rtol=1e-10)
    for k in params:
        np.testing.assert_allclose(ours[k].grad.numpy(), theirs[k].grad.numpy(), rtol=1e-8, atol=1e-12, err_msg=k)


@pytest.mark.parametrize("stride,padding", [(1, 0), (2, 1), (3, 2)])
def test_conv_and_pools_with_stride_and_padding_agree(stride: int, padding: int) -> None:
    rng = np.random.default_rng(stride)
    x_t, x_p = both(rng.standard_normal((2, 3, 9, 8)))
    w_t, w_p = both(rng.standard_normal((4, 3, 3, 3)))
    ours = F.conv2d(x_t, w_t, stride=stride, padding=padding)
    theirs = TF.conv2d(x_p, w_p, stride=stride, padding=padding)
    ours = F.max_pool2d(ours, 3, 2, 1) + F.avg_pool2d(ours, 3, 2, 1)
    theirs = TF.max_pool2d(theirs, 3, 2, 1) + TF.avg_pool2d(theirs, 3, 2, 1)
    np.testing.assert_allclose(ours.numpy(), theirs.detach().numpy(), rtol=1e-10, atol=1e-12)
    (ours * ours).sum().backward()
    (theirs * theirs).sum().backward()
    np.testing.assert_allclose(x_t.grad.numpy(), x_p.grad.numpy(), rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(w_t.grad.numpy(), w_p.grad.numpy(), rtol=1e-8, atol=1e-12)


def test_losses_agree() -> None:
    rng = np.random.default_rng(1)
    p = rng.uniform(0.01, 0.99, (3, 4))
    t = rng.uniform(0, 1, (3, 4))
    for ours_fn, theirs_fn in (
        (F.binary_cross_entropy, TF.binary_cross_entropy),
        (F.mse_loss, TF.mse_loss),
        (F.l1_loss, TF.l1_loss),
    ):
        (pt, pp), (tt, tp) = both(p), both(t)
        ours, theirs = ours_fn(pt, tt), theirs_fn(pp, tp)
        ours.backward()
        theirs.backward()
        np.testing.assert_allclose(ours.item(), theirs.item(), rtol=1e-10)
        np.testing.assert_allclose(pt.grad.numpy(), pp.grad.numpy(), rtol=1e-8)
        np.testing.assert_allclose(tt.grad.numpy(), tp.grad.numpy(), rtol=1e-8)


OPTIMIZER_CONFIGS = [
    ("SGD", dict(lr=0.1)),
    ("SGD", dict(lr=0.1, momentum=0.9, dampening=0.1, weight_decay=0.01)),
    ("SGD", dict(lr=0.1, momentum=0.9, nesterov=True)),
    ("Adam", dict(lr=0.01, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1)),
    ("AdamW", dict(lr=0.01, weight_decay=0.1)),
    ("RMSprop", dict(lr=0.01, alpha=0.9, momentum=0.5, weight_decay=0.01)),
    ("RMSprop", dict(lr=0.01, centered=True)),
    ("Adagrad", dict(lr=0.1, lr_decay=0.01, weight_decay=0.01, initial_accumulator_value=0.1)),
]


@pytest.mark.parametrize("name,kwargs", OPTIMIZER_CONFIGS, ids=lambda v: str(v))
def test_optimizers_take_the_same_steps_as_pytorch(name: str, kwargs: dict) -> None:
    rng = np.random.default_rng(0)
    start = rng.standard_normal((3, 4))
    ours = tl.nn.Parameter(tl.Tensor(start.copy()))
    theirs = torch.nn.Parameter(torch.tensor(start.copy()))
    ours_opt = getattr(tl.optim, name)([ours], **kwargs)
    theirs_opt = getattr(torch.optim, name)([theirs], **kwargs)
    for _ in range(6):
        grad = rng.standard_normal((3, 4))
        ours.grad = tl.Tensor(grad.copy())
        theirs.grad = torch.tensor(grad.copy())
        ours_opt.step()
        theirs_opt.step()
        np.testing.assert_allclose(ours.numpy(), theirs.detach().numpy(), rtol=1e-10, atol=1e-12)


def test_lenet_state_dict_keys_and_shapes_match_pytorch() -> None:
    from test_nn_module import LeNet5

    class TorchLeNet5(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.conv1 = torch.nn.Conv2d(1, 6, 5)
            self.conv2 = torch.nn.Conv2d(6, 16, 5)
            self.pool = torch.nn.MaxPool2d(2)
            self.fc1 = torch.nn.Linear(400, 120)
            self.fc2 = torch.nn.Linear(120, 84)
            self.fc3 = torch.nn.Linear(84, 10)

    ours = LeNet5()
    theirs = TorchLeNet5()
    assert [(k, v.shape) for k, v in ours.state_dict().items()] == [
        (k, tuple(v.shape)) for k, v in theirs.state_dict().items()
    ]
    bn_ours, bn_theirs = tl.nn.BatchNorm2d(3), torch.nn.BatchNorm2d(3)
    assert [(k, v.shape) for k, v in bn_ours.state_dict().items()] == [
        (k, tuple(v.shape)) for k, v in bn_theirs.state_dict().items()
    ]
    # weights exported from PyTorch load and give the same outputs
    ours.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
    x = np.random.default_rng(0).standard_normal((2, 1, 32, 32)).astype(np.float32)
    with torch.no_grad():
        expected = theirs.fc3(
            theirs.fc2(
                theirs.fc1(
                    theirs.pool(theirs.conv2(theirs.pool(theirs.conv1(torch.tensor(x)).relu())).relu()).flatten(1)
                ).relu()
            ).relu()
        ).numpy()
    np.testing.assert_allclose(ours(tl.Tensor(x)).numpy(), expected, rtol=1e-4, atol=1e-5)


def test_batchnorm_matches_pytorch_in_training_and_eval() -> None:
    rng = np.random.default_rng(3)
    ours, theirs = tl.nn.BatchNorm2d(3).double(), torch.nn.BatchNorm2d(3).double()
    for _ in range(3):
        x = rng.standard_normal((4, 3, 5, 5)) * 2 + 1
        x_t, x_p = both(x)
        out_t, out_p = ours(x_t), theirs(x_p)
        np.testing.assert_allclose(out_t.numpy(), out_p.detach().numpy(), rtol=1e-10, atol=1e-12)
        (out_t * out_t).sum().backward()
        (out_p * out_p).sum().backward()
        np.testing.assert_allclose(x_t.grad.numpy(), x_p.grad.numpy(), rtol=1e-8, atol=1e-10)
    for key, value in theirs.state_dict().items():
        np.testing.assert_allclose(ours.state_dict()[key], value.numpy(), rtol=1e-10, err_msg=key)
    ours.eval(), theirs.eval()
    x = rng.standard_normal((2, 3, 5, 5))
    np.testing.assert_allclose(ours(tl.Tensor(x)).numpy(), theirs(torch.tensor(x)).detach().numpy(), rtol=1e-10)
