"""Every user error found by trying bad inputs gets one line, exit code 2 for usage and 1 for failures,
no traceback and no numpy warning; and predicting what users draw works file by file."""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import numpy as np
import pytest
from installed_command import one_line_error, run
from PIL import Image
from test_data_files import png_claiming_size

import tinygrad_lenet as tl
from tinygrad_lenet import nn, optim
from tinygrad_lenet.data import MNIST
from tinygrad_lenet.models import KNearestNeighbors, LeNet5

SAMPLE = ["--data", "sample"]


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A softmax regression trained for one epoch on the sample by the installed command."""
    folder = tmp_path_factory.mktemp("trained")
    result = run("train", "--model", "softmax", "--epochs", "1", *SAMPLE, "--out", "run", cwd=folder)
    assert result.returncode == 0, result.stderr
    return folder / "run" / "best.safetensors"


# --- layers, models and optimizers built with impossible values ------------------------------------------
@pytest.mark.parametrize(
    "build,kind,message",
    [
        (lambda: nn.Linear(0, 3), ValueError, "Linear: in_features must be at least 1, got 0"),
        (lambda: nn.Linear(4, 2.5), TypeError, "Linear: out_features must be an int, got float 2.5"),
        (lambda: nn.Conv2d(1, 6, 0), ValueError, "Conv2d: kernel_size must be at least 1, got 0"),
        (lambda: nn.Conv2d(0, 6, 5), ValueError, "Conv2d: in_channels must be at least 1, got 0"),
        (lambda: nn.Conv2d(1, 6, 3, stride=0), ValueError, "Conv2d: stride must be at least 1"),
        (lambda: nn.MaxPool2d(0), ValueError, "MaxPool2d: kernel_size must be at least 1"),
        (lambda: LeNet5(channels=(0, 16)), ValueError, "LeNet5: channels must be two ints >= 1"),
        (lambda: LeNet5(dropout=1.0), ValueError, "LeNet5: dropout must be a probability in [0, 1)"),
        (lambda: tl.models.MLP([784, 0, 10]), ValueError, "MLP: every layer size must be an int >= 1"),
        (
            lambda: KNearestNeighbors(5).fit(np.zeros((3, 4)), np.arange(3)),
            ValueError,
            "k-NN with k=5 needs at least 5 training images, got 3",
        ),
        (
            lambda: optim.SGD([nn.Parameter(tl.zeros(2))], lr="0.1"),
            TypeError,
            "SGD: lr must be a number, got str '0.1'",
        ),
        (
            lambda: optim.Adam([nn.Parameter(tl.zeros(2))], lr=math.nan),
            ValueError,
            "Adam: lr must be a finite number, got nan",
        ),
        (
            lambda: optim.Adam([nn.Parameter(tl.zeros(2))], lr=math.inf),
            ValueError,
            "Adam: lr must be a finite number, got inf",
        ),
        (
            lambda: optim.Adam([nn.Parameter(tl.zeros(2))], betas=(0.9,)),
            TypeError,
            "betas must be a tuple of 2 numbers",
        ),
        (
            lambda: optim.SGD([nn.Parameter(tl.zeros(2))], lr=0.1, momentum="high"),
            TypeError,
            "SGD: momentum must be a number",
        ),
    ],
)
def test_impossible_values_are_refused_where_they_are_given(build, kind: type, message: str) -> None:
    with pytest.raises(kind, match=message.replace("(", r"\(").replace(")", r"\)").replace("[", r"\[")):
        build()


def test_an_optimizer_refuses_the_state_of_another_optimizer() -> None:
    params = [nn.Parameter(tl.zeros(2))]
    adam_state = optim.Adam(params).state_dict()
    sgd = optim.SGD(params, lr=0.1)
    with pytest.raises(tl.StateDictError, match="this state was saved by Adam, not SGD"):
        sgd.load_state_dict(adam_state)
    untyped = {k: v for k, v in adam_state.items() if k != "type"}  # e.g. from another tool
    with pytest.raises(tl.StateDictError, match="hyperparameters amsgrad, betas, eps that SGD does not have"):
        sgd.load_state_dict(untyped)
    assert sgd.param_groups[0]["lr"] == 0.1  # unchanged


def test_inf_and_nan_flow_through_ops_silently_as_in_pytorch() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        logits = tl.tensor([[math.inf, 0.0], [1.0, 2.0]], requires_grad=True)
        loss = nn.functional.cross_entropy(logits, tl.tensor([0, 1]))
        loss.backward()
        assert (
            math.isnan(loss.item())
            and math.isnan(logits.grad.numpy()[0, 0])
            and np.isfinite(logits.grad.numpy()[1]).all()
        )
        assert np.isnan(tl.tensor([-1.0]).log().numpy()).all()
        assert (tl.tensor([0.0]) ** -1.0).item() == math.inf
        p = nn.Parameter(tl.ones(2))
        p.grad = tl.tensor([math.inf, 1.0])
        optim.Adam([p]).step()
        assert np.isnan(p.numpy()[0])


# --- the command line --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "args,fragments",
    [
        (["--model", "lenet5", "--channels", "0", "16"], ["--channels: invalid positive_int value: '0'"]),
        (["--model", "lenet5", "--channels", "-3", "16"], ["--channels: invalid positive_int value: '-3'"]),
        (["--model", "mlp", "--hidden", "0"], ["--hidden: invalid positive_int value: '0'"]),
        (["--model", "mlp", "--hidden", "-4"], ["--hidden: invalid positive_int value: '-4'"]),
        (["--model", "knn", "--k", "0"], ["--k: invalid positive_int value: '0'"]),
        (["--dropout", "1.5"], ["--dropout: invalid probability value: '1.5'"]),
        (["--lr", "fast"], ["--lr: invalid float value: 'fast'"]),
    ],
)
def test_bad_option_values_are_usage_errors(args: list[str], fragments: list[str], tmp_path: Path) -> None:
    one_line_error(run("train", *args, *SAMPLE, "--out", "run", cwd=tmp_path), 2, *fragments)
    assert not (tmp_path / "run").exists()


@pytest.mark.parametrize(
    "args,fragments",
    [
        (
            ["--model", "knn", "--k", "9000", *SAMPLE],
            ["k-NN with k=9000 needs at least 9000 training images, got 8000"],
        ),
        (["--lr", "nan", "--epochs", "1", *SAMPLE], ["Adam: lr must be a finite number, got nan"]),
        (["--lr", "inf", "--epochs", "1", *SAMPLE], ["Adam: lr must be a finite number, got inf"]),
        (
            ["--optimizer", "adam", "--momentum", "0.5", *SAMPLE],
            ["--momentum would be ignored", "applies to momentum and nesterov only"],
        ),
        (
            ["--schedule", "cosine", "--gamma", "0.5", *SAMPLE],
            ["--gamma would be ignored", "applies to step and exponential only"],
        ),
        (
            ["--model", "knn", "--epochs", "3", *SAMPLE],
            ["--epochs do not apply to --model knn: it is fitted, not trained"],
        ),
        (["--data-dir", "no/such/folder", "--epochs", "1"], ["--data-dir no/such/folder does not hold a usable MNIST"]),
    ],
)
def test_training_options_that_cannot_work_fail_with_one_line(
    args: list[str], fragments: list[str], tmp_path: Path
) -> None:
    one_line_error(run("train", *args, "--out", "run", cwd=tmp_path), 1, *fragments)
    assert not (tmp_path / "run" / "last.safetensors").exists()


def test_out_that_cannot_be_a_run_folder(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("mine")
    one_line_error(
        run("train", "--model", "softmax", "--epochs", "1", *SAMPLE, "--out", "a-file", cwd=tmp_path),
        1,
        "a-file is a file, not a folder",
    )
    one_line_error(
        run("train", "--model", "softmax", "--epochs", "1", *SAMPLE, "--out", "a-file/run", cwd=tmp_path),
        1,
        "cannot create the run folder a-file/run",
    )
    if Path("/proc/self").is_dir():  # unwritable even for root
        one_line_error(
            run("train", "--model", "softmax", "--epochs", "1", *SAMPLE, "--out", "/proc/no-runs-here", cwd=tmp_path),
            1,
            "cannot create the run folder /proc/no-runs-here",
        )
    assert (tmp_path / "a-file").read_text() == "mine"


def test_a_folder_given_where_a_file_is_written(tmp_path: Path, checkpoint: Path) -> None:
    (tmp_path / "pictures").mkdir()
    one_line_error(
        run("graph", "--model", "softmax", "--out", "pictures", cwd=tmp_path),
        1,
        "--out pictures is a folder; give the name of the file to write",
    )
    csv = tmp_path / "test.csv"
    csv.write_text(",".join(f"pixel{i}" for i in range(784)) + "\n" + ",".join(["0"] * 784) + "\n")
    one_line_error(
        run("kaggle", "--checkpoint", str(checkpoint), "--test-csv", "test.csv", "--out", "pictures", cwd=tmp_path),
        1,
        "--out pictures is a folder",
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pictures", "test.csv"]  # no pictures.svg beside it


def test_bad_files_given_to_eval_kaggle_and_predict(tmp_path: Path, checkpoint: Path) -> None:
    header_only = tmp_path / "test.csv"
    header_only.write_text(",".join(f"pixel{i}" for i in range(784)) + "\n")
    one_line_error(
        run("kaggle", "--checkpoint", str(checkpoint), "--test-csv", "test.csv", cwd=tmp_path),
        1,
        "test.csv: the header is there but no rows follow",
    )
    png_claiming_size(tmp_path / "huge.png", 15000, 15000)
    one_line_error(
        run("predict", "huge.png", "--checkpoint", str(checkpoint), cwd=tmp_path),
        1,
        "huge.png: the image is larger than 40 megapixels",
    )
    assert not (tmp_path / "submission.csv").exists()


def crafted(tmp_path: Path, checkpoint: Path, name: str, change) -> Path:
    state = tl.load(checkpoint)
    change(state)
    path = tmp_path / name
    tl.save(state, path)
    return path


def test_checkpoints_with_nan_weights_or_crafted_metadata_are_refused(tmp_path: Path, checkpoint: Path) -> None:
    def poison(state: dict) -> None:
        state["model"]["layers.0.weight"][0, :3] = np.nan

    nan = crafted(tmp_path, checkpoint, "nan.safetensors", poison)
    for command in (["eval", *SAMPLE], ["predict", "digit.png"]):
        Image.fromarray(MNIST.sample(train=False).data[0]).save(tmp_path / "digit.png")
        one_line_error(
            run(*command, "--checkpoint", str(nan), cwd=tmp_path),
            1,
            "weight 'layers.0.weight' holds 3 NaN or infinite values of 7,840",
            "refused",
        )
    unknown = crafted(
        tmp_path, checkpoint, "unknown.safetensors", lambda s: s["metadata"]["model_options"].update(widths=3)
    )
    one_line_error(
        run("eval", *SAMPLE, "--checkpoint", str(unknown), cwd=tmp_path),
        1,
        "its metadata gives softmax options it does not take: widths",
    )
    zero = crafted(
        tmp_path,
        checkpoint,
        "zero.safetensors",
        lambda s: s["metadata"].update(model="lenet5", model_options={"channels": [0, 16]}),
    )
    one_line_error(
        run("eval", *SAMPLE, "--checkpoint", str(zero), cwd=tmp_path),
        1,
        "its metadata asks for lenet5 with",
        "cannot be built: LeNet5: channels must be two ints >= 1",
    )
    alien = crafted(tmp_path, checkpoint, "alien.safetensors", lambda s: s["metadata"].update(model="resnet"))
    one_line_error(
        run("eval", *SAMPLE, "--checkpoint", str(alien), cwd=tmp_path),
        1,
        "its metadata names the model 'resnet', which is not one of the trained models",
    )


def test_predict_reports_each_bad_file_and_classifies_the_good_ones(tmp_path: Path, checkpoint: Path) -> None:
    digits = MNIST.sample(train=False).data
    Image.fromarray(digits[0]).save(tmp_path / "a.png")
    (tmp_path / "bad.png").write_text("not an image")
    Image.fromarray(digits[1]).save(tmp_path / "b.png")
    result = run("predict", "a.png", "bad.png", "missing.png", "b.png", "--checkpoint", str(checkpoint), cwd=tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert [line.split(":")[0] for line in result.stdout.splitlines()] == ["a.png", "b.png"]
    errors = result.stderr.strip().splitlines()
    assert (
        len(errors) == 2
        and "bad.png: cannot read it as an image" in errors[0]
        and "missing.png: no such file" in errors[1]
    )


def test_predict_reads_a_canvas_drawing_by_its_alpha(tmp_path: Path, checkpoint: Path) -> None:
    digits = MNIST.sample(train=False).data[:5]
    for i, digit in enumerate(digits):
        big = np.asarray(Image.fromarray(digit).resize((200, 200), Image.BILINEAR))
        rgba = np.zeros((200, 200, 4), np.uint8)
        rgba[..., 3] = big  # black strokes on a transparent background, as an HTML canvas exports
        Image.fromarray(rgba, "RGBA").save(tmp_path / f"canvas{i}.png")
        Image.fromarray(big).save(tmp_path / f"gray{i}.png")
    names = [f"{kind}{i}.png" for kind in ("canvas", "gray") for i in range(5)]
    result = run("predict", *names, "--checkpoint", str(checkpoint), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    predicted = [line.split(": ")[1].split(" ")[0] for line in result.stdout.splitlines()]
    assert predicted[:5] == predicted[5:]


def test_figures_measured_on_the_sample_say_so(tmp_path: Path, checkpoint: Path) -> None:
    result = run("eval", "--checkpoint", str(checkpoint), *SAMPLE, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (
        "test accuracy" in result.stdout and "on the BUNDLED SAMPLE (accuracies on it are lower than" in result.stdout
    )
    train_log = (checkpoint.parent / "report.txt").read_text() + (checkpoint.parent / "train.log").read_text()
    assert "accuracy" in train_log


def test_help_shows_every_default(tmp_path: Path) -> None:
    train_help = run("train", "--help", cwd=tmp_path).stdout
    for shown in (
        "(default: 10)",
        "(default: 64)",
        "(default: adam)",
        "(default: constant)",
        "(default: 0.9)",
        "(default: cross_entropy)",
        "(default: 0)",
        "(default: auto)",
        "(default: relu)",
        "(default: 6 16)",
        "(default: 256)",
        "(default: 3)",
        "runs/MODEL",
    ):
        assert shown in " ".join(train_help.split()), shown
    for command, shown in (
        ("eval", "(default: auto)"),
        ("kaggle", "(default: submission.csv)"),
        ("graph", "(default: graph.svg)"),
        ("summary", "(default: lenet5)"),
    ):
        assert shown in " ".join(run(command, "--help", cwd=tmp_path).stdout.split()), command
