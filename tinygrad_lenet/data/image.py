"""Reading a user's own handwritten digit (PNG, JPG, ...) into an MNIST-like 28x28 image.

MNIST was made like this: the digit is fitted into a 20x20 box keeping its aspect ratio
(anti-aliased), then placed in a 28x28 image so that its centre of mass is at the centre.
Either polarity works: dark ink on light paper (a scan or a photo) is inverted to MNIST's
light-on-dark. A drawing on a transparent background (what an HTML canvas exports) is read by
its alpha channel: the ink is where it is opaque. Images above ``MAX_PIXELS`` are refused before
they are decoded, so a huge (or decompression-bomb) file cannot exhaust the memory.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ..base.errors import DataError

if TYPE_CHECKING:
    from PIL import Image

MAX_PIXELS = 40_000_000
"""The largest image read (width x height): 40 megapixels, e.g. 8000 x 5000; a phone photo is 12-50."""


def _pillow():
    try:
        from PIL import Image
    except ImportError:
        raise DataError(
            "reading digit images needs Pillow: pip install Pillow (or pip install 'tinygrad_lenet[images]')"
        ) from None
    return Image


def _border(g: np.ndarray) -> np.ndarray:
    return np.concatenate([g[0], g[-1], g[:, 0], g[:, -1]])


def to_mnist_format(gray: np.ndarray) -> np.ndarray:
    """A grayscale image (H, W) of one digit, any polarity, as a centred 28x28 uint8 MNIST image."""
    Image = _pillow()
    g = gray.astype(np.float64)
    if np.median(_border(g)) > g.mean():  # light background: invert so that ink is bright
        g = g.max() - g
    border = _border(g)
    g = np.clip(g - np.median(border) - 3 * border.std(), 0, None)  # the paper and its noise become 0
    if g.max() <= 0:
        raise DataError("the image is blank: no digit found")
    g = g / g.max() * 255
    rows, cols = np.nonzero(g > 0.2 * 255)
    g = g[rows.min() : rows.max() + 1, cols.min() : cols.max() + 1]
    h, w = g.shape
    factor = 20 / max(h, w)
    size = (max(1, round(w * factor)), max(1, round(h * factor)))
    box = np.asarray(Image.fromarray(g.astype(np.uint8)).resize(size, Image.LANCZOS), dtype=np.float64)
    total = box.sum()
    cy = (box.sum(axis=1) * np.arange(box.shape[0])).sum() / total
    cx = (box.sum(axis=0) * np.arange(box.shape[1])).sum() / total
    top = int(np.clip(round(14 - cy), 0, 28 - box.shape[0]))  # MNIST puts the centre of mass at (14, 14)
    left = int(np.clip(round(14 - cx), 0, 28 - box.shape[1]))
    out = np.zeros((28, 28))
    out[top : top + box.shape[0], left : left + box.shape[1]] = box
    return np.clip(out, 0, 255).astype(np.uint8)


def _ink(img: Image.Image) -> np.ndarray:
    """The image as grayscale (H, W); for a drawing on a transparent background, its opacity."""
    if "A" in img.getbands() or (img.mode == "P" and "transparency" in img.info):
        alpha = np.asarray(img.convert("RGBA"))[..., 3]
        if alpha.min() < 255:  # some of it is transparent: the opaque part is the drawing
            return alpha
    return np.asarray(img.convert("L"))


def read_digit_image(path: str | os.PathLike[str]) -> np.ndarray:
    """Read an image file of one handwritten digit as a 28x28 uint8 MNIST-like array."""
    Image = _pillow()
    path = Path(path)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as img:
                width, height = img.size
                if width * height > MAX_PIXELS:
                    raise DataError(
                        f"{path}: the image is {width}x{height} ({width * height / 1e6:.0f} megapixels); "
                        f"images up to {MAX_PIXELS // 1_000_000} megapixels are read: scale it down first"
                    )
                gray = _ink(img)
    except FileNotFoundError:
        raise DataError(f"{path}: no such file") from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise DataError(
            f"{path}: the image is larger than {MAX_PIXELS // 1_000_000} megapixels: scale it down first"
        ) from None
    except OSError as e:
        raise DataError(f"{path}: cannot read it as an image ({e})") from None
    try:
        return to_mnist_format(gray)
    except DataError as e:
        raise DataError(f"{path}: {e}") from None
