"""``torch.distributed``'s entry points, so that a script's guards run: there is no distributed backend yet.

``is_available()`` and ``is_initialized()`` are False, so code written as
``if dist.is_available() and dist.is_initialized(): ...`` takes its single-process path.
"""

from __future__ import annotations


def is_available() -> bool:
    """False: tinygrad_lenet has no distributed backend (yet)."""
    return False


def is_initialized() -> bool:
    """False: no process group can be initialised."""
    return False


__all__ = ["is_available", "is_initialized"]
