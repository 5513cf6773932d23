"""Draw the pictures of docs/visualization.md and docs/lenet5-1998.md: an expression, LeNet-5 at
two depths, a NaN hunt, the 1998 LeNet-5 at module depth and its RBF bitmaps.

    python examples/draw_graphs.py [--out docs/images] [--format png]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import tinygrad_lenet as tl
from tinygrad_lenet import viz
from tinygrad_lenet.models import LeNet5, LeNet5_1998
from tinygrad_lenet.models.lenet5_1998 import bitmaps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=Path("docs/images"))
    parser.add_argument("--format", default="png", choices=("png", "svg", "pdf"))
    args = parser.parse_args()
    out, fmt = args.out, args.format

    # 1. y = relu(w * x + b) on scalars, after backward: every gradient is a number you can check.
    w, x, b = tl.tensor(3.0, requires_grad=True), tl.tensor(2.0), tl.tensor(-1.0, requires_grad=True)
    y = (w * x + b).relu()
    viz.retain_grads(y)
    y.backward()
    print(
        viz.render(
            viz.draw_graph(y, params={"w": w, "x": x, "b": b}, show_grads=True, rankdir="LR"), out / f"expression.{fmt}"
        )
    )

    # 2. LeNet-5, one training step, at module level and fully expanded.
    tl.manual_seed(0)
    model = LeNet5()
    digits = tl.data.MNIST.sample(train=False)
    from tinygrad_lenet.train import training_step_graph

    loss = training_step_graph(model, digits.data[:2], digits.targets[:2], 32)
    print(viz.render(viz.draw_graph(loss, params=model, show_grads=True, depth=1), out / f"lenet5-depth1.{fmt}"))
    print(viz.render(viz.draw_graph(loss, params=model), out / f"lenet5-full.{fmt}"))

    # 3. A NaN hunt: a log of a value that can go negative.
    tl.manual_seed(1)
    layer = tl.nn.Linear(4, 3)
    h = layer(tl.randn(2, 4))
    nan_loss = (h.log() * 2).mean()  # log of negative activations is NaN
    viz.retain_grads(nan_loss)
    nan_loss.backward()
    drawing = viz.draw_graph(nan_loss, params=layer, show_grads=True)
    print(viz.render(drawing, out / f"nan-hunt.{fmt}"))
    with tl.detect_anomaly():
        try:
            layer(tl.randn(2, 4)).log()
        except tl.AnomalyError as e:
            print("detect_anomaly says:", str(e).split(";")[0])

    # 4. LeNet-5 as published in 1998: its modules, and the digit bitmaps its RBF layer compares with.
    tl.manual_seed(0)
    model_1998 = LeNet5_1998()
    x = tl.Tensor(tl.data.input_transform(32)(digits.data[:2][:, None]))
    loss_1998 = tl.nn.functional.rbf_map_loss(model_1998(x), digits.targets[:2])
    print(viz.render(viz.draw_graph(loss_1998, params=model_1998, depth=1), out / f"lenet5-1998-depth1.{fmt}"))
    print(draw_bitmaps(out / f"lenet5-1998-bitmaps.{fmt}"))


def draw_bitmaps(path: Path) -> Path:
    """The 10 RBF centers as 7x12 pictures (+1 black, -1 white), as the paper's Fig. 3."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 10, figsize=(8, 1.6))
    for digit, (ax, center) in enumerate(zip(axes, bitmaps())):
        ax.imshow(center.reshape(12, 7), cmap="gray_r", vmin=-1, vmax=1)
        ax.set_title(str(digit))
        ax.set_xticks([])
        ax.set_yticks([])
    fig.suptitle("LeNet-5 (1998): the fixed RBF centers, 7x12 bitmaps", fontsize=9)
    fig.savefig(path, dpi=110, bbox_inches="tight")
    plt.close(fig)
    return path


if __name__ == "__main__":
    main()
