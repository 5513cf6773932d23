"""conv2d, max_pool2d and avg_pool2d: hand-computed values, loop references, gradcheck, errors."""

from __future__ import annotations

from unittest.mock import patch

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import arrays, distinct, leaf

import tinygrad_lenet as tl
import tinygrad_lenet.nn.functional as F
from tinygrad_lenet.ops import conv as conv_ops


def conv2d_loops(x: np.ndarray, w: np.ndarray, b: np.ndarray | None, stride: int, padding: int) -> np.ndarray:
    """The definition of conv2d, one output element at a time (slow, obviously right)."""
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    n, _, h, wd = xp.shape
    o, _, kh, kw = w.shape
    oh, ow = (h - kh) // stride + 1, (wd - kw) // stride + 1
    out = np.zeros((n, o, oh, ow))
    for i in range(oh):
        for j in range(ow):
            patch = xp[:, :, i * stride : i * stride + kh, j * stride : j * stride + kw]
            out[:, :, i, j] = np.einsum("nchw,ochw->no", patch, w)
    return out if b is None else out + b[None, :, None, None]


def pool_loops(x: np.ndarray, k: int, stride: int, padding: int, reduce, fill: float) -> np.ndarray:
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)), constant_values=fill)
    oh, ow = (xp.shape[2] - k) // stride + 1, (xp.shape[3] - k) // stride + 1
    out = np.zeros(x.shape[:2] + (oh, ow))
    for i in range(oh):
        for j in range(ow):
            out[:, :, i, j] = reduce(xp[:, :, i * stride : i * stride + k, j * stride : j * stride + k], axis=(2, 3))
    return out


