"""PyTorch's autograd.Function protocol: ctx, save_for_backward, needs_input_grad, several outputs, checks."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

import tinygrad_lenet as tl
from tinygrad_lenet.autograd.function import once_differentiable


def _legendre(T: Any) -> type:
    """The "Learning PyTorch with Examples" custom Function, written once for a framework T."""

    class LegendrePolynomial3(T.autograd.Function):
        @staticmethod
        def forward(ctx: Any, input: Any) -> Any:
            ctx.save_for_backward(input)
            return 0.5 * (5 * input**3 - 3 * input)

        @staticmethod
        def backward(ctx: Any, grad_output: Any) -> Any:
            (input,) = ctx.saved_tensors
            return grad_output * 1.5 * (5 * input**2 - 1)

    return LegendrePolynomial3


def _fit_legendre(T: Any, steps: int) -> tuple[float, list[float]]:
    """The tutorial's loop: y = a + b P3(c + d x) fitted to sin(x) by hand-written gradient descent."""
    P3 = _legendre(T).apply
    x = T.tensor(np.linspace(-math.pi, math.pi, 2000))
    y = T.tensor(np.sin(np.linspace(-math.pi, math.pi, 2000)))
    params = [T.tensor(v, dtype=T.float64, requires_grad=True) for v in (0.0, -1.0, 0.0, 0.3)]
    a, b, c, d = params
    for _ in range(steps):
        loss = ((a + b * P3(c + d * x) - y) ** 2).sum()
        loss.backward()
        with T.no_grad():
            for p in params:
                p -= 5e-6 * p.grad
                p.grad = None
    return loss.item(), [p.item() for p in params]


def test_the_legendre_function_of_the_pytorch_tutorial_fits_sin() -> None:
    loss, params = _fit_legendre(tl, 2000)
    assert loss == pytest.approx(8.9436, abs=1e-3)  # the tutorial's result after 2000 steps (PyTorch: 8.94)
    assert params[1] == pytest.approx(-2.2085, abs=1e-3) and params[3] == pytest.approx(0.2555, abs=1e-3)


def test_the_legendre_function_trains_to_pytorchs_loss() -> None:
    torch = pytest.importorskip("torch", reason="PyTorch is not installed (make parity installs torch==2.13.0)")
    ours, ours_params = _fit_legendre(tl, 2000)
    theirs, their_params = _fit_legendre(torch, 2000)
    assert ours == pytest.approx(theirs, rel=1e-6, abs=1e-6)
    assert ours_params == pytest.approx(their_params, rel=1e-6, abs=1e-9)


class _Wrong(tl.autograd.Function):
    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        return x * 2

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        return grad.sum()  # a scalar for a (3, 4) input: PyTorch refuses, and so do we


def test_a_gradient_of_the_wrong_shape_raises_naming_the_function_and_the_input() -> None:
    x = tl.ones((3, 4), requires_grad=True)
    with pytest.raises(tl.GradError, match=r"_Wrong\.backward returned a gradient of shape \(\) for input 0 of"):
        _Wrong.apply(x).sum().backward()
    assert x.grad is None


class _TooFew(tl.autograd.Function):
    @staticmethod
    def forward(ctx: Any, x: Any, y: Any) -> Any:
        return x * y

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        return grad


def test_the_wrong_number_of_gradients_raises() -> None:
    x, y = tl.ones(3, requires_grad=True), tl.ones(3, requires_grad=True)
    with pytest.raises(tl.GradError, match=r"_TooFew\.backward returned 1 gradient\(s\) for 2 input\(s\)"):
        _TooFew.apply(x, y).sum().backward()


class _ScaleBy(tl.autograd.Function):
    """A non-tensor argument, needs_input_grad, and a gradient of a broadcast shape summed back."""

    @staticmethod
    def forward(ctx: Any, x: Any, w: Any, factor: float) -> Any:
        ctx.save_for_backward(x, w)
        ctx.factor = factor
        ctx.seen = ctx.needs_input_grad
        return x * w * factor

    @staticmethod
    @once_differentiable
    def backward(ctx: Any, grad: Any) -> Any:
        x, w = ctx.saved_tensors
        dx = grad * w * ctx.factor if ctx.needs_input_grad[0] else None
        dw = grad * x * ctx.factor  # shape (2, 3) for w of shape (3,): summed back to (3,)
        return dx, dw, None


def test_non_tensor_arguments_needs_input_grad_and_broadcast_gradients() -> None:
    x = tl.tensor(np.arange(6.0).reshape(2, 3))
    w = tl.tensor([1.0, 2.0, 3.0], dtype=tl.float64, requires_grad=True)
    out = _ScaleBy.apply(x, w, 0.5)
    out.sum().backward()
    assert out.grad_fn is not None and w.grad is not None
    np.testing.assert_allclose(w.grad.numpy(), 0.5 * np.arange(6.0).reshape(2, 3).sum(0))
    assert x.grad is None


class _SortWithIndices(tl.autograd.Function):
    """Two outputs, one of them marked non-differentiable; the gradient flows to the values only."""

    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        order = np.argsort(x.numpy(), kind="stable")
        values, indices = tl.tensor(x.numpy()[order]), tl.tensor(order)
        ctx.mark_non_differentiable(indices)
        ctx.order = order
        return values, indices

    @staticmethod
    def backward(ctx: Any, grad_values: Any, grad_indices: Any) -> Any:
        out = np.zeros_like(grad_values.numpy())
        out[ctx.order] = grad_values.numpy()
        return tl.tensor(out)


def test_several_outputs_and_a_non_differentiable_one() -> None:
    x = tl.tensor([3.0, 1.0, 2.0], requires_grad=True)
    values, indices = _SortWithIndices.apply(x)
    assert not indices.requires_grad and values.requires_grad
    (values * tl.tensor([1.0, 10.0, 100.0])).sum().backward()
    assert x.grad is not None
    np.testing.assert_allclose(x.grad.numpy(), [100.0, 1.0, 10.0])


def test_saved_tensors_are_freed_after_backward() -> None:
    x = tl.tensor([0.5, 1.0], dtype=tl.float64, requires_grad=True)
    y = _legendre(tl).apply(x).sum()
    y.backward()
    with pytest.raises(tl.GradError, match="backward through the graph a second time"):
        y.backward()


def test_without_grad_the_function_just_runs() -> None:
    out = _legendre(tl).apply(tl.tensor([1.0, 2.0]))
    assert out.grad_fn is None and out.tolist() == [1.0, 17.0]
