"""The argument parser of ``tinygrad-lenet``: six commands, their options, and the help that teaches.

``train`` parses with ``argument_default=SUPPRESS``: an option the user did not type is absent
from the result, so that a resumed run can tell what was asked for (``train.resume``); its
defaults are those of :class:`RunConfig`, shown in ``--help``. The model options, their models
and their defaults come from the model registry.
"""

from __future__ import annotations

import argparse
from typing import Any, Literal

from ..bench.workloads import WORKLOADS
from ..models import MODELS, ModelOption
from ..models.registry import positive_int
from ..optim import APPLIES_TO, DEFAULT_LR, OPTIMIZERS, SCHEDULES
from ..speedrun.recipes import RECIPES
from ..train import LOSSES, RunConfig

EXAMPLES = """examples:
  tinygrad-lenet train --model lenet5 --epochs 15 --schedule cosine --out runs/lenet5      # 99.2%
  tinygrad-lenet train --model lenet5 --epochs 40 --augment --schedule cosine --out runs/lenet5-aug  # distorted digits
  tinygrad-lenet train --model mlp --hidden 1024 128 --dropout 0.2 --epochs 20 --out runs/mlp
  tinygrad-lenet train --model softmax --optimizer sgd --lr 0.1 --epochs 10 --out runs/softmax
  tinygrad-lenet train --model knn --k 3 --out runs/knn
  tinygrad-lenet train --resume runs/lenet5/last.safetensors --epochs 20    # continue a run to 20 epochs
  tinygrad-lenet eval --checkpoint runs/lenet5/best.safetensors
  tinygrad-lenet predict my_digit.png other.png --checkpoint runs/lenet5/best.safetensors
  tinygrad-lenet kaggle --checkpoint runs/lenet5/best.safetensors --test-csv test.csv --out submission.csv
  tinygrad-lenet graph --model lenet5 --depth 1 --out lenet5.svg
  tinygrad-lenet summary --model lenet5
  tinygrad-lenet speedrun --target 0.99          # seconds to 99% test accuracy, ours and PyTorch's
  tinygrad-lenet speedrun --recipe ceiling --full --no-torch     # LeNet-5 to 99.6%

data: full MNIST is looked for in --data-dir, $TINYGRAD_LENET_DATA, then ~/.cache/tinygrad_lenet/mnist,
and downloaded if missing; offline, --data auto (the default) falls back to the bundled sample of
8,000 training and 1,000 test digits, and says so. A --data-dir or $TINYGRAD_LENET_DATA that does not
hold MNIST is an error, never a silent fallback."""

