"""The tinygrad-lenet command end to end, on the bundled sample: train, resume, eval, predict, kaggle, errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import tinygrad_lenet as tl
from tinygrad_lenet.cli import main
from tinygrad_lenet.compiler import CompileWarning
from tinygrad_lenet.data import MNIST

QUICK = ["--data", "sample", "--no-progress"]


def without_seconds(rows: list[dict]) -> list[dict]:
    """History rows less their wall-clock seconds, the one column two identical runs differ in."""
    return [{k: v for k, v in row.items() if k != "seconds"} for row in rows]


# the tests that use this run are one group (make test's --dist loadgroup), so that one worker trains it, not each
@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A LeNet-5 run of 2 epochs on the sample, trained through the command line."""
    out = tmp_path_factory.mktemp("run") / "lenet5"
    assert main(["train", "--model", "lenet5", "--epochs", "2", "--batch-size", "32", "--out", str(out), *QUICK]) == 0
    return out


@pytest.mark.xdist_group("trained")
def test_train_writes_the_run_folder(trained: Path, capsys: pytest.CaptureFixture) -> None:
    names = {p.name for p in trained.iterdir()}
    assert {
        "last.safetensors",
        "best.safetensors",
        "history.csv",
        "history.json",
        "train.log",
        "report.txt",
        "curves.png",
        "confusion.png",
        "mistakes.png",
        "filters.png",
        "feature_maps.png",
    } <= names
    metadata = tl.load(trained / "last.safetensors")["metadata"]
    assert metadata["model"] == "lenet5" and metadata["input_size"] == 32 and metadata["epoch"] == 2
    assert "bundled sample" in metadata["data"]
    assert "accuracy" in (trained / "report.txt").read_text()


@pytest.mark.xdist_group("trained")
@pytest.mark.slow
def test_resume_gives_the_identical_next_epoch(tmp_path: Path, trained: Path) -> None:
    args = ["train", "--model", "lenet5", "--batch-size", "32", *QUICK]
    assert main([*args, "--epochs", "1", "--out", str(tmp_path)]) == 0
    assert main([*args, "--epochs", "2", "--out", str(tmp_path), "--resume", str(tmp_path / "last.safetensors")]) == 0
    ours = tl.load(tmp_path / "last.safetensors")
    straight = tl.load(trained / "last.safetensors")
    assert without_seconds(ours["history"]) == without_seconds(straight["history"])
    for key, value in straight["model"].items():
        np.testing.assert_array_equal(ours["model"][key], value, err_msg=key)


