"""The training loop and its pieces: one epoch of training, an evaluation, and ``fit``.

``fit`` trains for a number of epochs with a progress bar, evaluates on the test set after each
one, keeps a :class:`History`, and (given ``out_dir``) saves the last and the best checkpoint,
the history as CSV and JSON, and a log file. A checkpoint holds everything needed to continue
exactly: model, optimizer, scheduler, history and random-generator state.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ..autodiff.grad_mode import no_grad
from ..base.allocator import tune_allocator
from ..base.errors import TrainingDiverged
from ..base.interrupts import raise_pending_interrupt
from ..base.random import generator, get_rng_state, set_rng_state
from ..compiler import compile as compile_model
from ..data.loader import DataLoader
from ..nn import functional as F
from ..nn.module import Module
from ..nn.rbf import rbf_map_loss, rbf_simple_loss
from ..optim.lr_scheduler import LRScheduler
from ..optim.optimizer import Optimizer
from ..serialization.checkpoint import save
from ..tensor.tensor import Tensor
from .history import History
from .run_folder import RunFolder
from .training_checkpoint import load_training_checkpoint

if TYPE_CHECKING:
    from .data_parallel import DataParallel

LossFn = Callable[[Tensor, Tensor], Tensor]


def mse_on_softmax(logits: Tensor, target: Tensor) -> Tensor:
    """The L2 loss of the lab reports: squared error between softmax outputs and one-hot targets."""
    return F.mse_loss(logits.softmax(1), F.one_hot(target, logits.shape[1]).astype(logits.dtype))


LOSSES: dict[str, LossFn] = {
    "cross_entropy": F.cross_entropy,
    "mse": mse_on_softmax,
    "rbf-map": rbf_map_loss,
    "rbf-simple": rbf_simple_loss,
}
"""``rbf-map`` and ``rbf-simple`` are the 1998 paper's criteria (eq. 9 and 8) for ``lenet5-1998``'s RBF scores."""


def training_sample_loss(model: Module, loader: DataLoader, loss_fn: LossFn) -> Callable[[int], Tensor]:
    """The ``sample_loss`` that ``fit`` gives ``Optimizer.before_epoch``: ``sample_loss(n)`` is the
    mean loss, in training mode, of ``n`` training patterns drawn at random (the package
    generator), transformed as ``loader`` does."""

    def sample_loss(samples: int) -> Tensor:
        n = len(loader.dataset)
        indices = np.sort(generator().choice(n, size=min(samples, n), replace=False))
        x, y = loader.batch(indices)[:2]
        model.train()
        return loss_fn(model(x), y)

    return sample_loss


def train_one_epoch(
    model: Module,
    loader: DataLoader,
    optimizer: Optimizer,
    loss_fn: LossFn = F.cross_entropy,
    progress: bool = True,
    description: str = "train",
    world: DataParallel | None = None,
) -> tuple[float, float]:
    """One pass over ``loader`` with an optimizer step per batch; returns (mean loss, accuracy).

    The progress bar shows only when ``progress`` and the output is a terminal (tqdm's
    ``disable=None``): logs and pipes get the per-epoch lines of ``fit`` instead. With ``world`` (a
    rank of a data-parallel run, ``model`` wrapped in DistributedDataParallel) each rank trains on its
    share of every batch and the loss and accuracy returned are the whole epoch's (see
    :mod:`.data_parallel`)."""
    from tqdm import (
        tqdm,  # loaded on first use, like every optional library (tqdm.auto warns in Jupyter without ipywidgets)
    )

    model.train()
    total_loss, correct, seen = 0.0, 0, 0
    with tqdm(loader, desc=description, leave=False, disable=None if progress else True, unit="batch") as bar:
        for batch, (x, y) in enumerate(bar):
            raise_pending_interrupt()
            rows, weight = len(y), 1.0
            if world is not None:
                (x, y), rows, weight = world.share(x, y)
            with world.own_stream() if world is not None else nullcontext():
                logits = model(x)
                loss = loss_fn(logits, y)
                value = loss.item()
                if not math.isfinite(value):
                    raise TrainingDiverged(
                        f"the loss became {value} at batch {batch} of {description}: the learning rate "
                        f"({optimizer.param_groups[0]['lr']:g}) is probably too high"
                    )
                optimizer.zero_grad()
                (loss if weight == 1.0 else loss * weight).backward()
            optimizer.step()
            total_loss += value * rows
            correct += int((logits._array[:rows].argmax(axis=1) == y._array[:rows]).sum())
            seen += rows
            bar.set_postfix(loss=f"{total_loss / max(seen, 1):.4f}", acc=f"{correct / max(seen, 1):.2%}", refresh=False)
    if world is not None:
        total_loss, correct_sum, seen_sum = world.sum(total_loss, correct, seen)
        correct, seen = round(correct_sum), round(seen_sum)
    return total_loss / seen, correct / seen


@dataclass
class Evaluation:
    """What ``evaluate`` measured: mean loss, accuracy, and per-sample targets and probabilities."""

    loss: float
    accuracy: float
    targets: np.ndarray
    probabilities: np.ndarray

    @property
    def predictions(self) -> np.ndarray:
        """The predicted class of each example (argmax of the probabilities)."""
        return self.probabilities.argmax(axis=1)


@no_grad()
def evaluate(
    model: Module, loader: DataLoader, loss_fn: LossFn = F.cross_entropy, world: DataParallel | None = None
) -> Evaluation:
    """Run the model in eval mode over ``loader`` without recording a graph.

    With ``world`` each rank evaluates its share of every batch: the loss and accuracy are the
    whole set's, the targets and probabilities this rank's rows only."""
    model.eval()
    total_loss, correct, targets, probabilities = 0.0, 0, [], []
    for x, y in loader:
        rows = len(y)
        if world is not None:
            (x, y), rows, _ = world.share(x, y)
        logits = model(x)
        total_loss += loss_fn(logits, y).item() * rows if rows else 0.0
        targets.append(y.numpy()[:rows])
        probabilities.append(logits.softmax(1).numpy()[:rows])
        correct += int((probabilities[-1].argmax(axis=1) == targets[-1]).sum())
    t, p = np.concatenate(targets), np.concatenate(probabilities)
    seen = len(t)
    if world is not None:
        total_loss, correct_sum, seen_sum = world.sum(total_loss, correct, seen)
        correct, seen = round(correct_sum), round(seen_sum)
    return Evaluation(total_loss / seen, correct / seen, t, p)


@dataclass
class FitOptions:
    """The settings of one ``fit``, beside the model, data and optimizer it trains (see ``fit``)."""

    epochs: int
    scheduler: LRScheduler | None = None
    loss_fn: LossFn = F.cross_entropy
    out_dir: str | os.PathLike[str] | RunFolder | None = None
    metadata: dict[str, Any] | None = None
    resume: str | os.PathLike[str] | dict[str, Any] | None = None
    progress: bool = True
    log: Callable[[str], None] = print
    overwrite: bool = False
    compiled: bool = False  # train and evaluate through tl.compile(model)
    world: DataParallel | None = None  # a rank of a data-parallel run (see data_parallel.py)


def fit(
    model: Module,
    train_loader: DataLoader,
    test_loader: DataLoader,
    optimizer: Optimizer,
    epochs: int,
    scheduler: LRScheduler | None = None,
    loss_fn: LossFn = F.cross_entropy,
    out_dir: str | os.PathLike[str] | RunFolder | None = None,
    metadata: dict[str, Any] | None = None,
    resume: str | os.PathLike[str] | dict[str, Any] | None = None,
    progress: bool = True,
    log: Callable[[str], None] = print,
    overwrite: bool = False,
    compiled: bool = False,
    world: DataParallel | None = None,
) -> History:
    """Train for ``epochs`` epochs (in total, counting those of a resumed run) and evaluate after each.

    ``out_dir`` receives last/best checkpoints, history.csv/json and train.log, each written
    atomically; a folder that holds another run is refused (``overwrite=True`` moves that run
    aside) and a folder another run is writing is locked (see :class:`RunFolder`).
    ``metadata`` (JSON-safe: model name, options, data) is stored in every checkpoint.
    ``resume`` continues from a ``last.safetensors`` (or the dict loaded from one): the next
    epoch is exactly the one the uninterrupted run would have trained. Before every epoch it
    calls ``optimizer.before_epoch`` (see :class:`Optimizer`: an optimizer that measures
    something on the data before a pass does it there; the others do nothing). Progress bars
    show on a terminal only. It calls ``tune_allocator()`` (a process-wide malloc setting that
    about doubles the speed on glibc) before the first epoch. With ``compiled=True`` the training
    and evaluation passes run ``tl.compile(model)`` (results equal to float round-off; checkpoints
    hold ``model``'s own state dict). With ``world``, this process is one rank of a data-parallel
    run (:mod:`.data_parallel`): ``model`` is trained on its share of every batch, wrapped in
    DistributedDataParallel, with the history one process would have; only the rank given an
    ``out_dir`` writes.
    """
    options = FitOptions(
        epochs=epochs,
        scheduler=scheduler,
        loss_fn=loss_fn,
        out_dir=out_dir,
        metadata=metadata,
        resume=resume,
        progress=progress,
        log=log,
        overwrite=overwrite,
        compiled=compiled,
        world=world,
    )
    tune_allocator()
    if out_dir is None or isinstance(out_dir, RunFolder):
        return _fit(model, train_loader, test_loader, optimizer, options, out_dir)
    resume_path = resume if resume is None or isinstance(resume, (str, os.PathLike)) else None
    with RunFolder(out_dir, resume=resume_path, overwrite=overwrite, log=log) as folder:
        return _fit(model, train_loader, test_loader, optimizer, options, folder)


def _fit(
    model: Module,
    train_loader: DataLoader,
    test_loader: DataLoader,
    optimizer: Optimizer,
    options: FitOptions,
    folder: RunFolder | None,
) -> History:
    """The epochs of ``fit``, writing into ``folder`` (the opened ``options.out_dir``) if given."""
    epochs, scheduler, loss_fn, log = options.epochs, options.scheduler, options.loss_fn, options.log
    history = History()
    resume = options.resume
    if resume is not None:
        state = resume if isinstance(resume, dict) else load_training_checkpoint(resume)
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        if scheduler is not None and state.get("scheduler"):
            scheduler.load_state_dict(state["scheduler"])
        history = History(state["history"])
        set_rng_state(state["rng"])
        log(f"resumed {'from ' + str(resume) + ' ' if not isinstance(resume, dict) else ''}after epoch {len(history)}")
    best_accuracy = max(history.column("test_accuracy"), default=-1.0)
    sample_loss = training_sample_loss(model, train_loader, loss_fn)
    forward = compile_model(model) if options.compiled else model
    world = options.world
    if world is not None:
        forward = world.wrap(forward)
    for epoch in range(len(history) + 1, epochs + 1):
        start = time.perf_counter()
        lr = optimizer.param_groups[0]["lr"]
        optimizer.before_epoch(sample_loss)
        train_loss, train_accuracy = train_one_epoch(
            forward, train_loader, optimizer, loss_fn, options.progress, f"epoch {epoch}/{epochs}", world
        )
        result = evaluate(forward, test_loader, loss_fn, world)
        if scheduler is not None:
            scheduler.step()
        seconds = time.perf_counter() - start
        history.append(
            epoch=epoch,
            train_loss=train_loss,
            train_accuracy=train_accuracy,
            test_loss=result.loss,
            test_accuracy=result.accuracy,
            lr=lr,
            seconds=seconds,
        )
        line = (
            f"epoch {epoch:3d}/{epochs}  train loss {train_loss:.4f} acc {train_accuracy:.2%}  "
            f"test loss {result.loss:.4f} acc {result.accuracy:.2%}  lr {lr:.3g}  {seconds:.1f} s"
        )
        log(line)
        if folder is not None:
            is_best = result.accuracy > best_accuracy
            _save_epoch(folder, model, optimizer, scheduler, history, options.metadata, is_best, line)
            best_accuracy = max(best_accuracy, result.accuracy)
    return history


def _save_epoch(
    folder: RunFolder,
    model: Module,
    optimizer: Optimizer,
    scheduler: LRScheduler | None,
    history: History,
    metadata: dict[str, Any] | None,
    is_best: bool,
    line: str,
) -> None:
    """Write one epoch's files. last.safetensors goes last: it is what a resume continues from, so
    a run killed at any moment resumes from a consistent epoch and redoes the rest."""
    row = history.rows[-1]
    state = {
        "model": model.state_dict(),
        "optimizer": optimizer.state_dict(),
        "scheduler": scheduler.state_dict() if scheduler is not None else {},
        "history": history.rows,
        "rng": get_rng_state(),
        "metadata": {**(metadata or {}), "epoch": row["epoch"], "test_accuracy": row["test_accuracy"]},
    }
    if is_best:
        save(state, folder.best)
    history.to_csv(folder.dir / "history.csv")
    history.to_json(folder.dir / "history.json")
    folder.append_log(line)
    save(state, folder.last)
