"""A whole training run as the command line does it: build, train, report, and restore later.

Models come from the ``models`` registry by name; a run folder receives the checkpoints, the
history, the log, a text report and the plots.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

import numpy as np

from .. import random as tl_random
from ..checkpoint import load
from ..data import MNIST, MNIST_MEAN, MNIST_STD, DataLoader
from .. import viz
from ..errors import CheckpointError, GraphvizNotFound
from ..files import atomic_write
from ..grad_mode import no_grad
from ..nn import Conv2d, Linear, Module
from ..nn import functional as F
from ..optim import SGD, Adagrad, Adam, AdamW, Optimizer, RMSprop, lr_scheduler
from ..tensor import Tensor
from . import plots
from .history import History
from .loop import LOSSES, Evaluation, evaluate, fit
from .metrics import classification_report, confusion_matrix, most_confident_mistakes
from .setup import input_transform, load_mnist

OPTIMIZERS = ("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw")
DEFAULT_LR = {"sgd": 0.05, "momentum": 0.01, "nesterov": 0.01, "adagrad": 0.01, "rmsprop": 1e-3, "adam": 1e-3, "adamw": 1e-3}
SCHEDULES = ("constant", "step", "exponential", "cosine", "inverse", "lecun1998")


def make_optimizer(name: str, params: Iterable[Any], lr: float | None = None, momentum: float = 0.9,
                   weight_decay: float = 0.0) -> Optimizer:
    """An optimizer by name; "momentum" and "nesterov" are SGD with (Nesterov) momentum."""
    if name not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer {name!r}; choose one of {', '.join(OPTIMIZERS)}")
    lr = DEFAULT_LR[name] if lr is None else lr
    if name in ("sgd", "momentum", "nesterov"):
        return SGD(params, lr=lr, momentum=0.0 if name == "sgd" else momentum, nesterov=name == "nesterov",
                   weight_decay=weight_decay)
    cls = {"adagrad": Adagrad, "rmsprop": RMSprop, "adam": Adam, "adamw": AdamW}[name]
    return cls(params, lr=lr, weight_decay=weight_decay)


def make_scheduler(name: str, optimizer: Optimizer, epochs: int, step_size: int = 10, gamma: float = 0.1,
                   decay: float = 0.1) -> lr_scheduler.LRScheduler | None:
    """A learning-rate schedule by name (None for "constant")."""
    if name == "constant":
        return None
    if name == "step":
        return lr_scheduler.StepLR(optimizer, step_size, gamma)
    if name == "exponential":
        return lr_scheduler.ExponentialLR(optimizer, gamma)
    if name == "cosine":
        return lr_scheduler.CosineAnnealingLR(optimizer, max(epochs, 1))
    if name == "inverse":
        return lr_scheduler.LambdaLR(optimizer, lambda epoch: 1.0 / (1.0 + decay * epoch))
    if name == "lecun1998":
        return lr_scheduler.PiecewiseConstantLR.lecun1998(optimizer)
    raise ValueError(f"unknown schedule {name!r}; choose one of {', '.join(SCHEDULES)}")


@dataclass
class RunConfig:
    """Everything that defines a training run (what ``tinygrad-lenet train`` parses into)."""

    model: str = "lenet5"
    model_options: dict[str, Any] = field(default_factory=dict)
    epochs: int = 10
    batch_size: int = 64
    optimizer: str = "adam"
    lr: float | None = None
    momentum: float = 0.9
    weight_decay: float = 0.0
    schedule: str = "constant"
    step_size: int = 10
    gamma: float = 0.1
    decay: float = 0.1
    loss: str = "cross_entropy"
    augment: bool = False
    data: str = "auto"
    data_dir: str | None = None
    seed: int = 0
    out: str = "runs/lenet5"
    resume: str | None = None
    progress: bool = True


def _registry() -> Any:
    import models  # the user-level model definitions, installed beside the package

    return models


def train_run(config: RunConfig, log: Callable[[str], None] = print) -> dict[str, Any]:
    """Train (or, for k-NN, fit) a registered model on MNIST and write the run folder.

    Returns a summary: final and best test accuracy, the data used, and the files written.
    """
    registry = _registry()
    spec = registry.MODELS.get(config.model)
    if spec is None:
        raise ValueError(f"unknown model {config.model!r}; choose one of {', '.join(registry.MODELS)}")
    if config.loss not in LOSSES:
        raise ValueError(f"unknown loss {config.loss!r}; choose one of {', '.join(LOSSES)}")
    if config.epochs < 1 or config.batch_size < 1:
        raise ValueError(f"epochs and batch size must be at least 1, got {config.epochs} and {config.batch_size}")
    tl_random.manual_seed(config.seed)
    train_set, test_set = load_mnist(config.data, config.data_dir, log)
    out = Path(config.out)
    if not spec.trainable:
        return _fit_knn(registry.create_model(config.model, **config.model_options), train_set, test_set, out, log)
    model = registry.create_model(config.model, **config.model_options)
    optimizer = make_optimizer(config.optimizer, model.parameters(), config.lr, config.momentum, config.weight_decay)
    scheduler = make_scheduler(config.schedule, optimizer, config.epochs, config.step_size, config.gamma, config.decay)
    train_loader = DataLoader(train_set, config.batch_size, shuffle=True,
                              transform=input_transform(spec.input_size, config.augment))
    test_loader = DataLoader(test_set, 1000, transform=input_transform(spec.input_size))
    metadata = {
        "model": config.model, "model_options": config.model_options, "input_size": spec.input_size,
        "normalize": [MNIST_MEAN, MNIST_STD], "data": repr(train_set), "config": vars(config),
    }
    log(f"{config.model}: {model.num_parameters():,} parameters; {train_set!r}; {config.epochs} epochs of "
        f"{len(train_loader)} batches of {config.batch_size}; {optimizer.__class__.__name__} lr "
        f"{optimizer.param_groups[0]['lr']:g}; schedule {config.schedule}; augment {config.augment}")
    history = fit(model, train_loader, test_loader, optimizer, config.epochs, scheduler, LOSSES[config.loss], out,
                  metadata, config.resume, config.progress, log)
    result = evaluate(model, test_loader, LOSSES[config.loss])
    files = write_report(model, result, test_set, out, spec.input_size, history, f"{config.model} on {train_set!r}")
    files += _write_graph(model, test_set, spec.input_size, out, log)
    best = history.best()
    summary = {"test_accuracy": result.accuracy, "best_test_accuracy": best["test_accuracy"], "best_epoch": best["epoch"],
               "data": repr(train_set), "seconds": sum(history.column("seconds")), "files": files}
    log(f"final test accuracy {result.accuracy:.2%} (best {best['test_accuracy']:.2%} at epoch {best['epoch']}); "
        f"{summary['seconds']:.0f} s of training")
    log(f"wrote {', '.join(p.name for p in files)} and the checkpoints last.safetensors, best.safetensors to {out}")
    return summary


def _fit_knn(knn: Any, train_set: MNIST, test_set: MNIST, out: Path, log: Callable[[str], None]) -> dict[str, Any]:
    transform = input_transform(28)
    knn.fit(transform(train_set.data), train_set.targets)
    predictions = knn.predict(transform(test_set.data))
    accuracy = float((predictions == test_set.targets).mean())
    files = _report_and_confusion(confusion_matrix(test_set.targets, predictions), out, f"{knn.k}-NN on {train_set!r}")
    log(f"{knn.k}-nearest neighbours: test accuracy {accuracy:.2%} on {len(test_set)} digits")
    return {"test_accuracy": accuracy, "data": repr(train_set), "files": files}


def _report_and_confusion(cm: np.ndarray, out: Path, title: str = "confusion matrix") -> list[Path]:
    """report.txt (per-class precision, recall, F1) and confusion.png of a confusion matrix."""
    out.mkdir(parents=True, exist_ok=True)
    return [atomic_write(out / "report.txt", (classification_report(cm) + "\n").encode()),
            plots.plot_confusion_matrix(cm, out / "confusion.png", title)]


def write_report(model: Module, result: Evaluation, test_set: MNIST, out: Path, input_size: int,
                 history: History | None = None, title: str = "") -> list[Path]:
    """The text report and the plots of a trained model's evaluation, into ``out``."""
    files = _report_and_confusion(confusion_matrix(result.targets, result.predictions), out)
    if history is not None and len(history):
        files.append(plots.plot_history(history, out / "curves.png", title))
    mistakes = most_confident_mistakes(result.probabilities, result.targets, 24)
    if len(mistakes):
        files.append(plots.plot_mistakes(test_set.data, result.targets, result.probabilities, mistakes, out / "mistakes.png"))
    first = next((m for m in model.modules() if isinstance(m, (Conv2d, Linear))), None)
    if first is not None:
        files.append(plots.plot_filters(first.weight.numpy(), out / "filters.png"))
    if isinstance(first, Conv2d):
        files.append(_feature_maps(model, first, test_set, input_size, out / "feature_maps.png"))
    return files


