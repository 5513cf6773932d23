"""Which ``nn.Module`` forwards are running right now: kept only so drawings can box ops by module.

This is not autograd state: no gradient depends on it. ``Module.__call__`` pushes itself while
its ``forward`` runs; every op recorded in the graph keeps a copy of the stack
(``Function.modules``), which ``viz.draw_graph`` reads to draw a box around the ops of each module.
"""

from __future__ import annotations

from typing import Any


class ModuleStack:
    """The running modules, outermost first (a tuple, so a recorded op can keep it as it is)."""

    running: tuple[Any, ...] = ()


MODULE_STACK = ModuleStack()
