"""Per-pass test and training error of 1998 LeNet-5 runs beside the paper's figures.

    python examples/plot_lenet5_1998.py RUN_FOLDER [RUN_FOLDER ...] [--out docs/images/lenet5-1998-curves.png]

Each run folder is one written by ``tinygrad-lenet train --model lenet5-1998 ...`` (its
history.json). The paper gives, without distortions, a test error of 0.95% that is stable after
about 10 passes and a training error of 0.35% after 19; with distortions 0.8%: drawn as markers.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

PAPER = {
    "test, no distortions": (range(10, 21), 0.95),
    "training, no distortions": ([19], 0.35),
    "test, with distortions": ([20], 0.8),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("runs", nargs="+", type=Path)
    parser.add_argument("--out", type=Path, default=Path("docs/images/lenet5-1998-curves.png"))
    args = parser.parse_args()
    fig, ax = plt.subplots(figsize=(9, 4.2))
    for run in args.runs:
        rows = json.loads((run / "history.json").read_text())
        passes = [r["epoch"] for r in rows]
        (line,) = ax.plot(
            passes, [100 * (1 - r["test_accuracy"]) for r in rows], marker="o", ms=3, label=f"{run.name}: test"
        )
        ax.plot(
            passes,
            [100 * (1 - r["train_accuracy"]) for r in rows],
            ls="--",
            color=line.get_color(),
            label=f"{run.name}: training (during the pass)",
        )
    for (label, (passes, error)), marker in zip(PAPER.items(), ("_", "x", "*")):
        ax.plot(
            list(passes),
            [error] * len(passes),
            ls="none",
            marker=marker,
            ms=9,
            color="black",
            label=f"paper: {label} {error}%",
        )
    ax.set_xlabel("pass over the 60,000 training digits")
    ax.set_ylabel("error (%)")
    ax.set_ylim(0, 3)
    ax.set_xticks(range(1, 21))
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1))
    ax.set_title("LeNet-5 (1998) trained by SDLM, full MNIST")
    fig.savefig(args.out, dpi=110, bbox_inches="tight")
    print(args.out)


if __name__ == "__main__":
    main()
