"""Drawing what ``tl.compile`` planned: the kernels of a replay in run order, the arrays they hand
each other, the buffers each owns, and which recorded ops a rewrite replaced.

>>> compiled = tl.compile(model); compiled(x); compiled(x)     # recorded and checked
>>> render(draw_plan(compiled), "plan.svg")
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import graphviz

    from ..compiler.program import Program

FUSED = {"shape": "box", "style": "rounded,filled", "fillcolor": "#fde2c4", "color": "#c46a00"}
OP = {"shape": "box", "style": "rounded,filled", "fillcolor": "#e8eef7", "color": "#4a6a99"}
LEAF = {"shape": "ellipse", "style": "filled", "fillcolor": "#eeeeee", "color": "gray50"}


def _programs(compiled: Any) -> list[Program]:
    compiler = getattr(compiled, "compiler", None)
    if compiler is None:
        raise TypeError(f"draw_plan expects what tl.compile returned, got {type(compiled).__name__}")
    from ..compiler.compiled import recorded_programs

    programs = recorded_programs(compiler)
    if not programs:
        raise ValueError("draw_plan: nothing recorded yet: call the compiled model or function once first")
    return programs


def _kib(nbytes: int) -> str:
    return f"{nbytes / 1024:,.1f} KiB"


def draw_plan(compiled: Any, signature: int = -1) -> graphviz.Digraph:
    """The plan of one recorded signature (the latest by default) of a compiled model or function.

    Each kernel is a box, numbered in run order: a rewritten pattern (orange) lists the ops it
    replaced and its planned buffers with their sizes; a replayed op (blue) runs the op's own
    forward and backward. Arrows carry arrays from kernel to kernel, labelled with their shapes;
    inputs and parameters (named as in the module) are ellipses."""
    import graphviz  # loaded on first drawing

    program = _programs(compiled)[signature]
    names = {}
    module = getattr(compiled, "_orig_mod", None)
    if module is not None:
        names = {id(p): n for n, p in module.named_parameters()} | {id(b): n for n, b in module.named_buffers()}
    replay = program.sample()
    dot = graphviz.Digraph(
        graph_attr={"rankdir": "TB", "fontname": "Helvetica", "fontsize": "10", "ranksep": "0.3"},
        node_attr={"fontname": "Helvetica", "fontsize": "10"},
        edge_attr={"fontname": "Helvetica", "fontsize": "8", "arrowsize": "0.6"},
    )
    writer = {kernel.out: f"k{i}" for i, kernel in enumerate(replay.kernels)}
    total = 0
    for i, kernel in enumerate(replay.kernels):
        lines = [f"{i}. {kernel.name}"]
        if len(kernel.nodes) > 1:
            lines.append("replaces " + ", ".join(n.name for n in kernel.nodes))
        for name, array in kernel.buffers.items():
            total += array.nbytes
            lines.append(f"{name} {tuple(array.shape)} {_kib(array.nbytes)}")
        dot.node(f"k{i}", "\n".join(lines), **(FUSED if kernel.buffers else OP))
        for ref in kernel.args:
            shape, _ = program.shape_of(ref)
            if ref.kind == "value":
                dot.edge(writer[ref.index], f"k{i}", label=str(tuple(shape)))
                continue
            leaf = f"{ref.kind}{ref.index}"
            if ref.kind == "input":
                label = f"input {ref.index}"
            else:
                label = names.get(id(program.tape.externals[ref.index]), f"constant {ref.index}")
            dot.node(leaf, f"{label}\n{tuple(shape)}", **LEAF)
            dot.edge(leaf, f"k{i}")
    assert program.tape.output is not None
    dot.node("output", "output", **LEAF)
    dot.edge(writer[program.tape.output.index], "output", label=str(program.shape_of(program.tape.output)[0]))
    dot.attr(
        label=f"{len(replay.kernels)} kernels for {len(program.tape.nodes)} recorded ops; "
        f"planned buffers {total / 2**20:.2f} MiB",
        labelloc="t",
    )
    return dot
