"""A character-level LSTM language model: embedding -> LSTM -> linear to the vocabulary.

``forward(idx, state)`` reads (B, T) token indices and returns (B, T, vocab) logits with the LSTM's
final (h, c), which the next call can continue from; ``generate`` samples one token at a time,
carrying that state, so a step costs one LSTM step however long the text already is.
"""

from __future__ import annotations

import tinygrad_lenet as tl
import tinygrad_lenet.nn.functional as F
from tinygrad_lenet import nn

from .lenet5 import check_dropout

State = tuple["tl.Tensor", "tl.Tensor"]  # strings: importing the model needs nothing of tl yet


class CharLSTM(nn.Module):
    """(B, T) int64 token indices -> ((B, T, vocab_size) logits, (h_n, c_n)).

    Parameters
    ----------
    vocab_size
        The number of distinct tokens (characters).
    embedding_dim
        The width of each token's learned vector.
    hidden_size
        The LSTM's state width.
    num_layers
        Stacked LSTM layers.
    dropout
        Dropout between LSTM layers and on the last layer's output (training only).
    """

    def __init__(
        self,
        vocab_size: int,
        embedding_dim: int = 48,
        hidden_size: int = 192,
        num_layers: int = 2,
        dropout: float = 0.0,
    ) -> None:
        super().__init__()
        check_dropout(dropout, "CharLSTM")
        self.dropout = dropout
        self.embedding = nn.Embedding(vocab_size, embedding_dim)
        self.lstm = nn.LSTM(embedding_dim, hidden_size, num_layers, batch_first=True, dropout=dropout)
        self.head = nn.Linear(hidden_size, vocab_size)

    def forward(self, idx: tl.Tensor, state: State | None = None) -> tuple[tl.Tensor, State]:
        if idx.ndim != 2:
            raise tl.ShapeError(f"CharLSTM expects token indices of shape (B, T), got {idx.shape}")
        out, state = self.lstm(self.embedding(idx), state)
        out = F.dropout(out, self.dropout, self.training)
        return self.head(out), state

    def generate(
        self,
        idx: tl.Tensor,
        max_new_tokens: int,
        temperature: float = 1.0,
        top_k: int | None = None,
        generator: tl.Generator | None = None,
    ) -> tl.Tensor:
        """Extend (B, T) prompts by ``max_new_tokens`` sampled tokens: (B, T + max_new_tokens).

        Each token is drawn from softmax(logits / temperature), restricted to the ``top_k`` most
        likely when given; the draws come from ``generator`` (or the package's, seeded by
        ``tl.manual_seed``), so a seed makes the text reproducible. Runs in eval mode without
        changing the model's own mode afterwards.
        """
        if temperature <= 0:
            raise ValueError(f"CharLSTM.generate: temperature must be > 0, got {temperature}")
        if top_k is not None and top_k < 1:
            raise ValueError(f"CharLSTM.generate: top_k must be >= 1, got {top_k}")
        with tl.no_grad():  # at call time, not as a decorator: importing the model needs nothing of tl
            was_training = self.training
            self.eval()
            logits, state = self(idx)
            tokens = [idx]
            for _ in range(max_new_tokens):
                last = logits[:, -1, :] / temperature
                if top_k is not None and top_k < last.shape[-1]:
                    kth = last.topk(top_k, dim=-1).values[:, -1:]
                    last = last.masked_fill(last < kth, float("-inf"))
                nxt = F.softmax(last, dim=-1).multinomial(1, generator=generator)
                tokens.append(nxt)
                logits, state = self(nxt, state)
            self.train(was_training)
            return tl.cat(tokens, dim=1)
