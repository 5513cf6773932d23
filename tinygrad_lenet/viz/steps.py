"""Stepping through a backward pass: one drawing of the graph per node the engine processes.

    >>> steps = backward_steps(loss)        # runs backward once, changes no .grad
    >>> steps.save_html("backward.html")    # one self-contained page with a step slider
    >>> steps                               # in Jupyter: the same slider, inline

Frame 0 shows the seed gradient dL/dL on the output. Frame k (1..n) highlights the k-th node in
the engine's order (``engine.walk``: topological, so a node runs only once every path into it
has delivered its gradient), names the rule it applies (the first line of its ``backward``
docstring, e.g. ``d log(x)/dx = 1/x``), and labels every edge a gradient has crossed so far
with that gradient: its values for small tensors, its shape and norm for large ones. The last
frame shows what reached each leaf, which is what ``backward()`` would add to its ``.grad``.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..autodiff.engine import walk
from ..autodiff.function import Function
from ..base.errors import GradError
from ..base.file_io import atomic_write
from ..tensor.tensor import Tensor
from .dot import to_dot
from .files import pipe
from .graph import Graph, extract
from .step_page import iframe, page

SMALL = 6
"""Gradients with at most this many elements are drawn with their values."""

CURRENT = {"fillcolor": "gold", "color": "darkorange", "penwidth": "3"}
DONE = {"fillcolor": "wheat"}
GRAD_EDGE = {"color": "firebrick", "fontcolor": "firebrick", "penwidth": "1.6"}


@dataclass
class Frame:
    """One step: a title, the rule applied (empty on the first and last frame) and the drawing."""

    title: str
    rule: str
    svg: str


@dataclass
class _Visit:
    """What the engine did at one node: the gradient it received and what it sent to each input."""

    fn: Function
    received: np.ndarray
    sent: dict[int, np.ndarray] = field(default_factory=dict)


class BackwardSteps(Sequence[Frame]):
    """The frames of one backward pass (a sequence of :class:`Frame`), with an HTML page to step through them."""

    def __init__(self, frames: list[Frame]) -> None:
        self.frames = frames

    def __len__(self) -> int:
        return len(self.frames)

    def __getitem__(self, index: Any) -> Any:
        return self.frames[index]

    def __iter__(self) -> Iterator[Frame]:
        return iter(self.frames)

    def __repr__(self) -> str:
        return f"BackwardSteps({len(self.frames)} frames: " + ", ".join(f.title for f in self.frames[:4]) + ", ...)"

    def to_html(self, title: str = "Stepping through backward()") -> str:
        """One self-contained HTML page (the drawings inline, no network needed): a slider, buttons
        and the arrow keys move between frames."""
        return page(self.frames, title)

    def save_html(self, path: str | os.PathLike[str], title: str = "Stepping through backward()") -> Path:
        """Write :meth:`to_html` to ``path`` (atomically) and return the path."""
        return atomic_write(Path(path), self.to_html(title).encode())

    def _repr_html_(self) -> str:
        """Jupyter shows the page inline, in an iframe (so its script runs in every front end)."""
        return iframe(self.frames)


def backward_steps(
    output: Tensor,
    params: Any = None,
    gradient: Tensor | np.ndarray | None = None,
    show_shapes: bool = True,
    max_nodes: int = 120,
) -> BackwardSteps:
    """The frames of the backward pass from ``output`` (a loss, or any tensor with ``gradient``).

    The pass runs once, with the graph kept (``retain_graph=True``) and without touching any
    ``.grad``: call ``output.backward()`` afterwards as usual. ``params`` (a model or a dict of
    named tensors) names parameters and boxes modules as in :func:`draw_graph`. Graphs with
    more than ``max_nodes`` nodes are refused: one frame per node would be unreadable.
    """
    if not isinstance(output, Tensor):
        raise TypeError(f"backward_steps: output must be a Tensor, got {type(output).__name__}")
    if output.grad_fn is None:
        raise GradError(
            "backward_steps: the output has no graph to step through (it is a leaf tensor); "
            "pass a tensor computed from tensors with requires_grad=True"
        )
    seed = output._seed_gradient(gradient, "backward_steps()")
    graph = extract(output, params, show_shapes)
    if len(graph.nodes) > max_nodes:
        raise ValueError(
            f"backward_steps: the graph has {len(graph.nodes)} nodes, more than max_nodes={max_nodes}; "
            "step through a smaller graph (one layer, or a few ops), or raise max_nodes"
        )
    visits: list[_Visit] = []
    reached: dict[int, np.ndarray] = {}

    def on_leaf(t: Tensor, g: np.ndarray) -> None:
        reached[id(t)] = reached[id(t)] + g if id(t) in reached else g

    def on_sent(fn: Function, i: int, g: np.ndarray) -> None:
        sent = visits[-1].sent
        sent[i] = sent[i] + g if i in sent else g

    walk([(output, seed)], True, on_leaf, lambda fn, g: visits.append(_Visit(fn, g)), on_sent)
    modules = dict(params.named_modules()) if hasattr(params, "named_modules") else {}
    return BackwardSteps(_frames(graph, output, seed, visits, reached, modules))


def _frames(
    graph: Graph,
    output: Tensor,
    seed: np.ndarray,
    visits: list[_Visit],
    reached: dict[int, np.ndarray],
    modules: dict[str, Any],
) -> list[Frame]:
    seed_edge = (f"op{id(output.grad_fn)}", "output")
    labels = {seed_edge: describe(seed)}
    frames = [_frame(graph, modules, labels, {"output": CURRENT}, "start: dL/dL = 1 (the seed gradient)", "")]
    done: dict[str, dict[str, str]] = {}
    for k, visit in enumerate(visits, 1):
        node_id = f"op{id(visit.fn)}"
        for i, g in visit.sent.items():
            parent = visit.fn.parents[i]
            source = f"op{id(parent.grad_fn)}" if parent.grad_fn is not None else f"t{id(parent)}"
            labels[(source, node_id)] = describe(g)
        title = f"step {k} of {len(visits)}: {visit.fn.name}"
        frames.append(_frame(graph, modules, labels, {**done, node_id: CURRENT}, title, rule(visit.fn)))
        done[node_id] = DONE
    leaves = dataclasses.replace(graph, nodes=dict(graph.nodes))
    for node_id, node in graph.nodes.items():
        if node.tensor is not None and id(node.tensor) in reached and node.kind == "parameter":
            leaves.nodes[node_id] = dataclasses.replace(
                node, label=node.label + "\n.grad += " + describe(reached[id(node.tensor)]).removeprefix("grad ")
            )
    lit = {n: CURRENT for n, node in graph.nodes.items() if node.kind == "parameter"}
    frames.append(
        _frame(
            leaves,
            modules,
            labels,
            {**done, **lit},
            "done: each leaf's .grad gets the sum of the gradients that reached it",
            "",
        )
    )
    return frames


def _frame(
    graph: Graph,
    modules: dict[str, Any],
    labels: dict[tuple[str, str], str],
    highlight: dict[str, dict[str, str]],
    title: str,
    rule_text: str,
) -> Frame:
    edges = {
        edge: {**GRAD_EDGE, "label": (graph.edges.get(edge, "") + "\n" + text).strip()}
        for edge, text in labels.items()
        if edge in graph.edges
    }
    dot = to_dot(graph, legend=False, modules=modules, node_attrs=highlight, edge_attrs=edges)
    svg = pipe(dot, "svg").decode()
    return Frame(title, rule_text, svg[svg.index("<svg") :])


def describe(g: np.ndarray) -> str:
    """A gradient as an edge label: ``grad 0.25`` or ``grad [0.5, -1]`` when small, else shape and norm."""
    g = np.asarray(g)
    if g.size <= SMALL:
        return "grad " + _values(g)
    norm = float(np.sqrt(np.sum(np.square(g, dtype=np.float64))))
    return f"grad ({', '.join(map(str, g.shape))}) |g| {norm:.3g}"


def _values(g: np.ndarray) -> str:
    """``0.25``, ``[0.5, -1]``, ``[[1, 2], [3, 4]]``: 4 significant digits, nested like the array."""
    if g.ndim == 0:
        return f"{g.item():.4g}"
    return "[" + ", ".join(_values(row) for row in g) + "]"


def rule(fn: Function) -> str:
    """The chain rule an op applies: the first paragraph of its ``backward`` docstring."""
    doc = (type(fn).backward.__doc__ or "").strip()
    first = doc.split("\n\n")[0]
    return (
        " ".join(line.strip() for line in first.splitlines())
        or f"{fn.name}: no rule text (its backward has no docstring)"
    )
