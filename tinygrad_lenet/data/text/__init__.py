"""Text for character-level language models: the bundled corpus, a character tokenizer, a split
by position and random batches of (context, next character), as nanoGPT's ``shakespeare_char``.

    text = load_text("pride_and_prejudice")
    tokenizer = CharTokenizer(text)
    train, val = split_text(tokenizer.encode(text))
    x, y = get_batch(train, batch_size=32, block_size=64)  # (32, 64) int64 each; y is x shifted by one
"""

from __future__ import annotations

import gzip
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from ...base.random import Generator, rng_of
from ...tensor.tensor import Tensor

TEXT_ROOT = Path(__file__).resolve().parent
TEXTS = ("pride_and_prejudice",)
"""The names of the bundled texts, for ``load_text`` (sources and licences in ``data/text/README.md``)."""


def load_text(name: str = "pride_and_prejudice") -> str:
    """A bundled text, whole, by name (``TEXTS``; its source and licence are in ``data/text/README.md``)."""
    if name not in TEXTS:
        raise ValueError(f"load_text: no bundled text {name!r}; choose one of {list(TEXTS)}")
    with gzip.open(TEXT_ROOT / f"{name}.txt.gz", "rb") as file:
        return file.read().decode("utf-8")


class CharTokenizer:
    """One token per distinct character of ``text``, numbered in sorted order (``vocab_size`` of them).

    ``encode`` turns a string into an int64 array of token ids; ``decode`` turns ids (a sequence, an
    array or a tensor) back into the string.
    """

    def __init__(self, text: str) -> None:
        if not text:
            raise ValueError("CharTokenizer: the text is empty; a vocabulary needs at least one character")
        self.chars = sorted(set(text))
        self.index = {c: i for i, c in enumerate(self.chars)}

    @property
    def vocab_size(self) -> int:
        """The number of distinct characters."""
        return len(self.chars)

    def encode(self, text: str) -> np.ndarray:
        """The token ids of ``text``'s characters (int64, shape ``(len(text),)``)."""
        unknown = set(text) - self.index.keys()
        if unknown:
            raise ValueError(f"CharTokenizer.encode: characters outside the vocabulary: {sorted(unknown)}")
        return np.array([self.index[c] for c in text], dtype=np.int64)

    def decode(self, ids: Iterable[int] | np.ndarray | Tensor) -> str:
        """The string of the token ids ``ids`` (1-D)."""
        values = ids.tolist() if isinstance(ids, (Tensor, np.ndarray)) else list(ids)
        bad = [i for i in values if not isinstance(i, int) or not 0 <= i < self.vocab_size]
        if bad:
            raise ValueError(f"CharTokenizer.decode: expected token ids in [0, {self.vocab_size}), got {bad[:5]}")
        return "".join(self.chars[i] for i in values)

    def __repr__(self) -> str:
        return f"CharTokenizer(vocab_size={self.vocab_size})"


def split_text(ids: np.ndarray, val_fraction: float = 0.1) -> tuple[np.ndarray, np.ndarray]:
    """(train, validation): the first ``1 - val_fraction`` of the tokens, then the rest, by position."""
    if not 0 < val_fraction < 1:
        raise ValueError(f"split_text: val_fraction must lie in (0, 1), got {val_fraction!r}")
    cut = int(len(ids) * (1 - val_fraction))
    return ids[:cut], ids[cut:]


def get_batch(
    ids: np.ndarray, batch_size: int, block_size: int, *, generator: Generator | None = None
) -> tuple[Tensor, Tensor]:
    """``batch_size`` contexts of ``block_size`` tokens from random offsets of ``ids``, and their
    targets, each context shifted by one token: two int64 tensors of shape (batch_size, block_size).

    The offsets are drawn from ``generator`` (the package's generator if None), so that a seeded
    generator gives the same batches in the same order.
    """
    if batch_size < 1 or block_size < 1:
        raise ValueError(f"get_batch: batch_size and block_size must be >= 1, got {batch_size} and {block_size}")
    if len(ids) <= block_size:
        raise ValueError(f"get_batch: {len(ids)} tokens are too few for contexts of {block_size} and their targets")
    starts = rng_of(generator).integers(0, len(ids) - block_size, size=batch_size)
    windows = starts[:, None] + np.arange(block_size + 1)
    tokens = np.asarray(ids, dtype=np.int64)[windows]
    return Tensor(tokens[:, :-1]), Tensor(tokens[:, 1:])


__all__ = ["TEXTS", "CharTokenizer", "get_batch", "load_text", "split_text"]
