"""Time to accuracy: a recipe trained from scratch under tinygrad_lenet or PyTorch, timed from
reading the MNIST files to the evaluation that reaches the target.

:func:`train` is written once for a framework ``T`` (``tinygrad_lenet`` or ``torch``), as the
bench workloads are: the same model (``bench.workloads.lenet5``), optimizer, OneCycleLR, loss,
weight average and evaluation, through each framework's PyTorch names. PyTorch starts from our
initial weights, so the two runs compute the same steps to float round-off.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from ..base.errors import TrainingDiverged
from ..base.interrupts import raise_pending_interrupt
from ..bench.workloads import lenet5
from .data import Batches, Split, load_split
from .recipes import Recipe

if TYPE_CHECKING:
    from ..train.data_parallel import DataParallel


@dataclass
class Outcome:
    """One run: wall ``seconds`` from reading the data to the stopping evaluation, the ``epochs``
    trained by then (fractional), the accuracy there, whether it ``reached`` the target, and every
    evaluation as (epochs, accuracy, seconds)."""

    framework: str
    seed: int
    seconds: float
    epochs: float
    accuracy: float
    reached: bool
    evaluations: list[tuple[float, float, float]] = field(default_factory=list)
    state: dict[str, np.ndarray] | None = None  # the weights evaluated, as numpy arrays
    launched: float | None = None  # data-parallel ranks: wall seconds from starting them to their exit

    def summary(self, target: float | None) -> str:
        """``14.2 s (2.4 epochs)``, or what was reached instead; a data-parallel run adds its time from
        starting the ranks."""
        launch = "" if self.launched is None else f"; {self.launched:.1f} s from starting the ranks"
        if target is None or self.reached:
            return f"{self.seconds:.1f} s ({self.epochs:.2f} epochs, {self.accuracy:.2%}{launch})"
        best = max(a for _, a, _ in self.evaluations) if self.evaluations else self.accuracy
        return f"not reached in {self.seconds:.1f} s ({self.epochs:.2f} epochs; best {best:.2%}{launch})"


def warmed_ema(T: Any, decay: float) -> Callable[[list[Any], list[Any], Any], None]:
    """``AveragedModel``'s ``multi_avg_fn`` for an exponential moving average of the weights whose decay is
    warmed up as ``d = min(decay, (1 + n) / (10 + n))`` after ``n`` updates, so the first steps are not
    averaged with the random start: ``average <- d average + (1 - d) weights`` (one ``_foreach_lerp_``).
    A group of integer buffers (batch norm's count of batches, averaged with ``use_buffers``) takes the
    model's values."""

    def update(averaged: list[Any], current: list[Any], num_averaged: Any) -> None:
        if not averaged[0].is_floating_point():  # AveragedModel hands over one dtype at a time
            for a, c in zip(averaged, current, strict=True):
                a.copy_(c)
            return
        n = int(num_averaged)  # (update_parameters runs it outside the graph, in both frameworks)
        T._foreach_lerp_(averaged, current, 1 - min(decay, (1 + n) / (10 + n)))

    return update


def accuracy(
    T: Any, forward: Callable[[Any], Any], split: Split, chunk: int = 1000, world: DataParallel | None = None
) -> float:
    """The share of the evaluation set ``forward`` classifies right (eval mode, no graph). With
    ``world`` each rank classifies its share of every chunk and the counts are summed."""
    correct = 0
    total = len(split.eval_labels)
    with T.no_grad():
        for start in range(0, total, chunk):
            stop = min(start + chunk, total)
            if world is not None:
                first, last = world.bounds(stop - start)
                start, stop = start + first, start + last
            logits = forward(T.from_numpy(split.eval_inputs(start, stop))).numpy()
            correct += int((logits.argmax(1) == split.eval_labels[start:stop]).sum())
    if world is not None:
        correct = int(world.sum(correct)[0])
    return correct / total


def train(
    T: Any,
    recipe: Recipe,
    seed: int,
    target: float | None,
    load: Callable[[], Split],
    initial: dict[str, np.ndarray] | None = None,
    compiled: bool = True,
    progress: bool = True,
    world: DataParallel | None = None,
) -> Outcome:
    """Train ``recipe`` under ``T`` with ``seed`` until an evaluation reaches ``target`` (None: to
    the end of the schedule, evaluating at the end only). ``load`` reads the data; its time counts.
    ``initial``: starting weights (numpy, by state-dict key); without them ``T.manual_seed(seed)``
    draws them. ``compiled``: run ours through ``T.compile``, the model with its loss and the averaged
    model (PyTorch runs eagerly: its compiler needs a C++ toolchain). ``world``: this process is one
    rank of a data-parallel run of ours (``speedrun --procs``, :mod:`.ranks`): it makes and trains its
    share of every batch in ``DistributedDataParallel`` (the compiled model inside it, the loss
    eager) and evaluates its share of the evaluation set; the clock starts when every rank is ready."""
    from tqdm import tqdm

    name = T.__name__
    if world is not None:
        world.barrier()
    start = time.perf_counter()
    split = load()
    T.manual_seed(seed)
    model = lenet5(T)
    if initial is not None:
        model.load_state_dict({k: T.from_numpy(v.copy()) for k, v in initial.items()})
    part = world.bounds(recipe.batch_size) if world is not None else None
    batches = Batches(
        split, recipe.batch_size, seed, recipe.augmentation, recipe.elastic, part, padded=recipe.distort_padded
    )
    optimizer = getattr(T.optim, recipe.optimizer)(model.parameters(), lr=recipe.max_lr, **recipe.options)
    total = recipe.epochs * len(batches)
    schedule = T.optim.lr_scheduler.OneCycleLR(
        optimizer,
        max_lr=recipe.max_lr,
        total_steps=total,
        pct_start=recipe.pct_start,
        div_factor=recipe.div_factor,
        final_div_factor=recipe.final_div_factor,
    )
    average = (
        T.optim.swa_utils.AveragedModel(model, multi_avg_fn=warmed_ema(T, recipe.ema))
        if recipe.ema is not None
        else None
    )
    evaluated = average.module if average is not None else model

    use_compile = compiled and name == "tinygrad_lenet"
    forward = model if world is None else world.wrap(T.compile(model) if use_compile else model)

    def objective(x: Any, y: Any) -> Any:
        return T.nn.functional.cross_entropy(forward(x), y, label_smoothing=recipe.label_smoothing)

    # DistributedDataParallel's gradient hook is a graph break: compiled around it, the objective would run eagerly
    loss_of = T.compile(objective) if use_compile and world is None else objective
    evaluate = T.compile(evaluated) if use_compile else evaluated
    every = max(1, round(recipe.eval_every * len(batches)))
    first = math.ceil(recipe.eval_from * len(batches))
    outcome = Outcome(name, seed, 0.0, 0.0, 0.0, False)
    step = 0
    bar = tqdm(total=total, desc=f"{name} seed {seed}", unit="step", leave=False, disable=None if progress else True)
    with bar:
        for epoch in range(recipe.epochs):
            model.train()
            for x, y in batches.epoch(distort=epoch < recipe.epochs - recipe.clean_epochs):
                raise_pending_interrupt()
                loss = loss_of(T.from_numpy(x), T.from_numpy(y))
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
                schedule.step()
                if average is not None:
                    average.update_parameters(model)
                step += 1
                bar.update()
                if step % 100 == 0 and not math.isfinite(loss.item()):
                    raise TrainingDiverged(f"{name}: the loss became {loss.item()} at step {step} ({recipe.name})")
                due = target is not None and step >= first and (step - first) % every == 0
                if due or step == total:
                    evaluated.eval()
                    value = accuracy(T, evaluate, split, world=world)
                    evaluated.train()
                    outcome.evaluations.append((step / len(batches), value, time.perf_counter() - start))
                    bar.set_postfix(acc=f"{value:.2%}", refresh=False)
                    if target is not None and value >= target:
                        outcome.reached = True
                        break
            if outcome.reached:
                break
    outcome.epochs, outcome.accuracy, outcome.seconds = outcome.evaluations[-1]
    if target is None:
        outcome.reached = True
    outcome.state = {k: v.detach().numpy().copy() for k, v in evaluated.state_dict().items()}
    return outcome


def initial_weights(T: Any, seed: int) -> dict[str, np.ndarray]:
    """The starting weights of ``seed`` (drawn by ``T.manual_seed(seed)`` as :func:`train` does)."""
    T.manual_seed(seed)
    return {k: v.detach().numpy().copy() for k, v in lenet5(T).state_dict().items()}


def loader(data: str, data_dir: str | None, validation: bool, log: Callable[[str], None]) -> Callable[[], Split]:
    """``load`` for :func:`train`: reads the data anew on every call (each run pays for it)."""
    return lambda: load_split(data, data_dir, validation, log)
