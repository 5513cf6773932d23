"""The one random-number generator behind every random draw in tinygrad_lenet.

Initialisation, dropout masks, ``rand``/``randn`` and data shuffling all draw from
:func:`generator`, so ``manual_seed(n)`` makes a whole run bit-identical.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .recording import RECORDING

_generator: np.random.Generator = np.random.default_rng()


def manual_seed(seed: int) -> np.random.Generator:
    """Seed the package's generator, as ``torch.manual_seed`` does; returns the generator."""
    global _generator
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"manual_seed expects a non-negative integer, got {seed!r}")
    _generator = np.random.default_rng(int(seed))
    return _generator


def _note_draw() -> None:
    """Tell ``tl.compile``'s recorder, if one is active, about a draw outside an op's forward: a
    replay would reuse its numbers (draws inside an op are drawn afresh by every replay)."""
    if RECORDING.recorder is not None and not RECORDING.in_op:
        RECORDING.recorder.graph_break("random numbers drawn outside an op (a replay would reuse them)")


def generator() -> np.random.Generator:
    """The package's current generator (replaced by every ``manual_seed`` call)."""
    _note_draw()
    return _generator


def get_rng_state() -> dict[str, Any]:
    """The generator's state (JSON-safe), to store in a checkpoint so that a resumed run draws
    the same numbers as an uninterrupted one."""
    return dict(_generator.bit_generator.state)


def set_rng_state(state: dict) -> None:
    """Restore a state from ``get_rng_state``."""
    global _generator
    bit_generator = getattr(np.random, state["bit_generator"])()
    bit_generator.state = state
    _generator = np.random.Generator(bit_generator)


class Generator:
    """A random stream of its own (``torch.Generator``), for a DataLoader, ``random_split`` or a
    factory: ``g = tl.Generator().manual_seed(0)``; ``tl.randn(3, generator=g)``."""

    def __init__(self, device: str = "cpu") -> None:
        self.rng = np.random.default_rng()

    def manual_seed(self, seed: int) -> Generator:
        """Restart the generator from ``seed`` (a non-negative integer); returns the generator."""
        if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
            raise ValueError(f"Generator.manual_seed expects a non-negative integer, got {seed!r}")
        self.rng = np.random.default_rng(int(seed))
        return self

    def get_state(self) -> dict[str, Any]:
        """The generator's state (a dict), to restore later with ``set_state``."""
        return dict(self.rng.bit_generator.state)

    def set_state(self, state: dict) -> Generator:
        """Restore a state from ``get_state``; returns the generator."""
        self.rng.bit_generator.state = state
        return self


def rng_of(generator_: Generator | None) -> np.random.Generator:
    """The numpy generator to draw from: ``generator_``'s, or the package's."""
    _note_draw()
    return _generator if generator_ is None else generator_.rng
