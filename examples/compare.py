"""Reproduce the lab reports' comparisons, one command each, with one figure per comparison.

    python examples/compare.py optimizers [--quick] [--model mlp] [--epochs 10] [--out runs/compare]
    python examples/compare.py all --quick

Comparisons: optimizers (SGD, Momentum, AdaGrad, RMSprop, Adam), learning-rates (5e-1 .. 5e-4),
batch-sizes (16 .. 256), models (softmax regression vs MLP vs LeNet-5), losses (cross-entropy vs
L2 on softmax outputs), width and depth (of the MLP), regularization (BatchNorm / Dropout / L2
and their combinations), dropout-rates, l2-lambdas. Each run trains the model (an MLP 784-256-10
unless --model says otherwise) and records the test accuracy after every epoch; the figure
shows those curves and the printed table the final accuracies. --quick uses the bundled sample
and 2 epochs, and finishes each comparison in under a minute.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.ticker import MaxNLocator

import tinygrad_lenet as tl
from tinygrad_lenet.data import DataLoader, input_transform, load_mnist
from tinygrad_lenet.models import MODELS, create_model
from tinygrad_lenet.optim import create_optimizer
from tinygrad_lenet.train import LOSSES, fit


@dataclass
class Variant:
    """One run of a comparison: a label and what it changes from the defaults."""

    label: str
    model: str | None = None
    options: dict[str, Any] = field(default_factory=dict)
    optimizer: str = "adam"
    lr: float | None = None
    batch_size: int = 64
    loss: str = "cross_entropy"
    weight_decay: float = 0.0


def _mlp(label: str, hidden: list[int], **kw: Any) -> Variant:
    options = {"sizes": [784, *hidden, 10], **{k: kw.pop(k) for k in ("batchnorm", "dropout") if k in kw}}
    return Variant(label, "mlp", options, **kw)


COMPARISONS: dict[str, list[Variant]] = {
    "optimizers": [Variant(name, optimizer=name) for name in ("sgd", "momentum", "adagrad", "rmsprop", "adam")],
    "learning-rates": [
        Variant(f"sgd lr {lr:g}", optimizer="sgd", lr=lr) for lr in (0.5, 0.1, 0.05, 0.01, 0.005, 0.001, 0.0005)
    ],
    "batch-sizes": [Variant(f"batch {b}", batch_size=b) for b in (16, 32, 64, 128, 256)],
    "models": [Variant("softmax", "softmax"), _mlp("mlp 784-256-10", [256]), Variant("lenet5", "lenet5")],
    "losses": [Variant("cross-entropy"), Variant("L2 on softmax", loss="mse")],
    "width": [_mlp(f"784-{w}-10", [w]) for w in (32, 128, 512, 1024)],
    "depth": [
        _mlp("-".join(map(str, [784, *h, 10])), h) for h in ([256], [256, 128], [256, 128, 64], [100, 70, 50, 30])
    ],
    "regularization": [
        _mlp("none", [256]),
        _mlp("batchnorm", [256], batchnorm=True),
        _mlp("dropout 0.3", [256], dropout=0.3),
        _mlp("L2 1e-4", [256], weight_decay=1e-4),
        _mlp("bn + dropout", [256], batchnorm=True, dropout=0.3),
        _mlp("bn + L2", [256], batchnorm=True, weight_decay=1e-4),
        _mlp("dropout + L2", [256], dropout=0.3, weight_decay=1e-4),
        _mlp("bn + dropout + L2", [256], batchnorm=True, dropout=0.3, weight_decay=1e-4),
    ],
    "dropout-rates": [_mlp(f"dropout {p}", [256], dropout=p) for p in (0.0, 0.2, 0.4, 0.6, 0.8)],
    "l2-lambdas": [_mlp(f"L2 {lam:g}", [256], weight_decay=lam) for lam in (0.0, 1e-5, 1e-4, 1e-3, 1e-2)],
}


def run_comparison(name: str, model: str, epochs: int, data: str, seed: int, out: Path) -> list[tuple[str, float]]:
    """Train every variant of one comparison; draw and return (label, final test accuracy) per variant."""
    train_set, test_set = load_mnist(data)
    fig, ax = plt.subplots(figsize=(7, 4.5))
    results = []
    for variant in COMPARISONS[name]:
        model_name = variant.model or model
        options = variant.options if variant.model else ({"sizes": [784, 256, 10]} if model_name == "mlp" else {})
        tl.manual_seed(seed)
        net = create_model(model_name, **options)
        size = MODELS[model_name].input_size
        optimizer = create_optimizer(variant.optimizer, net.parameters(), variant.lr, weight_decay=variant.weight_decay)
        history = fit(
            net,
            DataLoader(train_set, variant.batch_size, shuffle=True, transform=input_transform(size)),
            DataLoader(test_set, 1000, transform=input_transform(size)),
            optimizer,
            epochs,
            loss_fn=LOSSES[variant.loss],
            progress=False,
            log=lambda line: None,
        )
        accuracy = history.rows[-1]["test_accuracy"]
        results.append((variant.label, accuracy))
        print(f"  {variant.label:<24} test accuracy {accuracy:.2%}  ({sum(history.column('seconds')):.1f} s)")
        ax.plot(
            history.column("epoch"),
            [100 * a for a in history.column("test_accuracy")],
            "-o",
            markersize=3,
            label=f"{variant.label} ({accuracy:.2%})",
        )
    ax.set(xlabel="epoch", ylabel="test accuracy (%)", title=f"{name} ({model}, {train_set!r})")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7)
    out.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    fig.savefig(out / f"{name}.png", dpi=90)
    plt.close(fig)
    print(f"  figure: {out / f'{name}.png'}")
    return results


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n")[0],
        epilog=__doc__.split("\n\n", 1)[1],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("comparison", choices=[*COMPARISONS, "all"])
    parser.add_argument(
        "--model",
        default="mlp",
        choices=("mlp", "softmax", "lenet5"),
        help="the model of comparisons that do not choose their own (default mlp)",
    )
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--data", default="auto", choices=("auto", "full", "sample"))
    parser.add_argument("--quick", action="store_true", help="bundled sample, 2 epochs")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=Path("runs/compare"))
    args = parser.parse_args()
    epochs, data = (2, "sample") if args.quick else (args.epochs, args.data)
    for name in COMPARISONS if args.comparison == "all" else [args.comparison]:
        start = time.perf_counter()
        print(f"{name}:")
        run_comparison(name, args.model, epochs, data, args.seed, args.out)
        print(f"  {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
