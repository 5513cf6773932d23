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


def _save(fig: matplotlib.figure.Figure, path: str | os.PathLike[str], tight: bool = True) -> Path:
    """Write the figure atomically (in full, or not at all) in the format of the file's suffix;
    ``tight``: lay it out with ``tight_layout`` first (figures that place their own axes skip it)."""
    path = Path(path)
    if tight:
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


def _tile_origin(i: int, columns: int, shape: tuple[int, int], gap: tuple[int, int]) -> tuple[int, int]:
    """The (row, column) of image ``i``'s top-left pixel in :func:`tiled`'s canvas of images of
    ``shape`` (H, W): each place is the image with ``gap[0]`` rows above it and ``gap[1]`` columns after it."""
    r, c = divmod(i, columns)
    return r * (shape[0] + gap[0]) + gap[0], c * (shape[1] + gap[1])


def tiled(images: np.ndarray, columns: int, gap: tuple[int, int]) -> np.ndarray:
    """Images (N, H, W) side by side in rows of ``columns``, ``gap`` (rows, columns) of NaN between
    them (drawn as the background)."""
    n, h, w = images.shape
    rows = max(1, math.ceil(n / columns))
    canvas = np.full((rows * (h + gap[0]), columns * (w + gap[1]) - gap[1]), np.nan)
    for i, image in enumerate(images):
        top, left = _tile_origin(i, columns, (h, w), gap)
        canvas[top : top + h, left : left + w] = image
    return canvas


def _draw_tiles(ax: Any, images: np.ndarray, titles: Sequence[str], columns: int, cmap: str, symmetric: bool) -> None:
    """Images (N, H, W) on ``ax`` as one tiled picture (:func:`tiled`), each with its caption above it
    and its own colour scale: from its minimum to its maximum, or, ``symmetric``, from minus to plus
    its largest magnitude (so 0 is the colour map's middle)."""
    images = np.asarray(images, dtype=float)
    n, h, w = images.shape
    flat = images.reshape(n, -1)
    if symmetric:
        scale = np.abs(flat).max(axis=1)
        scaled = images / np.where(scale > 0, scale, 1.0)[:, None, None]
    else:
        low, span = flat.min(axis=1), np.ptp(flat, axis=1)
        scaled = (images - low[:, None, None]) / np.where(span > 0, span, 1.0)[:, None, None]
    gap = (max(2, round(0.35 * h)), max(1, round(0.15 * w)))  # room above each image for its caption
    ax.axis("off")
    colours = _pyplot().get_cmap(cmap).with_extremes(bad="white")
    ax.imshow(tiled(scaled, columns, gap), cmap=colours, vmin=-1.0 if symmetric else 0.0, vmax=1.0)
    for i, caption in enumerate(titles[:n]):
        top, left = _tile_origin(i, columns, (h, w), gap)
        ax.text(left + (w - 1) / 2, top - 1, caption, ha="center", va="bottom", fontsize=7)


def _grid_figure(rows: int, columns: int, title: str) -> tuple[Any, float]:
    """A figure for ``rows`` x ``columns`` captioned images (1.3 x 1.5 inches each) and the height
    (a fraction of the figure) below its title."""
    head = 0.3 if title else 0.0
    fig = _pyplot().figure(figsize=(columns * 1.3, rows * 1.5 + head))
    if title:
        fig.suptitle(title, fontsize=9)
    return fig, 0.98 - head / fig.get_figheight()


def image_grid(
    images: np.ndarray,
    titles: Sequence[str],
    path: str | os.PathLike[str],
    title: str = "",
    cmap: str = "gray",
    columns: int = 8,
    symmetric: bool = False,
) -> Path:
    """Images (N, H, W) in a grid, each with a caption and its own colour scale (see
    :func:`_draw_tiles`). Drawn as one picture on one axes: a grid of axes, one per image, takes
    matplotlib several times as long to lay out."""
    n = len(images)
    columns = max(1, min(columns, n))
    fig, top = _grid_figure(max(1, math.ceil(n / columns)), columns, title)
    _draw_tiles(fig.add_axes((0.01, 0.01, 0.98, top - 0.01)), images, titles, columns, cmap, symmetric)
    return _save(fig, path, tight=False)


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
    """One input digit (first row, gray) and the feature maps (C, H, W) a layer makes of it (below,
    viridis, each on its own scale)."""
    columns = max(1, min(len(maps), 8))
    rows = math.ceil(len(maps) / columns)
    fig, top = _grid_figure(rows + 1, columns, title)
    row = (top - 0.01) / (rows + 1)
    above = fig.add_axes((0.01, top - row, 0.98 / columns, row), anchor="NW")
    below = fig.add_axes((0.01, 0.01, 0.98, top - row - 0.01), anchor="NW")  # both left-aligned
    _draw_tiles(above, image[None], ["input"], 1, "gray", False)
    _draw_tiles(below, maps, [f"map {i}" for i in range(len(maps))], columns, "viridis", False)
    return _save(fig, path, tight=False)


def _integer_ticks() -> Any:
    """A tick locator that puts ticks on whole numbers only (epochs)."""
    from matplotlib.ticker import MaxNLocator

    return MaxNLocator(integer=True)
