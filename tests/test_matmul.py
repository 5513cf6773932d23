"""Matrix multiply: 1-D, 2-D and batched operands with broadcast batch dims."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import arrays, leaf

import tinygrad_lenet as tl


@st.composite
def matmul_shapes(draw: st.DrawFn):
    n, k, m = draw(st.integers(1, 3)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    kind_a = draw(st.sampled_from(["vector", "matrix", "batch"]))
    kind_b = draw(st.sampled_from(["vector", "matrix", "batch"]))
    batch = tuple(draw(st.lists(st.integers(1, 2), min_size=1, max_size=2)))
    batch_b = tuple(draw(st.sampled_from([s, 1])) for s in batch)
    shape_a = {"vector": (k,), "matrix": (n, k), "batch": batch + (n, k)}[kind_a]
    shape_b = {"vector": (k,), "matrix": (k, m), "batch": batch_b[-draw(st.integers(1, len(batch_b))) :] + (k, m)}[
        kind_b
    ]
    return shape_a, shape_b


@given(data=st.data(), pair=matmul_shapes())
def test_matmul_forward_and_gradient(data: st.DataObject, pair) -> None:
    a, b = data.draw(arrays(pair[0])), data.draw(arrays(pair[1]))
    out = tl.Tensor(a) @ tl.Tensor(b)
    np.testing.assert_allclose(out.numpy(), a @ b, rtol=1e-12, atol=1e-12)
    assert tl.gradcheck(lambda x, y: x @ y, [leaf(a), leaf(b)])
    assert tl.gradcheck(lambda x, y: x.matmul(y), [leaf(a), tl.Tensor(b)])


def test_matmul_with_numpy_operands_and_reflected() -> None:
    w = tl.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    out = np.array([1.0, 1.0], dtype=np.float32) @ w
    assert isinstance(out, tl.Tensor) and out.tolist() == [4.0, 6.0]


def test_matmul_shape_errors_name_both_shapes() -> None:
    with pytest.raises(tl.ShapeError, match=r"cannot multiply \(64, 400\) by \(120, 84\)"):
        tl.zeros(64, 400) @ tl.zeros(120, 84)
    with pytest.raises(tl.ShapeError, match="at least 1 dimension"):
        tl.tensor(1.0) @ tl.zeros(3)
    with pytest.raises(tl.ShapeError, match="batch dimensions"):
        tl.zeros(2, 3, 4) @ tl.zeros(3, 4, 5)


@given(
    data=st.data(),
    lead=st.lists(st.integers(1, 3), max_size=2),
    sizes=st.tuples(st.integers(1, 3), st.integers(1, 3)),
    with_bias=st.booleans(),
)
def test_linear_op_forward_and_gradient(
    data: st.DataObject, lead: list[int], sizes: tuple[int, int], with_bias: bool
) -> None:
    """F.linear is one op (x W^T + b); checked on 1-D, 2-D and batched inputs in every layout."""
    n_in, n_out = sizes
    x, w, b = data.draw(arrays((*lead, n_in))), data.draw(arrays((n_out, n_in))), data.draw(arrays((n_out,)))
    operands = [leaf(x), leaf(w)] + ([leaf(b)] if with_bias else [])
    out = tl.nn.functional.linear(*operands)
    assert out.grad_fn.name == "Linear"
    np.testing.assert_allclose(out.numpy(), x @ w.T + (b if with_bias else 0), rtol=1e-12, atol=1e-12)
    assert tl.gradcheck(tl.nn.functional.linear, operands)


def test_linear_weight_gradient_is_laid_out_as_the_weight() -> None:
    """The optimizer reads W.grad many times per step: it must not be a transposed view."""
    layer = tl.nn.Linear(50, 20)
    layer(tl.randn(8, 50)).sum().backward()
    assert layer.weight.grad.is_contiguous()


def test_linear_shape_errors_name_the_shapes() -> None:
    with pytest.raises(tl.ShapeError, match=r"input of shape \(64, 400\) does not end in in_features=84"):
        tl.nn.functional.linear(tl.zeros(64, 400), tl.zeros(120, 84))
    with pytest.raises(tl.ShapeError, match=r"bias must have shape \(120,\)"):
        tl.nn.functional.linear(tl.zeros(64, 84), tl.zeros(120, 84), tl.zeros(84))
    with pytest.raises(tl.ShapeError, match="expected weight of shape"):
        tl.nn.functional.linear(tl.zeros(64, 84), tl.zeros(84))
