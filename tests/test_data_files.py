"""Kaggle CSV files and users' own digit images."""

from __future__ import annotations

import io
import struct
import sys
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import tinygrad_lenet as tl
from tinygrad_lenet.data import MNIST, read_digit_image, read_kaggle_csv, to_mnist_format, write_kaggle_submission

HEADER = ",".join(f"pixel{i}" for i in range(784))


def write_csv(path: Path, images: np.ndarray, labels: np.ndarray | None) -> Path:
    rows = images.reshape(len(images), -1).astype(int)
    if labels is not None:
        rows = np.column_stack([labels, rows])
    header = ("label," if labels is not None else "") + HEADER
    path.write_text(header + "\n" + "\n".join(",".join(map(str, r)) for r in rows) + "\n")
    return path


def test_kaggle_train_and_test_csv_round_trip(tmp_path: Path) -> None:
    sample = MNIST.sample(train=False)
    images, labels = sample.data[:20], sample.targets[:20]
    got_images, got_labels = read_kaggle_csv(write_csv(tmp_path / "train.csv", images, labels))
    np.testing.assert_array_equal(got_images, images)
    np.testing.assert_array_equal(got_labels, labels)
    assert got_images.dtype == np.uint8 and got_labels.dtype == np.int64
    test_images, no_labels = read_kaggle_csv(write_csv(tmp_path / "test.csv", images[:3], None))
    assert no_labels is None and test_images.shape == (3, 28, 28)
    one, _ = read_kaggle_csv(write_csv(tmp_path / "one.csv", images[:1], None))
    assert one.shape == (1, 28, 28)


def test_kaggle_csv_errors(tmp_path: Path) -> None:
    header = tmp_path / "h.csv"
    header.write_text("id,value\n1,2\n")
    with pytest.raises(tl.DataError, match="expected a header"):
        read_kaggle_csv(header)
    bad_pixels = write_csv(tmp_path / "p.csv", np.full((1, 28, 28), 300), np.array([1]))
    with pytest.raises(tl.DataError, match="p.csv, row 2, column pixel0: '300'; expected an integer 0..255"):
        read_kaggle_csv(bad_pixels)
    bad_labels = write_csv(tmp_path / "l.csv", np.zeros((1, 28, 28)), np.array([11]))
    with pytest.raises(tl.DataError, match="l.csv, row 2, column label: '11'; expected an integer 0..9"):
        read_kaggle_csv(bad_labels)
    ragged = tmp_path / "r.csv"
    ragged.write_text("label," + HEADER + "\n1,2,3\n")
    with pytest.raises(tl.DataError, match="r.csv, row 2: 3 values; the header has 785 columns"):
        read_kaggle_csv(ragged)
    with pytest.raises(tl.DataError, match="no such file"):
        read_kaggle_csv(tmp_path / "missing.csv")


def test_kaggle_submission(tmp_path: Path) -> None:
    path = write_kaggle_submission(tmp_path / "out" / "submission.csv", np.array([3, 0, 9]))
    assert path.read_text() == "ImageId,Label\n1,3\n2,0\n3,9\n"
    with pytest.raises(tl.DataError, match="integer digits 0-9"):
        write_kaggle_submission(tmp_path / "s.csv", np.array([0.5]))
    with pytest.raises(tl.DataError, match="integer digits 0-9"):
        write_kaggle_submission(tmp_path / "s.csv", np.array([10]))


def photo_of(digit: np.ndarray, size: tuple[int, int], dark_on_light: bool) -> Image.Image:
    """The MNIST digit drawn big and off-centre on a larger canvas, as a user's photo might be."""
    big = np.asarray(Image.fromarray(digit).resize(size, Image.BILINEAR), dtype=np.float64)
    canvas = np.zeros((size[1] + 60, size[0] + 90))
    canvas[10 : 10 + size[1], 70 : 70 + size[0]] = big
    canvas += np.random.default_rng(0).normal(0, 6, canvas.shape)
    if dark_on_light:
        canvas = 255 - canvas
    return Image.fromarray(np.clip(canvas, 0, 255).astype(np.uint8)).convert("RGB")


def correlation(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.corrcoef(a.ravel().astype(float), b.ravel().astype(float))[0, 1])


