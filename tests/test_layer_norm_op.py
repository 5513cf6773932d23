"""The layer-norm op (ops/layer_norm.py) and the LayerNorm / RMSNorm modules: values against numpy,
gradient checks over generated shapes, layouts and affine choices, and errors at the boundary."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import arrays, leaf, nonempty_shapes

import tinygrad_lenet as tl
from tinygrad_lenet import nn

F = tl.nn.functional


@settings(max_examples=20, deadline=None)
@given(data=st.data(), shape=nonempty_shapes, affine=st.sampled_from(["none", "weight", "both"]))
def test_layer_norm_values_and_gradients(data: st.DataObject, shape: tuple[int, ...], affine: str) -> None:
    ndim = data.draw(st.integers(1, len(shape)))
    sizes = shape[len(shape) - ndim :]
    x = data.draw(arrays(shape))
    w = data.draw(arrays(sizes, 0.5, 1.5)) if affine != "none" else None
    b = data.draw(arrays(sizes)) if affine == "both" else None
    axes = tuple(range(len(shape) - ndim, len(shape)))
    expected = (x - x.mean(axes, keepdims=True)) / np.sqrt(x.var(axes, keepdims=True) + 1e-5)
    expected = expected * (1.0 if w is None else w) + (0.0 if b is None else b)
    params = [leaf(p) for p in (w, b) if p is not None]

    def norm(a: tl.Tensor, *p: tl.Tensor) -> tl.Tensor:
        weight = p[0] if w is not None else None
        bias = p[-1] if b is not None else None
        return F.layer_norm(a, sizes, weight, bias)

    np.testing.assert_allclose(norm(tl.Tensor(x), *params).numpy(), expected, rtol=1e-10, atol=1e-12)
    assert tl.gradcheck(norm, [leaf(x), *params])


def test_layer_norm_is_one_node_and_skips_gradients_not_needed() -> None:
    x = tl.randn(3, 4, dtype=tl.float64, requires_grad=True)
    w, b = tl.ones(4, dtype=tl.float64), tl.zeros(4, dtype=tl.float64, requires_grad=True)
    out = F.layer_norm(x, 4, w, b)
    assert out.grad_fn is not None and out.grad_fn.name == "LayerNorm"
    assert [p is x for p in out.grad_fn.parents] == [True, False, False]  # x, w, b straight in: one node
    out.sum().backward()
    assert w.grad is None and b.grad is not None and np.allclose(b.grad.numpy(), 3.0)


def test_layer_norm_errors_name_the_shapes() -> None:
    x = tl.randn(2, 3)
    with pytest.raises(tl.ShapeError, match=r"normalized_shape \(4,\) must be the last dims"):
        F.layer_norm(x, 4)
    with pytest.raises(tl.ShapeError, match=r"weight must have the normalized shape \(3,\)"):
        F.layer_norm(x, 3, tl.ones(1))
    with pytest.raises(ValueError, match="normalized_shape must be an int"):
        nn.LayerNorm([])


def test_modules_match_pytorch_names_shapes_and_repr() -> None:
    ln = nn.LayerNorm([2, 3], eps=1e-3, bias=False)
    assert list(ln.state_dict()) == ["weight"] and ln.weight.shape == (2, 3)
    assert repr(ln) == "LayerNorm((2, 3), eps=0.001, elementwise_affine=True, bias=False)"
    assert list(nn.LayerNorm(4, elementwise_affine=False).state_dict()) == []
    rms = nn.RMSNorm(5)
    assert repr(rms) == "RMSNorm((5,), eps=None, elementwise_affine=True)" and list(rms.state_dict()) == ["weight"]
    assert nn.LayerNorm(4, dtype=tl.float64).weight.dtype == tl.float64
    x = tl.randn(2, 5, dtype=tl.float64, requires_grad=True)
    assert tl.gradcheck(nn.RMSNorm(5, eps=1e-6).double(), [x])
