"""Pointwise math (tensor/pointwise.py, ops/pointwise.py, ops/special.py): forward values against numpy, the
``math`` module and known values of the special functions, gradcheck over generated shapes and layouts, dtypes
as PyTorch's, in-place methods, and clear errors on bad input."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import arrays, away_from_zero, broadcast_pairs, leaf, shapes

import tinygrad_lenet as tl
from tinygrad_lenet.base.errors import DTypeError, GradError


def _vectorized(fn: Callable[[float], float]) -> np.vectorize:
    """A ``math`` function applied to each element: a numpy reference."""
    return np.vectorize(fn, otypes=[np.float64])


def _unit_open(v: np.ndarray) -> np.ndarray:
    """[-2, 2) -> (-0.9, 0.9): inside the domain of asin, acos, atanh and erfinv, away from the poles."""
    return v * 0.45


def _off_integers(v: np.ndarray) -> np.ndarray:
    """Values at least 0.1 away from every integer (off the jumps of frac and the poles of gamma)."""
    whole = np.floor(v)
    return whole + 0.1 + (v - whole) * 0.8


def _gamma_domain(v: np.ndarray) -> np.ndarray:
    """Positive values in [0.3, 2.3) and negative ones in (-2.9, -2.1): both sides of the poles."""
    return np.where(v >= 0, v + 0.3, -2.5 + v * 0.2)


SMOOTH = {
    # name: (tensor function, reference on float64 arrays, transform keeping inputs in the domain)
    "sin": (tl.sin, np.sin, None),
    "cos": (tl.cos, np.cos, None),
    "tan": (tl.tan, np.tan, lambda v: v * 0.6),
    "asin": (tl.asin, np.arcsin, _unit_open),
    "acos": (tl.acos, np.arccos, _unit_open),
    "atan": (tl.atan, np.arctan, None),
    "sinh": (tl.sinh, np.sinh, None),
    "cosh": (tl.cosh, np.cosh, None),
    "asinh": (tl.asinh, np.arcsinh, None),
    "acosh": (tl.acosh, np.arccosh, lambda v: np.abs(v) + 1.2),
    "atanh": (tl.atanh, np.arctanh, _unit_open),
    "exp2": (tl.exp2, np.exp2, None),
    "expm1": (tl.expm1, np.expm1, None),
    "log1p": (tl.log1p, np.log1p, lambda v: np.abs(v) - 0.5),
    "log2": (tl.log2, np.log2, lambda v: np.abs(v) + 0.5),
    "log10": (tl.log10, np.log10, lambda v: np.abs(v) + 0.5),
    "reciprocal": (tl.reciprocal, lambda v: 1 / v, lambda v: away_from_zero(v, 0.5)),
    "rsqrt": (tl.rsqrt, lambda v: 1 / np.sqrt(v), lambda v: np.abs(v) + 0.5),
    "sinc": (tl.sinc, np.sinc, None),
    "square": (tl.square, np.square, None),
    "deg2rad": (tl.deg2rad, np.deg2rad, None),
    "rad2deg": (tl.rad2deg, np.rad2deg, None),
    "logit": (tl.logit, lambda v: np.log(v / (1 - v)), lambda v: v * 0.22 + 0.5),
    "logit_eps": (
        lambda x: tl.logit(x, 0.2),
        lambda v: np.log(np.clip(v, 0.2, 0.8) / (1 - np.clip(v, 0.2, 0.8))),
        lambda v: np.where(np.abs(np.abs(v * 0.24) - 0.3) < 0.03, v * 0.2, v * 0.24) + 0.5,
    ),
    "frac": (tl.frac, lambda v: v - np.trunc(v), lambda v: _off_integers(v * 2)),
    "erf": (tl.erf, _vectorized(math.erf), None),
    "erfc": (tl.erfc, _vectorized(math.erfc), None),
    "lgamma": (tl.lgamma, _vectorized(math.lgamma), _gamma_domain),
    "mvlgamma_3": (lambda x: tl.mvlgamma(x, 3), None, lambda v: np.abs(v) + 1.2),
    "digamma": (tl.digamma, None, _gamma_domain),
    "polygamma_1": (lambda x: tl.polygamma(1, x), None, _gamma_domain),
    "polygamma_3": (lambda x: tl.polygamma(3, x), None, _gamma_domain),
    "erfinv": (tl.erfinv, None, _unit_open),
    "i0": (tl.i0, np.i0, lambda v: v * 4),
    "nan_to_num": (tl.nan_to_num, np.nan_to_num, None),
}


@pytest.mark.parametrize("name", sorted(SMOOTH))
@settings(max_examples=6)
@given(data=st.data(), shape=shapes)
def test_smooth_forward_and_gradient(name: str, data: st.DataObject, shape: tuple[int, ...]) -> None:
    fn, reference, transform = SMOOTH[name]
    x = data.draw(arrays(shape, transform=transform))
    out = fn(tl.Tensor(x))
    assert out.shape == x.shape and out.dtype == np.float64
    if reference is not None:
        np.testing.assert_allclose(out.numpy(), reference(x), rtol=1e-10, atol=1e-12)
    assert tl.gradcheck(fn, [leaf(x)])


@settings(max_examples=10)
@given(data=st.data(), pair=broadcast_pairs)
def test_a_composition_with_broadcasting_sums_the_gradient_back(data: st.DataObject, pair: Any) -> None:
    shape_a, shape_b = pair.input_shapes
    a, b = data.draw(arrays(shape_a)), data.draw(arrays(shape_b))
    assert tl.gradcheck(lambda u, w: (u.sin() * w.atan()).erf() + u.cosh().log1p(), [leaf(a), leaf(b)])


# --- the special functions against known values and identities ---------------------------------------------
EULER = 0.5772156649015329


def test_digamma_and_polygamma_known_values() -> None:
    x = tl.tensor([1.0, 0.5, 2.0], dtype=tl.float64)
    np.testing.assert_allclose(x.digamma().numpy(), [-EULER, -EULER - 2 * math.log(2), 1 - EULER], rtol=1e-13)
    np.testing.assert_allclose(x.polygamma(1).numpy(), [math.pi**2 / 6, math.pi**2 / 2, math.pi**2 / 6 - 1])
    zeta3 = 1.2020569031595942
    np.testing.assert_allclose(tl.polygamma(2, x[:1]).numpy(), [-2 * zeta3], rtol=1e-12)


@pytest.mark.parametrize("n", [0, 1, 2, 4])
@settings(max_examples=5)
@given(data=st.data())
def test_polygamma_satisfies_its_recurrence_on_both_sides_of_zero(n: int, data: st.DataObject) -> None:
    x = data.draw(arrays((6,), low=-6, high=6, transform=_off_integers))
    left = tl.polygamma(n, tl.Tensor(x + 1)) - tl.polygamma(n, tl.Tensor(x))
    np.testing.assert_allclose(left.numpy(), (-1) ** n * math.factorial(n) / x ** (n + 1), rtol=1e-9, atol=1e-9)


def test_special_values_at_poles_and_ends() -> None:
    inf, nan = math.inf, math.nan
    poles = tl.tensor([0.0, -0.0, -1.0, -3.0], dtype=tl.float64)
    np.testing.assert_array_equal(poles.digamma().numpy(), [-inf, inf, nan, nan])
    np.testing.assert_array_equal(poles.lgamma().numpy(), [inf, inf, inf, inf])
    np.testing.assert_array_equal(poles[:2].polygamma(1).numpy(), [inf, inf])
    ends = tl.tensor([1.0, -1.0, 1.5, 0.0], dtype=tl.float64)
    np.testing.assert_array_equal(ends.erfinv().numpy(), [inf, -inf, nan, 0.0])
    assert tl.sinc(tl.tensor([0.0])).item() == 1.0


@settings(max_examples=10)
@given(data=st.data())
def test_erfinv_inverts_erf_also_near_the_ends(data: st.DataObject) -> None:
    y = data.draw(arrays((8,), low=-1, high=1))
    y = np.concatenate([y, [1 - 1e-12, -(1 - 1e-9), 1e-300]])
    x = tl.Tensor(y).erfinv().numpy()
    np.testing.assert_allclose(_vectorized(math.erf)(x), y, rtol=1e-13, atol=1e-16)


# --- piecewise-constant functions: values of numpy, gradient 0 -----------------------------------------------
STEPS = {
    "floor": (tl.floor, np.floor),
    "ceil": (tl.ceil, np.ceil),
    "trunc": (tl.trunc, np.trunc),
    "fix": (tl.fix, np.trunc),
    "round": (tl.round, np.round),
    "round_decimals_2": (lambda x: tl.round(x, decimals=2), lambda v: np.round(v, 2)),
    "round_decimals_-1": (lambda x: x.round(decimals=-1), lambda v: np.round(v, -1)),
    "sign": (tl.sign, np.sign),
    "sgn": (tl.sgn, np.sign),
    "angle": (tl.angle, lambda v: np.where(v < 0, math.pi, 0.0)),
}


@pytest.mark.parametrize("name", sorted(STEPS))
@settings(max_examples=5)
@given(data=st.data(), shape=shapes)
def test_piecewise_constant_values_and_zero_gradient(name: str, data: st.DataObject, shape: tuple[int, ...]) -> None:
    fn, reference = STEPS[name]
    x = data.draw(arrays(shape, low=-30, high=30))
    t = leaf(x)
    out = fn(t)
    np.testing.assert_array_equal(out.numpy(), reference(x))
    (out * 3.0).sum().backward()
    assert t.grad is not None and not t.grad.numpy().any()


def test_rounding_is_half_to_even_and_sign_and_angle_treat_nan_and_negative_zero_as_pytorch() -> None:
    np.testing.assert_array_equal(tl.tensor([0.5, 1.5, 2.5, -0.5]).round().numpy(), [0.0, 2.0, 2.0, -0.0])
    special = tl.tensor([math.nan, -0.0, -math.inf, 2.0], dtype=tl.float64)
    np.testing.assert_array_equal(special.sign().numpy(), [0.0, 0.0, -1.0, 1.0])
    np.testing.assert_array_equal(special.angle().numpy(), [math.nan, 0.0, math.pi, 0.0])


# --- nan_to_num, frexp, identities ----------------------------------------------------------------------
def test_nan_to_num_replaces_and_passes_no_gradient_to_what_it_replaced() -> None:
    x = tl.tensor([math.nan, math.inf, -math.inf, 1.5], requires_grad=True)
    out = x.nan_to_num(nan=1.0, posinf=2.0)
    np.testing.assert_array_equal(out.numpy(), [1.0, 2.0, np.finfo(np.float32).min, 1.5])
    out.sum().backward()
    assert x.grad is not None
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 0.0, 0.0, 1.0])


@settings(max_examples=10)
@given(data=st.data(), shape=shapes)
def test_frexp_splits_into_mantissa_and_exponent(data: st.DataObject, shape: tuple[int, ...]) -> None:
    x = data.draw(arrays(shape, low=-1000, high=1000))
    mantissa, exponent = tl.frexp(tl.Tensor(x))
    assert exponent.dtype == np.int32 and mantissa.dtype == np.float64
    np.testing.assert_array_equal(mantissa.numpy() * 2.0 ** exponent.numpy(), x)
    assert ((np.abs(mantissa.numpy()) >= 0.5) & (np.abs(mantissa.numpy()) < 1)).all()
    assert tl.gradcheck(lambda t: t.frexp().mantissa, [leaf(x)])


def test_the_complex_parts_of_a_real_tensor_are_the_tensor_itself() -> None:
    x = tl.tensor([1.0, -2.0])
    for fn in (tl.conj, tl.conj_physical, tl.resolve_conj, tl.resolve_neg, tl.real, tl.positive):
        assert fn(x) is x
    assert x.real is x and not x.is_conj() and not x.is_neg()
    np.testing.assert_array_equal(tl.isreal(x).numpy(), [True, True])
    np.testing.assert_array_equal(tl.neg(x).numpy(), [-1.0, 2.0])


# --- tests of floating-point classes and logical/bitwise not: booleans outside the graph --------------------
TESTS = {
    "isnan": np.isnan,
    "isinf": np.isinf,
    "isposinf": np.isposinf,
    "isneginf": np.isneginf,
    "isfinite": np.isfinite,
    "signbit": np.signbit,
    "logical_not": np.logical_not,
}


@pytest.mark.parametrize("name", sorted(TESTS))
def test_tests_of_values_give_booleans(name: str) -> None:
    values = np.array([math.nan, math.inf, -math.inf, -0.0, 0.0, -2.5, 3.0])
    x = tl.Tensor(values, requires_grad=True)
    for out in (getattr(tl, name)(x), getattr(x, name)()):
        assert out.dtype == np.bool_ and not out.requires_grad
        np.testing.assert_array_equal(out.numpy(), TESTS[name](values))


def test_bitwise_not_of_integers_and_booleans() -> None:
    np.testing.assert_array_equal(tl.bitwise_not(tl.tensor([0, 5, -3])).numpy(), [-1, -6, 2])
    np.testing.assert_array_equal(tl.tensor([True, False]).bitwise_not().numpy(), [False, True])
    np.testing.assert_array_equal((~tl.tensor([True, False])).numpy(), [False, True])  # ~mask, as PyTorch's
    np.testing.assert_array_equal((~tl.tensor([0, 5])).numpy(), [-1, -6])
    with pytest.raises(DTypeError, match="integer or bool"):
        ~tl.tensor([1.0])


# --- dtypes as PyTorch's ----------------------------------------------------------------------------------
def test_integer_input_is_made_float32_by_real_functions_and_kept_by_rounding() -> None:
    ints = tl.tensor([1, 2, 3])
    for fn in (tl.sin, tl.erf, tl.lgamma, tl.deg2rad, tl.angle, tl.reciprocal, tl.exp, tl.sqrt, tl.sigmoid):
        assert fn(ints).dtype == np.float32
    for fn in (tl.floor, tl.round, tl.sign, tl.nan_to_num, tl.square, tl.neg):
        assert fn(ints).dtype == np.int64
    assert tl.square(tl.tensor([True, False])).dtype == np.int64
    assert tl.sin(tl.tensor([1.0], dtype=tl.float32)).dtype == np.float32
    assert tl.lgamma(tl.tensor([3.5], dtype=tl.float32)).dtype == np.float32


# --- in place ---------------------------------------------------------------------------------------------
def test_in_place_methods_write_into_the_tensor() -> None:
    x = tl.tensor([0.5, -1.5, 2.5])
    view = x.numpy()
    assert x.sin_() is x
    np.testing.assert_allclose(view, np.sin([0.5, -1.5, 2.5]), rtol=1e-6)
    y = tl.tensor([0.5, 1.5])
    y.polygamma_(1)
    np.testing.assert_allclose(y.numpy(), tl.polygamma(1, tl.tensor([0.5, 1.5])).numpy())
    assert tl.tensor([1.4, -2.6]).round_().tolist() == [1.0, -3.0]


def test_in_place_keeps_the_rules_of_in_place_changes() -> None:
    with pytest.raises(GradError, match="leaf"):
        tl.tensor([1.0], requires_grad=True).exp_()
    with pytest.raises(DTypeError, match="float32"):
        tl.tensor([1, 2]).sqrt_()


# --- errors at the boundary ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: tl.bitwise_not(tl.tensor([1.0])), DTypeError, "integer or bool"),
        (lambda: tl.frexp(tl.tensor([1, 2])), DTypeError, "floating-point"),
        (lambda: tl.frac(tl.tensor([1, 2])), DTypeError, "floating-point"),
        (lambda: tl.floor(tl.tensor([True])), DTypeError, "bool"),
        (lambda: tl.positive(tl.tensor([True])), DTypeError, "bool"),
        (lambda: tl.neg(tl.tensor([True])), DTypeError, "logical_not"),
        (lambda: tl.abs(tl.tensor([True])), DTypeError, "bool"),
        (lambda: tl.polygamma(-1, tl.tensor([1.0])), ValueError, "non-negative"),
        (lambda: tl.mvlgamma(tl.tensor([1.0]), 0), ValueError, ">= 1"),
        (lambda: tl.mvlgamma(tl.tensor([0.7]), 3), ValueError, r"\(p-1\)/2"),
        (lambda: tl.sin(tl.tensor([1.0]), out=tl.tensor([0.0])), TypeError, "out="),
        (lambda: tl.polygamma(1, tl.tensor([1.0]), out=tl.tensor([0.0])), TypeError, "out="),
    ],
)
def test_bad_input_is_refused_clearly(call: Callable[[], object], error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        call()
