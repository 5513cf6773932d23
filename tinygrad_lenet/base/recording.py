"""The switch that ``tl.compile`` turns on while it records a call: read by ``Function.apply``, by
the tensor methods that leave the graph (``item()``, ``numpy()``, ...) and by the random generator.

It lives in ``base`` because the random generator, the lowest layer, must see it; everything the
recorder does is in ``tinygrad_lenet/compiler``.
"""

from __future__ import annotations

from typing import Any, Protocol


class Recorder(Protocol):
    """What the hooks call on the active recorder (``compiler/capture.py``)."""

    def record(self, cls: Any, inputs: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        """Run one op eagerly and record it."""

    def graph_break(self, cause: str) -> None:
        """Note that the call cannot be replayed, and why; the eager run goes on."""


class _Recording:
    """``recorder`` is the active recorder or None (the normal case: one attribute read per op);
    ``in_op`` is True while an op's ``forward`` runs (random numbers drawn there are replayed)."""

    recorder: Recorder | None = None
    in_op: bool = False


RECORDING = _Recording()


def note_graph_break(cause: str) -> None:
    """Tell the active recorder, if any, that ``cause`` makes the call impossible to replay."""
    if RECORDING.recorder is not None:
        RECORDING.recorder.graph_break(cause)
