"""Binary, logical and bitwise ops: forward against numpy or known values, PyTorch's dtypes and rounding
rules, clear errors, and gradcheck over generated broadcasting shapes and memory layouts."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import arrays, away_from_zero, broadcast_pairs, leaf, shapes

import tinygrad_lenet as tl
from tinygrad_lenet.base.errors import DTypeError, ShapeError


def positive(v: np.ndarray) -> np.ndarray:
    return np.abs(v) + 0.5


def apart(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``b`` moved off ``a`` where they come within 0.1 (keeps fmax/fmin off their tie)."""
    return np.where(np.abs(a - b) < 0.1, b + 0.3, b)


def xlogy_reference(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    return np.where(x == 0, 0.0, x * np.log(y))


DIFFERENTIABLE = {
    # name: (tensor function, numpy reference, transform of a, transform of b)
    "add_alpha": (lambda a, b: tl.add(a, b, alpha=2.5), lambda a, b: a + 2.5 * b, None, None),
    "sub_alpha": (lambda a, b: a.sub(b, alpha=-0.5), lambda a, b: a + 0.5 * b, None, None),
    "rsub": (lambda a, b: tl.rsub(a, b, alpha=2), lambda a, b: b - 2 * a, None, None),
    "atan2": (tl.atan2, np.arctan2, None, away_from_zero),
    "hypot": (lambda a, b: a.hypot(b), np.hypot, away_from_zero, None),
    "copysign": (tl.copysign, np.copysign, away_from_zero, away_from_zero),
    "xlogy": (tl.xlogy, xlogy_reference, None, positive),
    "logaddexp": (tl.logaddexp, np.logaddexp, None, None),
    "logaddexp2": (lambda a, b: a.logaddexp2(b), np.logaddexp2, None, None),
    "float_power": (tl.float_power, np.power, positive, None),
    "pow": (tl.pow, np.power, positive, None),
    "true_divide": (tl.true_divide, np.divide, None, lambda v: away_from_zero(v, 0.5)),
}


@settings(max_examples=8, deadline=None)
@pytest.mark.parametrize("name", sorted(DIFFERENTIABLE))
@given(data=st.data(), pair=broadcast_pairs)
def test_binary_forward_and_gradient(name: str, data: st.DataObject, pair) -> None:
    fn, reference, transform_a, transform_b = DIFFERENTIABLE[name]
    shape_a, shape_b = pair.input_shapes
    a = data.draw(arrays(shape_a, transform=transform_a))
    b = data.draw(arrays(shape_b, transform=transform_b))
    out = fn(tl.Tensor(a), tl.Tensor(b))
    assert out.shape == np.broadcast_shapes(shape_a, shape_b)
    np.testing.assert_allclose(out.numpy(), reference(a, b), rtol=1e-12, atol=1e-12)
    assert tl.gradcheck(fn, [leaf(a), leaf(b)])


@settings(max_examples=8, deadline=None)
@pytest.mark.parametrize("name", ["fmax", "fmin"])
@given(data=st.data(), pair=broadcast_pairs)
def test_fmax_fmin_off_ties(name: str, data: st.DataObject, pair) -> None:
    shape_a, shape_b = pair.input_shapes
    a = data.draw(arrays(shape_a))
    b = apart(a, data.draw(arrays(np.broadcast_shapes(shape_a, shape_b))))
    fn = getattr(tl, name)
    np.testing.assert_array_equal(fn(tl.Tensor(a), tl.Tensor(b)).numpy(), getattr(np, name)(a, b))
    assert tl.gradcheck(fn, [leaf(a), leaf(b)])


@settings(max_examples=8, deadline=None)
@pytest.mark.parametrize("name", ["fmod", "remainder"])
@given(data=st.data(), shape=shapes)
def test_fmod_remainder_forward_and_gradient(name: str, data: st.DataObject, shape: tuple[int, ...]) -> None:
    b = data.draw(arrays(shape, transform=lambda v: away_from_zero(v, 0.5)))
    fraction = data.draw(arrays(shape, low=0.2, high=0.8))
    a = b * (np.round(data.draw(arrays(shape, low=-3, high=3))) + fraction)  # a/b off the integers
    fn = getattr(tl, name)
    np.testing.assert_allclose(fn(tl.Tensor(a), tl.Tensor(b)).numpy(), getattr(np, name)(a, b), rtol=1e-12)
    assert tl.gradcheck(fn, [leaf(a), leaf(b)])


@settings(max_examples=8, deadline=None)
@given(data=st.data(), shape=shapes)
def test_lerp_addcmul_addcdiv_gradients(data: st.DataObject, shape: tuple[int, ...]) -> None:
    x, y = data.draw(arrays(shape)), data.draw(arrays(shape))
    z = data.draw(arrays(shape, transform=lambda v: away_from_zero(v, 0.5)))
    np.testing.assert_allclose(tl.lerp(tl.Tensor(x), tl.Tensor(y), tl.Tensor(z)).numpy(), x + z * (y - x))
    np.testing.assert_allclose(tl.Tensor(x).addcmul(tl.Tensor(y), tl.Tensor(z), value=3).numpy(), x + 3 * y * z)
    np.testing.assert_allclose(tl.addcdiv(tl.Tensor(x), tl.Tensor(y), tl.Tensor(z), value=-2).numpy(), x - 2 * y / z)
    assert tl.gradcheck(lambda a, b, c: a.lerp(b, c), [leaf(x), leaf(y), leaf(z)])
    assert tl.gradcheck(lambda a, b, c: tl.addcdiv(a, b, c, value=0.5), [leaf(x), leaf(y), leaf(z)])


@settings(max_examples=8, deadline=None)
@given(data=st.data(), pair=broadcast_pairs)
def test_clamp_with_tensor_bounds(data: st.DataObject, pair) -> None:
    shape_x, shape_low = pair.input_shapes
    x = data.draw(arrays(shape_x))
    low = data.draw(arrays(shape_low, low=-1.0, high=0.0))
    high = low + 1.0
    x = np.where(np.abs(x - low) < 0.1, x + 0.3, x)
    x = np.where(np.abs(x - high) < 0.1, x + 0.3, x)
    out = tl.clamp(tl.Tensor(x), tl.Tensor(low), tl.Tensor(high))
    np.testing.assert_array_equal(out.numpy(), np.minimum(np.maximum(x, low), high))
    assert tl.gradcheck(lambda a, lo, hi: a.clamp(min=lo, max=hi), [leaf(x), leaf(low), leaf(high)])


def test_clamp_bounds_get_the_gradient_where_they_are_the_result() -> None:
    x = tl.tensor([-2.0, 0.5, 3.0], requires_grad=True)
    low = tl.tensor([0.0, 0.0, 0.0], requires_grad=True)
    tl.clamp_max(x.clamp_min(low), 1.0).sum().backward()
    assert x.grad.tolist() == [0.0, 1.0, 0.0]
    assert low.grad.tolist() == [1.0, 0.0, 0.0]
    assert tl.clamp(tl.tensor([1, 5]), min=2.5).dtype == tl.float32


def test_pow_exponent_gradient_at_base_zero_is_zero() -> None:
    base = tl.tensor([0.0, 0.0, 2.0], dtype=tl.float64, requires_grad=True)
    exponent = tl.tensor([2.0, 0.0, 3.0], dtype=tl.float64, requires_grad=True)
    (base**exponent).sum().backward()
    assert exponent.grad.tolist() == [0.0, 0.0, 8.0 * math.log(2.0)]
    assert base.grad.tolist() == [0.0, 0.0, 12.0]


def test_div_rounding_modes() -> None:
    a, b = tl.tensor([7, -7, 7, -7]), tl.tensor([2, 2, -2, -2])
    assert tl.div(a, b, rounding_mode="trunc").tolist() == [3, -3, -3, 3]
    assert a.div(b, rounding_mode="floor").tolist() == [3, -4, -4, 3]
    assert tl.floor_divide(a, b).dtype == tl.int64
    assert (a / b).dtype == tl.float32 and (a / b).tolist() == [3.5, -3.5, -3.5, 3.5]
    x = tl.tensor([7.5, -7.5], dtype=tl.float64, requires_grad=True)
    out = x.div(2.0, rounding_mode="floor")
    assert out.tolist() == [3.0, -4.0]
    out.sum().backward()
    assert x.grad.tolist() == [0.0, 0.0]  # a step function: zero gradient, as PyTorch's
    with pytest.raises(ValueError, match="rounding_mode"):
        a.div(b, rounding_mode="round")
    with pytest.raises(ZeroDivisionError):
        tl.div(a, 0, rounding_mode="floor")


def test_promotion_of_scalars_and_integers() -> None:
    ints = tl.tensor([1, 2, 3])
    assert tl.add(ints, 2).dtype == tl.int64
    assert tl.add(ints, 0.5).dtype == tl.float32
    assert tl.pow(2, ints).tolist() == [2, 4, 8] and tl.pow(2, ints).dtype == tl.int64
    assert tl.atan2(ints, ints).dtype == tl.float32
    assert tl.float_power(ints, 2).dtype == tl.float64
    assert tl.ldexp(tl.tensor([1.0, 3.0]), tl.tensor([2, -1])).tolist() == [4.0, 1.5]


def test_integer_and_logical_ops() -> None:
    a, b = tl.tensor([12, -18, 7]), tl.tensor([8, 12, 0])
    assert tl.gcd(a, b).tolist() == [4, 6, 7]
    assert tl.lcm(a, b).tolist() == [24, 36, 0]
    assert tl.bitwise_and(a, b).tolist() == [8, 12, 0]
    assert (a | b).tolist() == [12, -18, 7]
    assert tl.bitwise_xor(a, 1).tolist() == [13, -17, 6]
    shifts = tl.tensor([1, 64, -1])
    assert tl.bitwise_left_shift(a, shifts).tolist() == [24, 0, 0]
    assert tl.bitwise_right_shift(a, shifts).tolist() == [6, -1, 0]
    x, y = tl.tensor([0.0, 1.0, 2.0]), tl.tensor([3.0, 0.0, 0.5])
    assert tl.logical_and(x, y).tolist() == [False, False, True]
    assert tl.logical_or(x, y).tolist() == [True, True, True]
    assert tl.logical_xor(x, y).tolist() == [True, True, False]
    with pytest.raises(DTypeError, match="gcd"):
        tl.gcd(x, y)


def test_comparisons_and_closeness() -> None:
    a, b = tl.tensor([1.0, 2.0, 3.0]), tl.tensor([2.0, 2.0, 2.0])
    assert tl.lt(a, b).tolist() == [True, False, False]
    assert tl.ge(a, 2).tolist() == [False, True, True]
    assert tl.ne(a, b).tolist() == [True, False, True]
    assert tl.isclose(a, a + 1e-9).all().item()
    nan = tl.tensor([math.nan, 1.0])
    assert tl.isclose(nan, nan).tolist() == [False, True]
    assert nan.isclose(nan, equal_nan=True).tolist() == [True, True]
    assert tl.allclose(a, a + 1e-7) and not a.allclose(b)
    assert tl.equal(a, tl.tensor([1.0, 2.0, 3.0])) and not a.equal(a[:2])
    assert tl.heaviside(tl.tensor([-1.0, 0.0, 2.0]), tl.tensor(0.5)).tolist() == [0.0, 0.5, 1.0]
    assert tl.nextafter(tl.tensor([1.0], dtype=tl.float64), tl.tensor([2.0], dtype=tl.float64)).item() == np.nextafter(
        1.0, 2.0
    )


def test_igamma_known_values_and_gradient() -> None:
    x = np.array([0.1, 0.7, 1.5, 4.0, 12.0])
    p = tl.igamma(tl.tensor(np.ones(5)), tl.tensor(x)).numpy()
    np.testing.assert_allclose(p, 1 - np.exp(-x), rtol=1e-12)  # P(1, x) = 1 - e^-x
    erf = np.vectorize(math.erf)
    q = tl.igammac(tl.tensor(np.full(5, 0.5)), tl.tensor(x)).numpy()
    np.testing.assert_allclose(q, 1 - erf(np.sqrt(x)), rtol=1e-10)  # Q(1/2, x) = erfc(sqrt x)
    assert tl.igamma(tl.tensor([2.0, 1.0]), tl.tensor([0.0, math.inf])).tolist() == [0.0, 1.0]
    assert tl.gradcheck(lambda t: tl.igammac(tl.tensor(np.full(5, 2.5)), t), [leaf(x)])


def test_errors_are_clear() -> None:
    with pytest.raises(ShapeError, match="broadcast"):
        tl.atan2(tl.ones(2), tl.ones(3))
    with pytest.raises(DTypeError, match="bool"):
        tl.sub(tl.tensor([True]), tl.tensor([False]))
    with pytest.raises(TypeError, match="out="):
        tl.add(tl.ones(2), 1, out=tl.ones(2))
    with pytest.raises(DTypeError, match="same dtype"):
        tl.isclose(tl.ones(2), tl.tensor([1, 1]))
