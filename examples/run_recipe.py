"""What the training examples share: a few command-line flags on top of a model's recipe."""

from __future__ import annotations

import argparse
from dataclasses import replace
from typing import Any

from tinygrad_lenet.train import RunConfig, train_run


def run_example(recipe: RunConfig, description: str) -> dict[str, Any]:
    """Parse --quick, --epochs, --augment, --data, --data-dir, --seed, --out, --overwrite and train ``recipe``.

    --quick trains 2 epochs on the bundled sample (well under a minute); without it the recipe
    runs as written in docs/results.md, on the full MNIST when it can be found or downloaded.
    """
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--quick", action="store_true", help="2 epochs on the bundled sample")
    parser.add_argument("--epochs", type=int, default=recipe.epochs)
    parser.add_argument("--augment", action="store_true", default=recipe.augment)
    parser.add_argument("--data", default=recipe.data, choices=("auto", "full", "sample"))
    parser.add_argument("--data-dir")
    parser.add_argument("--seed", type=int, default=recipe.seed)
    parser.add_argument("--out", default=recipe.out)
    parser.add_argument("--overwrite", action="store_true", help="train anew into --out, moving an earlier run aside")
    args = parser.parse_args()
    config = replace(
        recipe,
        epochs=args.epochs,
        augment=args.augment,
        data=args.data,
        data_dir=args.data_dir,
        seed=args.seed,
        out=args.out,
        overwrite=args.overwrite,
    )
    if args.quick:
        config = replace(config, epochs=2, data="sample", out=args.out + "-quick")
    return train_run(config)
