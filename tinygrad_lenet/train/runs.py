"""A whole training run as the command line does it, from one :class:`RunConfig`: build a registered
model, train it (or fit it, for k-NN) on MNIST, and write the run folder (checkpoints, history,
log, report, plots, graph)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from contextlib import nullcontext
from pathlib import Path
from typing import Any

from ..base import random as tl_random
from ..base.errors import ResumeError
from ..base.threads import set_num_threads
from ..data import MNIST, MNIST_MEAN, MNIST_STD, SAMPLE_CAVEAT, DataLoader, describe, input_transform, load_mnist
from ..models import MODELS, create_model
from ..nn.module import Module
from ..optim import APPLIES_TO
from ..optim.optimizer import Optimizer
from .data_parallel import DataParallel, data_parallel
from .history import History
from .loop import LOSSES, Evaluation, evaluate, fit
from .metrics import confusion_matrix
from .report import Artefacts, draw, missing, report_and_confusion, run_artefacts
from .reproducibility import environment
from .resume import INVOCATION, merge_config, resumed_training_state
from .run_config import RunConfig
from .run_folder import RunFolder, holds_run
from .training_checkpoint import load_training_checkpoint

TRAINING_ONLY = (
    "epochs",
    "batch_size",
    "optimizer",
    "lr",
    "momentum",
    "mu",
    "weight_decay",
    "schedule",
    "step_size",
    "gamma",
    "decay",
    "loss",
    "augment",
    "resume",
    "procs",
)
"""Options of gradient training, which a fitted model (k-NN) does not take."""


def run_folder(config: RunConfig) -> Path:
    """Where the run of ``config`` writes: ``out``, else the resumed checkpoint's folder, else runs/MODEL."""
    return Path(config.out or (Path(config.resume).parent if config.resume else f"runs/{config.model}"))


def options_given(config: RunConfig) -> set[str]:
    """The options of ``config`` that differ from the defaults: what a caller asked for."""
    default = RunConfig()
    return {f.name for f in dataclasses.fields(config) if getattr(config, f.name) != getattr(default, f.name)}


def _optimizer_extras(optimizer: Optimizer) -> str:
    """The settings beside lr that the header of train.log names: mu, for an optimizer that has
    one (empty for the others)."""
    group = optimizer.param_groups[0]
    return f" mu {group['mu']:g}" if "mu" in group else ""


def _refuse_ignored(config: RunConfig, given: set[str], trainable: bool) -> None:
    """Options that the model, optimizer or schedule of ``config`` would not use are an error."""
    unused = (
        [name for name in TRAINING_ONLY if name in given]
        if not trainable
        else [
            name
            for name, users in APPLIES_TO.items()
            if name in given and config.optimizer not in users and config.schedule not in users
        ]
    )
    if unused:
        flags = ", ".join("--" + name.replace("_", "-") for name in unused)
        if not trainable:
            raise ValueError(
                f"{flags} do not apply to --model {config.model}: it is fitted, not trained by gradient descent"
            )
        uses = "; ".join(f"--{n.replace('_', '-')} applies to {' and '.join(APPLIES_TO[n])} only" for n in unused)
        raise ValueError(
            f"{flags} would be ignored with --optimizer {config.optimizer} --schedule {config.schedule}: {uses}"
        )


def train_run(
    config: RunConfig, log: Callable[[str], None] = print, given: Iterable[str] | None = None
) -> dict[str, Any]:
    """Train (or, for k-NN, fit) a registered model on MNIST and write the run folder.

    ``given`` names the options the user set (default: those that differ from ``RunConfig()``);
    with ``resume``, the others come from the checkpoint (see :mod:`resume`).
    Returns a summary: final and best test accuracy, the data used, and the files written.

    With ``config.procs`` > 1 this process is one rank of a data-parallel run started by the launcher
    (``tinygrad-lenet train --procs N`` starts it): every rank trains its share of each batch
    (:mod:`.data_parallel`) and only rank 0 logs and writes the run folder; the others return None.
    """
    given = set(options_given(config) if given is None else given)
    state = None
    notes: list[str] = []
    if config.resume is not None:
        state = load_training_checkpoint(config.resume)
        config, notes = merge_config(config, state["metadata"].get("config") or {}, given)
    spec = MODELS.get(config.model)
    if spec is None:
        raise ValueError(f"unknown model {config.model!r}; choose one of {', '.join(MODELS)}")
    if config.loss not in LOSSES:
        raise ValueError(f"unknown loss {config.loss!r}; choose one of {', '.join(LOSSES)}")
    if config.epochs < 1 or config.batch_size < 1:
        raise ValueError(f"epochs and batch size must be at least 1, got {config.epochs} and {config.batch_size}")
    _refuse_ignored(config, given, spec.trainable)
    check_procs(config.procs, config.batch_size)
    with data_parallel(config.procs) as world:
        if world is not None and not world.writes:
            log = _quiet
        if world is not None and "threads" not in given:
            set_num_threads(1)  # one BLAS thread per rank (a resumed run's own --threads is for one process)
        return _train(config, state, notes, given, spec.trainable, world, log)


