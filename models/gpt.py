"""A small GPT, as Karpathy's nanoGPT writes it, for character-level language modelling.

Token and position embeddings -> dropout -> ``n_layer`` pre-LayerNorm blocks (causal
self-attention with one fused q, k, v projection, then a GELU MLP, each added to the residual
stream) -> a final LayerNorm -> an output head whose weight is the token embedding's (tied).
The parameter names are nanoGPT's, so that a ``state_dict`` loads into its PyTorch model as is.
The GELU is GPT-2's tanh form (also ~7x faster here than the exact one, which calls ``math.erf`` per element).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import tinygrad_lenet as tl
import tinygrad_lenet.nn.functional as F
from tinygrad_lenet import nn


@dataclass
class GPTConfig:
    """The sizes of a GPT: vocabulary, longest context (``block_size``), layers, heads, embedding
    width (a multiple of ``n_head``), dropout probability, and whether Linear and LayerNorm have biases."""

    vocab_size: int = 75
    block_size: int = 64
    n_layer: int = 4
    n_head: int = 4
    n_embd: int = 128
    dropout: float = 0.0
    bias: bool = True


class CausalSelfAttention(nn.Module):
    """Multi-head self-attention where each position sees itself and the positions before it."""

    def __init__(self, config: GPTConfig) -> None:
        super().__init__()
        if config.n_embd % config.n_head:
            raise ValueError(f"GPT: n_embd ({config.n_embd}) must be a multiple of n_head ({config.n_head})")
        self.n_head, self.n_embd, self.dropout = config.n_head, config.n_embd, config.dropout
        self.c_attn = nn.Linear(config.n_embd, 3 * config.n_embd, bias=config.bias)  # q, k, v in one product
        self.c_proj = nn.Linear(config.n_embd, config.n_embd, bias=config.bias)
        self.resid_dropout = nn.Dropout(config.dropout)

    def forward(self, x: tl.Tensor) -> tl.Tensor:
        B, T, C = x.shape
        q, k, v = (t.view(B, T, self.n_head, C // self.n_head).transpose(1, 2) for t in self.c_attn(x).split(C, dim=2))
        p = self.dropout if self.training else 0.0
        y = F.scaled_dot_product_attention(q, k, v, dropout_p=p, is_causal=True)  # (B, n_head, T, head size)
        return self.resid_dropout(self.c_proj(y.transpose(1, 2).contiguous().view(B, T, C)))


class MLP(nn.Module):
    """Linear to four times the width, GELU, Linear back, dropout."""

    def __init__(self, config: GPTConfig) -> None:
        super().__init__()
        self.c_fc = nn.Linear(config.n_embd, 4 * config.n_embd, bias=config.bias)
        self.gelu = nn.GELU(approximate="tanh")  # GPT-2's GELU
        self.c_proj = nn.Linear(4 * config.n_embd, config.n_embd, bias=config.bias)
        self.dropout = nn.Dropout(config.dropout)

    def forward(self, x: tl.Tensor) -> tl.Tensor:
        return self.dropout(self.c_proj(self.gelu(self.c_fc(x))))


class Block(nn.Module):
    """x + attn(ln_1(x)), then x + mlp(ln_2(x)): pre-LayerNorm residual blocks."""

    def __init__(self, config: GPTConfig) -> None:
        super().__init__()
        self.ln_1 = nn.LayerNorm(config.n_embd, bias=config.bias)
        self.attn = CausalSelfAttention(config)
        self.ln_2 = nn.LayerNorm(config.n_embd, bias=config.bias)
        self.mlp = MLP(config)

    def forward(self, x: tl.Tensor) -> tl.Tensor:
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))


class GPT(nn.Module):
    """(B, T) token ids, T <= ``block_size`` -> (B, T, vocab_size) logits of the next token.

    Initialised as nanoGPT (GPT-2): weights N(0, 0.02), biases 0, and each residual projection
    (``c_proj``) N(0, 0.02 / sqrt(2 n_layer)).
    """

    def __init__(self, config: GPTConfig) -> None:
        super().__init__()
        if not 0 <= config.dropout < 1:
            raise ValueError(f"GPT: dropout must be a probability in [0, 1), got {config.dropout!r}")
        self.config = config
        self.transformer = nn.ModuleDict(
            {
                "wte": nn.Embedding(config.vocab_size, config.n_embd),
                "wpe": nn.Embedding(config.block_size, config.n_embd),
                "drop": nn.Dropout(config.dropout),
                "h": nn.ModuleList([Block(config) for _ in range(config.n_layer)]),
                "ln_f": nn.LayerNorm(config.n_embd, bias=config.bias),
            }
        )
        self.lm_head = nn.Linear(config.n_embd, config.vocab_size, bias=False)
        self.transformer.wte.weight = self.lm_head.weight  # weight tying: one Parameter, two names
        self.apply(self._init_weights)
        for name, parameter in self.named_parameters():
            if name.endswith("c_proj.weight"):
                nn.init.normal_(parameter, mean=0.0, std=0.02 / math.sqrt(2 * config.n_layer))

    @staticmethod
    def _init_weights(module: nn.Module) -> None:
        if isinstance(module, (nn.Linear, nn.Embedding)):
            nn.init.normal_(module.weight, mean=0.0, std=0.02)
        if isinstance(module, nn.Linear) and module.bias is not None:
            nn.init.zeros_(module.bias)

    def forward(self, idx: tl.Tensor, targets: tl.Tensor | None = None) -> tuple[tl.Tensor, tl.Tensor | None]:
        """(logits, loss): the logits at every position, and the mean cross-entropy against
        ``targets`` (B, T) if given (a target of -1 is ignored), else None."""
        B, T = idx.shape
        if T > self.config.block_size:
            raise tl.ShapeError(f"GPT: a context of {T} tokens is longer than block_size {self.config.block_size}")
        pos = tl.arange(0, T, dtype=tl.int64)
        x = self.transformer.drop(self.transformer.wte(idx) + self.transformer.wpe(pos))
        for block in self.transformer.h:
            x = block(x)
        logits = self.lm_head(self.transformer.ln_f(x))
        if targets is None:
            return logits, None
        return logits, F.cross_entropy(logits.view(B * T, -1), targets.view(B * T), ignore_index=-1)

    def generate(
        self,
        idx: tl.Tensor,
        max_new_tokens: int,
        temperature: float = 1.0,
        top_k: int | None = None,
        generator: tl.Generator | None = None,
    ) -> tl.Tensor:
        """``idx`` (B, T) followed by ``max_new_tokens`` sampled tokens, one at a time, each from the
        last ``block_size`` tokens; call ``eval()`` first to turn dropout off.

        Parameters
        ----------
        temperature
            divides the logits: below 1 sharper, above 1 flatter.
        top_k
            if given, sample only among the ``top_k`` likeliest tokens.
        generator
            the random stream to sample from (the package's if None): a seeded one makes the text
            reproducible.
        """
        if temperature <= 0:
            raise ValueError(f"GPT.generate: temperature must be > 0, got {temperature!r}")
        if top_k is not None and top_k < 1:
            raise ValueError(f"GPT.generate: top_k must be >= 1, got {top_k!r}")
        with tl.no_grad():  # at call time, not as a decorator: importing the model needs nothing of tl
            for _ in range(max_new_tokens):
                logits, _ = self(idx[:, -self.config.block_size :])
                logits = logits[:, -1, :] / temperature
                if top_k is not None:
                    kth = tl.topk(logits, min(top_k, logits.shape[-1])).values[:, -1:]
                    logits = tl.where(logits < kth, -math.inf, logits)
                next_token = tl.multinomial(F.softmax(logits, dim=-1), num_samples=1, generator=generator)
                idx = tl.cat((idx, next_token), dim=1)
        return idx
