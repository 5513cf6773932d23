"""What each ``tinygrad-lenet`` command does with its parsed arguments."""

from __future__ import annotations

import argparse
import os
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
from ..train.inference import restore_run
from ..train.report import draw, run_artefacts
from ..train.run_folder import holds_run
from ..train.runs import run_folder
from ..train.training_checkpoint import load_training_checkpoint
from .parser import model_options_by_name


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


def train(args: argparse.Namespace) -> None:
    """``train``: only the options typed are passed on as given (see ``train.resume``)."""
    typed = {name: value for name, value in vars(args).items() if name != "command"}
    fields = set(RunConfig.__dataclass_fields__)
    options = {name: value for name, value in typed.items() if name in fields}
    if typed.pop("no_progress", False):
        options["progress"] = False
    if set(typed) & set(model_options_by_name()):
        model = typed.get("model") or (
            load_training_checkpoint(typed["resume"])["metadata"]["model"] if "resume" in typed else RunConfig.model
        )
        options["model_options"] = _model_options(args, model)
    config = RunConfig(**options)
    try:
        train_run(config, given=set(options))
    except KeyboardInterrupt:
        held = _held(config)
        print(f"interrupted: {held}" if held else "interrupted before an epoch of this run was saved", file=sys.stderr)
        raise
    except WriteError as e:
        held = _held(config)
        remedy = e.remedy or "once it can be written"
        again = " with --overwrite" if holds_run(run_folder(config)) else ""  # a best.safetensors, but no last
        then = f"; {held}" if held else f", then run the command again{again} (no epoch of this run was saved)"
        raise WriteError(f"cannot write {e.path}: {e.reason}. {remedy[0].upper()}{remedy[1:]}{then}") from None


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


COMMANDS = {
    "train": train,
    "eval": eval_,
    "predict": predict,
    "kaggle": kaggle,
    "graph": graph,
    "summary": summary,
    "bench": bench,
    "export": export,
}
