"""The ``tinygrad-lenet`` command (also ``python -m tinygrad_lenet``): train, eval, predict, kaggle, graph, summary.

Exit codes: 0 success, 2 bad usage (argparse), 1 failure with a one-line reason on stderr
(for example a missing file); no traceback for errors a user can cause.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from . import viz
from .allocator import tune_allocator
from .data import MNIST, DataLoader, input_transform, load_mnist, read_digit_image, read_kaggle_csv, write_kaggle_submission
from .errors import TinygradLenetError
from .models import MODELS, ModelOption, create_model
from .optim import OPTIMIZERS, SCHEDULES
from .train import (
    RunConfig, evaluate, predict_probabilities, restore_model, train_run, training_step_graph, write_report,
)

EXAMPLES = """examples:
  tinygrad-lenet train --model lenet5 --epochs 15 --schedule cosine --out runs/lenet5      # 99.2%
  tinygrad-lenet train --model lenet5 --epochs 40 --augment --schedule cosine --out runs/lenet5-aug  # 99.5%
  tinygrad-lenet train --model mlp --hidden 1024 128 --dropout 0.2 --epochs 20 --out runs/mlp
  tinygrad-lenet train --model softmax --optimizer sgd --lr 0.1 --epochs 10 --out runs/softmax
  tinygrad-lenet train --model knn --k 3 --out runs/knn
  tinygrad-lenet eval --checkpoint runs/lenet5/best.safetensors
  tinygrad-lenet predict my_digit.png --checkpoint runs/lenet5/best.safetensors
  tinygrad-lenet kaggle --checkpoint runs/lenet5/best.safetensors --test-csv test.csv --out submission.csv
  tinygrad-lenet graph --model lenet5 --depth 1 --out lenet5.svg
  tinygrad-lenet summary --model lenet5

