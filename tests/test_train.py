"""The training loop, metrics, history and plots, on the bundled MNIST sample."""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path

import numpy as np
import pytest

import tinygrad_lenet as tl
from tinygrad_lenet import optim
from tinygrad_lenet.data import DataLoader, Subset, input_transform, load_mnist
from tinygrad_lenet.models import LeNet5, SoftmaxRegression
from tinygrad_lenet.train import (
    History,
    classification_report,
    confusion_matrix,
    evaluate,
    fit,
    most_confident_mistakes,
    mse_on_softmax,
    plots,
    precision_recall_f1,
    train_one_epoch,
)


def sample_loaders(size: int, n_train: int = 8000, batch_size: int = 32) -> tuple[DataLoader, DataLoader]:
    train, test = load_mnist("sample")
    return (
        DataLoader(Subset(train, np.arange(n_train)), batch_size, shuffle=True, transform=input_transform(size)),
        DataLoader(test, 500, transform=input_transform(size)),
    )


def test_lenet5_passes_90_percent_after_one_epoch_on_the_sample_and_its_loss_falls() -> None:
    tl.manual_seed(0)
    model = LeNet5()
    train_loader, test_loader = sample_loaders(32)
    before = evaluate(model, test_loader)
    loss, accuracy = train_one_epoch(model, train_loader, optim.Adam(model.parameters(), 1e-3), progress=False)
    after = evaluate(model, test_loader)
    assert after.accuracy > 0.90 and before.accuracy < 0.2
    assert after.loss < before.loss / 5 and loss < before.loss
    assert after.probabilities.shape == (1000, 10) and np.allclose(after.probabilities.sum(1), 1, atol=1e-5)


def test_same_seed_same_run_and_resume_continues_exactly(tmp_path: Path) -> None:
    def run(epochs: int, out: Path, resume: Path | None = None) -> tuple[History, np.ndarray]:
        tl.manual_seed(7)
        model = SoftmaxRegression()
        opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
        scheduler = optim.lr_scheduler.StepLR(opt, 1, gamma=0.5)
        train_loader, test_loader = sample_loaders(28, n_train=2000, batch_size=50)
        history = fit(
            model,
            train_loader,
            test_loader,
            opt,
            epochs,
            scheduler,
            out_dir=out,
            resume=resume,
            progress=False,
            log=lambda line: None,
            metadata={"model": "softmax"},
        )
        return history, model.layers[0].weight.numpy().copy()

    def strip(rows: list[dict]) -> list[dict]:
        return [{k: v for k, v in r.items() if k != "seconds"} for r in rows]

    straight, weights = run(3, tmp_path / "straight")
    again, weights_again = run(3, tmp_path / "again")
    assert strip(again.rows) == strip(straight.rows)
    np.testing.assert_array_equal(weights, weights_again)
    run(1, tmp_path / "split")
    resumed, resumed_weights = run(3, tmp_path / "split", resume=tmp_path / "split" / "last.safetensors")
    assert strip(resumed.rows) == strip(straight.rows)
    np.testing.assert_array_equal(resumed_weights, weights)
    files = {p.name for p in (tmp_path / "straight").iterdir()}
    assert files == {"last.safetensors", "best.safetensors", "history.csv", "history.json", "train.log"}
    assert (tmp_path / "straight" / "history.csv").read_text().splitlines()[0] == (
        "epoch,train_loss,train_accuracy,test_loss,test_accuracy,lr,seconds"
    )
    assert len((tmp_path / "straight" / "train.log").read_text().splitlines()) == 3
    checkpoint = tl.load(tmp_path / "straight" / "best.safetensors")
    assert checkpoint["metadata"]["model"] == "softmax" and checkpoint["metadata"]["epoch"] == straight.best()["epoch"]


@pytest.mark.filterwarnings("ignore:overflow:RuntimeWarning", "ignore:invalid value:RuntimeWarning")
def test_training_stops_with_a_clear_error_when_the_loss_diverges() -> None:
    tl.manual_seed(0)
    model = LeNet5()
    train_loader, _ = sample_loaders(32, n_train=512)
    with pytest.raises(
        tl.TrainingDiverged, match=r"the loss became (nan|inf) at batch \d+ .* learning rate \(1e\+06\)"
    ):
        train_one_epoch(model, train_loader, optim.SGD(model.parameters(), lr=1e6), progress=False)