DEFAULTS = RunConfig()


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Descriptions kept as written, and the default of every option that has one shown after its help."""

    def _get_help_string(self, action: argparse.Action) -> str:
        help = action.help or ""
        if action.default in (None, False, argparse.SUPPRESS) or "default" in help or not action.option_strings:
            return help
        return f"{help} (default: %(default)s)".strip()


def _data_arguments(parser: argparse.ArgumentParser, train: bool = False) -> None:
    """--data and --data-dir; for ``train`` without argparse defaults (see the module docstring)."""
    parser.add_argument(
        "--data",
        choices=("auto", "full", "sample"),
        default=argparse.SUPPRESS if train else DEFAULTS.data,
        help=f"full MNIST, the bundled sample, or auto: full if it can be found or downloaded, "
        f"else the sample (default: {DEFAULTS.data})",
    )
    parser.add_argument(
        "--data-dir",
        help="folder with the MNIST IDX files (default: $TINYGRAD_LENET_DATA or the "
        "user cache); if it does not hold MNIST, that is an error",
    )


def _shown(value: Any) -> str:
    """A default as it would be typed on the command line (``6 16`` for a pair)."""
    return " ".join(map(str, value)) if isinstance(value, (list, tuple)) else str(value)


def model_options_by_name() -> dict[str, tuple[ModelOption, list[str]]]:
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
    for name, (option, models) in model_options_by_name().items():
        defaults = {model: MODELS[model].option_default(option) for model in models}
        if option.type is bool:
            shown = ""
        elif len({_shown(d) for d in defaults.values()}) == 1:
            shown = f" (default: {_shown(next(iter(defaults.values())))})"
        else:
            shown = " (default: " + ", ".join(f"{_shown(d)} for {m}" for m, d in defaults.items()) + ")"
        help = f"{', '.join(models)}: {option.help}{shown}"
        if option.type is bool:
            group.add_argument(f"--{name}", action="store_true", help=help)
        else:
            group.add_argument(
                f"--{name}",
                type=option.type,
                choices=option.choices,
                nargs=option.nargs,
                metavar=option.metavar,
                help=help,
            )


def _default_lrs() -> str:
    """The default learning rate of each optimizer, as ``--lr``'s help shows it (``0.05 for sgd; 0.01 for
    momentum, ...``), read from ``optim.DEFAULT_LR``."""
    names: dict[float, list[str]] = {}
    for name, lr in DEFAULT_LR.items():
        names.setdefault(lr, []).append(name)
    return "; ".join(f"{lr:g} for {', '.join(optimizers)}" for lr, optimizers in names.items())


def _train_parser(commands: Any) -> None:
    train = commands.add_parser(
        "train",
        help="train a model and write its run folder",
        argument_default=argparse.SUPPRESS,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Train a model on MNIST. The run folder gets last/best checkpoints, history.csv/json, train.log, "
        "report.txt and plots (curves, confusion matrix, mistakes, filters, feature maps) and graph.svg (one training "
        "step, drawn with Graphviz). A folder that holds an earlier run is refused (use --resume, another --out, or "
        "--overwrite); with --resume, options not given keep the run's own values.",
    )
    d = DEFAULTS
    uses = {name: " and ".join(users) for name, users in APPLIES_TO.items()}
    train.add_argument("--model", choices=tuple(MODELS), help=f"(default: {d.model})")
    train.add_argument(
        "--epochs", type=int, help=f"total epochs; a resumed run continues up to it (default: {d.epochs})"
    )
    train.add_argument("--batch-size", type=int, help=f"(default: {d.batch_size})")
    train.add_argument(
        "--optimizer",
        choices=OPTIMIZERS,
        help=f"momentum/nesterov are SGD with (Nesterov) momentum (default: {d.optimizer})",
    )
    train.add_argument("--lr", type=float, help=f"learning rate (default: {_default_lrs()})")
    train.add_argument("--momentum", type=float, help=f"for --optimizer {uses['momentum']} (default: {d.momentum})")
    train.add_argument(
        "--mu",
        type=float,
        help=f"for --optimizer {uses['mu']}: its step is lr / (mu + h) (default: {d.mu}, the paper's)",
    )
    train.add_argument("--weight-decay", type=float, help=f"L2 regularisation strength (default: {d.weight_decay})")
    train.add_argument(
        "--schedule",
        choices=SCHEDULES,
        help="learning-rate schedule by epoch: step (x gamma every step-size epochs), exponential, "
        "cosine (to 0 over the run), inverse (1/(1+decay*epoch)), lecun1998 (the paper's 5e-4 ... 1e-5), "
        "lecun1998-scaled (the paper's steps, starting from --lr) "
        f"(default: {d.schedule})",
    )
    train.add_argument(
        "--step-size", type=positive_int, help=f"for --schedule {uses['step_size']} (default: {d.step_size})"
    )
    train.add_argument("--gamma", type=float, help=f"for --schedule {uses['gamma']} (default: {d.gamma})")
    train.add_argument("--decay", type=float, help=f"for --schedule {uses['decay']} (default: {d.decay})")
    train.add_argument(
        "--loss",
        choices=tuple(LOSSES),
        help=f"mse: squared error of the softmax outputs against one-hot targets (default: {d.loss})",
    )
    train.add_argument("--augment", action="store_true", help="random affine distortions of the training images")
    _model_arguments(train)
    _data_arguments(train, train=True)
    train.add_argument(
        "--seed", type=int, help=f"the same seed, command and machine give the same numbers (default: {d.seed})"
    )
    train.add_argument("--out", help="run folder (default: runs/MODEL, or with --resume the checkpoint's folder)")
    train.add_argument("--resume", help="continue from the last.safetensors of an earlier run")
    train.add_argument(
        "--overwrite",
        action="store_true",
        help="train anew into an --out that holds a run, moving that run aside (never deleting it)",
    )
    train.add_argument("--no-progress", action="store_true", help="no progress bars (they show on a terminal only)")
    train.add_argument(
        "--threads",
        type=thread_count,
        help="threads of numpy's BLAS (default: numpy's, one per core), or "
        "auto: measure now and then whether 1 or one per core runs faster and keep that; on a machine "
        "other programs keep busy, auto or 1 avoids a 3x slowdown, but auto gives up bit-identical "
        "reruns (docs/performance.md)",
    )
    train.add_argument(
        "--procs",
        type=positive_int,
        help="train data-parallel on N processes (ranks, through MPI: pip install mpi4py mpich), each with one "
        "BLAS thread and 1/N of every batch; the result is one process's, to float round-off; --batch-size must "
        "be a multiple of N; a run resumes with any N (default: 1, this process alone)",
    )
    train.add_argument("--rank-of", type=positive_int, help=argparse.SUPPRESS)  # given by --procs to its ranks
    train.add_argument(
        "--compile",
        action=argparse.BooleanOptionalAction,
        default=argparse.SUPPRESS,
        help="run the model through tl.compile: record a step once, replay planned numpy kernels "
        "(default: on; --no-compile trains eagerly, to compare; results agree to float round-off)",
    )


def thread_count(text: str) -> int | Literal["auto"]:
    """``--threads``: an int >= 1 or ``auto`` (argparse reports anything else as a usage error)."""
    if text == "auto":
        return "auto"
    if text.isdigit() and int(text) >= 1:
        return int(text)
    raise argparse.ArgumentTypeError(f"expected a number of threads >= 1 or 'auto', got {text!r}")


def probability(text: str) -> float:
    """``--target``: a fraction strictly between 0 and 1 (99% is 0.99)."""
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(
            f"expected an accuracy as a fraction between 0 and 1 (0.99 for 99%), got {text!r}"
        )
    return value


def build_parser() -> argparse.ArgumentParser:
    """The ``tinygrad-lenet`` argument parser: one subcommand per entry of ``COMMANDS`` (train, eval,
    predict, graph, summary, bench, ...)."""
    parser = argparse.ArgumentParser(
        prog="tinygrad-lenet",
        description="Train and use LeNet-5, MLPs and softmax regression on MNIST, on numpy.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    drawable = tuple(name for name, spec in MODELS.items() if spec.trainable)
    _train_parser(commands)

    ev = commands.add_parser("eval", help="evaluate a checkpoint on the MNIST test set", formatter_class=HelpFormatter)
    ev.add_argument("--checkpoint", required=True, help="a checkpoint a training run wrote (best.safetensors)")
    _data_arguments(ev)
    ev.add_argument(
        "--split",
        choices=("test", "train"),
        default="test",
        help="the test set, or the training set (the training error of the finished model)",
    )
    ev.add_argument(
        "--out",
        help="also draw into this folder every file a run draws at its end: report.txt, the plots and graph.svg "
        "(the run's own folder, to redraw what is missing there)",
    )

    predict = commands.add_parser(
        "predict",
        help="classify images of handwritten digits (PNG, JPG, ...)",
        description="Print the class probabilities of each image; an image that cannot be "
        "read is reported and the others are still classified (exit code 1 then).",
        formatter_class=HelpFormatter,
    )
    predict.add_argument("images", nargs="+", metavar="IMAGE")
    predict.add_argument("--checkpoint", required=True)

    kaggle = commands.add_parser(
        "kaggle", help="write a Kaggle Digit Recognizer submission", formatter_class=HelpFormatter
    )
    kaggle.add_argument("--checkpoint", required=True)
    kaggle.add_argument("--test-csv", required=True, help="Kaggle's test.csv (pixel0..pixel783)")
    kaggle.add_argument("--out", default="submission.csv", help="the submission file")

    graph = commands.add_parser(
        "graph",
        help="draw the computation graph of a model's loss with Graphviz",
        description="Draw the graph of one training step (forward and loss) of a model. "
        "The .dot source is always written next to the picture.",
        formatter_class=HelpFormatter,
    )
    graph.add_argument("--model", default="lenet5", choices=drawable, help="the model to draw, freshly initialised")
    graph.add_argument("--checkpoint", help="draw this trained model instead (its gradients are real ones)")
    graph.add_argument("--depth", type=positive_int, help="one node per module at this depth (1: conv1, pool1, ...)")
    graph.add_argument("--grads", action="store_true", help="run backward and show gradient norms; NaN/Inf in red")
    graph.add_argument("--collapse", action="store_true", help="merge runs of the same op into one node with a count")
    graph.add_argument("--rankdir", default="TB", choices=("TB", "LR"), help="top to bottom or left to right")
    graph.add_argument("--out", default="graph.svg", help="the picture: svg, png or pdf by its suffix")

    bench = commands.add_parser(
        "bench",
        help="training and inference speed beside PyTorch's, quiet and under load",
        formatter_class=HelpFormatter,
        description="Images per second of each workload for tinygrad_lenet and (when installed) PyTorch, timed in "
        "interleaved rounds in this process; the ratio is ours / PyTorch's median. Then LeNet-5 training with one "
        "competing CPU-bound process, and the peak memory of a training run. Benchmark as a user's machine runs: "
        "without OPENBLAS_CORETYPE forced.",
    )
    bench.add_argument("--rounds", type=positive_int, default=5, help="interleaved rounds per workload")
    bench.add_argument("--steps", type=positive_int, default=20, help="steps timed per round")
    bench.add_argument(
        "--only",
        nargs="+",
        metavar="WORKLOAD",
        choices=[w.name for w in WORKLOADS],
        help="these workloads only: " + ", ".join(w.name for w in WORKLOADS),
    )
    bench.add_argument("--no-torch", action="store_true", help="ours only, even where PyTorch is installed")
    bench.add_argument("--no-load", action="store_true", help="skip the run under load")
    bench.add_argument("--memory-steps", type=int, default=200, help="training steps of the peak-memory run (0: none)")
    bench.add_argument(
        "--threads", type=thread_count, default="auto", help="our BLAS threads in every measurement, as train --threads"
    )
    bench.add_argument(
        "--no-compile", action="store_true", help="time our eager mode only (default: tl.compile, with eager beside it)"
    )
    bench.add_argument(
        "--procs",
        type=positive_int,
        help="time data-parallel training instead: N ranks x 1 BLAS thread x batch/N (as train --procs N) beside "
        "PyTorch's single process and PyTorch's DDP (gloo, N ranks x 1 thread), quiet and under load",
    )
    bench.add_argument("--json", metavar="PATH", help="also write every figure as JSON to PATH ('-': standard output)")

    speedrun = commands.add_parser(
        "speedrun",
        help="time LeNet-5 to a test accuracy (99.0%%, 99.5%%), ours and PyTorch's on the same recipe",
        formatter_class=HelpFormatter,
        description="Train the 61,706-parameter LeNet-5 from scratch on full MNIST until an evaluation reaches the "
        "target test accuracy, and print the wall time (reading the data and every evaluation included) and the "
        "epochs it took. With PyTorch installed the same recipe (same initial weights, data order, distortions and "
        "schedule) runs under PyTorch in this process after ours; the last line gives the median over the seeds and "
        "the ratio PyTorch's time / ours. Recipes: "
        + "; ".join(f"{r.name} ({r.description})" for r in RECIPES.values())
        + ". --full trains a recipe's whole schedule and reports its final accuracy instead.",
    )
    speedrun.add_argument(
        "--target", type=probability, default=0.99, help="test accuracy to reach, a fraction: 0.99 or 0.995"
    )
    speedrun.add_argument(
        "--recipe", choices=tuple(RECIPES), help="the recipe (default: the first whose target is at least --target)"
    )
    speedrun.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2], help="one run per seed")
    speedrun.add_argument("--epochs", type=positive_int, help="length of the recipe's schedule (default: the recipe's)")
    speedrun.add_argument("--full", action="store_true", help="train the whole schedule; report the final accuracy")
    speedrun.add_argument(
        "--validation",
        action="store_true",
        help="evaluate on 10,000 digits held out from the training set (trained on the other 50,000), not on the "
        "test set: how the recipes' settings were chosen",
    )
    speedrun.add_argument("--no-torch", action="store_true", help="ours only, even where PyTorch is installed")
    speedrun.add_argument("--no-compile", action="store_true", help="train ours eagerly (default: tl.compile)")
    speedrun.add_argument(
        "--threads",
        type=thread_count,
        help="our BLAS threads (default: numpy's, one per core; with --procs, 1 per rank)",
    )
    speedrun.add_argument(
        "--procs",
        type=positive_int,
        default=1,
        help="run ours as N data-parallel processes (MPI, as train --procs N; each takes batch/N rows of every batch; "
        "needs mpi4py); PyTorch still runs in this process",
    )
    speedrun.add_argument("--save", metavar="FOLDER", help="write our trained weights of each seed there (lenet5)")
    speedrun.add_argument("--no-progress", action="store_true", help="no progress bars")
    speedrun.add_argument("--json", metavar="PATH", help="also write every figure as JSON to PATH ('-': stdout)")
    _data_arguments(speedrun)

    summary = commands.add_parser(
        "summary", help="a table of a model's layers, parameters and MACs", formatter_class=HelpFormatter
    )
    summary.add_argument("--model", default="lenet5", choices=drawable, help="the model to summarise")
    summary.add_argument("--checkpoint", help="summarise the model of this checkpoint")

    export = commands.add_parser(
        "export",
        help="write a model as ONNX (opset 17), for onnxruntime and other runtimes",
        formatter_class=HelpFormatter,
    )
    export.add_argument("--model", default="lenet5", choices=drawable, help="the model to export, freshly initialised")
    export.add_argument("--checkpoint", help="export the trained model of this checkpoint instead")
    export.add_argument("--out", default="model.onnx", help="the ONNX file to write")
    export.add_argument("--fixed-batch", action="store_true", help="fix the batch size at 1 (default: any batch size)")
    return parser
