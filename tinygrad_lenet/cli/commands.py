"""What each ``tinygrad-lenet`` command does with its parsed arguments."""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

from .. import viz
from ..base.errors import TinygradLenetError, WriteError
from ..base.file_io import atomic_write
from ..data import (
    MNIST,
    SAMPLE_CAVEAT,
    DataLoader,
    describe,
    input_transform,
    load_mnist,
    read_digit_image,
    read_kaggle_csv,
    write_kaggle_submission,
)
from ..distributed.run import rank_environment, ranks_command
from ..models import MODELS, create_model
from ..serialization.checkpoint import load
from ..train import (
    RunConfig,
    evaluate,
    predict_probabilities,
    restore_model,
    train_run,
    training_step_graph,
)
from ..train.data_parallel import failing_as_a_rank, require_mpi
from ..train.inference import restore_run
from ..train.report import draw, run_artefacts
from ..train.resume import merge_config
from ..train.run_folder import holds_run
from ..train.runs import check_procs, run_folder
from ..train.training_checkpoint import load_training_checkpoint
from .parser import model_options_by_name
from .signals import EXIT_INTERRUPTED, EXIT_TERMINATED, Terminated


def file_output(path: str) -> Path:
    """An --out that names a file: an existing folder there is an error, not a place to write beside."""
    out = Path(path)
    if out.is_dir():
        raise ValueError(
            f"--out {path} is a folder; give the name of the file to write, e.g. {out / 'out'}{out.suffix}"
        )
    return out


def _model_options(args: argparse.Namespace, model: str) -> dict[str, Any]:
    """The constructor arguments of ``model`` from the model options given (others are refused)."""
    own = {option.name: option for option in MODELS[model].options}
    given = {name: getattr(args, name) for name in model_options_by_name() if hasattr(args, name)}
    unused = [name for name in given if name not in own]
    if unused:
        raise ValueError(f"--{', --'.join(unused)} do not apply to --model {model}")
    return dict(own[name].to_keyword(value) for name, value in given.items())


def train(args: argparse.Namespace) -> int:
    """``train``: only the options typed are passed on as given (see ``train.resume``). With ``--procs N``
    it starts N ranks of itself (:func:`_launch`), each of which runs here with the hidden ``--rank-of N``."""
    typed = {name: value for name, value in vars(args).items() if name not in ("command", "argv")}
    rank_of = typed.pop("rank_of", None)
    fields = set(RunConfig.__dataclass_fields__)
    options = {name: value for name, value in typed.items() if name in fields}
    if rank_of is not None:
        options["procs"] = rank_of
    if typed.pop("no_progress", False):
        options["progress"] = False
    if set(typed) & set(model_options_by_name()):
        model = typed.get("model") or (
            load_training_checkpoint(typed["resume"])["metadata"]["model"] if "resume" in typed else RunConfig.model
        )
        options["model_options"] = _model_options(args, model)
    config = RunConfig(**options)
    if rank_of is not None:
        return _as_rank(config, set(options))
    if config.procs > 1:
        return _launch(args, config, set(options))
    _train(config, set(options))
    return 0


def _train(config: RunConfig, given: set[str], rank: bool = False) -> None:
    """Train, saying how to continue a run that is interrupted (a rank leaves that to the parent)."""
    try:
        train_run(config, given=given)
    except KeyboardInterrupt:
        if not rank:
            _say_interrupted(config)
        raise
    except WriteError as e:
        held = _held(config)
        remedy = e.remedy or "once it can be written"
        again = " with --overwrite" if holds_run(run_folder(config)) else ""  # a best.safetensors, but no last
        then = f"; {held}" if held else f", then run the command again{again} (no epoch of this run was saved)"
        raise WriteError(f"cannot write {e.path}: {e.reason}. {remedy[0].upper()}{remedy[1:]}{then}") from None


def _say_interrupted(config: RunConfig) -> None:
    held = _held(config)
    print(f"interrupted: {held}" if held else "interrupted before an epoch of this run was saved", file=sys.stderr)