def test_mse_on_softmax_loss_trains_too() -> None:
    tl.manual_seed(0)
    model = SoftmaxRegression()
    train_loader, test_loader = sample_loaders(28, n_train=2000)
    train_one_epoch(model, train_loader, optim.SGD(model.parameters(), lr=0.5), mse_on_softmax, progress=False)
    assert evaluate(model, test_loader, mse_on_softmax).accuracy > 0.75


def test_metrics_by_hand() -> None:
    targets = np.array([0, 0, 1, 1, 1, 2])
    predictions = np.array([0, 1, 1, 1, 2, 2])
    cm = confusion_matrix(targets, predictions, 3)
    assert cm.tolist() == [[1, 1, 0], [0, 2, 1], [0, 0, 1]]
    scores = precision_recall_f1(cm)
    np.testing.assert_allclose(scores["precision"], [1, 2 / 3, 1 / 2])
    np.testing.assert_allclose(scores["recall"], [1 / 2, 2 / 3, 1])
    np.testing.assert_allclose(scores["f1"], [2 / 3, 2 / 3, 2 / 3])
    assert "accuracy 0.6667 on 6 samples (2 errors)" in classification_report(cm)
    assert precision_recall_f1(np.zeros((2, 2), int))["f1"].tolist() == [0, 0]
    probabilities = np.array([[0.9, 0.1], [0.2, 0.8], [0.4, 0.6], [0.7, 0.3]])
    assert most_confident_mistakes(probabilities, np.array([1, 0, 0, 0]), k=5).tolist() == [0, 1, 2]


def test_plots_are_written(tmp_path: Path) -> None:
    history = History(
        [
            {
                "epoch": e,
                "train_loss": 1 / e,
                "train_accuracy": 0.9,
                "test_loss": 1.1 / e,
                "test_accuracy": 0.8 + e / 100,
                "lr": 1e-3,
                "seconds": 1.0,
            }
            for e in (1, 2, 3)
        ]
    )
    paths = [
        plots.plot_history(history, tmp_path / "curves.png", "a title"),
        plots.plot_confusion_matrix(np.eye(10, dtype=int) * 5, tmp_path / "cm.png"),
        plots.plot_filters(np.random.default_rng(0).standard_normal((6, 1, 5, 5)), tmp_path / "f.png"),
        plots.plot_filters(np.random.default_rng(0).standard_normal((10, 784)), tmp_path / "linear.png"),
        plots.plot_feature_maps(np.zeros((32, 32)), np.ones((6, 28, 28)), tmp_path / "maps.png", "maps"),
    ]
    for path in paths:
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and path.stat().st_size > 2000
    assert history.best()["epoch"] == 3 and len(history) == 3


def test_an_image_grid_is_one_tiled_picture_with_each_image_in_its_place() -> None:
    images = np.arange(5 * 3 * 2, dtype=float).reshape(5, 3, 2)
    canvas = plots.tiled(images, columns=3, gap=(2, 1))
    assert canvas.shape == (2 * (3 + 2), 3 * (2 + 1) - 1)
    for i, image in enumerate(images):
        r, c = divmod(i, 3)
        np.testing.assert_array_equal(canvas[r * 5 + 2 : r * 5 + 5, c * 3 : c * 3 + 2], image)
    assert np.isnan(canvas).sum() == canvas.size - images.size  # the gaps and the empty sixth place


def test_load_mnist_auto_falls_back_to_the_sample_and_says_so(monkeypatch, tmp_path: Path) -> None:
    def offline(url: str, timeout: float) -> None:
        raise urllib.error.URLError("no network")

    monkeypatch.delenv("TINYGRAD_LENET_DATA", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))  # an empty user cache, and no network
    monkeypatch.setattr(urllib.request, "urlopen", offline)
    lines: list[str] = []
    train, test = load_mnist("auto", log=lines.append)
    assert train.is_sample and len(test) == 1000
    assert "BUNDLED SAMPLE" in lines[1] and "not comparable" in lines[1] and "Full MNIST is not available" in lines[0]
    with pytest.raises(tl.DataError, match="could not be downloaded"):
        load_mnist("full")


