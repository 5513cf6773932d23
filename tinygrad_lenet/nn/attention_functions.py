"""Attention and embeddings: scaled_dot_product_attention, multi_head_attention_forward, embedding, embedding_bag.

Re-exported by ``nn.functional`` (this module's ``__all__``).
"""

from __future__ import annotations

__all__: list[str] = []
