"""Elementwise ops: forward against numpy, gradcheck over generated shapes and layouts."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import arrays, away_from_zero, broadcast_pairs, leaf, shapes

import tinygrad_lenet as tl

UNARY = {
    # name: (tensor function, numpy reference, value transform keeping inputs in the domain)
    "neg": (lambda x: -x, np.negative, None),
    "exp": (lambda x: x.exp(), np.exp, None),
    "log": (lambda x: x.log(), np.log, lambda v: np.abs(v) + 0.5),
    "sqrt": (lambda x: x.sqrt(), np.sqrt, lambda v: np.abs(v) + 0.5),
    "abs": (lambda x: x.abs(), np.abs, away_from_zero),
    "relu": (lambda x: x.relu(), lambda v: np.maximum(v, 0), away_from_zero),
    "sigmoid": (lambda x: x.sigmoid(), lambda v: 1 / (1 + np.exp(-v)), None),
    "tanh": (lambda x: x.tanh(), np.tanh, None),
    "square": (lambda x: x**2, np.square, None),
    "pow_half": (lambda x: x**0.5, np.sqrt, lambda v: np.abs(v) + 0.5),
    "pow_neg": (lambda x: x**-1.5, lambda v: v**-1.5, lambda v: np.abs(v) + 0.5),
    "rsub": (lambda x: 3.0 - x, lambda v: 3.0 - v, None),
    "rdiv": (lambda x: 2.0 / x, lambda v: 2.0 / v, lambda v: away_from_zero(v, 0.5)),
    "rpow": (lambda x: 2.0**x, lambda v: 2.0**v, None),
    "clip": (
        lambda x: x.clip(-1.0, 1.0),
        lambda v: np.clip(v, -1, 1),
        lambda v: np.where(np.abs(np.abs(v) - 1) < 0.1, v * 0.8, v),
    ),
    "clamp_min": (lambda x: x.clamp(min=0.0), lambda v: np.maximum(v, 0), away_from_zero),
}

BINARY = {
    "add": (lambda a, b: a + b, np.add, None, None),
    "sub": (lambda a, b: a - b, np.subtract, None, None),
    "mul": (lambda a, b: a * b, np.multiply, None, None),
    "div": (lambda a, b: a / b, np.divide, None, lambda v: away_from_zero(v, 0.5)),
    "pow": (lambda a, b: a**b, np.power, lambda v: np.abs(v) + 0.5, None),
    "maximum": (tl.maximum, np.maximum, None, None),
    "minimum": (tl.minimum, np.minimum, None, None),
}


@pytest.mark.parametrize("name", sorted(UNARY))
@given(data=st.data(), shape=shapes)
def test_unary_forward_and_gradient(name: str, data: st.DataObject, shape: tuple[int, ...]) -> None:
    fn, reference, transform = UNARY[name]
    x = data.draw(arrays(shape, transform=transform))
    np.testing.assert_allclose(fn(tl.Tensor(x)).numpy(), reference(x), rtol=1e-12, atol=1e-12)
    assert tl.gradcheck(fn, [leaf(x)])


@pytest.mark.parametrize("name", sorted(BINARY))
@given(data=st.data(), pair=broadcast_pairs)
def test_binary_forward_and_gradient_with_broadcasting(name: str, data: st.DataObject, pair) -> None:
    fn, reference, transform_a, transform_b = BINARY[name]
    shape_a, shape_b = pair.input_shapes
    a = data.draw(arrays(shape_a, transform=transform_a))
    b = data.draw(arrays(shape_b, transform=transform_b))
    if name in ("maximum", "minimum"):
        b = np.where(np.abs(a - b) < 0.1, b + 0.3, b)  # keep off the tie, where the rule switches
    out = fn(tl.Tensor(a), tl.Tensor(b))
    assert out.shape == np.broadcast_shapes(shape_a, shape_b)
    np.testing.assert_allclose(out.numpy(), reference(a, b), rtol=1e-12, atol=1e-12)
    assert tl.gradcheck(fn, [leaf(a), leaf(b)])


@given(data=st.data(), pair=broadcast_pairs)
def test_where_gradient_with_broadcasting(data: st.DataObject, pair) -> None:
    shape_a, shape_b = pair.input_shapes
    a, b = data.draw(arrays(shape_a)), data.draw(arrays(shape_b))
    cond = data.draw(arrays(np.broadcast_shapes(shape_a, shape_b))) > 0
    out = tl.where(tl.Tensor(cond), tl.Tensor(a), tl.Tensor(b))
    np.testing.assert_array_equal(out.numpy(), np.where(cond, a, b))
    assert tl.gradcheck(lambda x, y: tl.where(tl.Tensor(cond), x, y), [leaf(a), leaf(b)])


def test_maximum_and_minimum_split_ties_evenly() -> None:
    a = tl.tensor([1.0, 2.0, 3.0], requires_grad=True)
    b = tl.tensor([1.0, 0.0, 3.0], requires_grad=True)
    tl.maximum(a, b).sum().backward()
    np.testing.assert_array_equal(a.grad.numpy(), [0.5, 1.0, 0.5])
    np.testing.assert_array_equal(b.grad.numpy(), [0.5, 0.0, 0.5])
    a.grad = b.grad = None
    tl.minimum(a, b).sum().backward()
    np.testing.assert_array_equal(a.grad.numpy(), [0.5, 0.0, 0.5])
    np.testing.assert_array_equal(b.grad.numpy(), [0.5, 1.0, 0.5])


def test_where_with_scalar_branches_keeps_the_tensor_dtype() -> None:
    x = tl.tensor([-1.0, 2.0], requires_grad=True)
    y = tl.where(x > 0, x, 0.0)
    assert y.dtype == tl.float32
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 1.0])
    np.testing.assert_array_equal(x.where(x < 0, 5.0).numpy(), [-1.0, 5.0])


def test_cast_is_differentiable_and_grad_keeps_the_leaf_dtype() -> None:
    x = tl.tensor([1.0, 2.0], requires_grad=True)
    y = x.double() * 3
    assert y.dtype == tl.float64
    y.sum().backward()
    assert x.grad.dtype == tl.float32
    np.testing.assert_array_equal(x.grad.numpy(), [3.0, 3.0])
    assert tl.gradcheck(
        lambda t: t.float().double() * t,
        [tl.tensor([0.5, -1.5], dtype=tl.float64, requires_grad=True)],
        eps=1e-3,
        atol=1e-3,
    )


def test_sigmoid_is_finite_for_large_inputs() -> None:
    x = tl.tensor([-1000.0, 0.0, 1000.0], requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y = x.sigmoid()
        y.sum().backward()
    np.testing.assert_allclose(y.numpy(), [0.0, 0.5, 1.0])
    assert np.isfinite(x.grad.numpy()).all()


def test_log_of_zero_is_minus_inf_without_a_warning() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = tl.tensor([0.0, 1.0]).log()
    assert out.numpy()[0] == -np.inf and out.numpy()[1] == 0.0


def test_scalar_operands_keep_float32_and_reflected_ops_work() -> None:
    x = tl.tensor([1.0, 2.0])
    for y in (x + 1, 1 + x, x * 2.5, 2.5 * x, x / 2, 2 / x, x - 1, 1 - x, x**2, 2**x):
        assert y.dtype == tl.float32
    i = tl.tensor([1, 2])
    assert i.dtype == tl.int64
    assert (i * 2).dtype == tl.int64
    assert (i * 0.5).dtype == tl.float32
    assert (np.array([1.0, 1.0]) + x).numpy().tolist() == [2.0, 3.0]


def test_comparisons_return_bool_tensors_outside_the_graph() -> None:
    x = tl.tensor([1.0, 2.0, 3.0], requires_grad=True)
    for result, expected in (
        (x > 2, [False, False, True]),
        (x >= 2, [False, True, True]),
        (x < 2, [True, False, False]),
        (x <= 2, [True, True, False]),
        (x == 2, [False, True, False]),
        (x != 2, [True, False, True]),
    ):
        assert result.dtype == tl.bool_ and not result.requires_grad
        assert result.tolist() == expected
    assert bool((x > 0).all()) and not bool((x > 2).all()) and bool((x > 2).any())


def test_clip_needs_a_bound() -> None:
    with pytest.raises(ValueError, match="at least one of min and max"):
        tl.tensor([1.0]).clip()


def test_broadcast_errors_name_the_op_and_both_shapes() -> None:
    a, b = tl.zeros(3, 4), tl.zeros(5)
    with pytest.raises(tl.ShapeError, match=r"Add: shapes \(3, 4\) and \(5,\) cannot be broadcast together"):
        a + b
    with pytest.raises(tl.ShapeError, match=r"Mul: shapes \(5,\) and \(3, 4\)"):
        b * a
    with pytest.raises(tl.ShapeError, match=r"Where: shapes \(3, 4\) and \(3, 4\) and \(5,\)"):
        tl.where(a > 0, a, b)
    with pytest.raises(tl.ShapeError, match=r"lt: shapes \(3, 4\) and \(5,\)"):
        _ = a < b  # the comparison itself raises
    with pytest.raises(ValueError):  # ShapeError is also a ValueError, as PyTorch code expects
        a - b