def check_procs(procs: int, batch_size: int) -> None:
    """``procs`` ranks can share every batch of ``batch_size`` equally, or the reason they cannot."""
    if procs < 1:
        raise ValueError(f"--procs must be at least 1, got {procs}")
    if batch_size % procs:
        raise ValueError(
            f"--batch-size {batch_size} is not divisible by --procs {procs}: every rank takes an equal share of "
            f"each batch; give a batch size that is a multiple of {procs}"
        )


def _quiet(line: str) -> None:
    """The log of a rank other than 0: rank 0 prints and writes what the run says."""


def _train(
    config: RunConfig,
    state: dict[str, Any] | None,
    notes: list[str],
    given: set[str],
    trainable: bool,
    world: DataParallel | None,
    log: Callable[[str], None],
) -> dict[str, Any]:
    """``train_run`` once the configuration is settled; ``world``: this rank of a data-parallel run."""
    spec = MODELS[config.model]
    writes = world is None or world.writes
    out = run_folder(config)
    if config.threads is not None and (world is None or "threads" in given):
        set_num_threads(config.threads)
    if state is not None and len(state["history"]) >= config.epochs:
        return _finished(config, state, out, log) if writes else {"finished": True}
    tl_random.manual_seed(config.seed)
    if world is not None and not writes:
        world.barrier()  # rank 0 loads first: a download happens once, not once per rank
    train_set, test_set = load_mnist(config.data, config.data_dir, log)
    if world is not None and writes:
        world.barrier()
    dataset = _check_same_data(config, state, train_set, test_set)
    opened = RunFolder(out, resume=config.resume, overwrite=config.overwrite, log=log) if writes else nullcontext()
    with opened as folder:
        if not spec.trainable:
            assert folder is not None  # a fitted model is never trained by ranks (check_procs, the command)
            return _fit_knn(create_model(config.model, **config.model_options), train_set, test_set, folder.dir, log)
        model = create_model(config.model, **config.model_options)
        if state is not None:
            optimizer, scheduler, state = resumed_training_state(state, config, model, given)
            start = len(state["history"]) + 1
            for note in notes:
                log(f"resume: {note}, from epoch {start}")
            if notes and scheduler is not None:
                log(
                    f"resume: schedule {config.schedule} rebuilt for {config.epochs} epochs; "
                    f"epoch {start} trains at lr {optimizer.param_groups[0]['lr']:.3g}"
                )
        else:
            optimizer = config.build_optimizer(model)
            scheduler = config.build_scheduler(optimizer)
        train_loader = DataLoader(
            train_set,
            config.batch_size,
            shuffle=True,
            transform=input_transform(spec.input_size, config.augment, spec.augmentation),
        )
        test_loader = DataLoader(test_set, 1000, transform=input_transform(spec.input_size))
        metadata = {
            "model": config.model,
            "model_options": config.model_options,
            "input_size": spec.input_size,
            "normalize": [MNIST_MEAN, MNIST_STD],
            "data": describe(train_set),
            "dataset": dataset,
            "config": {k: v for k, v in dataclasses.asdict(config).items() if k not in INVOCATION},
            "environment": environment(),
            "procs": config.procs,
        }
        ranks = f" ({config.procs} ranks x {config.batch_size // config.procs})" if config.procs > 1 else ""
        log(
            f"{config.model}: {model.num_parameters():,} parameters; {describe(train_set)}; {config.epochs} epochs of "
            f"{len(train_loader)} batches of {config.batch_size}{ranks}; {optimizer.__class__.__name__} lr "
            f"{optimizer.param_groups[0]['lr']:g}{_optimizer_extras(optimizer)}; schedule {config.schedule}; "
            f"augment {config.augment}"
        )
        history = fit(
            model,
            train_loader,
            test_loader,
            optimizer,
            epochs=config.epochs,
            scheduler=scheduler,
            loss_fn=LOSSES[config.loss],
            out_dir=folder,
            metadata=metadata,
            resume=state,
            progress=config.progress and writes,
            log=log,
            compiled=config.compile,
            world=world,
        )
        if not writes:
            assert world is not None
            world.barrier()  # rank 0 draws the report; this rank waits, sleeping, to leave with it
            return {"rank": world.rank}
        assert folder is not None
        result = evaluate(model, test_loader, LOSSES[config.loss])
        files = draw(_final_artefacts(config, model, result, train_set, test_set, history, folder.dir, log), folder.dir)
    if world is not None:
        world.barrier()
    best = history.best()
    summary = {
        "test_accuracy": result.accuracy,
        "best_test_accuracy": best["test_accuracy"],
        "best_epoch": best["epoch"],
        "data": describe(train_set),
        "seconds": sum(history.column("seconds")),
        "files": files,
    }
    on_sample = (
        f" on the bundled sample of {len(test_set):,} test digits ({SAMPLE_CAVEAT})" if test_set.is_sample else ""
    )
    log(
        f"final test accuracy {result.accuracy:.2%} (best {best['test_accuracy']:.2%} at epoch {best['epoch']})"
        f"{on_sample}; {summary['seconds']:.0f} s of training"
    )
    log(f"wrote {', '.join(p.name for p in files)} and the checkpoints last.safetensors, best.safetensors to {out}")
    return summary


