"""Resampling and padding: interpolate/upsample, pad modes reflect/replicate/circular, pixel_shuffle/unshuffle,
channel_shuffle.

Re-exported by ``nn.functional`` (this module's ``__all__``).
"""

from __future__ import annotations

__all__: list[str] = []