def _launch(args: argparse.Namespace, config: RunConfig, given: set[str]) -> int:
    """``train --procs N``: run ``python -m tinygrad_lenet.distributed.run --nproc-per-node N -m tinygrad_lenet
    train ARGS --rank-of N`` (ARGS: this command's, without --procs) and wait for it.

    The ranks run in a session of their own, so that Ctrl-C reaches this process only: it passes SIGTERM
    on to every rank (through the launcher and mpiexec), they stop, and this process says once how to
    continue the run (a second and third Ctrl-C make mpiexec abort them). A rank that fails has said
    why; every rank has stopped, and the exit status is the failed rank's."""
    settled = config
    if config.resume is not None:
        saved = load_training_checkpoint(config.resume)["metadata"].get("config") or {}
        settled = merge_config(config, saved, given)[0]
    if settled.model in MODELS and not MODELS[settled.model].trainable:
        raise ValueError(
            f"--procs does not apply to --model {settled.model}: it is fitted, not trained by gradient descent"
        )
    check_procs(config.procs, settled.batch_size)
    require_mpi(config.procs)
    ranks = [*_without_procs(args.argv[1:]), "--rank-of", str(config.procs)]
    line = ranks_command(config.procs, "tinygrad_lenet", "train", *ranks)
    process = subprocess.Popen(line, env=rank_environment(), start_new_session=True)
    stopped: KeyboardInterrupt | None = None
    while True:
        try:
            code = process.wait()
            break
        except KeyboardInterrupt as stop:  # Ctrl-C, or SIGTERM (signals.Terminated)
            process.send_signal(signal.SIGTERM if stopped is None else signal.SIGINT)
            stopped = stopped or stop
    if stopped is None and code in (EXIT_INTERRUPTED, EXIT_TERMINATED):  # a rank was signalled, not this process
        stopped = Terminated() if code == EXIT_TERMINATED else KeyboardInterrupt()
    if stopped is not None:
        _say_interrupted(config)
        raise stopped
    return code


def _without_procs(argv: list[str]) -> list[str]:
    """``argv`` without ``--procs N`` / ``--procs=N`` (a rank ignores it anyway: ``--rank-of`` decides)."""
    kept: list[str] = []
    skip = False
    for word in argv:
        if skip:
            skip = False
        elif word == "--procs":
            skip = True
        elif not word.startswith("--procs="):
            kept.append(word)
    return kept


def _as_rank(config: RunConfig, given: set[str]) -> int:
    """One rank of ``train --procs N`` (:func:`failing_as_a_rank`: interrupted, the parent then says how to
    continue)."""
    if os.environ.get("WORLD_SIZE") != str(config.procs):
        raise ValueError("--rank-of is for the ranks that train --procs N starts; use --procs N")
    with failing_as_a_rank("train"):
        _train(config, given, rank=True)
    return 0


def _held(config: RunConfig) -> str | None:
    """Which epoch the run folder of ``config`` holds and the command that continues it (None: no epoch saved)."""
    last = run_folder(config) / "last.safetensors"
    try:
        epoch = load(last)["metadata"]["epoch"]
    except (TinygradLenetError, OSError, KeyError, TypeError):
        return None
    return f"{last} holds the run after epoch {epoch}; continue it with\n  tinygrad-lenet train --resume {last}"


def eval_(args: argparse.Namespace) -> None:
    """``eval``: with --out, every file the run drew at its end, redrawn from this checkpoint."""
    model, metadata, history = restore_run(args.checkpoint)
    train_set, test_set = load_mnist(args.data, args.data_dir)
    if args.split == "train":
        test_set = train_set
    result = evaluate(model, DataLoader(test_set, 1000, transform=input_transform(metadata["input_size"])))
    on = f" on the BUNDLED SAMPLE ({SAMPLE_CAVEAT})" if test_set.is_sample else ""
    errors = int((result.predictions != result.targets).sum())
    print(
        f"{metadata['model']} from {args.checkpoint}: {args.split} accuracy {result.accuracy:.2%} "
        f"({errors} errors in {len(result.targets)}), loss {result.loss:.4f}{on}"
    )
    if args.out:
        out, title = Path(args.out), f"{metadata['model']} on {metadata.get('data', describe(train_set))}"
        artefacts = run_artefacts(model, result, test_set, out, metadata["input_size"], history, title, print)
        files = draw(artefacts, out)
        print(f"wrote {', '.join(p.name for p in files)} to {args.out}")


def predict(args: argparse.Namespace) -> int:
    """Each image's result on stdout; each image that cannot be read on stderr (exit code 1)."""
    model, metadata = restore_model(args.checkpoint)
    failed = 0
    for path in args.images:
        try:
            image = read_digit_image(path)
        except TinygradLenetError as e:
            print(f"tinygrad-lenet predict: error: {e}", file=sys.stderr)
            failed += 1
            continue
        probs = predict_probabilities(model, image[None], metadata["input_size"])[0]
        digit = int(probs.argmax())
        spread = "  ".join(f"{d}:{p:.3f}" for d, p in enumerate(probs))
        print(f"{path}: {digit} ({probs[digit]:.1%})   {spread}", flush=True)
    return 1 if failed else 0


def not_an_input(out: Path, **inputs: str | None) -> Path:
    """``out``, unless it is a file that one of ``inputs`` (option name: path, None when not given)
    reads, under any name (a symlink, a hard link, another spelling): writing it would replace the input."""
    for option, path in inputs.items():
        if path is not None and out.exists() and Path(path).exists() and os.path.samefile(out, path):
            raise ValueError(f"--out {out} is the file --{option.replace('_', '-')} reads: give another file name")
    return out


