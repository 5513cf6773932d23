"""Convolution, pooling, resampling, padding and distances beyond 2-D: forward against loop or numpy
references, gradients by central differences, over generated shapes and memory layouts."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import arrays, distinct, leaf

import tinygrad_lenet as tl
import tinygrad_lenet.nn.functional as F

FEW = settings(max_examples=6, deadline=None)


def conv_reference(x: np.ndarray, w: np.ndarray, stride: int, padding: int, dilation: int, groups: int) -> np.ndarray:
    """Cross-correlation by a loop over the output positions, in any number of spatial dims."""
    d = x.ndim - 2
    xp = np.pad(x, [(0, 0), (0, 0)] + [(padding, padding)] * d)
    kernel = w.shape[2:]
    grid = [(n - dilation * (k - 1) - 1) // stride + 1 for n, k in zip(xp.shape[2:], kernel)]
    out = np.zeros((x.shape[0], w.shape[0], *grid))
    og, cg = w.shape[0] // groups, w.shape[1]
    for o in range(w.shape[0]):
        g = o // og
        for pos in itertools.product(*(range(n) for n in grid)):
            window = tuple(
                slice(p * stride, p * stride + dilation * (k - 1) + 1, dilation) for p, k in zip(pos, kernel)
            )
            patch = xp[(slice(None), slice(g * cg, (g + 1) * cg)) + window]
            out[(slice(None), o) + pos] = (patch * w[o]).reshape(x.shape[0], -1).sum(1)
    return out


@FEW
@given(data=st.data(), d=st.sampled_from([1, 3]), groups=st.sampled_from([1, 2]), stride=st.integers(1, 2))
def test_conv1d_conv3d_match_a_loop_and_gradcheck(data: st.DataObject, d: int, groups: int, stride: int) -> None:
    padding, dilation = data.draw(st.integers(0, 1)), data.draw(st.integers(1, 2))
    size = 5 if d == 1 else 4
    x = data.draw(arrays((2, 2 * groups) + (size,) * d))
    w = data.draw(arrays((2 * groups, 2) + (2,) * d))
    b = data.draw(arrays((2 * groups,)))
    conv = F.conv1d if d == 1 else F.conv3d

    def fn(x_: tl.Tensor, w_: tl.Tensor, b_: tl.Tensor) -> tl.Tensor:
        return conv(x_, w_, b_, stride, padding, dilation, groups)

    expected = conv_reference(x, w, stride, padding, dilation, groups) + b.reshape((-1,) + (1,) * d)
    np.testing.assert_allclose(fn(tl.Tensor(x), tl.Tensor(w), tl.Tensor(b)).numpy(), expected, rtol=1e-12, atol=1e-12)
    assert tl.gradcheck(fn, [leaf(x), leaf(w), leaf(b)])


def test_conv1d_same_padding_keeps_the_length() -> None:
    x, w = tl.randn(1, 2, 7), tl.randn(3, 2, 4)
    assert F.conv1d(x, w, padding="same").shape == (1, 3, 7)
    with pytest.raises(tl.ShapeError, match="groups"):
        F.conv1d(x, tl.randn(3, 3, 2))


@FEW
@given(data=st.data(), d=st.sampled_from([1, 2, 3]), stride=st.integers(1, 2), out_pad=st.integers(0, 1))
def test_conv_transpose_is_the_adjoint_of_conv(data: st.DataObject, d: int, stride: int, out_pad: int) -> None:
    """<conv_transpose(y, w), x> = <y, conv(x, w)> for every x of the output's size, and the gradients check."""
    padding, groups = data.draw(st.integers(0, 1)), data.draw(st.sampled_from([1, 2]))
    out_pad = out_pad if stride == 2 else 0
    y = data.draw(arrays((1, 2 * groups) + (3,) * d))
    w = data.draw(arrays((2 * groups, 1) + (3,) * d))
    transpose = {1: F.conv_transpose1d, 2: F.conv_transpose2d, 3: F.conv_transpose3d}[d]
    conv = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}[d]

    def fn(y_: tl.Tensor, w_: tl.Tensor) -> tl.Tensor:
        return transpose(y_, w_, None, stride, padding, out_pad, groups)

    out = fn(tl.Tensor(y), tl.Tensor(w))
    size = (3 - 1) * stride - 2 * padding + 3 + out_pad
    assert out.shape == (1, groups) + (size,) * d
    x = np.random.default_rng(0).normal(size=out.shape)
    forward = conv(tl.Tensor(x), tl.Tensor(w), None, stride, padding, 1, groups).numpy()
    np.testing.assert_allclose((out.numpy() * x).sum(), (forward * y).sum(), rtol=1e-10)
    assert tl.gradcheck(fn, [leaf(y), leaf(w)])


