"""The Tensor itself: construction, dtypes, attributes, conversion, factories, seeding."""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad_lenet as tl


def test_python_floats_become_float32_and_ints_int64() -> None:
    assert tl.Tensor(1.5).dtype == tl.float32
    assert tl.Tensor([[1.0, 2.0]]).dtype == tl.float32
    assert tl.Tensor([1, 2]).dtype == tl.int64
    assert tl.Tensor([True, False]).dtype == tl.bool_
    assert tl.Tensor([1, 2], dtype="float64").dtype == tl.float64


def test_numpy_arrays_keep_their_dtype_and_share_memory() -> None:
    a = np.arange(3.0)
    t = tl.Tensor(a)
    assert t.dtype == tl.float64 and t.numpy() is a
    assert tl.Tensor(a, dtype=tl.float32).dtype == tl.float32
    assert tl.Tensor(np.float64(2.0)).dtype == tl.float64
    assert tl.Tensor(t).numpy() is a
    copy = tl.tensor(a)
    copy.data[0] = 9
    assert a[0] == 0


def test_bad_data_and_dtypes_are_reported() -> None:
    with pytest.raises(tl.DTypeError, match="numbers or booleans"):
        tl.Tensor(["a", "b"])
    with pytest.raises(ValueError, match="rectangular"):
        tl.Tensor([[1.0], [1.0, 2.0]])
    with pytest.raises(tl.DTypeError, match="not a dtype"):
        tl.Tensor([1.0], dtype="floaty")
    with pytest.raises(tl.DTypeError, match="numbers or booleans, not"):
        tl.Tensor([1.0], dtype="complex64")


def test_only_float_tensors_can_require_grad() -> None:
    with pytest.raises(tl.DTypeError, match="only floating-point tensors can require grad, this one is int64"):
        tl.Tensor([1, 2], requires_grad=True)
    with pytest.raises(tl.DTypeError):
        tl.tensor([1, 2]).requires_grad_()
    x = tl.tensor([1.0]).requires_grad_()
    assert x.requires_grad
    y = x * 2
    with pytest.raises(tl.GradError, match="non-leaf"):
        y.requires_grad_(False)


def test_attributes_with_pytorch_names() -> None:
    x = tl.zeros(2, 3, requires_grad=True)
    assert x.shape == (2, 3) and x.ndim == 2 and x.dim() == 2 and x.numel() == 6
    assert x.size() == (2, 3) and x.size(1) == 3 and len(x) == 2 and x.device == "cpu"
    assert x.is_leaf and x.grad is None and x.grad_fn is None
    assert isinstance(x.numpy(), np.ndarray) and np.asarray(x).shape == (2, 3)
    with pytest.raises(TypeError, match="0-d"):
        len(tl.tensor(1.0))


def test_item_tolist_and_python_conversions() -> None:
    assert tl.tensor([[2.5]]).item() == 2.5
    assert float(tl.tensor(2.5)) == 2.5 and int(tl.tensor(3)) == 3
    assert tl.tensor([[1, 2]]).tolist() == [[1, 2]]
    with pytest.raises(ValueError, match=r"one element, got shape \(2,\)"):
        tl.tensor([1.0, 2.0]).item()
    with pytest.raises(ValueError, match="ambiguous"):
        bool(tl.tensor([1.0, 2.0]))
    assert bool(tl.tensor([1.0]))


def test_detach_shares_data_without_history() -> None:
    x = tl.tensor([1.0], requires_grad=True)
    d = (x * 2).detach()
    assert not d.requires_grad and d.grad_fn is None and d.is_leaf


def test_dtype_conversions() -> None:
    x = tl.tensor([1.5, 2.5])
    assert x.double().dtype == tl.float64 and x.double().float().dtype == tl.float32
    assert x.long().tolist() == [1, 2] and x.astype("int32").dtype == tl.int32
    assert x.to(tl.float64).dtype == tl.float64 and x.to("cpu") is x and x.float() is x
    assert not tl.tensor([1.5], requires_grad=True).long().requires_grad


def test_repr() -> None:
    assert repr(tl.tensor([1.0, 2.0])) == "tensor([1., 2.])"
    assert repr(tl.tensor([1.0], requires_grad=True)) == "tensor([1.], requires_grad=True)"
    assert repr(tl.tensor([1.0], dtype=tl.float64)) == "tensor([1.], dtype=float64)"


def test_factories() -> None:
    assert tl.zeros(2, 3).tolist() == [[0.0] * 3] * 2 and tl.zeros((2, 3)).dtype == tl.float32
    assert tl.ones([2]).tolist() == [1.0, 1.0]
    assert tl.full((2,), 7.0).tolist() == [7.0, 7.0]
    assert tl.arange(3).tolist() == [0, 1, 2] and tl.arange(3).dtype == tl.int64
    assert tl.arange(0.0, 1.0, 0.5).tolist() == [0.0, 0.5] and tl.arange(0.0, 1.0, 0.5).dtype == tl.float32
    assert tl.eye(2).tolist() == [[1.0, 0.0], [0.0, 1.0]]
    x = tl.tensor([[1, 2]], dtype=tl.float64)
    for like, value in ((tl.zeros_like(x), 0.0), (tl.ones_like(x), 1.0), (tl.full_like(x, 3.0), 3.0)):
        assert like.shape == (1, 2) and like.dtype == tl.float64 and (like.numpy() == value).all()
    assert tl.rand_like(x).dtype == tl.float64 and tl.randn_like(x, dtype=tl.float32).dtype == tl.float32
    assert tl.zeros(2, requires_grad=True).requires_grad
    with pytest.raises(TypeError, match="sizes must be ints"):
        tl.zeros(2.5)


def test_manual_seed_makes_random_draws_bit_identical() -> None:
    tl.manual_seed(42)
    a = (tl.rand(3, 4).numpy(), tl.randn(5).numpy())
    tl.manual_seed(42)
    b = (tl.rand(3, 4).numpy(), tl.randn(5).numpy())
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    assert 0 <= a[0].min() and a[0].max() < 1
    tl.manual_seed(43)
    assert not np.array_equal(tl.rand(3, 4).numpy(), a[0])
    with pytest.raises(ValueError, match="non-negative integer"):
        tl.manual_seed(-1)
