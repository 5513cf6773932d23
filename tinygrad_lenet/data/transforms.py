"""Transforms of image batches (arrays shaped (..., H, W)), composable with ``Compose``.

Every transform works on a whole batch at once (one image is a batch of one), with numpy
operations over the batch, never a Python loop over images.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from ..base.random import generator

MNIST_MEAN = 0.1307
"""The mean of MNIST's training pixels scaled to [0, 1], for ``Normalize``."""
MNIST_STD = 0.3081
"""The standard deviation of MNIST's training pixels scaled to [0, 1], for ``Normalize``."""
"""Mean and standard deviation of the MNIST training pixels scaled to [0, 1]."""


class Compose:
    """Apply transforms in order: ``Compose([ToFloat(), Pad(2), Normalize(MNIST_MEAN, MNIST_STD)])``."""

    def __init__(self, transforms: Sequence[Callable[[np.ndarray], np.ndarray]]) -> None:
        self.transforms = list(transforms)

    def __call__(self, x: np.ndarray) -> np.ndarray:
        for t in self.transforms:
            x = t(x)
        return x

    def __repr__(self) -> str:
        return "Compose([" + ", ".join(map(repr, self.transforms)) + "])"


class ToFloat:
    """uint8 pixels 0..255 to float32 in [0, 1]; float input is only cast to float32."""

    def __call__(self, x: np.ndarray) -> np.ndarray:
        if x.dtype == np.uint8:
            return x.astype(np.float32) * np.float32(1 / 255)
        return x.astype(np.float32, copy=False)

    def __repr__(self) -> str:
        return "ToFloat()"


class Normalize:
    """(x - mean) / std, e.g. ``Normalize(MNIST_MEAN, MNIST_STD)`` after ``ToFloat``."""

    def __init__(self, mean: float, std: float) -> None:
        if std <= 0:
            raise ValueError(f"Normalize: std must be positive, got {std}")
        self.mean, self.std = mean, std

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return ((x - np.float32(self.mean)) * np.float32(1 / self.std)).astype(np.float32, copy=False)

    def __repr__(self) -> str:
        return f"Normalize(mean={self.mean}, std={self.std})"


class Pad:
    """Pad the last two dims by ``padding`` pixels of value ``fill``: ``Pad(2)`` makes MNIST 32x32."""

    def __init__(self, padding: int = 2, fill: float = 0) -> None:
        if padding < 0:
            raise ValueError(f"Pad: padding must be >= 0, got {padding}")
        self.padding, self.fill = padding, fill

    def __call__(self, x: np.ndarray) -> np.ndarray:
        widths = [(0, 0)] * (x.ndim - 2) + [(self.padding, self.padding)] * 2
        return np.pad(x, widths, constant_values=self.fill)

    def __repr__(self) -> str:
        return f"Pad({self.padding}, fill={self.fill})"


class LeCunScale:
    """The 1998 paper's input scaling: background (0) to -0.1, full ink (255) to 1.175.

    x = p / 255 * 1.275 - 0.1 for uint8 pixels p; float input is taken to be in [0, 1] already.
    Apply it after ``Pad(2)`` (padding 0 becomes -0.1, as in the paper).
    """

    def __call__(self, x: np.ndarray) -> np.ndarray:
        unit = ToFloat()(x)
        return (unit * np.float32(1.275) - np.float32(0.1)).astype(np.float32)

    def __repr__(self) -> str:
        return "LeCunScale()"


def sample_bilinear(images: np.ndarray, sx: np.ndarray, sy: np.ndarray, fill: float) -> np.ndarray:
    """Each image of ``images`` (n, H, W) read at the positions ``sx``, ``sy`` (n, H W; x to the
    right, y down, clipped to [-1, W] and [-1, H]) by bilinear interpolation, ``fill`` outside;
    returns (n, H W) in the images' dtype."""
    n, h, w = images.shape
    padded = np.pad(images, ((0, 0), (1, 1), (1, 1)), constant_values=fill).reshape(-1)
    x0, y0 = np.floor(sx), np.floor(sy)
    wx, wy = (sx - x0).astype(images.dtype, copy=False), (sy - y0).astype(images.dtype, copy=False)
    x0, y0 = x0.astype(np.intp), y0.astype(np.intp)
    # index of the top-left neighbour in the padded batch; the others are one step right / down
    # (none at the last padded column / row, where the weight of that step is 0 anyway)
    i00 = y0 * (w + 2) + x0 + ((np.arange(n) * (h + 2) * (w + 2))[:, None] + (w + 2) + 1)
    right, down = (x0 < w), (y0 < h) * (w + 2)
    top = padded[i00]
    top += (padded[i00 + right] - top) * wx
    i00 += down
    bottom = padded[i00]
    bottom += (padded[i00 + right] - bottom) * wx
    top += (bottom - top) * wy
    return top


