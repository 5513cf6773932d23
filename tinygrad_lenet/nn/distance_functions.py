"""Distances: cosine_similarity, pairwise_distance, pdist, cdist.

Re-exported by ``nn.functional`` (this module's ``__all__``).
"""

from __future__ import annotations

__all__: list[str] = []
