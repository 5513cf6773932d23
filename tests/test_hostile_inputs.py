"""Files and inputs a hostile (or unlucky) user gives: phone photos with an EXIF orientation, every
image mode Pillow opens, Excel's Kaggle CSVs, an --out that is an input, empty batches, numpy
arrays given to a model, bench without PyTorch (issue 23)."""

from __future__ import annotations

import os
import subprocess
import sys
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
        ("0\n", "row 2: 1 values; the header has 784 columns"),
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
