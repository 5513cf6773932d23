"""Drawing computation graphs with Graphviz, and summarising models.

>>> graph = draw_graph(loss, params=model, depth=1)   # a graphviz.Digraph
>>> render(graph, "lenet5.svg")                       # lenet5.svg and lenet5.dot
>>> print(summary(model, (1, 1, 32, 32)))
>>> backward_steps(loss).save_html("backward.html")  # step through the backward pass
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ..autodiff.engine import topological_order
from ..nn import Module
from ..tensor.tensor import Tensor
from .dot import to_dot
from .files import render
from .graph import Graph, Node, collapse_modules, collapse_repeats, extract
from .model_summary import Summary, summary
from .plan import draw_plan
from .steps import BackwardSteps, Frame, backward_steps

if TYPE_CHECKING:
    import graphviz

__all__ = [
    "BackwardSteps",
    "Frame",
    "Graph",
    "Node",
    "Summary",
    "backward_steps",
    "draw_graph",
    "draw_model",
    "draw_plan",
    "render",
    "retain_grads",
    "summary",
]


def draw_graph(
    output: Tensor,
    params: Any = None,
    show_shapes: bool = True,
    show_grads: bool = False,
    depth: int | None = None,
    rankdir: str = "TB",
    collapse: bool = False,
    max_nodes: int = 300,
    legend: bool = True,
) -> graphviz.Digraph:
    """Draw the graph that computed ``output`` (any tensor: a loss, or one mid-way through a model).

    Parameters
    ----------
    output
        The tensor whose graph (``grad_fn`` and its parents, back to the leaves) is drawn.
    params
        The model (or a dict of named tensors) whose parameter and module names label the
        drawing; ops made inside a module's forward are boxed in a cluster named after it.
    show_shapes
        Shapes and dtypes on tensor nodes, shapes on the edges between ops.
    show_grads
        After backward(), each parameter's (and each retained tensor's) gradient norm.
        Nodes whose value or gradient holds NaN or Inf are red either way.
    depth
        Draw each module at this depth (1: the model's children) as one node.
    rankdir
        Graphviz's direction of the layout: ``"TB"`` top to bottom, ``"LR"`` left to right.
    collapse
        Merge runs of the same op, or (with ``depth``) of identical modules, applied one
        after another into one node with a count.
    max_nodes
        Above this many nodes the layout is made compact and a warning suggests
        ``depth`` or ``collapse``.
    legend
        A box that explains the colours of the nodes.
    """
    if depth is not None and depth < 1:
        raise ValueError(f"depth must be 1 or more (1: one node per child module of the model), got {depth}")
    graph = extract(output, params, show_shapes, show_grads)
    if depth is not None:
        graph = collapse_modules(graph, depth)
    modules = dict(params.named_modules()) if isinstance(params, Module) else {}
    if collapse:
        graph = collapse_repeats(graph, lambda node: _signature(node, modules))
    compact = len(graph.nodes) > max_nodes
    if compact:
        warnings.warn(
            f"the graph has {len(graph.nodes):,} nodes; for a readable picture pass depth=1 (one node per module) "
            "or collapse=True (merge repeated ops)",
            stacklevel=2,
        )
    return to_dot(graph, rankdir, legend, modules, compact)


def _signature(node: Node, modules: dict[str, Module]) -> Any:
    """What makes two nodes identical for ``collapse``: the op's name, or the module's
    description (type and sizes, as its repr) and output shape."""
    if node.kind != "module":
        return node.label
    module = modules.get(node.label)
    return repr(module), None if node.tensor is None else node.tensor.shape


def draw_model(model: Module, input_shape: Sequence[int], **options: Any) -> graphviz.Digraph:
    """Draw a model's forward pass on zeros of ``input_shape``, without running backward."""
    x = Tensor(np.zeros(tuple(input_shape), dtype=np.float32))
    was_training = model.training
    model.eval()
    try:
        out = model(x)
    finally:
        model.train(was_training)
    return draw_graph(out, params=model, **options)


def retain_grads(output: Tensor) -> int:
    """Make every intermediate tensor of ``output``'s graph keep its gradient in the next backward,
    so that ``draw_graph(..., show_grads=True)`` can show them all (a NaN hunt). Returns how many."""
    count = 0
    if output.grad_fn is None:
        return count
    output.retain_grad()
    for fn in topological_order(output.grad_fn):
        for parent in fn.parents:
            if parent.grad_fn is not None:
                parent.retain_grad()
                count += 1
    return count + 1