@pytest.mark.parametrize("dark_on_light", [True, False])
@pytest.mark.parametrize("fmt", ["png", "jpg"])
def test_a_users_digit_photo_becomes_an_mnist_like_image(tmp_path: Path, dark_on_light: bool, fmt: str) -> None:
    sample = MNIST.sample(train=False)
    for index in range(3):
        digit = sample.data[index]
        path = tmp_path / f"digit{index}.{fmt}"
        photo_of(digit, (112, 112), dark_on_light).save(path)
        image = read_digit_image(path)
        assert image.shape == (28, 28) and image.dtype == np.uint8
        assert image.max() >= 200 and image[0].max() < 40 and image[:, 0].max() < 40  # ink bright, border dark
        assert correlation(image, digit) > 0.9


def test_the_digit_is_fitted_to_20_pixels_and_centred_by_mass() -> None:
    gray = np.full((300, 100), 255, np.uint8)
    gray[50:250, 30:70] = 0  # a tall dark bar on white
    image = to_mnist_format(gray)
    rows, cols = np.nonzero(image > 128)
    assert rows.max() - rows.min() + 1 in (19, 20, 21)
    mass = image.astype(float)
    cy = (mass.sum(1) * np.arange(28)).sum() / mass.sum()
    cx = (mass.sum(0) * np.arange(28)).sum() / mass.sum()
    assert abs(cy - 14) <= 0.5 and abs(cx - 14) <= 0.5


def test_image_errors(tmp_path: Path, monkeypatch) -> None:
    Image.new("L", (30, 30), 255).save(tmp_path / "blank.png")
    with pytest.raises(tl.DataError, match="blank.png: the image is blank"):
        read_digit_image(tmp_path / "blank.png")
    (tmp_path / "notes.png").write_text("not an image")
    with pytest.raises(tl.DataError, match="cannot read it as an image"):
        read_digit_image(tmp_path / "notes.png")
    with pytest.raises(tl.DataError, match="no such file"):
        read_digit_image(tmp_path / "missing.png")
    monkeypatch.setitem(sys.modules, "PIL", None)
    with pytest.raises(tl.DataError, match="needs Pillow: pip install Pillow"):
        read_digit_image(tmp_path / "blank.png")


def test_a_drawing_on_a_transparent_background_is_read_by_its_alpha(tmp_path: Path) -> None:
    """What an HTML canvas exports: black ink whose alpha is the stroke, on transparent black."""
    sample = MNIST.sample(train=False)
    for index in range(3):
        digit = np.asarray(Image.fromarray(sample.data[index]).resize((140, 140), Image.BILINEAR))
        rgba = np.zeros((140, 140, 4), np.uint8)
        rgba[..., 3] = digit  # the colour is black everywhere: only the alpha channel shows the digit
        Image.fromarray(rgba, "RGBA").save(tmp_path / "canvas.png")
        image = read_digit_image(tmp_path / "canvas.png")
        assert correlation(image, sample.data[index]) > 0.9
    opaque = np.zeros((60, 60, 4), np.uint8)
    opaque[..., 3] = 255
    opaque[10:50, 25:35, :3] = 255  # a white bar on an opaque black background: read by its gray values
    Image.fromarray(opaque, "RGBA").save(tmp_path / "opaque.png")
    assert read_digit_image(tmp_path / "opaque.png").max() > 200


def png_claiming_size(path: Path, width: int, height: int) -> None:
    """A small valid PNG whose header says it is ``width`` x ``height`` (a decompression bomb's shape)."""
    buffer = io.BytesIO()
    Image.new("L", (8, 8)).save(buffer, "PNG")
    blob = bytearray(buffer.getvalue())
    blob[16:24] = struct.pack(">II", width, height)  # IHDR width and height
    blob[29:33] = struct.pack(">I", zlib.crc32(bytes(blob[12:29])))  # the IHDR chunk's CRC
    path.write_bytes(bytes(blob))


def test_a_huge_image_is_refused_before_it_is_decoded(tmp_path: Path) -> None:
    for width, height in ((15000, 15000), (9000, 5000)):
        png_claiming_size(tmp_path / "huge.png", width, height)
        with pytest.raises(tl.DataError, match=rf"huge.png: the image is ({width}x{height}|larger).*megapixels"):
            read_digit_image(tmp_path / "huge.png")


def test_a_kaggle_csv_with_only_a_header_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "test.csv"
    path.write_text(HEADER + "\n")
    with pytest.raises(tl.DataError, match="test.csv: the header is there but no rows follow"):
        read_kaggle_csv(path)