def _check_same_data(config: RunConfig, state: dict[str, Any] | None, train_set: MNIST, test_set: MNIST) -> dict:
    """The sizes of the data loaded (what a checkpoint records), refused if a resumed run was trained on other data."""
    dataset = {"train": len(train_set), "test": len(test_set), "sample": train_set.is_sample}
    if state is not None and state["metadata"].get("dataset", dataset) != dataset:
        raise ResumeError(
            f"--resume {config.resume}: the run was trained on {state['metadata']['data']}, "
            f"but the data now is {describe(train_set)}; give the same --data / --data-dir"
        )
    return dataset


def _final_artefacts(
    config: RunConfig,
    model: Module,
    result: Evaluation,
    train_set: MNIST,
    test_set: MNIST,
    history: History,
    out: Path,
    log: Callable[[str], None],
) -> Artefacts:
    """What a run draws once its last epoch is trained: the report, its plots and graph.svg."""
    title = f"{config.model} on {describe(train_set)}"
    return run_artefacts(model, result, test_set, out, MODELS[config.model].input_size, history, title, log)


def _finished(config: RunConfig, state: dict[str, Any], out: Path, log: Callable[[str], None]) -> dict[str, Any]:
    """Resuming a run that trained all its epochs: nothing is trained and no checkpoint changes, but
    the files of its final report that are missing (the run was stopped while it drew them: disk
    full, SIGTERM) are drawn from its last checkpoint, as the run would have drawn them."""
    done = len(state["history"])
    finished = f"{config.resume}: the run is finished ({done} of {config.epochs} epochs)"
    further = f"To train it further, give --epochs with more than {done}."
    drawn: list[Path] = []
    if holds_run(out):
        model = create_model(config.model, **config.model_options)
        model.load_state_dict(state["model"])
        tl_random.manual_seed(config.seed)
        train_set, test_set = load_mnist(config.data, config.data_dir, log)
        _check_same_data(config, state, train_set, test_set)
        test_loader = DataLoader(test_set, 1000, transform=input_transform(MODELS[config.model].input_size))
        result = evaluate(model, test_loader, LOSSES[config.loss])
        history = History(state["history"])
        todo = missing(_final_artefacts(config, model, result, train_set, test_set, history, out, log), out)
        if todo:
            with RunFolder(out, resume=config.resume, log=log):
                drawn = draw(todo, out)
    lacked = f"; drew what its final report lacked: {', '.join(p.name for p in drawn)}" if drawn else ""
    log(f"{finished}{lacked}; nothing {'else ' if drawn else ''}was changed. {further}")
    return {"finished": True, "epochs": done, "files": drawn}


def _fit_knn(knn: Any, train_set: MNIST, test_set: MNIST, out: Path, log: Callable[[str], None]) -> dict[str, Any]:
    transform = input_transform(28)
    knn.fit(transform(train_set.data), train_set.targets)
    predictions = knn.predict(transform(test_set.data))
    accuracy = float((predictions == test_set.targets).mean())
    files = report_and_confusion(
        confusion_matrix(test_set.targets, predictions), out, f"{knn.k}-NN on {describe(train_set)}"
    )
    on_sample = f" (bundled sample; {SAMPLE_CAVEAT})" if test_set.is_sample else ""
    log(f"{knn.k}-nearest neighbours: test accuracy {accuracy:.2%} on {len(test_set)} digits{on_sample}")
    return {"test_accuracy": accuracy, "data": describe(train_set), "files": files}
