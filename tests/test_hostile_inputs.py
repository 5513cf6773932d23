"""Files and inputs a hostile (or unlucky) user gives: phone photos with an EXIF orientation, every
image mode Pillow opens, Excel's Kaggle CSVs, an --out that is an input, empty batches, numpy
arrays given to a model, bench without PyTorch (issue 23)."""

from __future__ import annotations

import os
import subprocess
import sys
import zlib
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from installed_command import one_line_error, run
from PIL import Image

import tinygrad_lenet as tl
from tinygrad_lenet.data import MNIST, read_digit_image, read_kaggle_csv
from tinygrad_lenet.models import MODELS, create_model

HEADER = ",".join(f"pixel{i}" for i in range(784))


def upright_seven() -> np.ndarray:
    """A 7 from the MNIST test set, drawn big and dark on light (96 wide, 128 tall), as a scan is."""
    sample = MNIST.sample(train=False)
    assert sample.targets[0] == 7
    return 255 - np.asarray(Image.fromarray(sample.data[0]).resize((96, 128), Image.BILINEAR))


def reference(tmp_path: Path, gray: np.ndarray) -> np.ndarray:
    """What the reader makes of ``gray`` saved as a plain 8-bit grayscale PNG."""
    Image.fromarray(gray.astype(np.uint8), "L").save(tmp_path / "reference.png")
    return read_digit_image(tmp_path / "reference.png")


def correlation(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.corrcoef(a.ravel().astype(float), b.ravel().astype(float))[0, 1])


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An untrained softmax regression saved as a training checkpoint: predictions are deterministic."""
    tl.manual_seed(0)
    path = tmp_path_factory.mktemp("model") / "model.safetensors"
    tl.save({"model": create_model("softmax").state_dict(), "metadata": {"model": "softmax"}}, path)
    return path


# --- images: EXIF orientation ------------------------------------------------------------------------
# the transposition that stores an upright image so that a viewer applying the EXIF orientation shows it upright
STORED = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_90,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_270,
}


def save_turned(image: Image.Image, path: Path, orientation: int) -> Path:
    exif = Image.Exif()
    exif[0x0112] = orientation
    image.transpose(STORED[orientation]).save(path, exif=exif)
    return path


@pytest.mark.parametrize("orientation", sorted(STORED))
def test_every_exif_orientation_is_applied(tmp_path: Path, orientation: int) -> None:
    gray = upright_seven()
    turned = save_turned(Image.fromarray(gray), tmp_path / "turned.png", orientation)
    np.testing.assert_array_equal(read_digit_image(turned), reference(tmp_path, gray))


def test_a_phone_jpeg_is_read_as_a_viewer_shows_it(tmp_path: Path) -> None:
    """The issue's case: an RGB JPEG stored sideways with orientation 6, which viewers show upright."""
    photo = Image.fromarray(upright_seven()).convert("RGB")
    photo.save(tmp_path / "upright.jpg", quality=95)
    upright = read_digit_image(tmp_path / "upright.jpg")
    turned = read_digit_image(save_turned(photo, tmp_path / "phone.jpg", 6))
    assert correlation(turned, upright) > 0.98