@pytest.mark.xdist_group("trained")
def test_eval_reports_the_accuracy(trained: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert (
        main(["eval", "--checkpoint", str(trained / "best.safetensors"), "--data", "sample", "--out", str(tmp_path)])
        == 0
    )
    out = capsys.readouterr().out
    accuracy = float(out.split("test accuracy ")[1].split("%")[0])
    assert accuracy > 90 and "errors in 1000" in out
    assert (tmp_path / "confusion.png").exists()
    assert (
        main(["eval", "--checkpoint", str(trained / "best.safetensors"), "--data", "sample", "--split", "train"]) == 0
    )
    assert "train accuracy" in capsys.readouterr().out.split("errors in 8000")[0]


@pytest.mark.xdist_group("trained")
def test_predict_a_png_the_test_writes(trained: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    test = MNIST.sample(train=False)
    paths = []
    for i in range(5):  # big, dark on light, as a user's scan would be
        path = tmp_path / f"digit{i}.png"
        Image.fromarray(255 - test.data[i]).resize((140, 140)).save(path)
        paths.append(str(path))
    assert main(["predict", *paths, "--checkpoint", str(trained / "best.safetensors")]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    predicted = [int(line.split(": ")[1].split(" ")[0]) for line in lines]
    assert sum(p == t for p, t in zip(predicted, test.targets[:5])) >= 4
    assert all("0:" in line and "9:" in line for line in lines)


@pytest.mark.xdist_group("trained")
def test_kaggle_submission(trained: Path, tmp_path: Path) -> None:
    test = MNIST.sample(train=False)
    csv = tmp_path / "test.csv"
    header = ",".join(f"pixel{i}" for i in range(784))
    csv.write_text(header + "\n" + "\n".join(",".join(map(str, img.ravel())) for img in test.data[:50]) + "\n")
    out = tmp_path / "submission.csv"
    assert (
        main(["kaggle", "--checkpoint", str(trained / "best.safetensors"), "--test-csv", str(csv), "--out", str(out)])
        == 0
    )
    rows = out.read_text().splitlines()
    assert rows[0] == "ImageId,Label" and len(rows) == 51
    labels = np.array([int(r.split(",")[1]) for r in rows[1:]])
    assert (labels == test.targets[:50]).mean() > 0.85


@pytest.mark.slow
def test_other_models_train_from_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    eager = pytest.warns(CompileWarning, match="MLP runs eagerly: batch norm updated its running statistics")
    with eager:  # the user is told why a batch-norm model trains without the compiler's speed
        code = main(
            [
                "train",
                "--model",
                "mlp",
                "--hidden",
                "64",
                "--batchnorm",
                "--dropout",
                "0.1",
                "--epochs",
                "1",
                "--optimizer",
                "momentum",
                "--schedule",
                "step",
                "--step-size",
                "1",
                "--out",
                str(tmp_path / "mlp"),
                *QUICK,
            ]
        )
    assert code == 0
    assert (
        main(
            [
                "train",
                "--model",
                "softmax",
                "--epochs",
                "1",
                "--loss",
                "mse",
                "--optimizer",
                "sgd",
                "--lr",
                "0.5",
                "--out",
                str(tmp_path / "softmax"),
                *QUICK,
            ]
        )
        == 0
    )
    assert main(["train", "--model", "knn", "--k", "1", "--out", str(tmp_path / "knn"), *QUICK]) == 0
    out = capsys.readouterr().out
    assert "1-nearest neighbours: test accuracy" in out and (tmp_path / "knn" / "confusion.png").exists()
    assert tl.load(tmp_path / "mlp" / "last.safetensors")["metadata"]["model_options"]["sizes"] == [784, 64, 10]


@pytest.mark.parametrize(
    "argv,message",
    [
        (["eval", "--checkpoint", "missing.safetensors"], "missing.safetensors: no such checkpoint file"),
        (["predict", "nothere.png", "--checkpoint", "CKPT"], "nothere.png: no such file"),
        (["kaggle", "--checkpoint", "CKPT", "--test-csv", "nothere.csv"], "nothere.csv: no such file"),
        (
            ["train", "--model", "lenet5", "--hidden", "10", "--data", "sample"],
            "--hidden do not apply to --model lenet5",
        ),
        (["train", "--model", "mlp", "--k", "3", "--data", "sample"], "--k do not apply to --model mlp"),
        (["eval", "--checkpoint", "FOREIGN"], "not a training checkpoint"),
        (["train", "--epochs", "0", "--data", "sample"], "epochs and batch size must be at least 1, got 0"),
        (
            ["train", "--resume", "missing.safetensors", "--data", "sample", "--epochs", "1", "--out", "OUT"],
            "no such checkpoint file",
        ),
    ],
)
def test_user_errors_exit_1_with_one_clear_line(
    argv: list[str],
    message: str,
    trained: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    foreign = tmp_path / "weights.safetensors"
    tl.save({"weights": np.zeros(3)}, foreign)
    argv = [
        a.replace("CKPT", str(trained / "best.safetensors"))
        .replace("FOREIGN", str(foreign))
        .replace("OUT", str(tmp_path / "o"))
        for a in argv
    ]
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


def test_bad_usage_exits_2_and_help_teaches() -> None:
    for argv in (["train", "--model", "resnet"], ["train", "--epochs", "many"], [], ["predict"]):
        result = subprocess.run([sys.executable, "-m", "tinygrad_lenet", *argv], capture_output=True, text=True)
        assert result.returncode == 2 and "usage:" in result.stderr
    help_text = subprocess.run(
        [sys.executable, "-m", "tinygrad_lenet", "--help"], capture_output=True, text=True
    ).stdout
    assert "tinygrad-lenet train --model lenet5" in help_text and "bundled sample" in help_text
    train_help = subprocess.run(
        [sys.executable, "-m", "tinygrad_lenet", "train", "--help"], capture_output=True, text=True
    )
    assert "--augment" in train_help.stdout and "--schedule" in train_help.stdout
