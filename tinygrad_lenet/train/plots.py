"""Pictures of a training run, written as PNG files with matplotlib (no screen needed).

matplotlib is imported by the first plot, not with this module, so that importing the
training package stays light.
"""

from __future__ import annotations

import io
import math
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..base.file_io import atomic_write
from .history import History

if TYPE_CHECKING:
    import matplotlib.figure


def _pyplot() -> Any:
    """matplotlib.pyplot on the Agg backend (files only, no screen), imported on first use."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _save(fig: matplotlib.figure.Figure, path: str | os.PathLike[str]) -> Path:
    """Write the figure atomically (in full, or not at all) in the format of the file's suffix."""
    path = Path(path)
    fig.tight_layout()
    picture = io.BytesIO()
    fig.savefig(picture, format=path.suffix.lstrip(".") or "png", dpi=90)
    _pyplot().close(fig)
    return atomic_write(path, picture.getvalue())


def plot_history(history: History, path: str | os.PathLike[str], title: str = "") -> Path:
    """Loss and accuracy per epoch, on the training and the test set."""
    epochs = history.column("epoch")
    fig, (ax_loss, ax_acc) = _pyplot().subplots(1, 2, figsize=(10, 4))
    for split, style in (("train", "-o"), ("test", "-s")):
        ax_loss.plot(epochs, history.column(f"{split}_loss"), style, label=split, markersize=3)
        ax_acc.plot(epochs, [100 * a for a in history.column(f"{split}_accuracy")], style, label=split, markersize=3)
    ax_loss.set(xlabel="epoch", ylabel="loss", title="loss")
    ax_acc.set(xlabel="epoch", ylabel="accuracy (%)", title="accuracy")
    best = history.best()
    ax_acc.annotate(
        f"best test {100 * best['test_accuracy']:.2f}%",
        (best["epoch"], 100 * best["test_accuracy"]),
        textcoords="offset points",
        xytext=(-60, -20),
        fontsize=8,
    )
    for ax in (ax_loss, ax_acc):
        ax.xaxis.set_major_locator(_integer_ticks())
        ax.grid(alpha=0.3)
        ax.legend()
    if title:
        fig.suptitle(title, fontsize=9)
    return _save(fig, path)


def plot_confusion_matrix(cm: np.ndarray, path: str | os.PathLike[str], title: str = "confusion matrix") -> Path:
    """Counts of (true class, predicted class), errors highlighted on a log colour scale."""
    fig, ax = _pyplot().subplots(figsize=(6, 5.4))
    errors = cm.astype(float).copy()
    np.fill_diagonal(errors, np.nan)
    ax.imshow(np.log1p(errors), cmap="Reds")
    for t in range(len(cm)):
        for p in range(len(cm)):
            ax.text(
                p,
                t,
                str(cm[t, p]),
                ha="center",
                va="center",
                fontsize=7,
                color="black" if t != p else "darkgreen",
                fontweight="bold" if t == p else "normal",
            )
    ax.set(xticks=range(len(cm)), yticks=range(len(cm)), xlabel="predicted", ylabel="true", title=title)
    return _save(fig, path)


def image_grid(
    images: np.ndarray,
    titles: Sequence[str],
    path: str | os.PathLike[str],
    title: str = "",
    cmap: str = "gray",
    columns: int = 8,
    symmetric: bool = False,
) -> Path:
    """Images (N, H, W) in a grid, each with a caption."""
    n = len(images)
    rows = max(1, math.ceil(n / columns))
    fig, axes = _pyplot().subplots(rows, columns, figsize=(columns * 1.3, rows * 1.5), squeeze=False)
    for i, ax in enumerate(axes.ravel()):
        ax.axis("off")
        if i < n:
            limit = float(np.abs(images[i]).max()) or 1.0
            ax.imshow(images[i], cmap=cmap, **({"vmin": -limit, "vmax": limit} if symmetric else {}))
            ax.set_title(titles[i], fontsize=7)
    if title:
        fig.suptitle(title, fontsize=9)
    return _save(fig, path)


def plot_mistakes(
    images: np.ndarray,
    targets: np.ndarray,
    probabilities: np.ndarray,
    indices: np.ndarray,
    path: str | os.PathLike[str],
) -> Path:
    """The given test digits with their true label, the prediction and its probability."""
    predictions = probabilities[indices].argmax(axis=1)
    titles = [f"{targets[i]} as {p} ({probabilities[i, p]:.0%})" for i, p in zip(indices, predictions)]
    return image_grid(images[indices], titles, path, "most confidently wrong test digits: true as predicted")


def plot_filters(weight: np.ndarray, path: str | os.PathLike[str], title: str = "first-layer filters") -> Path:
    """The first layer's weights as images: conv kernels (O, 1, kh, kw) or linear rows of 784 pixels."""
    w = np.asarray(weight)
    if w.ndim == 4:
        kernels = w[:, 0]
    else:
        side = int(round(math.sqrt(w.shape[1])))
        kernels = w[:16, : side * side].reshape(-1, side, side)
    return image_grid(kernels, [f"#{i}" for i in range(len(kernels))], path, title, cmap="RdBu_r", symmetric=True)


def plot_feature_maps(image: np.ndarray, maps: np.ndarray, path: str | os.PathLike[str], title: str) -> Path:
    """One input digit (first row) and the feature maps (C, H, W) a layer makes of it (below)."""
    columns = min(len(maps), 8)
    rows = math.ceil(len(maps) / columns) + 1
    fig, axes = _pyplot().subplots(rows, columns, figsize=(columns * 1.3, rows * 1.5), squeeze=False)
    for ax in axes.ravel():
        ax.axis("off")
    axes[0, 0].imshow(image, cmap="gray")
    axes[0, 0].set_title("input", fontsize=7)
    for i, fmap in enumerate(maps):
        ax = axes[1 + i // columns, i % columns]
        ax.imshow(fmap, cmap="viridis")
        ax.set_title(f"map {i}", fontsize=7)
    fig.suptitle(title, fontsize=9)
    return _save(fig, path)


def _integer_ticks() -> Any:
    """A tick locator that puts ticks on whole numbers only (epochs)."""
    from matplotlib.ticker import MaxNLocator

    return MaxNLocator(integer=True)
