"""Transforms: values, shapes and ranges, and seeded random affine augmentation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import tinygrad_lenet as tl
from tinygrad_lenet.data import (
    MNIST_MEAN,
    MNIST_STD,
    Compose,
    ElasticTransform,
    LeCunScale,
    Normalize,
    Pad,
    RandomAffine,
    ToFloat,
)
from tinygrad_lenet.data.transforms import gaussian_blur


def test_to_float_normalize_pad_and_compose() -> None:
    x = np.array([[[0, 255], [51, 102]]], dtype=np.uint8)
    f = ToFloat()(x)
    assert f.dtype == np.float32 and f.max() == 1.0 and f[0, 1, 0] == pytest.approx(0.2)
    n = Normalize(MNIST_MEAN, MNIST_STD)(f)
    assert n.dtype == np.float32 and n[0, 0, 0] == pytest.approx(-MNIST_MEAN / MNIST_STD)
    p = Pad(2)(x)
    assert p.shape == (1, 6, 6) and p.dtype == np.uint8 and p[0, 2, 3] == 255 and p[0, 0].sum() == 0
    pipeline = Compose([ToFloat(), Pad(2), Normalize(0.5, 0.5)])
    out = pipeline(np.zeros((4, 1, 28, 28), np.uint8))
    assert out.shape == (4, 1, 32, 32) and np.allclose(out, -1.0)
    assert "Pad(2, fill=0)" in repr(pipeline)
    with pytest.raises(ValueError, match="std must be positive"):
        Normalize(0, 0)
    with pytest.raises(ValueError, match="padding must be >= 0"):
        Pad(-1)


def test_lecun_scale_is_the_papers() -> None:
    x = Pad(2)(np.array([[0, 255]], dtype=np.uint8).reshape(1, 1, 2))
    y = LeCunScale()(x)
    assert y.dtype == np.float32
    assert y[0, 0, 0] == pytest.approx(-0.1) and y.max() == pytest.approx(1.175)
    assert LeCunScale()(np.array([0.5], np.float32))[0] == pytest.approx(0.5375)


def digits(n: int = 16) -> np.ndarray:
    """Float images with a bright square in the middle."""
    x = np.zeros((n, 1, 28, 28), np.float32)
    x[:, :, 10:18, 12:16] = 1.0
    return x


def test_random_affine_without_distortion_is_the_identity() -> None:
    x = np.random.default_rng(0).random((3, 1, 28, 28)).astype(np.float32)
    np.testing.assert_array_equal(RandomAffine()(x), x)


def test_random_affine_shapes_ranges_and_determinism() -> None:
    aug = dict(degrees=15, translate=(0.1, 0.1), scale=(0.8, 1.2), squeeze=(0.8, 1.2), shear=20)
    x = digits()
    a = RandomAffine(**aug, seed=5)(x)
    b = RandomAffine(**aug, seed=5)(x)
    assert a.shape == x.shape and a.dtype == np.float32
    np.testing.assert_array_equal(a, b)
    assert 0.0 <= a.min() and a.max() <= 1.0 + 1e-6
    assert not np.array_equal(a[0], a[1])  # each image gets its own draw
    assert not np.array_equal(a, RandomAffine(**aug, seed=6)(x))
    ink = a.sum(axis=(1, 2, 3))
    assert (ink > 0.4 * x[0].sum()).all() and (ink < 1.9 * x[0].sum()).all()  # the digit stays in view
    tl.manual_seed(2)
    c = RandomAffine(**aug)(x)
    tl.manual_seed(2)
    np.testing.assert_array_equal(c, RandomAffine(**aug)(x))
    assert RandomAffine(degrees=10)(x[0, 0]).shape == (28, 28)


def test_random_affine_moves_pixels_the_way_it_says() -> None:
    x = digits(2)
    shifted = RandomAffine(translate=(0.25, 0.0), seed=0)(x)

    def centre(img: np.ndarray) -> float:
        return float((img.sum(axis=0) * np.arange(28)).sum() / img.sum())

    moved = [centre(shifted[i, 0]) - centre(x[i, 0]) for i in range(2)]
    assert all(abs(m) <= 7 + 1e-6 for m in moved) and any(abs(m) > 0.5 for m in moved)
    narrow = RandomAffine(squeeze=(0.5, 0.5), seed=0)(x)

    def width(img: np.ndarray) -> int:
        return int((img.sum(axis=0) > 0.5).sum())

    assert width(narrow[0, 0]) == width(x[0, 0]) // 2
    filled = RandomAffine(translate=(0.5, 0.5), fill=-1.0, seed=1)(x)
    assert filled.min() == -1.0


def test_the_gaussian_blur_keeps_the_mass_and_is_symmetric() -> None:
    impulse = np.zeros((2, 15, 15), np.float32)
    impulse[:, 7, 7] = 1.0
    blurred = gaussian_blur(impulse, 1.5)
    assert blurred.shape == impulse.shape
    np.testing.assert_allclose(blurred.sum(axis=(1, 2)), 1.0, rtol=1e-5)
    np.testing.assert_allclose(blurred[0], blurred[0].T, atol=1e-7)
    np.testing.assert_allclose(blurred[0], blurred[0, ::-1], atol=1e-7)
    expected = np.exp(-0.5 * (np.arange(-4, 5) / 1.5) ** 2)
    expected /= expected.sum()
    np.testing.assert_allclose(blurred[0, 7, 3:12], expected * expected[4], rtol=1e-5)


def test_elastic_distortion_bends_digits_by_its_seed_and_zero_alpha_is_the_identity() -> None:
    x = digits(4)
    np.testing.assert_array_equal(ElasticTransform(alpha=0.0, seed=0)(x), x)
    a, b = ElasticTransform(seed=3)(x), ElasticTransform(seed=3)(x)
    assert a.shape == x.shape and a.dtype == np.float32
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a[0], a[1]) and not np.array_equal(a, ElasticTransform(seed=4)(x))
    ink = a.sum(axis=(1, 2, 3))
    assert (ink > 0.3 * x[0].sum()).all() and (ink < 2.0 * x[0].sum()).all()  # stretched and squeezed, still there
    moved = np.abs(a - x).sum(axis=(1, 2, 3))
    assert (moved > 0.5).all() and (
        np.abs(ElasticTransform(alpha=3.0, seed=3)(x) - x).sum(axis=(1, 2, 3)) < moved
    ).all()
    with pytest.raises(TypeError, match="float images"):
        ElasticTransform()(x.astype(np.uint8))
    with pytest.raises(ValueError, match="sigma > 0"):
        ElasticTransform(sigma=0.0)


def test_random_affine_argument_errors() -> None:
    with pytest.raises(ValueError, match="scale must be a"):
        RandomAffine(scale=(1.2, 0.8))
    with pytest.raises(ValueError, match="squeeze must be a"):
        RandomAffine(squeeze=(0.0, 1.0))
    with pytest.raises(TypeError, match="apply ToFloat first"):
        RandomAffine(degrees=5)(np.zeros((1, 28, 28), np.uint8))
    assert "degrees=5" in repr(RandomAffine(degrees=5))


@pytest.mark.parametrize(
    "make",
    [
        lambda: RandomAffine(degrees=10, translate=(0.1, 0.1), scale=(0.9, 1.1), seed=5),
        lambda: ElasticTransform(seed=5),
    ],
)
def test_rows_of_a_batch_are_distorted_as_the_whole_batch_distorts_them(make: Callable[[], Any]) -> None:
    x = np.random.default_rng(1).random((6, 1, 28, 28)).astype(np.float32)
    whole, parted, again = make(), make(), make()
    expected = [whole(x), whole(x)]  # two batches: the generator moves on by a whole batch each time
    for batch in expected:
        top, bottom = parted.rows_of(x[:2], 6, slice(0, 2)), again.rows_of(x[2:], 6, slice(2, 6))
        np.testing.assert_array_equal(np.concatenate([top, bottom]), batch)
    with pytest.raises(ValueError, match=r"rows slice\(0, 3, None\) of 6 images are 3, but x holds 2"):
        make().rows_of(x[:2], 6, slice(0, 3))
