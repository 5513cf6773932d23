"""Normalization functions: layer_norm, group_norm, instance_norm, rms_norm, batch_norm, local_response_norm, normalize.

Re-exported by ``nn.functional`` (this module's ``__all__``).
"""

from __future__ import annotations

__all__: list[str] = []