def _check_rows(name: str, n: int, rows: slice, held: int) -> None:
    """``rows`` of a batch of ``n`` images are the ``held`` images given to ``rows_of`` (checked before any
    draw, so that a refused call leaves the generator where it was)."""
    count = len(range(n)[rows])
    if count != held:
        raise ValueError(f"{name}: rows {rows} of {n} images are {count}, but x holds {held}")


class RandomAffine:
    """Random planar affine distortion of every image of a batch, each with its own draw.

    Each output pixel is sampled from the input by bilinear interpolation at the position the
    inverse transform maps it to; the map is about the image centre. Input: float (..., H, W).

    Parameters
    ----------
    degrees
        Rotation angle drawn from [-degrees, degrees]; 0 leaves it out.
    translate
        ``(fx, fy)``: shift drawn from [-fx W, fx W] horizontally and [-fy H, fy H] vertically;
        ``None`` leaves it out.
    scale
        ``(lo, hi)``: zoom factor for both axes; ``None`` leaves it out.
    squeeze
        ``(lo, hi)``: extra horizontal factor (the paper's "squeezing"), < 1 narrows the digit;
        ``None`` leaves it out.
    shear
        Horizontal shear angle in degrees, drawn from [-shear, shear]; 0 leaves it out.
    fill
        Value of pixels that come from outside the image.
    seed
        Seed of this transform's own generator; without one the package generator is used.
    """

    def __init__(
        self,
        degrees: float = 0.0,
        translate: Sequence[float] | None = None,
        scale: Sequence[float] | None = None,
        squeeze: Sequence[float] | None = None,
        shear: float = 0.0,
        fill: float = 0.0,
        seed: int | None = None,
    ) -> None:
        for name, pair in (("scale", scale), ("squeeze", squeeze)):
            if pair is not None and (len(pair) != 2 or not 0 < pair[0] <= pair[1]):
                raise ValueError(f"RandomAffine: {name} must be a (low, high) pair with 0 < low <= high, got {pair}")
        if translate is not None and (len(translate) != 2 or min(translate) < 0):
            raise ValueError(f"RandomAffine: translate must be two fractions (fx, fy) >= 0, got {translate}")
        self.degrees, self.translate, self.scale, self.squeeze = degrees, translate, scale, squeeze
        self.shear, self.fill = shear, fill
        self._rng = np.random.default_rng(seed) if seed is not None else None

    def _matrices(self, n: int, h: int, w: int) -> tuple[np.ndarray, np.ndarray]:
        """Per image: the 2x2 inverse linear map (n, 2, 2) and the shift (n, 2) in (x, y) order."""
        rng = self._rng or generator()
        angle = np.deg2rad(rng.uniform(-self.degrees, self.degrees, n))
        zoom = rng.uniform(self.scale[0], self.scale[1], n) if self.scale else np.ones(n)
        squeeze = rng.uniform(self.squeeze[0], self.squeeze[1], n) if self.squeeze else np.ones(n)
        shear = np.tan(np.deg2rad(rng.uniform(-self.shear, self.shear, n)))
        fx, fy = self.translate or (0.0, 0.0)
        shift = np.stack([rng.uniform(-fx * w, fx * w, n), rng.uniform(-fy * h, fy * h, n)], axis=1)
        cos, sin = np.cos(angle), np.sin(angle)
        rotation = np.stack([np.stack([cos, -sin], 1), np.stack([sin, cos], 1)], 1)
        shearing = np.zeros((n, 2, 2))
        shearing[:, 0, 0] = shearing[:, 1, 1] = 1
        shearing[:, 0, 1] = shear
        scaling = np.zeros((n, 2, 2))
        scaling[:, 0, 0], scaling[:, 1, 1] = zoom * squeeze, zoom
        forward = rotation @ shearing @ scaling
        return np.linalg.inv(forward), shift

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return self.rows_of(x, len(x.reshape(-1, *x.shape[-2:])), slice(None))

    def rows_of(self, x: np.ndarray, n: int, rows: slice) -> np.ndarray:
        """``x`` distorted as rows ``rows`` of a batch of ``n`` images would be by a call on the whole
        batch: the draws of all ``n`` are made (the generator moves on as for the whole batch) and only
        ``x``'s are applied. A rank of data-parallel training distorts its share of a batch this way."""
        if x.dtype.kind != "f":
            raise TypeError(f"RandomAffine works on float images (apply ToFloat first), got {x.dtype}")
        *lead, h, w = x.shape
        images = x.reshape(-1, h, w)
        _check_rows("RandomAffine", n, rows, len(images))
        inverse, shift = self._matrices(n, h, w)
        inverse, shift = inverse[rows], shift[rows]
        cx, cy = (w - 1) / 2, (h - 1) / 2
        # source = inverse (output - centre - shift) + centre = inverse output + offset, per image;
        # positions in float32 (exact to 1e-5 pixel on MNIST-sized images), one (n, P) array at a time
        offset = np.array([cx, cy]) - np.einsum("nij,nj->ni", inverse, shift + [cx, cy])
        m, offset = inverse.astype(np.float32), offset.astype(np.float32)
        ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
        gx, gy = xs.reshape(1, -1), ys.reshape(1, -1)  # output positions, (1, P)
        sx = np.clip(m[:, 0, :1] * gx + (m[:, 0, 1:] * gy + offset[:, :1]), -1, w)
        sy = np.clip(m[:, 1, :1] * gx + (m[:, 1, 1:] * gy + offset[:, 1:]), -1, h)
        out = sample_bilinear(images, sx, sy, self.fill)
        return out.reshape(*lead, h, w).astype(x.dtype, copy=False)

    def __repr__(self) -> str:
        return (
            f"RandomAffine(degrees={self.degrees}, translate={self.translate}, scale={self.scale}, "
            f"squeeze={self.squeeze}, shear={self.shear}, fill={self.fill})"
        )


