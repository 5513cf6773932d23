"""A whole training run as the command line does it, from one :class:`RunConfig`: build a registered
model, train it (or fit it, for k-NN) on MNIST, and write the run folder (checkpoints, history,
log, report, plots, graph)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from .. import random as tl_random
from ..data import MNIST, MNIST_MEAN, MNIST_STD, DataLoader, input_transform, load_mnist
from ..models import MODELS, create_model
from ..optim import create_optimizer, create_scheduler
from .loop import LOSSES, evaluate, fit
from .metrics import confusion_matrix
from .report import report_and_confusion, write_graph, write_report


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


def train_run(config: RunConfig, log: Callable[[str], None] = print) -> dict[str, Any]:
    """Train (or, for k-NN, fit) a registered model on MNIST and write the run folder.

    Returns a summary: final and best test accuracy, the data used, and the files written.
    """
    spec = MODELS.get(config.model)
    if spec is None:
        raise ValueError(f"unknown model {config.model!r}; choose one of {', '.join(MODELS)}")
    if config.loss not in LOSSES:
        raise ValueError(f"unknown loss {config.loss!r}; choose one of {', '.join(LOSSES)}")
    if config.epochs < 1 or config.batch_size < 1:
        raise ValueError(f"epochs and batch size must be at least 1, got {config.epochs} and {config.batch_size}")
    tl_random.manual_seed(config.seed)
    train_set, test_set = load_mnist(config.data, config.data_dir, log)
    out = Path(config.out)
    if not spec.trainable:
        return _fit_knn(create_model(config.model, **config.model_options), train_set, test_set, out, log)
    model = create_model(config.model, **config.model_options)
    optimizer = create_optimizer(config.optimizer, model.parameters(), config.lr, config.momentum, config.weight_decay)
    scheduler = create_scheduler(config.schedule, optimizer, config.epochs, config.step_size, config.gamma, config.decay)
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
    files += write_graph(model, test_set, spec.input_size, out, log)
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
    files = report_and_confusion(confusion_matrix(test_set.targets, predictions), out, f"{knn.k}-NN on {train_set!r}")
    log(f"{knn.k}-nearest neighbours: test accuracy {accuracy:.2%} on {len(test_set)} digits")
    return {"test_accuracy": accuracy, "data": repr(train_set), "files": files}
