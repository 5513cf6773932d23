"""``torchvision.utils`` under its own name: ``make_grid`` tiles a batch of images, ``save_image`` writes them.

    >>> from tinygrad_lenet.vision.utils import make_grid, save_image
    >>> save_image(images[:64], "batch.png", nrow=8, normalize=True)  # images: (B, C, H, W) in [0, 1]

Pillow writes the file (loaded on first use); a file name is written atomically.
"""

from __future__ import annotations

import io
import math
import os
from collections.abc import Sequence
from typing import Any, BinaryIO

import numpy as np

from ..base.errors import ShapeError
from ..base.file_io import atomic_write
from ..tensor.tensor import Tensor

__all__ = ["make_grid", "save_image"]


def _batch(tensor: Tensor | Sequence[Tensor]) -> np.ndarray:
    """The images as a (B, C, H, W) float array with 3 channels where there was 1 (as torchvision)."""
    if isinstance(tensor, Tensor):
        array = np.asarray(tensor.detach().numpy(), dtype=np.float64)
    else:
        shapes = {tuple(t.shape) for t in tensor}
        if len(shapes) != 1:
            raise ShapeError(f"make_grid: the images of a list must have one shape, got {sorted(shapes)}")
        array = np.stack([np.asarray(t.detach().numpy(), dtype=np.float64) for t in tensor])
    if array.ndim == 2:
        array = array[None]
    if array.ndim == 3:
        array = array[None] if array.shape[0] in (1, 3) else array[:, None]
    if array.ndim != 4:
        raise ShapeError(
            f"make_grid: expected images of shape (B, C, H, W), (C, H, W) or (H, W), got {tuple(array.shape)}"
        )
    if array.shape[1] == 1:
        array = np.repeat(array, 3, axis=1)
    return array


def _normalized(array: np.ndarray, value_range: tuple[float, float] | None, scale_each: bool) -> np.ndarray:
    """Clamped to ``value_range`` (default: the images' min and max, each image's with scale_each) and
    scaled to [0, 1]."""
    images = array if scale_each else array[None]
    out = []
    for image in images:
        low, high = value_range if value_range is not None else (float(image.min()), float(image.max()))
        out.append((np.clip(image, low, high) - low) / max(high - low, 1e-5))
    return np.stack(out) if scale_each else out[0]


def make_grid(
    tensor: Tensor | Sequence[Tensor],
    nrow: int = 8,
    padding: int = 2,
    normalize: bool = False,
    value_range: tuple[float, float] | None = None,
    scale_each: bool = False,
    pad_value: float = 0.0,
) -> Tensor:
    """Tile images into one (3, H', W') image: ``nrow`` per row, ``padding`` pixels of ``pad_value`` between.

    Parameters
    ----------
    tensor
        A (B, C, H, W) batch, one (C, H, W) or (H, W) image, or a list of same-shaped images.
    nrow
        Images per row of the grid.
    padding
        Pixels between images and around the grid.
    normalize
        Scale the values to [0, 1] by ``value_range`` (default: their min and max).
    value_range
        ``(low, high)`` for ``normalize``.
    scale_each
        With ``normalize``, scale each image by its own min and max.
    pad_value
        The value of the padding pixels.
    """
    if nrow < 1 or padding < 0:
        raise ValueError(f"make_grid: nrow must be >= 1 and padding >= 0, got nrow={nrow}, padding={padding}")
    array = _batch(tensor)
    if normalize:
        array = _normalized(array, value_range, scale_each)
    count, channels, height, width = array.shape
    if count == 1:
        return Tensor(array[0])
    columns = min(nrow, count)
    rows = math.ceil(count / columns)
    cell_h, cell_w = height + padding, width + padding
    grid = np.full((channels, rows * cell_h + padding, columns * cell_w + padding), pad_value, dtype=array.dtype)
    for k in range(count):
        y, x = divmod(k, columns)
        top, left = y * cell_h + padding, x * cell_w + padding
        grid[:, top : top + height, left : left + width] = array[k]
    return Tensor(grid)


def save_image(
    tensor: Tensor | Sequence[Tensor], fp: str | os.PathLike[str] | BinaryIO, format: str | None = None, **kwargs: Any
) -> None:
    """Write images as one picture (``make_grid``'s keywords apply); values in [0, 1] map to 0..255.

    ``fp`` is a file name (its extension picks the format unless ``format`` is given; written atomically) or a
    binary file object (then give ``format``, e.g. ``"png"``).
    """
    grid = make_grid(tensor, **kwargs).numpy()
    pixels = np.clip(grid * 255 + 0.5, 0, 255).astype(np.uint8).transpose(1, 2, 0)
    from PIL import Image  # loaded on first use: importing the package stays light

    image = Image.fromarray(pixels[:, :, 0] if pixels.shape[2] == 1 else pixels)
    if hasattr(fp, "write"):
        image.save(fp, format=format)
        return
    name = os.fspath(fp)
    buffer = io.BytesIO()
    image.save(buffer, format=format or (os.path.splitext(name)[1].lstrip(".").upper() or "PNG").replace("JPG", "JPEG"))
    atomic_write(name, buffer.getvalue())