def gaussian_blur(fields: np.ndarray, sigma: float) -> np.ndarray:
    """``fields`` (..., H, W) smoothed by a Gaussian of standard deviation ``sigma`` pixels along
    both axes (a separable kernel cut at 3 sigma, zeros beyond the edges)."""
    radius = max(1, int(3 * sigma))
    taps = np.exp(-0.5 * (np.arange(-radius, radius + 1) / sigma) ** 2)
    taps = (taps / taps.sum()).astype(fields.dtype)
    h, w = fields.shape[-2:]
    blur = np.zeros((h, h + 2 * radius), fields.dtype)  # row i takes taps at columns i .. i + 2 radius
    for i in range(h):
        blur[i, i : i + 2 * radius + 1] = taps
    pad = [(0, 0)] * (fields.ndim - 2)
    rows = np.pad(fields, [*pad, (radius, radius), (0, 0)])
    across = np.zeros((w, w + 2 * radius), fields.dtype)
    for i in range(w):
        across[i, i : i + 2 * radius + 1] = taps
    smoothed = blur @ rows  # (..., H, W) along the rows
    return np.pad(smoothed, [*pad, (0, 0), (radius, radius)]) @ across.T


class ElasticTransform:
    """Random elastic distortion of every image of a batch (Simard, Steinkraus and Platt, 2003;
    ``torchvision.transforms.ElasticTransform``'s ``alpha`` and ``sigma``): each pixel is read
    ``alpha`` times a displacement field of uniform noise in [-1, 1] smoothed by a Gaussian of
    ``sigma`` pixels away from where it is, by bilinear interpolation, ``fill`` outside. Input:
    float (..., H, W). ``seed`` gives the transform its own generator (else the package's)."""

    def __init__(self, alpha: float = 34.0, sigma: float = 4.0, fill: float = 0.0, seed: int | None = None) -> None:
        if alpha < 0 or sigma <= 0:
            raise ValueError(f"ElasticTransform: alpha must be >= 0 and sigma > 0, got alpha={alpha}, sigma={sigma}")
        self.alpha, self.sigma, self.fill = alpha, sigma, fill
        self._rng = np.random.default_rng(seed) if seed is not None else None

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return self.rows_of(x, len(x.reshape(-1, *x.shape[-2:])), slice(None))

    def rows_of(self, x: np.ndarray, n: int, rows: slice) -> np.ndarray:
        """``x`` distorted as rows ``rows`` of a batch of ``n`` images would be by a call on the whole
        batch (the noise of all ``n`` is drawn; only ``x``'s is smoothed and applied)."""
        if x.dtype.kind != "f":
            raise TypeError(f"ElasticTransform works on float images (apply ToFloat first), got {x.dtype}")
        *lead, h, w = x.shape
        images = x.reshape(-1, h, w)
        _check_rows("ElasticTransform", n, rows, len(images))
        rng = self._rng or generator()
        noise = rng.uniform(-1, 1, (n, 2, h, w))[rows].astype(np.float32)
        shift = (gaussian_blur(noise, self.sigma) * self.alpha).reshape(len(images), 2, h * w)
        ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
        sx = np.clip(xs.reshape(1, -1) + shift[:, 0], -1, w)
        sy = np.clip(ys.reshape(1, -1) + shift[:, 1], -1, h)
        return sample_bilinear(images, sx, sy, self.fill).reshape(*lead, h, w).astype(x.dtype, copy=False)

    def __repr__(self) -> str:
        return f"ElasticTransform(alpha={self.alpha}, sigma={self.sigma}, fill={self.fill})"