def test_predict_classifies_the_image_a_viewer_shows(tmp_path: Path, checkpoint: Path) -> None:
    Image.fromarray(upright_seven()).save(tmp_path / "upright.png")
    save_turned(Image.fromarray(upright_seven()), tmp_path / "phone.png", 6)
    result = run("predict", "upright.png", "phone.png", "--checkpoint", str(checkpoint), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    upright, phone = (line.split(": ", 1)[1] for line in result.stdout.splitlines())
    assert phone == upright


# --- images: every mode ------------------------------------------------------------------------------
def one_bit(gray: np.ndarray, path: Path) -> tuple[Image.Image, np.ndarray]:
    return Image.fromarray(gray > 127), np.where(gray > 127, 255, 0)


def float_tiff(gray: np.ndarray, path: Path) -> tuple[Image.Image, np.ndarray]:
    return Image.fromarray((gray / 255).astype(np.float32), "F"), gray


def sixteen_bit(gray: np.ndarray, path: Path) -> tuple[Image.Image, np.ndarray]:
    return Image.fromarray(gray.astype(np.uint16) * 257), gray


def thirty_two_bit(gray: np.ndarray, path: Path) -> tuple[Image.Image, np.ndarray]:
    return Image.fromarray(gray.astype(np.int32) * 257, "I"), gray


def palette_with_transparent_paper(gray: np.ndarray, path: Path) -> tuple[Image.Image, np.ndarray]:
    """A GIF-like palette image whose white paper is the transparent colour."""
    image = Image.fromarray(gray.astype(np.uint8), "L").convert("P")
    image.putpalette([v for i in range(256) for v in (i, i, i)])
    image.info["transparency"] = 255
    return image, gray


def gray_ink_opacity(gray: np.ndarray, path: Path) -> tuple[Image.Image, np.ndarray]:
    """LA: black everywhere, the stroke in the alpha channel (a canvas export in gray)."""
    la = np.stack([np.zeros_like(gray), 255 - gray], axis=-1).astype(np.uint8)
    return Image.fromarray(la, "LA"), gray


def white_ink_on_transparent(gray: np.ndarray, path: Path) -> tuple[Image.Image, np.ndarray]:
    """A dark-mode drawing app's export: white strokes on transparent black."""
    rgba = np.zeros((*gray.shape, 4), np.uint8)
    rgba[..., :3], rgba[..., 3] = 255, 255 - gray
    return Image.fromarray(rgba, "RGBA"), 255 - gray


def opaque_but_one_corner(gray: np.ndarray, path: Path) -> tuple[Image.Image, np.ndarray]:
    """An opaque RGBA scan whose one corner pixel is barely translucent (alpha 254), as exports do."""
    rgba = np.stack([gray] * 3 + [np.full_like(gray, 255)], axis=-1).astype(np.uint8)
    rgba[0, 0, 3] = 254
    return Image.fromarray(rgba, "RGBA"), gray


MODES: dict[str, tuple[Callable, str]] = {
    "1": (one_bit, "png"),
    "F": (float_tiff, "tif"),
    "I;16": (sixteen_bit, "png"),
    "I": (thirty_two_bit, "tif"),
    "P+transparency": (palette_with_transparent_paper, "png"),
    "LA": (gray_ink_opacity, "png"),
    "RGBA white ink": (white_ink_on_transparent, "png"),
    "RGBA opaque": (opaque_but_one_corner, "png"),
}


@pytest.mark.parametrize("mode", sorted(MODES))
def test_each_image_mode_is_read_as_its_8_bit_grayscale_twin(tmp_path: Path, mode: str) -> None:
    build, suffix = MODES[mode]
    gray = upright_seven()
    image, expected_gray = build(gray, tmp_path)
    image.save(tmp_path / f"digit.{suffix}")
    reopened = Image.open(tmp_path / f"digit.{suffix}")
    assert reopened.mode == mode.split("+")[0].split(" ")[0]
    got = read_digit_image(tmp_path / f"digit.{suffix}").astype(int)
    assert np.abs(got - reference(tmp_path, expected_gray)).max() <= 1


def test_a_cmyk_jpeg_is_read_by_its_luma(tmp_path: Path) -> None:
    gray = upright_seven()
    Image.fromarray(gray).convert("CMYK").save(tmp_path / "print.jpg", quality=95)
    assert Image.open(tmp_path / "print.jpg").mode == "CMYK"
    assert correlation(read_digit_image(tmp_path / "print.jpg"), reference(tmp_path, gray)) > 0.98


def premultiplied_tiff(path: Path) -> Path:
    """A gray TIFF with associated (premultiplied) alpha, which Pillow opens as mode La."""
    Image.new("LA", (32, 32), (100, 200)).save(path)
    entry = b"\x52\x01\x03\x00\x01\x00\x00\x00\x02\x00"  # ExtraSamples = 2 (unassociated alpha)
    blob = path.read_bytes()
    assert blob.count(entry) == 1
    path.write_bytes(blob.replace(entry, entry[:-2] + b"\x01\x00"))  # 1: associated alpha
    return path


def text_bomb_png(path: Path) -> Path:
    """A 1x1 PNG with a zTXt chunk inflating to 64 MB (Pillow's MAX_TEXT_CHUNK refuses it)."""
    pixel = zlib.compress(b"\x00\x00")
    blob = b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", (1).to_bytes(4, "big") * 2 + b"\x08\x00\x00\x00\x00")
    blob += png_chunk(b"zTXt", b"Comment\x00\x00" + zlib.compress(b"\x00" * 64_000_000, 9))
    path.write_bytes(blob + png_chunk(b"IDAT", pixel) + png_chunk(b"IEND", b""))
    return path


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return len(data).to_bytes(4, "big") + kind + data + zlib.crc32(kind + data).to_bytes(4, "big")


def test_modes_and_values_it_cannot_read_are_refused_by_name(tmp_path: Path) -> None:
    with pytest.raises(tl.DataError, match=r"la.tif: image mode La is not read; accepted modes: 1, L, P, RGB"):
        read_digit_image(premultiplied_tiff(tmp_path / "la.tif"))
    Image.fromarray(upright_seven().astype(np.float32), "F").save(tmp_path / "f255.tif")
    with pytest.raises(tl.DataError, match=r"f255.tif: a float image \(mode F\) with values 1.0..255.0; float images"):
        read_digit_image(tmp_path / "f255.tif")
    Image.fromarray(upright_seven().astype(np.int32) - 100, "I").save(tmp_path / "negative.tif")
    with pytest.raises(tl.DataError, match=r"negative.tif: a 32-bit integer image \(mode I\) with values -99..155; "):
        read_digit_image(tmp_path / "negative.tif")


def test_predict_reports_each_unreadable_image_in_one_line_and_goes_on(tmp_path: Path, checkpoint: Path) -> None:
    premultiplied_tiff(tmp_path / "la.tif")
    Image.fromarray(upright_seven().astype(np.float32), "F").save(tmp_path / "f255.tif")
    Image.fromarray(upright_seven()).save(tmp_path / "good.png")
    text_bomb_png(tmp_path / "bomb.png")
    result = run("predict", "la.tif", "f255.tif", "bomb.png", "good.png", "--checkpoint", str(checkpoint), cwd=tmp_path)
    assert result.returncode == 1 and result.stdout.startswith("good.png: ")  # the others are still classified
    errors = result.stderr.splitlines()
    assert len(errors) == 3 and "Traceback" not in result.stderr, result.stderr
    assert errors[0] == (
        "tinygrad-lenet predict: error: la.tif: image mode La is not read; accepted modes: "
        "1, L, P, RGB, RGBX, CMYK, YCbCr, LAB, HSV, I;16, I;16L, I;16B, I;16N, I, F, LA, PA, RGBA, RGBa"
    )
    assert "f255.tif: a float image (mode F)" in errors[1]
    assert errors[2].startswith("tinygrad-lenet predict: error: bomb.png: cannot read it as an image (")
    assert "MAX_TEXT_CHUNK" in errors[2]


def test_a_large_photo_is_shrunk_before_it_is_converted(tmp_path: Path) -> None:
    """A 3000x2400 RGBA image is box-averaged to at most 2048 pixels first: same digit, a quarter of the memory."""
    gray = np.asarray(Image.fromarray(upright_seven()).resize((1800, 2400), Image.BILINEAR))
    rgba = np.full((2400, 3000, 4), 255, np.uint8)
    rgba[:, 600:2400, :3] = gray[..., None]
    Image.fromarray(rgba, "RGBA").save(tmp_path / "big.png", compress_level=1)
    assert correlation(read_digit_image(tmp_path / "big.png"), reference(tmp_path, upright_seven())) > 0.98


# --- Kaggle CSV --------------------------------------------------------------------------------------
def test_excels_csv_utf8_with_a_byte_order_mark_and_crlf_is_read(tmp_path: Path) -> None:
    digits = MNIST.sample(train=False).data[:3]
    rows = "".join(",".join(map(str, d.ravel())) + "\r\n" for d in digits)
    (tmp_path / "test.csv").write_bytes(("\ufeff" + HEADER + "\r\n" + rows).encode("utf-8"))
    images, labels = read_kaggle_csv(tmp_path / "test.csv")
    np.testing.assert_array_equal(images, digits)
    assert labels is None


@pytest.mark.parametrize(
    "body,message",
    [
        ("0\n", "row 2: 1 value; the header has 784 columns"),
        ("{row}\n\n{row}\n1,2\n", "row 5: 2 values; the header has 784 columns"),  # blank lines are counted
        ("{row}\n{row},\n", "row 3: 785 values; the header has 784 columns"),
        ("{row}\nx{row}\n", "row 3, column pixel0: 'x0'; expected an integer 0..255"),
        ("{row}\n{row}\n{rest},300\n", "row 4, column pixel783: '300'; expected an integer 0..255"),
        ("1.5,{rest}\n", "row 2, column pixel0: '1.5'; expected an integer 0..255"),
    ],
)
def test_kaggle_csv_rows_are_numbered_as_a_spreadsheet_shows_them(tmp_path: Path, body: str, message: str) -> None:
    text = HEADER + "\n" + body.format(row=",".join(["0"] * 784), rest=",".join(["0"] * 783))
    (tmp_path / "test.csv").write_text(text)
    with pytest.raises(tl.DataError) as error:
        read_kaggle_csv(tmp_path / "test.csv")
    assert str(error.value) == f"{tmp_path / 'test.csv'}, {message}"
    assert "usecols" not in str(error.value)


def test_kaggle_csv_header_and_label_errors_name_the_column(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text(HEADER.replace("pixel2,", "pixle2,") + "\n" + ",".join(["0"] * 784) + "\n")
    with pytest.raises(tl.DataError, match=r"a.csv: expected a header .* in row 1; column 3 is 'pixle2'$"):
        read_kaggle_csv(tmp_path / "a.csv")
    (tmp_path / "b.csv").write_text("label," + HEADER + "\n" + "12," + ",".join(["0"] * 784) + "\n")
    with pytest.raises(tl.DataError, match=r"b.csv, row 2, column label: '12'; expected an integer 0..9$"):
        read_kaggle_csv(tmp_path / "b.csv")


@pytest.mark.parametrize("link", ["same", "spelling", "symlink", "hardlink", "checkpoint"])
def test_kaggle_refuses_an_out_that_is_a_file_it_reads(tmp_path: Path, checkpoint: Path, link: str) -> None:
    csv = tmp_path / "test.csv"
    csv.write_text(HEADER + "\n" + ",".join(["0"] * 784) + "\n")
    kept = {csv: csv.read_bytes(), checkpoint: checkpoint.read_bytes()}
    out = {"same": "test.csv", "spelling": f"../{tmp_path.name}/test.csv", "checkpoint": str(checkpoint)}.get(
        link, "alias.csv"
    )
    if link == "symlink":
        (tmp_path / "alias.csv").symlink_to(csv)
    elif link == "hardlink":
        os.link(csv, tmp_path / "alias.csv")
    option = "--checkpoint" if link == "checkpoint" else "--test-csv"
    one_line_error(
        run("kaggle", "--checkpoint", str(checkpoint), "--test-csv", "test.csv", "--out", out, cwd=tmp_path),
        1,
        f"--out {out} is the file {option} reads: give another file name",
    )
    assert all(path.read_bytes() == data for path, data in kept.items())


@pytest.mark.parametrize("command", ["export", "graph"])
def test_export_and_graph_refuse_to_write_over_the_checkpoint_they_read(
    tmp_path: Path, checkpoint: Path, command: str
) -> None:
    kept = checkpoint.read_bytes()
    one_line_error(
        run(command, "--checkpoint", str(checkpoint), "--out", str(checkpoint), cwd=tmp_path),
        1,
        f"--out {checkpoint} is the file --checkpoint reads: give another file name",
    )
    assert checkpoint.read_bytes() == kept


# --- models: empty batches, numpy inputs -------------------------------------------------------------
@pytest.mark.parametrize("name", [n for n, spec in MODELS.items() if spec.trainable])
def test_a_model_given_a_batch_of_zero_images_returns_zero_rows(name: str) -> None:
    """As PyTorch's would: (0, 10) scores, and zero gradients through them."""
    size = MODELS[name].input_size
    model = create_model(name)
    for training in (False, True):
        model.train(training)
        x = tl.zeros(0, 1, size, size, requires_grad=True)
        scores = model(x)
        assert scores.shape == (0, 10)
        scores.sum().backward()
        assert x.grad.shape == (0, 1, size, size)
        assert all(p.grad is not None and not p.grad.numpy().any() for p in model.parameters())
        model.zero_grad()


@pytest.mark.parametrize(
    "layer,shape",
    [
        ("Conv2d(1, 6, 5)", (0, 1, 32, 32)),
        ("Conv2d(2, 4, 3, padding=1)", (0, 2, 8, 8)),
        ("Conv2d(4, 6, 3, stride=2, padding=1, dilation=2, groups=2)", (0, 4, 9, 9)),
        ("MaxPool2d(2)", (0, 2, 8, 8)),
        ("MaxPool2d(3, 2, 1)", (0, 2, 9, 9)),
        ("AvgPool2d(2)", (0, 2, 8, 8)),
        ("Linear(5, 3)", (0, 5)),
        ("BatchNorm2d(2).eval()", (0, 2, 4, 4)),
    ],
)
def test_layers_on_an_empty_batch_match_pytorch(layer: str, shape: tuple[int, ...]) -> None:
    torch = pytest.importorskip("torch")
    ours = eval(f"tl.nn.{layer}")
    theirs = eval(f"torch.nn.{layer}")
    x, x_t = tl.zeros(*shape, requires_grad=True), torch.zeros(*shape, requires_grad=True)
    y, y_t = ours(x), theirs(x_t)
    assert y.shape == tuple(y_t.shape)
    y.sum().backward()
    y_t.sum().backward()
    assert x.grad.shape == tuple(x_t.grad.shape)


def test_a_model_given_a_numpy_array_says_to_wrap_it() -> None:
    model = create_model("lenet5")
    with pytest.raises(TypeError, match=r"^LeNet5: expected a Tensor, got numpy.ndarray: wrap it with tl.tensor\("):
        model(np.zeros((1, 1, 32, 32), np.float32))
    assert model(tl.tensor(np.zeros((1, 1, 32, 32), np.float32))).shape == (1, 10)

    class FromArrays(tl.nn.Module):
        """A module whose forward declares array inputs (as OnnxModule's does) gets them."""

        def forward(self, x: np.ndarray) -> tl.Tensor:
            return tl.tensor(x) * 2

    assert FromArrays()(np.ones(3)).tolist() == [2.0, 2.0, 2.0]


# --- bench without PyTorch ---------------------------------------------------------------------------
def test_bench_says_when_pytorch_is_not_installed(tmp_path: Path) -> None:
    code = (
        "import sys; sys.modules['torch'] = None  # import torch fails, as when it is not installed\n"
        "from tinygrad_lenet.cli import main\n"
        "sys.exit(main(sys.argv[1:]))"
    )
    args = ["bench", "--only", "lenet5-train-64", "--rounds", "1", "--steps", "1", "--memory-steps", "0", "--no-load"]
    result = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=tmp_path, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert "PyTorch is not installed: timing ours only, without ratios" in result.stdout
    assert "ratio" not in result.stdout.replace("without ratios", "")
