"""Convolutions beyond conv2d: conv1d, conv3d, conv_transpose1d/2d/3d, unfold and fold.

Re-exported by ``nn.functional`` (this module's ``__all__``).
"""

from __future__ import annotations

__all__: list[str] = []
