"""Draw MNIST digits next to randomly distorted copies of them (the picture in docs/data.md).

python examples/show_augmentation.py [--out docs/images/augmentation.png] [--seed 0]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from tinygrad_lenet.data import AUGMENTATION, MNIST, RandomAffine, ToFloat


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=Path("docs/images/augmentation.png"))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--copies", type=int, default=5)
    args = parser.parse_args()

    digits = ToFloat()(MNIST.sample(train=False).data[:10])
    augment = RandomAffine(**AUGMENTATION, seed=args.seed)
    rows = [digits] + [augment(digits) for _ in range(args.copies)]
    fig, axes = plt.subplots(len(rows), 10, figsize=(10, len(rows) * 1.05))
    for r, images in enumerate(rows):
        for c in range(10):
            ax = axes[r, c]
            ax.imshow(images[c], cmap="gray", vmin=0, vmax=1)
            ax.set_xticks([])
            ax.set_yticks([])
        axes[r, 0].set_ylabel("original" if r == 0 else f"copy {r}", fontsize=8)
    fig.suptitle(repr(augment), fontsize=8)
    fig.tight_layout()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(args.out, dpi=80)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