def kaggle(args: argparse.Namespace) -> None:
    out = not_an_input(file_output(args.out), test_csv=args.test_csv, checkpoint=args.checkpoint)
    model, metadata = restore_model(args.checkpoint)
    images, _ = read_kaggle_csv(args.test_csv)
    predictions = predict_probabilities(model, images, metadata["input_size"]).argmax(axis=1)
    path = write_kaggle_submission(out, predictions)
    print(f"wrote {len(predictions)} predictions to {path}")


def _model_for(args: argparse.Namespace) -> tuple[Any, int]:
    """The model named by --model (freshly initialised) or stored in --checkpoint, and its input size."""
    if args.checkpoint:
        model, metadata = restore_model(args.checkpoint)
        return model, metadata["input_size"]
    return create_model(args.model), MODELS[args.model].input_size


def graph(args: argparse.Namespace) -> None:
    out = not_an_input(file_output(args.out), checkpoint=args.checkpoint)
    not_an_input(out.with_suffix(".dot"), checkpoint=args.checkpoint)  # the drawing's source, written beside it
    model, size = _model_for(args)
    digits = MNIST.sample(train=False)
    loss = training_step_graph(model, digits.data[:2], digits.targets[:2], size, backward=args.grads)
    drawing = viz.draw_graph(
        loss, params=model, show_grads=args.grads, depth=args.depth, rankdir=args.rankdir, collapse=args.collapse
    )
    print(f"wrote {viz.render(drawing, out)} (and its source {out.with_suffix('.dot')})")


def summary(args: argparse.Namespace) -> None:
    model, size = _model_for(args)
    print(viz.summary(model, (1, 1, size, size)))


def export(args: argparse.Namespace) -> None:
    from .. import onnx

    out = not_an_input(file_output(args.out), checkpoint=args.checkpoint)
    model, size = _model_for(args)
    example = input_transform(size)(MNIST.sample(train=False).data[:1, None])
    path = onnx.export(model, example, out, dynamic_batch=not args.fixed_batch)
    print(
        f"wrote {path}: input 'input' ({'batch' if not args.fixed_batch else 1}, 1, {size}, {size}) float32, "
        f"normalised as for training (data.input_transform({size})); output 'output' (scores per class)"
    )


def bench(args: argparse.Namespace) -> None:
    from ..bench import run, to_json

    if args.procs is not None:
        from ..bench.distributed import run_distributed

        report = run_distributed(
            args.procs, args.rounds, args.steps, args.only, not args.no_torch, not args.no_load, log=_flushed
        )
        if args.json == "-":
            print(to_json(report))
        elif args.json:
            atomic_write(file_output(args.json), to_json(report).encode())
        return

    report = run(
        args.rounds,
        args.steps,
        args.only,
        not args.no_torch,
        not args.no_load,
        args.memory_steps,
        args.threads,
        log=lambda line: print(line, flush=True),
        compiled=not args.no_compile,
    )
    environment = report["environment"]
    print(
        "BLAS: "
        + "; ".join(
            f"{b['internal_api']} {b['version']} ({b['architecture']}), {b['num_threads']} threads"
            for b in environment["numpy_blas"]
        )
        + f" (ours: --threads {args.threads})"
        + (
            f"; torch {environment['torch_version']}, {environment['torch_threads']} threads"
            if "torch_threads" in environment
            else ""
        )
        + (f"; OPENBLAS_CORETYPE={environment['OPENBLAS_CORETYPE']}" if environment["OPENBLAS_CORETYPE"] else "")
    )
    if args.json == "-":
        print(to_json(report))
    elif args.json:
        atomic_write(file_output(args.json), to_json(report).encode())


def speedrun(args: argparse.Namespace) -> None:
    from ..base.threads import set_num_threads
    from ..speedrun import RECIPES, recipe_for, speedrun

    recipe = (RECIPES[args.recipe] if args.recipe else recipe_for(args.target)).with_epochs(args.epochs)
    if args.threads is not None and args.procs == 1:
        set_num_threads(args.threads)
    report = speedrun(
        recipe,
        args.seeds,
        None if args.full else args.target,
        args.data,
        args.data_dir,
        args.validation,
        not args.no_torch,
        not args.no_compile,
        not args.no_progress,
        args.save,
        log=_flushed,
        procs=args.procs,
        threads=args.threads,
    )
    if args.json == "-":
        print(json.dumps(report, indent=1))
    elif args.json:
        atomic_write(file_output(args.json), json.dumps(report, indent=1).encode())


def _flushed(line: str) -> None:
    print(line, flush=True)


COMMANDS = {
    "train": train,
    "eval": eval_,
    "predict": predict,
    "kaggle": kaggle,
    "graph": graph,
    "summary": summary,
    "bench": bench,
    "speedrun": speedrun,
    "export": export,
}
