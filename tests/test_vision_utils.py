"""vision.utils: make_grid tiles images as torchvision does, save_image writes them as a picture."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import tinygrad_lenet as tl
from tinygrad_lenet.vision.utils import make_grid, save_image


def test_make_grid_places_each_image_with_padding_and_repeats_one_channel() -> None:
    images = tl.tensor(np.arange(5, dtype=np.float32).reshape(5, 1, 1, 1) + 1)
    grid = make_grid(images, nrow=3, padding=1, pad_value=0.5)
    assert grid.shape == (3, 2 * 2 + 1, 3 * 2 + 1)  # 2 rows of 3 cells of (1 + 1) pixels, plus the border
    values = grid.numpy()[0]
    assert [values[1, 1], values[1, 3], values[1, 5], values[3, 1], values[3, 3]] == [1, 2, 3, 4, 5]
    assert values[3, 5] == 0.5 and values[0, 0] == 0.5  # the empty cell and the border are padding
    assert np.array_equal(grid.numpy()[0], grid.numpy()[2])


def test_make_grid_normalizes_and_returns_one_image_alone() -> None:
    image = tl.tensor([[[-1.0, 1.0]]])
    assert make_grid(image, normalize=True).numpy().tolist() == [[[0.0, 1.0]]] * 3
    assert make_grid(image, normalize=True, value_range=(0.0, 2.0)).numpy()[0].tolist() == [[0.0, 0.5]]
    with pytest.raises(tl.ShapeError, match=r"expected images of shape \(B, C, H, W\)"):
        make_grid(tl.zeros(1, 1, 1, 1, 1))


def test_save_image_writes_a_png_to_a_file_and_to_a_file_object(tmp_path: Path) -> None:
    images = tl.stack([tl.zeros(1, 4, 4), tl.ones(1, 4, 4)])
    save_image(images, tmp_path / "grid.png", padding=0)
    picture = np.asarray(Image.open(tmp_path / "grid.png"))
    assert picture.shape == (4, 8, 3) and picture[0, 0, 0] == 0 and picture[0, 7, 0] == 255
    buffer = io.BytesIO()
    save_image(images[0], buffer, format="png")
    assert buffer.getvalue()[:4] == b"\x89PNG"
