"""The graph behind a tensor, as plain nodes and edges that a drawing can be made from.

Ops (the ``grad_fn`` nodes) and leaf tensors (parameters, inputs, constants) become nodes; the
tensors flowing between ops are the edges, labelled with their shape. The walk is iterative
(``engine.topological_order``), so graphs of any depth are read without recursion. Reading a
graph never changes it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..autodiff.engine import topological_order
from ..autodiff.function import Function
from ..tensor.tensor import Tensor


@dataclass
class Node:
    """One box of the drawing: an op, a leaf tensor, or (collapsed) a module or a run of ops."""

    id: str
    kind: str  # "op", "parameter", "input", "constant", "output", "module"
    label: str
    modules: tuple[str, ...] = ()  # dotted names of the enclosing modules, outermost first
    tensor: Tensor | None = None  # the value this node holds (leaf) or produces (op)
    count: int = 1  # how many ops a collapsed node stands for
    repeats: int = 1  # how many identical ops or modules in a row it stands for (collapse_repeats)
    last: str = ""  # the label of the last of those repeats
    bad: bool = False  # holds NaN or Inf in its value or gradient
    grad_norm: float | None = None  # of its value (shown with show_grads, when known)
    param_grad_norm: float | None = None  # a collapsed module: the joint norm of its parameters' gradients


@dataclass
class Graph:
    nodes: dict[str, Node] = field(default_factory=dict)
    edges: dict[tuple[str, str], str] = field(default_factory=dict)  # (source, target) -> label

    def add_edge(self, source: str, target: str, label: str) -> None:
        """Add an edge from ``source`` to ``target`` with ``label`` (the first label given wins; no self-loops)."""
        if source != target:
            self.edges.setdefault((source, target), label)


def _shape(t: Tensor) -> str:
    return "(" + ", ".join(map(str, t.shape)) + ")"


def _finite(array: np.ndarray | None) -> bool:
    return array is None or array.dtype.kind not in "fc" or bool(np.isfinite(array).all())


def _describe(node: Node, t: Tensor, show_shapes: bool, show_grads: bool) -> None:
    """Add shape, dtype, gradient norm and the NaN/Inf flag of ``t`` to ``node``."""
    grad = t.grad._array if t.grad is not None else None
    node.bad = not _finite(t._array) or not _finite(grad)
    if show_shapes:
        node.label += f"\n{_shape(t)} {t.dtype}"
    if show_grads and grad is not None:
        node.grad_norm = float(np.sqrt(np.sum(np.square(grad, dtype=np.float64))))
        node.label += f"\n|grad| {node.grad_norm:.3g}"


def _module_names(params: Any) -> tuple[dict[int, str], dict[int, str]]:
    """Parameter names and module names by object id, from a Module or a dict of named tensors."""
    if params is None:
        return {}, {}
    if hasattr(params, "named_parameters") and hasattr(params, "named_modules"):
        return ({id(p): n for n, p in params.named_parameters()}, {id(m): n for n, m in params.named_modules()})
    if isinstance(params, Mapping):
        return {id(t): n for n, t in params.items()}, {}
    raise TypeError(f"params must be a Module or a dict of named tensors, got {type(params).__name__}")


def extract(output: Tensor, params: Any = None, show_shapes: bool = True, show_grads: bool = False) -> Graph:
    """Read the graph that produced ``output`` (which may be any tensor, also mid-construction)."""
    param_names, module_names = _module_names(params)
    graph = Graph()
    if output.grad_fn is None:
        node = Node("t0", "output", param_names.get(id(output), "output"), tensor=output)
        _describe(node, output, show_shapes, show_grads)
        graph.nodes[node.id] = node
        return graph
    order = topological_order(output.grad_fn)
    produced: dict[int, Tensor] = {id(output.grad_fn): output}
    for fn in order:
        for parent in fn.parents:
            if parent.grad_fn is not None:
                produced[id(parent.grad_fn)] = parent
    leaf_ids: dict[int, str] = {}
    for fn in order:
        node = Node(f"op{id(fn)}", "op", fn.name, _scope(fn, module_names), produced.get(id(fn)))
        if node.tensor is not None:
            _describe(node, node.tensor, False, show_grads)
        graph.nodes[node.id] = node
        for parent in fn.parents:
            if parent.grad_fn is not None:
                graph.add_edge(f"op{id(parent.grad_fn)}", node.id, _shape(parent) if show_shapes else "")
                continue
            if id(parent) not in leaf_ids:
                leaf_ids[id(parent)] = f"t{id(parent)}"
                graph.nodes[leaf_ids[id(parent)]] = _leaf(
                    leaf_ids[id(parent)], parent, param_names, show_shapes, show_grads
                )
            graph.add_edge(leaf_ids[id(parent)], node.id, "")
    out = Node("output", "output", "output", tensor=output)
    _describe(out, output, show_shapes, show_grads)
    graph.nodes[out.id] = out
    graph.add_edge(f"op{id(output.grad_fn)}", out.id, "")
    return graph


def _scope(fn: Function, module_names: dict[int, str]) -> tuple[str, ...]:
    """Dotted names of the modules of the given model that created ``fn``, the model itself
    (named "") left out; without a model there are no names, so no module boxes."""
    return tuple(name for name in (module_names.get(id(m)) for m in fn.modules) if name)


def _leaf(node_id: str, t: Tensor, names: dict[int, str], show_shapes: bool, show_grads: bool) -> Node:
    if t.requires_grad:
        node = Node(node_id, "parameter", names.get(id(t), "leaf"), tensor=t)
    elif t._array.size == 1:
        value = f"{t._array.reshape(-1)[0]:.4g}"
        node = Node(node_id, "constant", f"{names[id(t)]} = {value}" if id(t) in names else value, tensor=t)
        _describe(node, t, False, False)
        return node
    else:
        node = Node(node_id, "input", names.get(id(t), "input"), tensor=t)
    _describe(node, t, show_shapes, show_grads)
    return node


def _owners(node: Node) -> tuple[str, ...]:
    """The dotted names of the modules a node lies in, outermost first (a parameter lies in the
    module its name says, ``features.0.weight`` in ``features`` and ``features.0``)."""
    if node.kind == "op":
        return node.modules
    if node.kind == "parameter" and "." in node.label.split("\n")[0]:
        parts = node.label.split("\n")[0].split(".")[:-1]
        return tuple(".".join(parts[: i + 1]) for i in range(len(parts)))
    return ()


def collapse_modules(graph: Graph, depth: int) -> Graph:
    """One node per module at ``depth`` (1: the model's children, 2: theirs, ...) standing for all
    the ops and parameters inside it; what lies shallower stays as it is."""
    merged = Graph()
    target: dict[str, str] = {}
    for node in graph.nodes.values():
        owners = _owners(node)
        if len(owners) < depth:
            target[node.id] = node.id
            merged.nodes[node.id] = node
            continue
        key = "module/" + owners[depth - 1]
        target[node.id] = key
        box = merged.nodes.setdefault(key, Node(key, "module", owners[depth - 1], owners[: depth - 1], count=0))
        box.count += node.kind == "op"
        box.bad |= node.bad
        if node.kind == "op" and box.tensor is None:
            box.tensor, box.grad_norm = node.tensor, node.grad_norm  # ops come output-first: the module's output
        if node.kind == "parameter" and node.grad_norm is not None:
            box.param_grad_norm = float(np.hypot(box.param_grad_norm or 0.0, node.grad_norm))
    for (source, dest), label in graph.edges.items():
        if graph.nodes[source].kind == "constant" and target[dest].startswith("module/"):
            continue  # a constant used inside a module is part of the box
        merged.add_edge(target[source], target[dest], label)
    used = {n for edge in merged.edges for n in edge}
    for node_id in [n for n, node in merged.nodes.items() if node.kind == "constant" and n not in used]:
        del merged.nodes[node_id]
    return merged


def collapse_repeats(graph: Graph, signature: Callable[[Node], Any] | None = None) -> Graph:
    """Merge each run of identical ops or module boxes applied one after another (a chain whose
    side inputs are constants) into one node that says how many times it repeats.

    ``signature`` says when two nodes are identical; by default ops by name and module boxes by
    label, which never repeats, so pass one that describes the module (type, sizes, output shape).
    """
    key = signature or (lambda node: node.label)
    chain_inputs: dict[str, list[str]] = {n: [] for n in graph.nodes}
    consumers: dict[str, list[str]] = {n: [] for n in graph.nodes}
    for source, dest in graph.edges:
        chain_inputs[dest].append(source)
        consumers[source].append(dest)
    first: dict[str, str] = {}  # node -> the first node of the run it belongs to
    for node_id in reversed(list(graph.nodes)):  # inputs first
        node = graph.nodes[node_id]
        inner = [s for s in chain_inputs[node_id] if graph.nodes[s].kind in ("op", "module")]
        side = [s for s in chain_inputs[node_id] if s not in inner]
        if (
            node.kind in ("op", "module")
            and len(inner) == 1
            and len(consumers[inner[0]]) == 1
            and graph.nodes[inner[0]].kind == node.kind
            and key(graph.nodes[inner[0]]) == key(node)
            and all(graph.nodes[s].kind == "constant" for s in side)
        ):
            first[node_id] = first.get(inner[0], inner[0])
    merged = Graph()
    for node_id in reversed(list(graph.nodes)):
        node = graph.nodes[node_id]
        if node_id not in first:
            merged.nodes[node_id] = Node(**vars(node))
            continue
        run = merged.nodes[first[node_id]]
        run.repeats += 1
        run.count += node.count
        run.bad |= node.bad
        run.tensor, run.last = node.tensor, node.label  # the last of the run gives its output
    for (source, dest), label in graph.edges.items():
        if graph.nodes[source].kind == "constant" and dest in first:
            continue  # the side input of an op folded into a run
        merged.add_edge(first.get(source, source), first.get(dest, dest), label)
    used = {n for edge in merged.edges for n in edge}
    for node_id in [n for n, node in merged.nodes.items() if node.kind == "constant" and n not in used]:
        del merged.nodes[node_id]
    return merged