data: full MNIST is looked for in --data-dir, $TINYGRAD_LENET_DATA, then ~/.cache/tinygrad_lenet/mnist,
and downloaded if missing; offline, --data auto (the default) falls back to the bundled sample of
8,000 training and 1,000 test digits, and says so."""


def _data_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", choices=("auto", "full", "sample"), default="auto",
                        help="full MNIST, the bundled sample, or auto: full if it can be found or downloaded (default)")
    parser.add_argument("--data-dir", help="folder with the MNIST IDX files (default: $TINYGRAD_LENET_DATA or the user cache)")


def _shown(value: Any) -> str:
    """A default as it would be typed on the command line (``6 16`` for a pair)."""
    return " ".join(map(str, value)) if isinstance(value, (list, tuple)) else str(value)


def _model_options_by_name() -> dict[str, tuple[ModelOption, list[str]]]:
    """Every model option of the registry, with the models that take it (an option several
    models share, such as --activation, is one argument)."""
    options: dict[str, tuple[ModelOption, list[str]]] = {}
    for model, spec in MODELS.items():
        for option in spec.options:
            options.setdefault(option.name, (option, []))[1].append(model)
    return options


def _model_arguments(parser: argparse.ArgumentParser) -> None:
    """The model options of ``train``, from the registry: which models take each, and its default."""
    group = parser.add_argument_group("model options (each applies only to the models it names)")
    for name, (option, models) in _model_options_by_name().items():
        defaults = {model: MODELS[model].option_default(option) for model in models}
        if option.type is bool:
            shown = ""
        elif len({_shown(d) for d in defaults.values()}) == 1:
            shown = f"; default {_shown(next(iter(defaults.values())))}"
        else:
            shown = "; default " + ", ".join(f"{_shown(d)} for {m}" for m, d in defaults.items())
        help = f"{', '.join(models)}: {option.help}{shown}"
        if option.type is bool:
            group.add_argument(f"--{name}", action="store_true", default=None, help=help)
        else:
            group.add_argument(f"--{name}", type=option.type, choices=option.choices, nargs=option.nargs,
                               metavar=option.metavar, help=help)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tinygrad-lenet", description="Train and use LeNet-5, MLPs and softmax regression on MNIST, on numpy.",
        epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    drawable = tuple(name for name, spec in MODELS.items() if spec.trainable)

    train = commands.add_parser("train", help="train a model and write its run folder",
                                description="Train a model on MNIST. The run folder gets last/best checkpoints, "
                                "history.csv/json, train.log, report.txt and plots (curves, confusion matrix, "
                                "mistakes, filters, feature maps) and graph.svg (one training step, drawn with Graphviz).")
    train.add_argument("--model", default="lenet5", choices=tuple(MODELS))
    train.add_argument("--epochs", type=int, default=10, help="total epochs (a resumed run continues up to it)")
    train.add_argument("--batch-size", type=int, default=64)
    train.add_argument("--optimizer", default="adam", choices=OPTIMIZERS,
                       help="momentum/nesterov are SGD with (Nesterov) momentum (default adam)")
    train.add_argument("--lr", type=float, help="learning rate (default: 1e-3 for adam, 0.05 for sgd, ...)")
    train.add_argument("--momentum", type=float, default=0.9, help="for --optimizer momentum/nesterov")
    train.add_argument("--weight-decay", type=float, default=0.0, help="L2 regularisation strength")
    train.add_argument("--schedule", default="constant", choices=SCHEDULES,
                       help="learning-rate schedule by epoch: step (x gamma every step-size epochs), exponential, "
                       "cosine (to 0 over the run), inverse (1/(1+decay*epoch)), lecun1998 (the paper's)")
    train.add_argument("--step-size", type=int, default=10)
    train.add_argument("--gamma", type=float, default=0.1)
    train.add_argument("--decay", type=float, default=0.1)
    train.add_argument("--loss", default="cross_entropy", choices=("cross_entropy", "mse"),
                       help="mse: squared error of the softmax outputs against one-hot targets")
    train.add_argument("--augment", action="store_true", help="random affine distortions of the training images")
    _model_arguments(train)
    _data_arguments(train)
    train.add_argument("--seed", type=int, default=0, help="same seed, same command: identical results")
    train.add_argument("--out", help="run folder (default runs/MODEL)")
    train.add_argument("--resume", help="continue from a last.safetensors of an earlier run")
    train.add_argument("--no-progress", action="store_true", help="no progress bars")

    ev = commands.add_parser("eval", help="evaluate a checkpoint on the MNIST test set")
    ev.add_argument("--checkpoint", required=True)
    _data_arguments(ev)
    ev.add_argument("--out", help="also write report.txt and plots into this folder")

    predict = commands.add_parser("predict", help="classify images of handwritten digits (PNG, JPG)")
    predict.add_argument("images", nargs="+", metavar="IMAGE")
    predict.add_argument("--checkpoint", required=True)

    kaggle = commands.add_parser("kaggle", help="write a Kaggle Digit Recognizer submission")
    kaggle.add_argument("--checkpoint", required=True)
    kaggle.add_argument("--test-csv", required=True, help="Kaggle's test.csv (pixel0..pixel783)")
    kaggle.add_argument("--out", default="submission.csv")

    graph = commands.add_parser("graph", help="draw the computation graph of a model's loss with Graphviz",
                                description="Draw the graph of one training step (forward and loss) of a model. "
                                "The .dot source is always written next to the picture.")
    graph.add_argument("--model", default="lenet5", choices=drawable)
    graph.add_argument("--checkpoint", help="draw this trained model instead (its gradients are real ones)")
    graph.add_argument("--depth", type=int, help="one node per module at this depth (1: conv1, pool1, ...)")
    graph.add_argument("--grads", action="store_true", help="run backward and show gradient norms; NaN/Inf in red")
    graph.add_argument("--collapse", action="store_true", help="merge runs of the same op into one node with a count")
    graph.add_argument("--rankdir", default="TB", choices=("TB", "LR"), help="top to bottom or left to right")
    graph.add_argument("--out", default="graph.svg", help="svg, png or pdf by suffix (default graph.svg)")

    summary = commands.add_parser("summary", help="a table of a model's layers, parameters and MACs")
    summary.add_argument("--model", default="lenet5", choices=drawable)
    summary.add_argument("--checkpoint", help="summarise the model of this checkpoint")
    return parser


def _model_options(args: argparse.Namespace) -> dict[str, Any]:
    """The constructor arguments of --model from the model options given (others are refused)."""
    own = {option.name: option for option in MODELS[args.model].options}
    given = {name: getattr(args, name) for name in _model_options_by_name() if getattr(args, name) is not None}
    unused = [name for name in given if name not in own]
    if unused:
        raise ValueError(f"--{', --'.join(unused)} do not apply to --model {args.model}")
    return dict(own[name].to_keyword(value) for name, value in given.items())


def _train(args: argparse.Namespace) -> None:
    config = RunConfig(
        model=args.model, model_options=_model_options(args), epochs=args.epochs, batch_size=args.batch_size,
        optimizer=args.optimizer, lr=args.lr, momentum=args.momentum, weight_decay=args.weight_decay,
        schedule=args.schedule, step_size=args.step_size, gamma=args.gamma, decay=args.decay, loss=args.loss,
        augment=args.augment, data=args.data, data_dir=args.data_dir, seed=args.seed,
        out=args.out or f"runs/{args.model}", resume=args.resume, progress=not args.no_progress,
    )
    train_run(config)


def _eval(args: argparse.Namespace) -> None:
    model, metadata = restore_model(args.checkpoint)
    _, test_set = load_mnist(args.data, args.data_dir)
    result = evaluate(model, DataLoader(test_set, 1000, transform=input_transform(metadata["input_size"])))
    print(f"{metadata['model']} from {args.checkpoint}: test accuracy {result.accuracy:.2%} "
          f"({int((result.predictions != result.targets).sum())} errors in {len(result.targets)}), loss {result.loss:.4f}")
    if args.out:
        files = write_report(model, result, test_set, Path(args.out), metadata["input_size"])
        print(f"wrote {', '.join(p.name for p in files)} to {args.out}")


def _predict(args: argparse.Namespace) -> None:
    model, metadata = restore_model(args.checkpoint)
    images = np.stack([read_digit_image(path) for path in args.images])
    for path, probs in zip(args.images, predict_probabilities(model, images, metadata["input_size"])):
        digit = int(probs.argmax())
        spread = "  ".join(f"{d}:{p:.3f}" for d, p in enumerate(probs))
        print(f"{path}: {digit} ({probs[digit]:.1%})   {spread}")


def _kaggle(args: argparse.Namespace) -> None:
    model, metadata = restore_model(args.checkpoint)
    images, _ = read_kaggle_csv(args.test_csv)
    predictions = predict_probabilities(model, images, metadata["input_size"]).argmax(axis=1)
    path = write_kaggle_submission(args.out, predictions)
    print(f"wrote {len(predictions)} predictions to {path}")


def _model_for(args: argparse.Namespace) -> tuple[Any, int]:
    """The model named by --model (freshly initialised) or stored in --checkpoint, and its input size."""
    if args.checkpoint:
        model, metadata = restore_model(args.checkpoint)
        return model, metadata["input_size"]
    return create_model(args.model), MODELS[args.model].input_size


def _graph(args: argparse.Namespace) -> None:
    model, size = _model_for(args)
    digits = MNIST.sample(train=False)
    loss = training_step_graph(model, digits.data[:2], digits.targets[:2], size, backward=args.grads)
    drawing = viz.draw_graph(loss, params=model, show_grads=args.grads, depth=args.depth, rankdir=args.rankdir,
                             collapse=args.collapse)
    print(f"wrote {viz.render(drawing, args.out)} (and its source {Path(args.out).with_suffix('.dot')})")


def _summary(args: argparse.Namespace) -> None:
    model, size = _model_for(args)
    print(viz.summary(model, (1, 1, size, size)))


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    tune_allocator()
    commands = {"train": _train, "eval": _eval, "predict": _predict, "kaggle": _kaggle, "graph": _graph, "summary": _summary}
    try:
        commands[args.command](args)
    except BrokenPipeError:  # the reader went away (output piped into head): not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # so the final flush is quiet
        return 0
    except (TinygradLenetError, ValueError, OSError) as e:
        reason = " ".join(line.strip() for line in str(e).splitlines()) or type(e).__name__
        print(f"tinygrad-lenet {args.command}: error: {reason}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"tinygrad-lenet {args.command}: interrupted", file=sys.stderr)
        return 130

    return 0


if __name__ == "__main__":
    sys.exit(main())