def training_step_graph(model: Module, images: np.ndarray, labels: np.ndarray, input_size: int,
                        backward: bool = True) -> Tensor:
    """The cross-entropy loss of ``model`` on a few uint8 digits, its graph recorded (and its
    gradients computed, with every intermediate one kept, when ``backward``): what to draw."""
    model.train()
    loss = F.cross_entropy(model(Tensor(input_transform(input_size)(images[:, None]))), Tensor(labels))
    if backward:
        model.zero_grad()
        viz.retain_grads(loss)
        loss.backward()
    return loss


def _write_graph(model: Module, test_set: MNIST, input_size: int, out: Path, log: Callable[[str], None]) -> list[Path]:
    """graph.svg: one training step of the model at module level, with gradient norms."""
    loss = training_step_graph(model, test_set.data[:2], test_set.targets[:2], input_size)
    drawing = viz.draw_graph(loss, params=model, show_grads=True, depth=1)
    try:
        return [viz.render(drawing, out / "graph.svg")]
    except GraphvizNotFound as e:
        log(str(e))
        return [out / "graph.dot"]


@no_grad()
def _feature_maps(model: Module, conv: Conv2d, test_set: MNIST, input_size: int, path: Path) -> Path:
    """What the first convolution (the model's first layer) makes of the first test digit."""
    model.eval()
    x = Tensor(input_transform(input_size)(test_set.data[:1][:, None]))
    return plots.plot_feature_maps(x.numpy()[0, 0], conv(x).numpy()[0], path, "first convolution of the first test digit")


def restore_model(checkpoint: str | os.PathLike[str]) -> tuple[Module, dict[str, Any]]:
    """The model saved in a training checkpoint, in eval mode, and the checkpoint's metadata."""
    state = load(checkpoint)
    metadata = state.get("metadata") if isinstance(state.get("metadata"), dict) else None
    if metadata is None or "model" not in metadata or "model" not in state:
        raise CheckpointError(f"{checkpoint}: not a training checkpoint of tinygrad-lenet (no model name in its metadata)")
    model = _registry().create_model(metadata["model"], **metadata.get("model_options", {}))
    model.load_state_dict(state["model"])
    return model.eval(), metadata


@no_grad()
def predict_probabilities(model: Module, images: np.ndarray, input_size: int, batch_size: int = 1000) -> np.ndarray:
    """Class probabilities for uint8 28x28 images (N, 28, 28), preprocessed as in training."""
    model.eval()
    transform = input_transform(input_size)
    chunks = [model(Tensor(transform(images[i : i + batch_size][:, None]))).softmax(1).numpy()
              for i in range(0, len(images), batch_size)]
    return np.concatenate(chunks)
