"""The one random-number generator behind every random draw in tinygrad_lenet.

Initialisation, dropout masks, ``rand``/``randn`` and data shuffling all draw from
:func:`generator`, so ``manual_seed(n)`` makes a whole run bit-identical.
"""

from __future__ import annotations

import numpy as np

_generator: np.random.Generator = np.random.default_rng()


def manual_seed(seed: int) -> np.random.Generator:
    """Seed the package's generator, as ``torch.manual_seed`` does; returns the generator."""
    global _generator
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"manual_seed expects a non-negative integer, got {seed!r}")
    _generator = np.random.default_rng(int(seed))
    return _generator


def generator() -> np.random.Generator:
    """The package's current generator (replaced by every ``manual_seed`` call)."""
    return _generator
