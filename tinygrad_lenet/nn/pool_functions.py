"""Pooling beyond 2x2: max/avg pooling in 1, 2 and 3 dims with ceil_mode and return_indices, max_unpool, lp_pool,
adaptive pooling.

Re-exported by ``nn.functional`` (this module's ``__all__``).
"""

from __future__ import annotations

__all__: list[str] = []
