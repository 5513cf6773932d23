"""What a run folder shows of a trained model: the text report, the plots and the graph drawing."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import numpy as np

from .. import viz
from ..autodiff.grad_mode import no_grad
from ..base.errors import GraphvizNotFound
from ..base.file_io import atomic_write
from ..data import MNIST, input_transform
from ..nn import Conv2d, Linear, Module
from ..nn import functional as F
from ..tensor.tensor import Tensor
from . import plots
from .history import History
from .loop import Evaluation
from .metrics import classification_report, confusion_matrix, most_confident_mistakes

Artefacts = dict[str, Callable[[], Path]]
"""Files of a report by name, each with the call that draws it (nothing is drawn until it is called)."""


def _confusion_artefacts(cm: np.ndarray, out: Path, title: str) -> Artefacts:
    return {
        "report.txt": lambda: atomic_write(out / "report.txt", (classification_report(cm) + "\n").encode()),
        "confusion.png": lambda: plots.plot_confusion_matrix(cm, out / "confusion.png", title),
    }


def draw(artefacts: Artefacts, out: Path) -> list[Path]:
    """Draw every one of ``artefacts`` into ``out`` (created if needed); the files written."""
    out.mkdir(parents=True, exist_ok=True)
    return [draw_one() for draw_one in artefacts.values()]


def report_and_confusion(cm: np.ndarray, out: Path, title: str = "confusion matrix") -> list[Path]:
    """report.txt (per-class precision, recall, F1) and confusion.png of a confusion matrix."""
    return draw(_confusion_artefacts(cm, out, title), out)


def report_artefacts(
    model: Module,
    result: Evaluation,
    test_set: MNIST,
    out: Path,
    input_size: int,
    history: History | None = None,
    title: str = "",
) -> Artefacts:
    """The files of a trained model's report (text report, confusion matrix, curves when there is a
    history, most confident mistakes, first-layer filters and feature maps), not yet drawn."""
    artefacts = _confusion_artefacts(confusion_matrix(result.targets, result.predictions), out, "confusion matrix")
    if history is not None and len(history):
        artefacts["curves.png"] = lambda: plots.plot_history(history, out / "curves.png", title)
    mistakes = most_confident_mistakes(result.probabilities, result.targets, 24)
    if len(mistakes):
        artefacts["mistakes.png"] = lambda: plots.plot_mistakes(
            test_set.data, result.targets, result.probabilities, mistakes, out / "mistakes.png"
        )
    first = next((m for m in model.modules() if isinstance(m, (Conv2d, Linear))), None)
    if first is not None:
        weights = first.weight.numpy()
        artefacts["filters.png"] = lambda: plots.plot_filters(weights, out / "filters.png")
    if isinstance(first, Conv2d):
        conv = first
        artefacts["feature_maps.png"] = lambda: _feature_maps(
            model, conv, test_set, input_size, out / "feature_maps.png"
        )
    return artefacts


def write_report(
    model: Module,
    result: Evaluation,
    test_set: MNIST,
    out: Path,
    input_size: int,
    history: History | None = None,
    title: str = "",
) -> list[Path]:
    """The text report and the plots of a trained model's evaluation, into ``out``."""
    return draw(report_artefacts(model, result, test_set, out, input_size, history, title), out)


def run_artefacts(
    model: Module,
    result: Evaluation,
    test_set: MNIST,
    out: Path,
    input_size: int,
    history: History | None,
    title: str,
    log: Callable[[str], None],
) -> Artefacts:
    """Every file a training run draws at its end: the report's, and graph.svg (see :func:`write_graph`)."""
    artefacts = report_artefacts(model, result, test_set, out, input_size, history, title)
    artefacts["graph.svg"] = lambda: write_graph(model, test_set, input_size, out, log)[0]
    return artefacts


def missing(artefacts: Artefacts, out: Path) -> Artefacts:
    """Those of ``artefacts`` that ``out`` lacks. graph.svg is not missing where graph.dot is and
    Graphviz is not installed: that is all a run can draw without it."""
    without_graphviz = shutil.which("dot") is None
    return {
        name: draw_one
        for name, draw_one in artefacts.items()
        if not (out / name).exists() and not (name == "graph.svg" and without_graphviz and (out / "graph.dot").exists())
    }


def training_step_graph(
    model: Module, images: np.ndarray, labels: np.ndarray, input_size: int, backward: bool = True
) -> Tensor:
    """The cross-entropy loss of ``model`` on a few uint8 digits, its graph recorded (and its
    gradients computed, with every intermediate one kept, when ``backward``): what to draw."""
    model.train()
    loss = F.cross_entropy(model(Tensor(input_transform(input_size)(images[:, None]))), Tensor(labels))
    if backward:
        model.zero_grad()
        viz.retain_grads(loss)
        loss.backward()
    return loss


def write_graph(model: Module, test_set: MNIST, input_size: int, out: Path, log: Callable[[str], None]) -> list[Path]:
    """graph.svg: one training step of the model at module level, with gradient norms (graph.dot
    alone, and a line in the log saying how to install Graphviz, when its ``dot`` is missing)."""
    loss = training_step_graph(model, test_set.data[:2], test_set.targets[:2], input_size)
    drawing = viz.draw_graph(loss, params=model, show_grads=True, depth=1)
    try:
        return [viz.render(drawing, out / "graph.svg")]
    except GraphvizNotFound as e:
        log(str(e))
        return [out / "graph.dot"]


@no_grad()
def _feature_maps(model: Module, conv: Conv2d, test_set: MNIST, input_size: int, path: Path) -> Path:
    """What the first convolution (the model's first layer) makes of the first test digit."""
    model.eval()
    x = Tensor(input_transform(input_size)(test_set.data[:1][:, None]))
    return plots.plot_feature_maps(
        x.numpy()[0, 0], conv(x).numpy()[0], path, "first convolution of the first test digit"
    )
