"""``tinygrad-lenet speedrun``: a recipe over several seeds, ours and PyTorch's one after the other.

For each seed our run goes first, then PyTorch's from the same initial weights on the same
batches; each is timed from reading the MNIST files. The last line gives the median time over
the seeds of each framework and their ratio (PyTorch's time / ours: above 1, ours is faster).
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from ..bench.runner import SETTLE_SECONDS, frameworks
from ..data import MNIST_MEAN, MNIST_STD
from ..serialization.checkpoint import save
from .parallel import check_procs, launch
from .race import Outcome, initial_weights, loader, train
from .recipes import Recipe

LENET5_NAMES = {"0.": "conv1.", "3.": "conv2.", "7.": "fc1.", "9.": "fc2.", "11.": "fc3."}
"""``bench.workloads.lenet5``'s state-dict prefixes as ``models.LeNet5`` names them."""


def lenet5_name(key: str) -> str:
    """A state-dict key of ``bench.workloads.lenet5`` ("3.weight") as ``models.LeNet5`` names it ("conv2.weight")."""
    return next(new + key[len(old) :] for old, new in LENET5_NAMES.items() if key.startswith(old))


def load_average() -> str:
    """The 1-minute load average, or "?" where /proc/loadavg is not there."""
    try:
        return Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        return "?"


def _median(outcomes: list[Outcome], key: str) -> float:
    return statistics.median(getattr(o, key) for o in outcomes)


def save_weights(outcome: Outcome, recipe: Recipe, folder: Path, evaluation: str) -> Path:
    """Our evaluated weights as a checkpoint ``tinygrad-lenet eval`` and ``predict`` read (model lenet5)."""
    assert outcome.state is not None
    model = {lenet5_name(key): value for key, value in outcome.state.items()}
    metadata = {
        "model": "lenet5",
        "model_options": {},
        "input_size": 32,
        "normalize": [MNIST_MEAN, MNIST_STD],
        "recipe": recipe.name,
        "settings": recipe.settings(),
        "seed": outcome.seed,
        f"{evaluation}_accuracy": outcome.accuracy,
        "epochs": outcome.epochs,
    }
    path = folder / f"speedrun-{recipe.name}-seed{outcome.seed}.safetensors"
    folder.mkdir(parents=True, exist_ok=True)
    save({"model": model, "metadata": metadata}, path)
    return path


def speedrun(
    recipe: Recipe,
    seeds: Sequence[int],
    target: float | None,
    data: str = "full",
    data_dir: str | None = None,
    validation: bool = False,
    with_torch: bool = True,
    compiled: bool = True,
    progress: bool = True,
    save_to: str | os.PathLike[str] | None = None,
    log: Callable[[str], None] = print,
    procs: int = 1,
    threads: int | None = None,
) -> dict[str, Any]:
    """Train ``recipe`` with each seed to ``target`` (None: the whole schedule, judged by its final
    accuracy), ours and, when installed and ``with_torch``, PyTorch's; log a line per run and the
    medians; return every figure (JSON-safe). ``procs`` > 1: ours runs as that many data-parallel
    ranks of ``threads`` BLAS threads each (default 1; :mod:`.ranks`), PyTorch in this process as
    always."""
    check_procs(procs, recipe)
    found = frameworks(with_torch)
    ours = found["tinygrad_lenet"]
    load = loader(data, data_dir, validation, log)
    evaluation = "validation" if validation else "test"
    goal = f"{evaluation} accuracy {target:.2%}" if target is not None else f"final {evaluation} accuracy"
    log(f"recipe {recipe.name}: {recipe.settings()}")
    log(f"goal: {goal}; seeds {' '.join(map(str, seeds))}; load average {load_average()}")
    runs: dict[str, list[Outcome]] = {name: [] for name in found}
    saved: list[str] = []
    label = "ours" if procs == 1 else f"ours ({procs} processes)"
    for seed in seeds:
        initial = initial_weights(ours, seed)
        line = []
        for name, T in found.items():
            time.sleep(SETTLE_SECONDS)  # untimed: the threads of the run before go idle (bench.runner)
            if T is ours and procs > 1:
                folder = None if save_to is None else str(save_to)
                outcome, path = launch(
                    procs, recipe, seed, target, data, data_dir, validation, compiled, threads, folder
                )
                saved.extend([path] if path is not None else [])
            else:
                outcome = train(T, recipe, seed, target, load, initial, compiled, progress)
                if T is ours and save_to is not None:
                    saved.append(str(save_weights(outcome, recipe, Path(save_to), evaluation)))
            runs[name].append(outcome)
            line.append(f"{label if T is ours else 'PyTorch'} {outcome.summary(target)}")
        if "torch" in found and runs["torch"][-1].reached and runs["tinygrad_lenet"][-1].reached:
            line.append(f"{runs['torch'][-1].seconds / runs['tinygrad_lenet'][-1].seconds:.2f}x")
        log(f"seed {seed}: " + ", ".join(line))
    report: dict[str, Any] = {
        "recipe": asdict(recipe),
        "target": target,
        "evaluation": evaluation,
        "seeds": list(seeds),
        "procs": procs,
        "runs": {name: [{k: v for k, v in asdict(o).items() if k != "state"} for o in runs[name]] for name in runs},
        "load_average_after": load_average(),
        "saved": saved,
    }
    log(final_line(runs, target, evaluation, label))
    return report


def final_line(runs: dict[str, list[Outcome]], target: float | None, evaluation: str, label: str = "ours") -> str:
    """``target 99.00%: ours 14.2 s (2.4 epochs), PyTorch 16.8 s (2.4 epochs): 1.18x`` (medians over
    the seeds), or, for whole-schedule runs, the mean and range of the final accuracy; ``label`` names
    our runs ("ours (2 processes)")."""
    ours = runs["tinygrad_lenet"]
    theirs = runs.get("torch")
    if target is None:
        accuracies = [o.accuracy for o in ours]
        text = (
            f"final {evaluation} accuracy: mean {statistics.mean(accuracies):.2%} (range {min(accuracies):.2%}-"
            f"{max(accuracies):.2%}, {len(ours)} seeds); {label} {_median(ours, 'seconds'):.1f} s per run"
        )
        if theirs:
            seconds = _median(theirs, "seconds")
            text += f", PyTorch {seconds:.1f} s: {seconds / _median(ours, 'seconds'):.2f}x"
        return text
    missed = [str(o.seed) for o in ours if not o.reached]
    head = f"target {target:.2%}" + (f" ({evaluation} set)" if evaluation != "test" else "")
    if missed:
        return f"{head}: NOT reached by {label} with seed(s) {' '.join(missed)}"
    text = f"{head}: {label} {_median(ours, 'seconds'):.1f} s ({_median(ours, 'epochs'):.1f} epochs)"
    if theirs:
        if not all(o.reached for o in theirs):
            return text + ", PyTorch did not reach it with every seed"
        ratio = _median(theirs, "seconds") / _median(ours, "seconds")
        text += f", PyTorch {_median(theirs, 'seconds'):.1f} s ({_median(theirs, 'epochs'):.1f} epochs): {ratio:.2f}x"
    return text
