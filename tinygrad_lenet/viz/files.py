"""Writing a drawing to a file; the DOT source is always written, the picture when Graphviz is there."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from ..base.errors import GraphvizNotFound
from ..base.file_io import atomic_write

if TYPE_CHECKING:
    import graphviz

FORMATS = ("svg", "png", "pdf")
INSTALL = (
    "install Graphviz: 'apt-get install graphviz' (Debian, Ubuntu), 'brew install graphviz' (macOS), "
    "'conda install graphviz', or see https://graphviz.org/download/"
)


def render(graph: graphviz.Digraph, path: str | os.PathLike[str], format: str | None = None) -> Path:
    """Draw ``graph`` into ``path`` (svg, png or pdf, by default from the suffix).

    Both files are written atomically (in full, or not at all).
    The DOT source goes next to it (``path`` with suffix ``.dot``) first, always. If Graphviz's
    ``dot`` program is missing, :class:`GraphvizNotFound` says how to install it and how to draw
    the written ``.dot`` file afterwards.
    """
    path = Path(path)
    fmt = (format or path.suffix.lstrip(".") or "svg").lower()
    if fmt not in (*FORMATS, "dot"):
        raise ValueError(
            f"render: unknown format {fmt!r}; use one of {', '.join(FORMATS)} (or dot for the source only)"
        )
    source = atomic_write(path.with_suffix(".dot"), graph.source.encode())
    if fmt == "dot":
        return source
    picture = pipe(
        graph,
        fmt,
        f"{path.name} was not drawn; its source is in {source}. To draw it, {INSTALL}; "
        f"then run: dot -T{fmt} {source} -o {path.with_suffix('.' + fmt)}",
    )
    return atomic_write(path.with_suffix("." + fmt), picture)


def pipe(graph: graphviz.Digraph, fmt: str = "svg", missing: str = "") -> bytes:
    """The picture of ``graph`` in ``fmt`` as bytes; :class:`GraphvizNotFound` (saying ``missing``,
    or how to install Graphviz) when the ``dot`` program is not there."""
    import graphviz

    try:
        return graphviz.Source(graph.source).pipe(format=fmt)
    except graphviz.ExecutableNotFound:
        raise GraphvizNotFound(
            "the Graphviz 'dot' program is not installed, so " + (missing or f"the graph was not drawn; {INSTALL}")
        ) from None
