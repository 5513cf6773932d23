"""Cross-check against PyTorch where it is installed (it is not a dependency: skipped otherwise).

Same inputs, same weights: forward values and gradients must agree, so that models and weights
port between the two frameworks.
"""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad_lenet as tl
import tinygrad_lenet.nn.functional as F

torch = pytest.importorskip("torch")
TF = torch.nn.functional


def both(array: np.ndarray) -> tuple[tl.Tensor, "torch.Tensor"]:
    return tl.Tensor(array.copy(), requires_grad=True), torch.tensor(array.copy(), requires_grad=True)


def test_lenet_style_forward_and_backward_agree_with_pytorch() -> None:
    rng = np.random.default_rng(0)
    x = rng.standard_normal((4, 1, 32, 32))
    params = {
        "w1": rng.standard_normal((6, 1, 5, 5)) * 0.2, "b1": rng.standard_normal(6) * 0.1,
        "w2": rng.standard_normal((16, 6, 5, 5)) * 0.1, "b2": rng.standard_normal(16) * 0.1,
        "w3": rng.standard_normal((10, 400)) * 0.05, "b3": rng.standard_normal(10) * 0.1,
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
        (F.binary_cross_entropy, TF.binary_cross_entropy), (F.mse_loss, TF.mse_loss), (F.l1_loss, TF.l1_loss),
    ):
        (pt, pp), (tt, tp) = both(p), both(t)
        ours, theirs = ours_fn(pt, tt), theirs_fn(pp, tp)
        ours.backward()
        theirs.backward()
        np.testing.assert_allclose(ours.item(), theirs.item(), rtol=1e-10)
        np.testing.assert_allclose(pt.grad.numpy(), pp.grad.numpy(), rtol=1e-8)
        np.testing.assert_allclose(tt.grad.numpy(), tp.grad.numpy(), rtol=1e-8)
