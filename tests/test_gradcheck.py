"""gradcheck itself: it passes right rules and catches wrong ones with a useful message."""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad_lenet as tl
from tinygrad_lenet import Function


class WrongSquare(Function):
    """x^2 with a deliberately wrong backward rule (x instead of 2x)."""

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.save_for_backward(x)
        return x * x

    def backward(self, grad: np.ndarray):
        (x,) = self.saved_tensors
        return (grad * x,)


def test_gradcheck_catches_a_wrong_backward_rule_and_names_the_place() -> None:
    x = tl.tensor([[0.5, -1.0], [2.0, 1.5]], dtype=tl.float64, requires_grad=True)
    with pytest.raises(
        tl.GradcheckError, match=r"input 0 \(shape \(2, 2\)\) at index \(1, 0\): analytic .* vs numerical"
    ):
        tl.gradcheck(WrongSquare.apply, [x])


def test_gradcheck_passes_a_right_rule_and_converts_float32_inputs() -> None:
    x = tl.tensor([0.5, -1.0, 2.0], requires_grad=True)
    assert tl.gradcheck(lambda t: (t * t).exp(), [x])


def test_gradcheck_needs_an_input_that_requires_grad_and_a_tensor_output() -> None:
    with pytest.raises(ValueError, match="no input has requires_grad=True"):
        tl.gradcheck(lambda t: t * 2, [tl.tensor([1.0])])
    with pytest.raises(TypeError, match="must return a Tensor"):
        tl.gradcheck(lambda t: 3.0, [tl.tensor([1.0], requires_grad=True)])


def test_gradcheck_with_a_constant_input() -> None:
    w = tl.tensor([1.0, 2.0], dtype=tl.float64, requires_grad=True)
    assert tl.gradcheck(lambda a, b: a * b, [w, np.array([3.0, 4.0])])
