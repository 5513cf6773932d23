"""Reading a user's own handwritten digit (PNG, JPG, TIFF, ...) into an MNIST-like 28x28 image.

The image is read as a viewer shows it: its EXIF orientation (a phone photo's) is applied.
Every image mode Pillow opens becomes grayscale, 0 black to 255 white (``_gray`` says how),
except La (gray with premultiplied alpha, a rare TIFF), which is refused by name; an image with
transparency is composited over white, or over black when its ink is light (``_composite``).

MNIST was made like this: the digit is fitted into a 20x20 box keeping its aspect ratio
(anti-aliased), then placed in a 28x28 image so that its centre of mass is at the centre.
Either polarity works: dark ink on light paper (a scan or a photo) is inverted to MNIST's
light-on-dark. Images above ``MAX_PIXELS`` are refused before they are decoded, so a huge (or
decompression-bomb) file cannot exhaust the memory, and a large one is box-averaged down to
``WORKING_SIDE`` pixels before it is converted.
"""

from __future__ import annotations

import math
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

WORKING_SIDE = 2048
"""A larger image is box-averaged by a whole factor until its longer side is at most this; the digit
ends up 20 pixels tall, and an A4 scan's digit keeps hundreds of pixels."""

_SIXTEEN_BIT = ("I;16", "I;16L", "I;16B", "I;16N")
_ALPHA = ("LA", "PA", "RGBA", "RGBa")
ACCEPTED_MODES = ("1", "L", "P", "RGB", "RGBX", "CMYK", "YCbCr", "LAB", "HSV", *_SIXTEEN_BIT, "I", "F", *_ALPHA)


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


def _upright_and_small(img: Image.Image, path: Path) -> Image.Image:
    """The opened image checked (size, mode), decoded as a viewer shows it (EXIF orientation), in a
    mode ``Image.reduce`` takes without loss, and box-averaged to at most ``WORKING_SIDE``."""
    from PIL import ImageOps

    width, height = img.size
    if width * height > MAX_PIXELS:
        raise DataError(
            f"{path}: the image is {width}x{height} ({width * height / 1e6:.0f} megapixels); "
            f"images up to {MAX_PIXELS // 1_000_000} megapixels are read: scale it down first"
        )
    if img.mode not in ACCEPTED_MODES:
        raise DataError(f"{path}: image mode {img.mode} is not read; accepted modes: {', '.join(ACCEPTED_MODES)}")
    img.draft(None, (WORKING_SIDE, WORKING_SIDE))  # a big JPEG is decoded at 1/2, 1/4 or 1/8 scale
    img.load()  # decoded now, while the file is open
    ImageOps.exif_transpose(img, in_place=True)
    if img.mode in _SIXTEEN_BIT:
        img = img.convert("I")
    elif img.mode in ("1", "L", "P", "RGB") and "transparency" in img.info:
        img = img.convert("RGBA")
    elif img.mode in ("1", "P"):
        img = img.convert("L")
    factor = math.ceil(max(img.size) / WORKING_SIDE)
    return img.reduce(factor) if factor > 1 else img


def _gray(img: Image.Image) -> np.ndarray:
    """The image as float grayscale (H, W), 0 black to 255 white:

    - 1: black 0, white 255; L: as stored; P: each palette colour's luma;
    - RGB, RGBX, CMYK, YCbCr, LAB, HSV: the colour's luma (ITU-R 601-2, Pillow's conversion to L);
    - I;16, I;16L, I;16B, I;16N (converted to I before): 16-bit, 0..65535 scaled to 0..255;
    - I: 32-bit integers read as 16-bit, 0..65535 scaled to 0..255; other values are refused;
    - F: float, 0.0..1.0 scaled to 0..255; other values (NaN too) are refused;
    - LA, PA, RGBA, RGBa, and 1, L, P, RGB with a transparent colour (converted to RGBA before):
      the luma composited by ``_composite``.
    """
    if img.mode == "I":
        values = np.asarray(img)
        if values.min() < 0 or values.max() > 65535:
            raise DataError(
                f"a 32-bit integer image (mode I) with values {values.min()}..{values.max()}; "
                "integer images are read as 16-bit, 0 (black) to 65535 (white)"
            )
        return values / 257
    if img.mode == "F":
        values = np.asarray(img, dtype=np.float64)
        if not np.isfinite(values).all() or values.min() < 0 or values.max() > 1:
            raise DataError(
                f"a float image (mode F) with values {values.min()}..{values.max()}; "
                "float images are read as 0.0 (black) to 1.0 (white)"
            )
        return values * 255
    if img.mode in _ALPHA:
        la = np.asarray(img.convert("RGBA").convert("LA"), dtype=np.float64)
        return _composite(la[..., 0], la[..., 1] / 255)
    return np.asarray(img.convert("RGB").convert("L"), dtype=np.float64)


def _composite(gray: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """``gray`` with opacity ``alpha`` (0..1) over white, as a viewer shows it on a light page,
    unless the drawing has no dark part (none of its mostly opaque pixels, alpha >= 1/2, is darker
    than mid-gray): white or light ink, a dark-mode drawing app's, goes over black.

    So dark ink on a transparent background (what an HTML canvas exports: black, the stroke in
    the alpha channel; a palette image whose paper is the transparent colour) reads as ink on
    paper, and an image opaque almost everywhere reads by its gray values."""
    drawn = gray[alpha >= 0.5]
    background = 0.0 if drawn.size and drawn.min() >= 128 else 255.0
    return alpha * gray + (1 - alpha) * background


def read_digit_image(path: str | os.PathLike[str]) -> np.ndarray:
    """Read an image file of one handwritten digit as a 28x28 uint8 MNIST-like array.

    Raises :class:`DataError` naming the file for a missing or unreadable file, an image above
    ``MAX_PIXELS``, a mode it does not read or values outside its mode's range, a blank image."""
    Image = _pillow()
    path = Path(path)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # Pillow's notes on damaged metadata: the pixels are still read
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as img:
                work = _upright_and_small(img, path)
    except DataError:
        raise
    except FileNotFoundError:
        raise DataError(f"{path}: no such file") from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise DataError(
            f"{path}: the image is larger than {MAX_PIXELS // 1_000_000} megapixels: scale it down first"
        ) from None
    except (OSError, ValueError, SyntaxError) as e:  # what Pillow raises for a damaged file
        raise DataError(f"{path}: cannot read it as an image ({e})") from None
    try:
        return to_mnist_format(_gray(work))
    except DataError as e:
        raise DataError(f"{path}: {e}") from None
