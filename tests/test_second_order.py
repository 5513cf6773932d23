"""backward_diag_gn: exact where the Gauss-Newton diagonal is exact, and the paper's recursion elsewhere."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import arrays, leaf

import tinygrad_lenet as tl
import tinygrad_lenet.nn.functional as F
from tinygrad_lenet.nn.rbf import rbf_map_loss, rbf_simple_loss
from tinygrad_lenet.ops.rbf import EuclideanRBF, MAPCriterion


def exact_diagonal(loss_of: Callable[..., tl.Tensor], values: list[np.ndarray], eps: float = 1e-5) -> list[np.ndarray]:
    """d2E/dv2 of every element of every input by central differences of the gradient (float64)."""

    def grads(arrays_: list[np.ndarray]) -> list[np.ndarray]:
        ts = [tl.Tensor(a.copy(), requires_grad=True) for a in arrays_]
        loss_of(*ts).backward()
        return [t.grad.numpy() for t in ts]

    out = []
    for i, v in enumerate(values):
        h = np.zeros_like(v)
        for idx in np.ndindex(*v.shape):
            up, down = [a.copy() for a in values], [a.copy() for a in values]
            up[i][idx] += eps
            down[i][idx] -= eps
            h[idx] = (grads(up)[i][idx] - grads(down)[i][idx]) / (2 * eps)
        out.append(h)
    return out


def diag_gn(loss_of: Callable[..., tl.Tensor], values: list[np.ndarray]) -> list[np.ndarray]:
    ts = [leaf(v) for v in values]
    loss_of(*ts).backward_diag_gn()
    return [t.diag_gn.numpy() for t in ts]


def check_exact(loss_of: Callable[..., tl.Tensor], values: list[np.ndarray]) -> None:
    for ours, exact in zip(diag_gn(loss_of, values), exact_diagonal(loss_of, values)):
        np.testing.assert_allclose(ours, exact, rtol=1e-6, atol=1e-6)


@settings(max_examples=25, deadline=None)
@given(data=st.data(), n=st.integers(1, 3), sizes=st.tuples(st.integers(1, 4), st.integers(1, 3)))
def test_a_linear_layer_under_squared_error_is_exact(data: st.DataObject, n: int, sizes: tuple[int, int]) -> None:
    n_in, n_out = sizes
    x, w, b = data.draw(arrays((n, n_in))), data.draw(arrays((n_out, n_in))), data.draw(arrays((n_out,)))
    target = data.draw(arrays((n, n_out)))
    check_exact(lambda x_, w_, b_: ((F.linear(x_, w_, b_) - tl.Tensor(target)) ** 2).sum(), [x, w, b])


@settings(max_examples=15, deadline=None)
@given(
    data=st.data(),
    c=st.integers(1, 2),
    o=st.integers(1, 2),
    k=st.integers(1, 3),
    stride=st.integers(1, 2),
    padding=st.integers(0, 1),
)
def test_a_convolution_under_squared_error_is_exact(
    data: st.DataObject, c: int, o: int, k: int, stride: int, padding: int
) -> None:
    x, w, b = data.draw(arrays((2, c, 4, 4))), data.draw(arrays((o, c, k, k))), data.draw(arrays((o,)))
    check_exact(lambda x_, w_, b_: (F.conv2d(x_, w_, b_, stride=stride, padding=padding) ** 2).mean(), [x, w, b])


def test_an_elementwise_and_movement_chain_is_exact() -> None:
    """Exact while each input reaches the loss along one path: a weight used twice (b * u + b)
    would also need the cross term 2 u h between its two uses, which the diagonal drops."""
    rng = np.random.default_rng(0)
    a, bias = rng.normal(size=(2, 3, 4, 4)), rng.normal(size=(1, 3, 1, 1))
    scale = tl.Tensor(rng.normal(size=(1, 3, 1, 1)))

    def loss(a_: tl.Tensor, bias_: tl.Tensor) -> tl.Tensor:
        y = -(F.avg_pool2d(a_ * 3.0 - 1.0, 2) * scale + bias_)  # Mul, Sub, AvgPool2d, Add, Neg, broadcast
        z = y.permute(0, 2, 3, 1).reshape(2, -1)[:, 1:7]
        return (z**2).sum() * 0.5 + tl.cat([z, z * 2.0], 1).sum()

    check_exact(loss, [a, bias])


def test_the_rbf_distance_under_the_simple_criterion_is_exact() -> None:
    rng = np.random.default_rng(1)
    x, centers, t = rng.normal(size=(3, 5)), rng.normal(size=(4, 5)), np.array([0, 3, 1])
    check_exact(lambda x_, c_: rbf_simple_loss(-EuclideanRBF.apply(x_, c_), t), [x, centers])


def test_the_map_criterion_keeps_its_exact_diagonal() -> None:
    rng = np.random.default_rng(2)
    y, t = rng.uniform(0, 3, size=(4, 3)), np.array([0, 2, 1, 1])
    # E is a sum over samples of functions of one row each: d2E/dy_ni2 has no cross-sample terms
    check_exact(lambda y_: MAPCriterion.apply(y_, t, 1.5).sum(), [y])


def test_on_a_small_network_it_follows_the_papers_recursion() -> None:
    """x -> F1 -> f -> F2 -> f -> RBF -> MAP criterion, against a numpy transcription of appendix C:
    d2E/da_i2 = f'(a_i)^2 sum_k w_ki^2 d2E/dx_k2 (GN), d2E/dw_ij2 = sum over samples of x_j^2 d2E/da_i2."""
    rng = np.random.default_rng(3)
    x = rng.normal(size=(5, 4))
    w1, b1, w2, b2 = rng.normal(size=(3, 4)), rng.normal(size=3), rng.normal(size=(6, 3)) * 0.5, rng.normal(size=6)
    centers, t, j = np.sign(rng.normal(size=(2, 6))), np.array([0, 1, 1, 0, 1]), 2.0
    A, S = 1.7159, 2 / 3

    def f(a: np.ndarray) -> np.ndarray:
        return A * np.tanh(S * a)

    def df(a: np.ndarray) -> np.ndarray:
        return A * S * (1 - np.tanh(S * a) ** 2)

    a1 = x @ w1.T + b1
    x1 = f(a1)
    a2 = x1 @ w2.T + b2
    x2 = f(a2)
    diff = x2[:, None, :] - centers[None]
    y = (diff**2).sum(-1)
    e = np.exp(-y)
    p = e / (np.exp(-j) + e.sum(1, keepdims=True))
    g_y = (np.eye(2)[t] - p) / len(x)  # dE/dy of the mean criterion
    h_y = p * (1 - p) / len(x)  # its exact diagonal second derivative
    h_x2 = (4 * diff**2 * h_y[:, :, None]).sum(1) + 2 * g_y.sum(1, keepdims=True)
    h_a2 = df(a2) ** 2 * h_x2
    h_x1 = h_a2 @ w2**2
    h_a1 = df(a1) ** 2 * h_x1
    expected = [h_a1.T @ x**2, h_a1.sum(0), h_a2.T @ x1**2, h_a2.sum(0)]

    def loss(w1_, b1_, w2_, b2_):
        def squash(a):
            return F.tanh(a * S) * A

        out = squash(F.linear(squash(F.linear(tl.Tensor(x), w1_, b1_)), w2_, b2_))
        return rbf_map_loss(-EuclideanRBF.apply(out, tl.Tensor(centers)), t, j)

    for ours, theirs in zip(diag_gn(loss, [w1, b1, w2, b2]), expected):
        np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-12)


def test_the_gauss_newton_diagonal_drops_the_tanh_curvature() -> None:
    """Through tanh the estimate is f'^2 h, not the exact f'^2 h + f'' g: it differs from finite differences."""
    x = np.array([0.3, -1.2, 0.8])
    ours = diag_gn(lambda x_: ((F.tanh(x_) - 2.0) ** 2).sum(), [x])[0]
    exact = exact_diagonal(lambda x_: ((F.tanh(x_) - 2.0) ** 2).sum(), [x])[0]
    np.testing.assert_allclose(ours, 2 * (1 - np.tanh(x) ** 2) ** 2, rtol=1e-12)
    assert not np.allclose(ours, exact, rtol=1e-3)


def test_an_op_without_a_second_order_rule_is_named() -> None:
    x = tl.randn(3, requires_grad=True)
    with pytest.raises(tl.GradError, match="Relu has no second-order rule"):
        (x.relu() ** 2).sum().backward_diag_gn()
    with pytest.raises(tl.GradError, match="one-element loss"):
        (x * 2).backward_diag_gn()