def test_a_named_data_location_that_cannot_be_used_is_an_error(monkeypatch, tmp_path: Path) -> None:
    """No silent fallback to the sample when the user said where the data is: --data-dir or the variable."""
    monkeypatch.setattr(
        urllib.request, "urlopen", lambda url, timeout: (_ for _ in ()).throw(urllib.error.URLError("offline"))
    )
    monkeypatch.delenv("TINYGRAD_LENET_DATA", raising=False)
    lines: list[str] = []
    with pytest.raises(tl.DataError, match=r"--data-dir .*missing does not hold a usable MNIST"):
        load_mnist("auto", tmp_path / "missing", log=lines.append)
    corrupt = tmp_path / "corrupt"
    corrupt.mkdir()
    for name in (
        "train-images-idx3-ubyte",
        "train-labels-idx1-ubyte",
        "t10k-images-idx3-ubyte",
        "t10k-labels-idx1-ubyte",
    ):
        (corrupt / name).write_bytes(b"\x00\x00\x08\x03 not an IDX file")
    with pytest.raises(tl.DataError, match="does not hold a usable MNIST"):
        load_mnist("auto", corrupt, log=lines.append)
    monkeypatch.setenv("TINYGRAD_LENET_DATA", str(tmp_path / "elsewhere"))
    with pytest.raises(tl.DataError, match=r"\$TINYGRAD_LENET_DATA=.*elsewhere does not hold a usable MNIST"):
        load_mnist("auto", log=lines.append)
    assert lines == []  # nothing was said about a fallback, because there was none
    with pytest.raises(ValueError, match="auto, full or sample"):
        load_mnist("everything")
    assert input_transform(32, augment=True)(np.zeros((2, 1, 28, 28), np.uint8)).shape == (2, 1, 32, 32)
    with pytest.raises(ValueError, match="28 or 32"):
        input_transform(30)


def test_optimizers_and_schedules_by_name() -> None:
    from tinygrad_lenet.optim import OPTIMIZERS, SCHEDULES, create_optimizer, create_scheduler

    params = list(SoftmaxRegression().parameters())
    kinds = {name: type(create_optimizer(name, params)).__name__ for name in OPTIMIZERS}
    assert kinds == {
        "sgd": "SGD",
        "momentum": "SGD",
        "nesterov": "SGD",
        "adagrad": "Adagrad",
        "rmsprop": "RMSprop",
        "adam": "Adam",
        "adamw": "AdamW",
        "sdlm": "SDLM",
        "radam": "RAdam",
        "asgd": "ASGD",
        "adafactor": "Adafactor",
    }
    assert create_optimizer("sdlm", params, batch_size=16).param_groups[0]["batch_size"] == 16
    assert create_optimizer("sdlm", params, mu=1.0).param_groups[0]["mu"] == 1.0
    assert create_optimizer("nesterov", params).param_groups[0]["nesterov"]
    assert create_optimizer("sgd", params, lr=0.3).param_groups[0]["lr"] == 0.3
    lrs = {}
    for name in SCHEDULES:
        opt = create_optimizer("adam", params, lr=1.0)
        scheduler = create_scheduler(name, opt, epochs=4, step_size=2, gamma=0.5, decay=1.0)
        for _ in range(2):
            if scheduler is not None:
                scheduler.step()
        lrs[name] = opt.param_groups[0]["lr"]
    assert lrs == pytest.approx(
        {
            "constant": 1.0,
            "step": 0.5,
            "exponential": 0.25,
            "cosine": 0.5,
            "inverse": 1 / 3,
            "lecun1998": 2e-4,
            "lecun1998-scaled": 0.4,
        }
    )
    with pytest.raises(ValueError, match="unknown optimizer"):
        create_optimizer("lbfgs", params)
    with pytest.raises(ValueError, match="unknown schedule"):
        create_scheduler("warmup", create_optimizer("adam", params), 4)