@st.composite
def conv_case(draw: st.DrawFn):
    n, c, o = draw(st.integers(1, 2)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    k, stride, padding = draw(st.integers(1, 3)), draw(st.integers(1, 2)), draw(st.integers(0, 2))
    h, w = draw(st.integers(max(1, k - 2 * padding), 6)), draw(st.integers(max(1, k - 2 * padding), 6))
    x = draw(arrays((n, c, h, w)))
    weight = draw(arrays((o, c, k, k)))
    bias = draw(st.one_of(st.none(), arrays((o,))))
    return x, weight, bias, stride, padding


@given(case=conv_case())
def test_conv2d_matches_the_loop_definition_and_passes_gradcheck(case) -> None:
    x, w, b, stride, padding = case
    args = [tl.Tensor(x), tl.Tensor(w)] + ([] if b is None else [tl.Tensor(b)])
    out = F.conv2d(*args[:2], args[2] if b is not None else None, stride=stride, padding=padding)
    np.testing.assert_allclose(out.numpy(), conv2d_loops(x, w, b, stride, padding), rtol=1e-10, atol=1e-12)
    leaves = [leaf(x), leaf(w)] + ([] if b is None else [leaf(b)])

    def fn(*ts):
        return F.conv2d(ts[0], ts[1], ts[2] if len(ts) == 3 else None, stride=stride, padding=padding)

    assert tl.gradcheck(fn, leaves)


@given(case=conv_case(), block_bytes=st.sampled_from([1, 150]))
def test_conv2d_in_blocks_of_output_rows_matches_the_loops_with_and_without_grad(case, block_bytes: int) -> None:
    """Big batches run the convolution a few output rows at a time (``row_blocks``); shrink the
    block so that these small cases run in blocks of one or a few rows too."""
    x, w, b, stride, padding = case
    bias = None if b is None else leaf(b)
    with patch.object(conv_ops, "BLOCK_BYTES", block_bytes):
        assert len(conv_ops.row_blocks(6, 100)) > 1
        expected = conv2d_loops(x, w, b, stride, padding)
        with tl.no_grad():
            np.testing.assert_allclose(
                F.conv2d(tl.Tensor(x), leaf(w), bias, stride, padding).numpy(), expected, rtol=1e-10, atol=1e-12
            )
        np.testing.assert_allclose(
            F.conv2d(leaf(x), leaf(w), bias, stride, padding).numpy(), expected, rtol=1e-10, atol=1e-12
        )
        assert tl.gradcheck(
            lambda *ts: F.conv2d(*ts, stride=stride, padding=padding),
            [leaf(x), leaf(w)] + ([] if b is None else [leaf(b)]),
        )


def test_conv2d_hand_computed() -> None:
    x = tl.arange(16, dtype=tl.float64).reshape(1, 1, 4, 4)
    w = tl.tensor([[[[1.0, 0.0], [0.0, -1.0]]]], dtype=tl.float64)
    out = F.conv2d(x, w, tl.tensor([10.0], dtype=tl.float64))
    # every window: top-left minus bottom-right = -5, plus the bias 10
    np.testing.assert_array_equal(out.numpy(), np.full((1, 1, 3, 3), 5.0))
    padded = F.conv2d(tl.ones(1, 1, 2, 2), tl.ones(1, 1, 3, 3), padding=1)
    np.testing.assert_array_equal(padded.numpy()[0, 0], [[4, 4], [4, 4]])
    strided = F.conv2d(x, tl.ones(1, 1, 1, 1, dtype=tl.float64), stride=2)
    np.testing.assert_array_equal(strided.numpy()[0, 0], [[0, 2], [8, 10]])


def test_conv2d_takes_an_unbatched_image_and_tuple_arguments() -> None:
    x, w = tl.randn(2, 5, 6), tl.randn(3, 2, 3, 2)
    out = F.conv2d(x, w, stride=(1, 2), padding=(1, 0))
    batched = F.conv2d(x.unsqueeze(0), w, stride=(1, 2), padding=(1, 0))
    assert out.shape == (3, 5, 3)
    np.testing.assert_allclose(out.numpy(), batched.numpy()[0])


def test_conv2d_errors() -> None:
    with pytest.raises(tl.ShapeError, match=r"input has 3 channels .* weight \(6, 1, 5, 5\) expects 1"):
        F.conv2d(tl.zeros(1, 3, 32, 32), tl.zeros(6, 1, 5, 5))
    with pytest.raises(tl.ShapeError, match="expected input of shape"):
        F.conv2d(tl.zeros(32, 32), tl.zeros(6, 1, 5, 5))
    with pytest.raises(tl.ShapeError, match="expected weight of shape"):
        F.conv2d(tl.zeros(1, 1, 8, 8), tl.zeros(6, 5, 5))
    with pytest.raises(tl.ShapeError, match=r"bias must have shape \(6,\)"):
        F.conv2d(tl.zeros(1, 1, 8, 8), tl.zeros(6, 1, 5, 5), tl.zeros(5))
    with pytest.raises(tl.ShapeError, match="kernel height 5 is larger than the padded input height 4"):
        F.conv2d(tl.zeros(1, 1, 4, 8), tl.zeros(6, 1, 5, 5))
    with pytest.raises(ValueError, match="stride must be >= 1"):
        F.conv2d(tl.zeros(1, 1, 8, 8), tl.zeros(6, 1, 5, 5), stride=0)
    with pytest.raises(TypeError, match="stride must be an int or a pair"):
        F.conv2d(tl.zeros(1, 1, 8, 8), tl.zeros(6, 1, 5, 5), stride=(1, 2, 3))


@st.composite
def pool_case(draw: st.DrawFn, transform=None):
    k, stride = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    padding = draw(st.integers(0, k // 2))
    h, w = draw(st.integers(max(1, k - 2 * padding), 6)), draw(st.integers(max(1, k - 2 * padding), 6))
    x = draw(arrays((draw(st.integers(1, 2)), draw(st.integers(1, 2)), h, w), transform=transform))
    return x, k, stride, padding


@given(case=pool_case(transform=distinct))
def test_max_pool2d_matches_loops_and_passes_gradcheck(case) -> None:
    x, k, stride, padding = case
    out = F.max_pool2d(tl.Tensor(x), k, stride, padding)
    np.testing.assert_array_equal(out.numpy(), pool_loops(x, k, stride, padding, np.max, -np.inf))
    assert tl.gradcheck(lambda t: F.max_pool2d(t, k, stride, padding), [leaf(x)])


@given(case=pool_case())
def test_avg_pool2d_matches_loops_and_passes_gradcheck(case) -> None:
    x, k, stride, padding = case
    out = F.avg_pool2d(tl.Tensor(x), k, stride, padding)
    np.testing.assert_allclose(out.numpy(), pool_loops(x, k, stride, padding, np.mean, 0.0), rtol=1e-12)
    assert tl.gradcheck(lambda t: F.avg_pool2d(t, k, stride, padding), [leaf(x)])


def test_pooling_hand_computed() -> None:
    x = tl.tensor([[[[1.0, 2.0, 5.0, 6.0], [3.0, 4.0, 7.0, 8.0], [9.0, 9.0, 0.0, 0.0], [9.0, 9.0, 0.0, -1.0]]]])
    assert F.max_pool2d(x, 2).tolist() == [[[[4.0, 8.0], [9.0, 0.0]]]]
    assert F.avg_pool2d(x, 2).tolist() == [[[[2.5, 6.5], [9.0, -0.25]]]]
    assert F.max_pool2d(x, 3, stride=1).shape == (1, 1, 2, 2)


def test_max_pool2d_gives_a_tied_window_gradient_to_exactly_one_element() -> None:
    x = tl.tensor([[[[9.0, 9.0, 0.0, 0.0], [9.0, 9.0, 0.0, 0.0]]]], requires_grad=True)
    F.max_pool2d(x, 2).sum().backward()
    # one element per window (the first maximum, as PyTorch), not split among the ties
    assert x.grad.tolist() == [[[[1.0, 0.0, 1.0, 0.0], [0.0, 0.0, 0.0, 0.0]]]]


def test_overlapping_max_pool_windows_accumulate() -> None:
    x = tl.tensor([[[[0.0, 5.0, 0.0]]]], requires_grad=True)
    F.max_pool2d(x, (1, 2), stride=1).sum().backward()
    assert x.grad.tolist() == [[[[0.0, 2.0, 0.0]]]]


def test_pooling_errors() -> None:
    with pytest.raises(tl.ShapeError, match=r"MaxPool2d: expected input of shape \(N, C, H, W\)"):
        F.max_pool2d(tl.zeros(4, 4), 2)
    with pytest.raises(ValueError, match="at most half the kernel size"):
        F.max_pool2d(tl.zeros(1, 1, 4, 4), 2, padding=2)
    with pytest.raises(tl.ShapeError, match="larger than the padded input"):
        F.avg_pool2d(tl.zeros(1, 1, 2, 2), 3)
    with pytest.raises(ValueError, match="kernel_size and stride must be >= 1"):
        F.avg_pool2d(tl.zeros(1, 1, 2, 2), 0)
    assert F.max_pool2d(tl.zeros(1, 4, 4), 2).shape == (1, 2, 2)


@given(data=st.data(), groups=st.sampled_from([1, 2]), dilation=st.sampled_from([1, 2]), stride=st.sampled_from([1, 2]))
@settings(max_examples=25)
def test_conv2d_with_groups_and_dilation_gradient(data: st.DataObject, groups: int, dilation: int, stride: int) -> None:
    x = data.draw(arrays((2, 2 * groups, 6, 5)))
    w = data.draw(arrays((2 * groups, 2, 2, 3)))
    b = data.draw(arrays((2 * groups,)))
    out = tl.nn.functional.conv2d(tl.Tensor(x), tl.Tensor(w), tl.Tensor(b), stride, 1, dilation, groups)
    expected = _reference_conv(x, w, b, stride, 1, dilation, groups)
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-10, atol=1e-10)
    assert tl.gradcheck(
        lambda a, k, c: tl.nn.functional.conv2d(a, k, c, stride, 1, dilation, groups), [leaf(x), leaf(w), leaf(b)]
    )


def _reference_conv(
    x: np.ndarray, w: np.ndarray, b: np.ndarray, stride: int, padding: int, dilation: int, groups: int
) -> np.ndarray:
    """The definition, with loops: each output channel sees only its group's input channels."""
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    n, c, h, wd = xp.shape
    o, cg, kh, kw = w.shape
    oh, ow = (h - dilation * (kh - 1) - 1) // stride + 1, (wd - dilation * (kw - 1) - 1) // stride + 1
    out = np.zeros((n, o, oh, ow))
    for oc in range(o):
        group = oc // (o // groups)
        for y in range(oh):
            for x_ in range(ow):
                patch = xp[
                    :,
                    group * cg : (group + 1) * cg,
                    y * stride : y * stride + dilation * (kh - 1) + 1 : dilation,
                    x_ * stride : x_ * stride + dilation * (kw - 1) + 1 : dilation,
                ]
                out[:, oc, y, x_] = (patch * w[oc]).sum(axis=(1, 2, 3)) + b[oc]
    return out


def test_conv2d_same_and_valid_padding() -> None:
    x = tl.randn(1, 2, 7, 6)
    for kernel in ((3, 3), (4, 2), (5, 4)):
        conv = tl.nn.Conv2d(2, 3, kernel, padding="same")
        assert conv(x).shape == (1, 3, 7, 6), kernel
    assert tl.nn.Conv2d(2, 3, 3, padding="valid")(x).shape == (1, 3, 5, 4)
    assert tl.nn.Conv2d(2, 4, 3, groups=2).weight.shape == (4, 1, 3, 3)
    with pytest.raises(ValueError, match="padding='same' needs stride 1"):
        tl.nn.functional.conv2d(x, tl.randn(3, 2, 3, 3), stride=2, padding="same")
    with pytest.raises(ValueError, match="groups=3 must divide in_channels=2"):
        tl.nn.Conv2d(2, 3, 3, groups=3)