@FEW
@given(data=st.data(), stride=st.integers(1, 2), padding=st.integers(0, 1), dilation=st.integers(1, 2))
def test_unfold_and_fold_are_adjoint(data: st.DataObject, stride: int, padding: int, dilation: int) -> None:
    x = data.draw(arrays((2, 2, 5, 4)))
    cols = F.unfold(tl.Tensor(x), 2, dilation, padding, stride)
    assert cols.shape[:2] == (2, 8)
    c = np.random.default_rng(1).normal(size=cols.shape)
    back = F.fold(tl.Tensor(c), (5, 4), 2, dilation, padding, stride).numpy()
    np.testing.assert_allclose((cols.numpy() * c).sum(), (x * back).sum(), rtol=1e-10)
    first = cols.numpy()[0, :, 0].reshape(2, 2, 2)  # the first block: the top-left window of each channel
    xp = np.pad(x, [(0, 0), (0, 0), (padding, padding), (padding, padding)])
    np.testing.assert_array_equal(first, xp[0, :, : dilation + 1 : dilation, : dilation + 1 : dilation])
    assert tl.gradcheck(lambda t: F.fold(t, (5, 4), 2, dilation, padding, stride), [leaf(c)])


def pool_reference(x: np.ndarray, k: int, s: int, p: int, ceil: bool, reduce: str, include_pad: bool) -> np.ndarray:
    """Max or mean over each window along the last axis, PyTorch's ceil_mode and divisor rules."""
    n = x.shape[-1]
    span = n + 2 * p - k
    out = (-(-span // s) if ceil else span // s) + 1
    if ceil and (out - 1) * s >= n + p:
        out -= 1
    result = []
    for o in range(out):
        lo, hi = o * s - p, min(o * s - p + k, n + p)
        part = x[..., max(lo, 0) : min(hi, n)]
        if reduce == "max":
            result.append(part.max(-1))
        else:
            result.append(part.sum(-1) / ((hi - lo) if include_pad else part.shape[-1]))
    return np.stack(result, -1)


@FEW
@given(data=st.data(), k=st.integers(2, 3), s=st.integers(1, 3), ceil=st.booleans())
def test_max_pool1d_and_avg_pool1d_match_a_loop(data: st.DataObject, k: int, s: int, ceil: bool) -> None:
    p = data.draw(st.integers(0, k // 2))
    include = data.draw(st.booleans())
    x = data.draw(arrays((2, 3, 7), transform=distinct))
    out, index = F.max_pool1d(tl.Tensor(x), k, s, p, 1, ceil, True)
    np.testing.assert_array_equal(out.numpy(), pool_reference(x, k, s, p, ceil, "max", True))
    np.testing.assert_array_equal(np.take_along_axis(x, index.numpy(), -1), out.numpy())
    avg = F.avg_pool1d(tl.Tensor(x), k, s, p, ceil, include)
    np.testing.assert_allclose(avg.numpy(), pool_reference(x, k, s, p, ceil, "mean", include), rtol=1e-12)
    assert tl.gradcheck(lambda t: F.max_pool1d(t, k, s, p, 1, ceil), [leaf(x)])
    assert tl.gradcheck(lambda t: F.avg_pool1d(t, k, s, p, ceil, include), [leaf(x)])


@FEW
@given(data=st.data(), ceil=st.booleans(), dilation=st.integers(1, 2))
def test_max_pool3d_and_unpool_round_trip(data: st.DataObject, ceil: bool, dilation: int) -> None:
    x = data.draw(arrays((1, 2, 4, 5, 4), transform=distinct))
    out, index = F.max_pool3d(tl.Tensor(x), 2, 2, 0, dilation, ceil, True)
    flat = x.reshape(1, 2, -1)
    np.testing.assert_array_equal(
        np.take_along_axis(flat, index.numpy().reshape(1, 2, -1), -1).ravel(), out.numpy().ravel()
    )
    if dilation == 1 and not ceil:
        blocks = x[:, :, :4, :4, :4].reshape(1, 2, 2, 2, 2, 2, 2, 2).max((3, 5, 7))
        np.testing.assert_array_equal(out.numpy(), blocks)
    back = F.max_unpool3d(out, index, 2, 2, output_size=x.shape[2:]).numpy().reshape(1, 2, -1)
    np.testing.assert_array_equal(
        np.take_along_axis(back, index.numpy().reshape(1, 2, -1), -1), out.numpy().reshape(1, 2, -1)
    )
    kept = np.zeros(back.shape, dtype=bool)
    np.put_along_axis(kept, index.numpy().reshape(1, 2, -1), True, -1)
    assert not back[~kept].any()  # zeros wherever no maximum came from
    np.testing.assert_array_equal(back[kept], flat[kept])
    assert tl.gradcheck(lambda t: F.max_pool3d(t, 2, 2, 0, dilation, ceil), [leaf(x)])
    if dilation == 1:  # windows that share a maximum write it twice: then only the last write is a derivative
        assert tl.gradcheck(lambda t: F.max_unpool3d(t, index, 2, 2, output_size=x.shape[2:]), [leaf(out.numpy())])


def test_avg_pool2d_and_3d_divisor_rules() -> None:
    x = tl.ones(1, 1, 3, 3)
    np.testing.assert_allclose(F.avg_pool2d(x, 2, 2, 1).numpy()[0, 0], [[0.25, 0.5], [0.5, 1.0]])
    np.testing.assert_allclose(F.avg_pool2d(x, 2, 2, 1, count_include_pad=False).numpy(), np.ones((1, 1, 2, 2)))
    np.testing.assert_allclose(F.avg_pool2d(x, 2, 2, 0, divisor_override=1).numpy(), np.full((1, 1, 1, 1), 4.0))
    np.testing.assert_allclose(
        F.avg_pool3d(tl.ones(1, 1, 3, 3, 3), 2, ceil_mode=True).numpy(), np.ones((1, 1, 2, 2, 2))
    )


@FEW
@given(data=st.data(), d=st.sampled_from([1, 2, 3]), out=st.integers(1, 4))
def test_adaptive_pools_match_their_bins(data: st.DataObject, d: int, out: int) -> None:
    x = data.draw(arrays((1, 2) + (5,) * d, transform=distinct))
    bins = [(i * 5 // out, -(-(i + 1) * 5 // out)) for i in range(out)]
    avg = {1: F.adaptive_avg_pool1d, 2: F.adaptive_avg_pool2d, 3: F.adaptive_avg_pool3d}[d]
    mx = {1: F.adaptive_max_pool1d, 2: F.adaptive_max_pool2d, 3: F.adaptive_max_pool3d}[d]
    for cell in itertools.product(range(out), repeat=d):
        window = (slice(None), slice(None)) + tuple(slice(*bins[i]) for i in cell)
        part = x[window].reshape(1, 2, -1)
        np.testing.assert_allclose(avg(tl.Tensor(x), out).numpy()[(..., *cell)], part.mean(-1), rtol=1e-12)
        np.testing.assert_array_equal(mx(tl.Tensor(x), out).numpy()[(..., *cell)], part.max(-1))
    assert tl.gradcheck(lambda t: avg(t, out), [leaf(x)])
    assert tl.gradcheck(lambda t: mx(t, out), [leaf(x)])


def test_lp_pool_is_the_window_norm() -> None:
    x = np.abs(np.random.default_rng(2).normal(size=(1, 2, 4, 4))) + 0.1
    blocks = x.reshape(1, 2, 2, 2, 2, 2)
    np.testing.assert_allclose(F.lp_pool2d(tl.Tensor(x), 3, 2).numpy(), (blocks**3).sum((3, 5)) ** (1 / 3), rtol=1e-12)
    np.testing.assert_allclose(F.lp_pool1d(tl.Tensor(x[0]), 2, 4).numpy(), np.sqrt((x[0] ** 2).sum(-1, keepdims=True)))
    assert tl.gradcheck(lambda t: F.lp_pool2d(t, 3, 2), [leaf(x)])


def test_fractional_max_pool_windows_cover_the_input() -> None:
    x = np.random.default_rng(3).permutation(64).astype(np.float64).reshape(1, 1, 8, 8)
    out, index = F.fractional_max_pool2d(tl.Tensor(x), 2, output_size=5, return_indices=True)
    assert out.shape == (1, 1, 5, 5)
    np.testing.assert_array_equal(x.reshape(-1)[index.numpy().ravel()], out.numpy().ravel())
    assert out.numpy()[0, 0, -1, -1] == x[0, 0, 6:, 6:].max()  # the last window ends at the input's end


PAD_NUMPY = {"reflect": "reflect", "replicate": "edge", "circular": "wrap", "constant": "constant"}


@FEW
@given(data=st.data(), mode=st.sampled_from(sorted(PAD_NUMPY)), d=st.integers(1, 3))
def test_pad_modes_match_numpy(data: st.DataObject, mode: str, d: int) -> None:
    x = data.draw(arrays((2, 2) + (3,) * d))
    widths = tuple(data.draw(st.integers(0, 2)) for _ in range(2 * d))
    pairs = [(widths[i], widths[i + 1]) for i in range(0, 2 * d, 2)][::-1]
    expected = np.pad(x, [(0, 0), (0, 0)] + pairs, mode=PAD_NUMPY[mode])
    np.testing.assert_array_equal(F.pad(tl.Tensor(x), widths, mode).numpy(), expected)
    assert tl.gradcheck(lambda t: F.pad(t, widths, mode), [leaf(x)])


def test_negative_pads_crop() -> None:
    x = np.arange(12.0).reshape(1, 3, 4)
    np.testing.assert_array_equal(F.constant_pad_nd(tl.Tensor(x), (-1, 2), 7.0).numpy()[0, 0], [1, 2, 3, 7, 7])
    np.testing.assert_array_equal(F.pad(tl.Tensor(x), (-1, 2), value=7.0).numpy()[0, 0], [1, 2, 3, 7, 7])
    np.testing.assert_array_equal(F.pad(tl.Tensor(x), (-1, 1), "circular").numpy()[0, 0], [1, 2, 3, 1])
    np.testing.assert_array_equal(F.pad(tl.Tensor(x), (-2, 1), "replicate").numpy()[0, 0], [2, 3, 3])
    with pytest.raises(ValueError, match="at most"):
        F.pad(tl.Tensor(x), (4, 0), "reflect")


@FEW
@given(data=st.data(), mode=st.sampled_from(["nearest", "nearest-exact", "linear", "area"]), size=st.integers(1, 9))
def test_interpolate_1d_gradcheck(data: st.DataObject, mode: str, size: int) -> None:
    x = data.draw(arrays((2, 2, 5)))
    assert tl.gradcheck(lambda t: F.interpolate(t, size, mode=mode), [leaf(x)])


def test_interpolate_known_values() -> None:
    x = np.arange(6.0).reshape(1, 1, 2, 3)
    np.testing.assert_array_equal(F.interpolate(tl.Tensor(x), scale_factor=2).numpy(), x.repeat(2, 2).repeat(2, 3))
    ramp = F.interpolate(tl.Tensor(x), size=(3, 5), mode="bilinear", align_corners=True).numpy()[0, 0]
    np.testing.assert_allclose(ramp, np.add.outer(np.arange(3) * 1.5, np.arange(5) * 0.5), rtol=1e-12)
    line = F.interpolate(tl.Tensor(np.array([[[0.0, 2.0]]])), size=4, mode="linear").numpy()
    np.testing.assert_allclose(line, [[[0.0, 0.5, 1.5, 2.0]]])  # centres at 0.25, 0.75, ... of the input pixels
    flat = F.interpolate(tl.full((1, 1, 3, 3), 2.0), size=(5, 4), mode="bicubic").numpy()
    np.testing.assert_allclose(flat, np.full((1, 1, 5, 4), 2.0), rtol=1e-6)  # the cubic weights sum to 1
    area = F.interpolate(tl.Tensor(np.arange(16.0).reshape(1, 1, 4, 4)), size=2, mode="area").numpy()
    np.testing.assert_allclose(area[0, 0], [[2.5, 4.5], [10.5, 12.5]])
    cube = F.interpolate(tl.Tensor(np.arange(8.0).reshape(1, 1, 2, 2, 2)), scale_factor=1.5, mode="trilinear")
    assert cube.shape == (1, 1, 3, 3, 3)
    with pytest.raises(tl.ShapeError, match="needs 4-D"):
        F.interpolate(tl.ones(1, 1, 3), size=4, mode="bilinear")


@pytest.mark.parametrize("mode", ["bilinear", "bicubic"])
def test_interpolate_2d_gradcheck(mode: str) -> None:
    x = np.random.default_rng(4).normal(size=(1, 2, 3, 4)).T.copy().T  # a non-contiguous layout
    assert tl.gradcheck(lambda t: F.interpolate(t, (5, 3), mode=mode), [leaf(x)])
    assert tl.gradcheck(lambda t: F.upsample_bilinear(t, scale_factor=2), [leaf(x)])


def test_pixel_and_channel_shuffles() -> None:
    x = np.arange(2 * 8 * 2 * 3.0).reshape(2, 8, 2, 3)
    up = F.pixel_shuffle(tl.Tensor(x), 2).numpy()
    assert up.shape == (2, 2, 4, 6)
    assert up[1, 1, 3, 5] == x[1, 4 + 2 * 1 + 1, 1, 2]  # channel c r^2 + i r + j goes to pixel (y r + i, x r + j)
    np.testing.assert_array_equal(F.pixel_unshuffle(tl.Tensor(up), 2).numpy(), x)
    shuffled = F.channel_shuffle(tl.Tensor(np.arange(6.0).reshape(1, 6, 1)), 2).numpy().ravel()
    np.testing.assert_array_equal(shuffled, [0, 3, 1, 4, 2, 5])
    assert tl.gradcheck(lambda t: F.pixel_shuffle(t, 2), [leaf(x)])


@FEW
@given(data=st.data(), p=st.sampled_from([1.0, 2.0, 3.0, np.inf]))
def test_distances_match_numpy(data: st.DataObject, p: float) -> None:
    a, b = data.draw(arrays((4, 3))), data.draw(arrays((5, 3), low=2.5, high=4.0))  # no zero distance
    norm = lambda v: np.linalg.norm(v, ord=p, axis=-1)  # noqa: E731
    np.testing.assert_allclose(F.cdist(tl.Tensor(a), tl.Tensor(b), p).numpy(), norm(a[:, None] - b[None]), rtol=1e-10)
    i, j = np.triu_indices(4, 1)
    np.testing.assert_allclose(F.pdist(tl.Tensor(a), p).numpy(), norm(a[i] - a[j]), rtol=1e-10)
    pair = F.pairwise_distance(tl.Tensor(a), tl.Tensor(b[:4]), p).numpy()
    np.testing.assert_allclose(pair, norm(a - b[:4] + 1e-6), rtol=1e-10)
    cos = F.cosine_similarity(tl.Tensor(a), tl.Tensor(b[:4]), dim=1).numpy()
    np.testing.assert_allclose(cos, (a * b[:4]).sum(1) / np.linalg.norm(a, axis=1) / np.linalg.norm(b[:4], axis=1))
    assert tl.gradcheck(lambda s, t: F.cdist(s, t, p), [leaf(a), leaf(b)])
    assert tl.gradcheck(lambda s: F.pdist(s, p), [leaf(a)])
    assert tl.gradcheck(lambda s, t: F.cosine_similarity(s, t, 0), [leaf(a), leaf(b[:4])])


def test_distance_losses() -> None:
    rng = np.random.default_rng(5)
    a, pos, neg = (rng.normal(size=(4, 3)) for _ in range(3))
    target = np.array([1, -1, 1, -1])
    cos = (a * pos).sum(1) / np.sqrt(((a * a).sum(1) + 1e-12) * ((pos * pos).sum(1) + 1e-12))
    expected = np.where(target == 1, 1 - cos, np.maximum(cos - 0.1, 0)).mean()
    out = F.cosine_embedding_loss(tl.Tensor(a), tl.Tensor(pos), tl.Tensor(target), 0.1)
    np.testing.assert_allclose(out.item(), expected, rtol=1e-12)
    d = lambda u, v: np.linalg.norm(u - v + 1e-6, axis=1)  # noqa: E731
    triplet = F.triplet_margin_loss(tl.Tensor(a), tl.Tensor(pos), tl.Tensor(neg), margin=3.0, reduction="sum")
    np.testing.assert_allclose(triplet.item(), np.maximum(3.0 + d(a, pos) - d(a, neg), 0).sum(), rtol=1e-12)
    manhattan = lambda u, v: (u - v).abs().sum(-1)  # noqa: E731
    custom = F.triplet_margin_with_distance_loss(
        tl.Tensor(a), tl.Tensor(pos), tl.Tensor(neg), distance_function=manhattan, margin=3.0, swap=True
    )
    l1 = lambda u, v: np.abs(u - v).sum(1)  # noqa: E731
    np.testing.assert_allclose(
        custom.item(), np.maximum(3.0 + l1(a, pos) - np.minimum(l1(a, neg), l1(pos, neg)), 0).mean(), rtol=1e-12
    )
    assert tl.gradcheck(lambda s, t, u: F.triplet_margin_loss(s, t, u, margin=3.0), [leaf(a), leaf(pos), leaf(neg)])


@pytest.mark.parametrize("mode", ["bilinear", "nearest", "bicubic"])
def test_grid_sample_identity_grid_and_gradcheck(mode: str) -> None:
    rng = np.random.default_rng(6)
    x = rng.normal(size=(1, 2, 3, 4))
    ys, xs = np.meshgrid(np.linspace(-1, 1, 3), np.linspace(-1, 1, 4), indexing="ij")
    grid = np.stack([xs, ys], -1)[None]
    same = F.grid_sample(tl.Tensor(x), tl.Tensor(grid), mode, align_corners=True).numpy()
    np.testing.assert_allclose(same, x, rtol=1e-12, atol=1e-12)
    points = rng.uniform(-1.2, 1.2, size=(1, 2, 3, 2))
    for padding in ("zeros", "border", "reflection"):
        if mode == "nearest":
            assert tl.gradcheck(lambda s, p=padding: F.grid_sample(s, tl.Tensor(points), mode, p), [leaf(x)])
        else:
            assert tl.gradcheck(lambda s, g, p=padding: F.grid_sample(s, g, mode, p), [leaf(x), leaf(points)])
    volume = F.grid_sample(tl.ones(1, 1, 2, 2, 2), tl.zeros(1, 1, 1, 3, 3))
    np.testing.assert_allclose(volume.numpy(), np.ones((1, 1, 1, 1, 3)))


@FEW
@given(data=st.data())
def test_distances_broadcast(data: st.DataObject) -> None:
    a, b = data.draw(arrays((4, 3))), data.draw(arrays((1, 3), low=2.5, high=4.0))  # no row of a equals b
    cos = F.cosine_similarity(tl.Tensor(a), tl.Tensor(b)).numpy()
    np.testing.assert_allclose(cos, (a * b).sum(1) / np.linalg.norm(a, axis=1) / np.linalg.norm(b), rtol=1e-10)
    pair = F.pairwise_distance(tl.Tensor(a), tl.Tensor(b[0])).numpy()
    np.testing.assert_allclose(pair, np.linalg.norm(a - b + 1e-6, axis=1), rtol=1e-10)
    assert tl.gradcheck(lambda s, t: F.cosine_similarity(s, t), [leaf(a), leaf(b)])
    assert tl.gradcheck(lambda s, t: F.pairwise_distance(s, t, 3.0), [leaf(a), leaf(b[0])])


def test_bad_arguments_name_what_was_wrong() -> None:
    x = tl.ones(1, 2, 5)
    with pytest.raises(ValueError, match="mode must be one of"):
        F.pad(x, (1, 1), "mirror")
    with pytest.raises(ValueError, match="at most half"):
        F.max_pool1d(x, 2, padding=2)
    with pytest.raises(tl.ShapeError, match="in=2"):
        F.conv_transpose1d(x, tl.ones(3, 1, 2))
    with pytest.raises(tl.ShapeError, match="columns"):
        F.fold(tl.ones(1, 4, 5), (3, 3), 2)
    with pytest.raises(tl.ShapeError, match="grid"):
        F.grid_sample(tl.ones(1, 1, 3, 3), tl.ones(1, 2, 2, 3))
    with pytest.raises(tl.ShapeError, match="same M"):
        F.cdist(tl.ones(2, 3), tl.ones(2, 4))
    with pytest.raises(IndexError, match="indices must lie"):
        F.max_unpool1d(x, tl.tensor(np.full((1, 2, 5), 99)), 2)
