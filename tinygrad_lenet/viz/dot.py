"""Turning an extracted graph into a Graphviz drawing: colours by role, module boxes, a legend."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .graph import Graph, Node

if TYPE_CHECKING:
    import graphviz

STYLES: dict[str, dict[str, str]] = {
    "parameter": {"shape": "box", "style": "filled", "fillcolor": "lightblue"},
    "input": {"shape": "box", "style": "filled", "fillcolor": "palegreen"},
    "constant": {"shape": "plaintext", "fontsize": "9"},
    "op": {"shape": "box", "style": "rounded,filled", "fillcolor": "lightgrey"},
    "module": {"shape": "box3d", "style": "filled", "fillcolor": "lightyellow"},
    "output": {"shape": "box", "style": "filled", "fillcolor": "darkolivegreen1"},
}
BAD = {"style": "filled,bold", "fillcolor": "#ff8080", "color": "red", "penwidth": "2"}
LEGEND = {
    "parameter": "parameter (leaf that\nrequires grad)",
    "input": "input",
    "constant": "constant",
    "op": "op (grad_fn)",
    "module": "module (collapsed)",
    "output": "output",
}


def _label(node: Node, modules: dict[str, Any]) -> str:
    if node.kind != "module":
        return node.label if node.repeats == 1 else f"{node.label} x{node.repeats:,}"
    module = modules.get(node.label)
    kind = type(module).__name__ if module is not None else "module"
    lines = [f"{node.label}: {kind}" if node.repeats == 1 else f"{node.label} .. {node.last}: {kind} x{node.repeats}"]
    if module is not None and hasattr(module, "num_parameters") and module.num_parameters():
        lines.append(f"{module.num_parameters():,} params" + (" each" if node.repeats > 1 else ""))
    if node.tensor is not None:
        lines.append("out (" + ", ".join(map(str, node.tensor.shape)) + ")")
    lines.append(f"{node.count} op{'s' if node.count != 1 else ''}")
    if node.grad_norm is not None:
        lines.append(f"|grad| out {node.grad_norm:.3g}")
    if node.param_grad_norm is not None:
        lines.append(f"|grad| params {node.param_grad_norm:.3g}")
    return "\n".join(lines)


def to_dot(
    graph: Graph,
    rankdir: str = "TB",
    legend: bool = True,
    modules: dict[str, Any] | None = None,
    compact: bool = False,
    node_attrs: Mapping[str, dict[str, str]] | None = None,
    edge_attrs: Mapping[tuple[str, str], dict[str, str]] | None = None,
) -> graphviz.Digraph:
    """A Digraph with one node per graph node; ops made inside a module are boxed in a cluster
    named after it, nested as the modules are. ``node_attrs`` / ``edge_attrs`` override the
    Graphviz attributes of single nodes (by id) and edges (by (source, target)): the highlighted
    node and the gradient-labelled edges of ``backward_steps``."""
    import graphviz  # loaded on first drawing: importing the package stays light

    modules, node_attrs, edge_attrs = modules or {}, node_attrs or {}, edge_attrs or {}
    size = "8" if compact else "10"
    dot = graphviz.Digraph(
        graph_attr={
            "rankdir": rankdir,
            "fontname": "Helvetica",
            "fontsize": size,
            "ranksep": "0.2" if compact else "0.35",
            "nodesep": "0.1" if compact else "0.25",
        },
        node_attr={"fontname": "Helvetica", "fontsize": size, "height": "0.3"},
        edge_attr={"fontname": "Helvetica", "fontsize": "8", "arrowsize": "0.6"},
    )
    clusters: dict[tuple[str, ...], list[Node]] = {}
    for node in graph.nodes.values():
        clusters.setdefault(node.modules, []).append(node)

    def fill(target: graphviz.Digraph, path: tuple[str, ...]) -> None:
        for node in clusters.get(path, []):
            target.node(
                node.id,
                _label(node, modules),
                **{**STYLES[node.kind], **(BAD if node.bad else {}), **node_attrs.get(node.id, {})},
            )
        children = sorted({p[: len(path) + 1] for p in clusters if len(p) > len(path) and p[: len(path)] == path})
        for child in children:
            with target.subgraph(name=f"cluster_{child[-1]}") as sub:
                module = modules.get(child[-1])
                sub.attr(
                    label=child[-1] + (f": {type(module).__name__}" if module is not None else ""),
                    style="dashed,rounded",
                    color="gray40",
                    fontcolor="gray20",
                )
                fill(sub, child)

    fill(dot, ())
    for (source, dest), label in graph.edges.items():
        dot.edge(source, dest, **{"label": label, **edge_attrs.get((source, dest), {})})
    if legend:
        kinds = [k for k in LEGEND if any(n.kind == k for n in graph.nodes.values())]
        bad = any(n.bad for n in graph.nodes.values())
        with dot.subgraph(name="cluster_legend") as sub:
            sub.attr(label="legend", style="rounded", color="gray70", fontcolor="gray30")
            for kind in kinds:
                sub.node(f"legend_{kind}", LEGEND[kind], **{**STYLES[kind], "fontsize": "8"})
            if bad:
                sub.node(
                    "legend_bad", "holds NaN or Inf\n(value or gradient)", **{**STYLES["op"], **BAD, "fontsize": "8"}
                )
    return dot
