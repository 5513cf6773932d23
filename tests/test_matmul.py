"""Matrix multiply: 1-D, 2-D and batched operands with broadcast batch dims."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinygrad_lenet as tl
from strategies import arrays, leaf


@st.composite
def matmul_shapes(draw: st.DrawFn):
    n, k, m = draw(st.integers(1, 3)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    kind_a = draw(st.sampled_from(["vector", "matrix", "batch"]))
    kind_b = draw(st.sampled_from(["vector", "matrix", "batch"]))
    batch = tuple(draw(st.lists(st.integers(1, 2), min_size=1, max_size=2)))
    batch_b = tuple(draw(st.sampled_from([s, 1])) for s in batch)
    shape_a = {"vector": (k,), "matrix": (n, k), "batch": batch + (n, k)}[kind_a]
    shape_b = {"vector": (k,), "matrix": (k, m), "batch": batch_b[-draw(st.integers(1, len(batch_b))):] + (k, m)}[kind_b]
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
