# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Attention step by step
#
# Attention lets each position of a sequence look at the others and take a weighted average of
# what it finds there. This notebook builds *scaled dot-product attention* from tensor operations,
# one line at a time, on a sequence of six words: queries, keys and values, the scores
# Q K^T / sqrt(d), a causal mask (a word may look only at itself and the words before it), the
# softmax, and the weighted sum of the values. It then checks the result against
# `F.scaled_dot_product_attention`, wraps one attention head in a module, steps through its
# backward pass, and ends with several heads and a small self-attention block, the building block
# of GPT.

# %%
import importlib.util
import math

import matplotlib.pyplot as plt
import numpy as np

import tinygrad_lenet as tl
from tinygrad_lenet import nn, viz
from tinygrad_lenet.nn import functional as F

# %% [markdown]
# ## Queries, keys and values
#
# In a language model each word enters as a vector, its embedding (an `nn.Embedding` row, plus
# one for its position); random vectors of size C = 8 will do here. Three matrices turn every
# embedding into a *query* (what this word is looking for), a *key* (what it offers to be found by)
# and a *value* (what it passes on when found), each of size d = 4.

# %%
tl.manual_seed(0)
words = "the cat sat on a mat".split()
T, C, d = len(words), 8, 4  # sequence length, embedding size, head size
x = tl.randn(T, C)  # one row per word

W_q, W_k, W_v = (tl.randn(C, d).div(math.sqrt(C)).requires_grad_() for _ in range(3))
q, k, v = x @ W_q, x @ W_k, x @ W_v
print(q.shape, k.shape, v.shape)

# %% [markdown]
# ## Scores
#
# How well query i matches key j is their dot product: all of them at once are `q @ k.T`, a
# T x T matrix with one row per query. A dot product of d independent terms of variance 1 has
# variance d: dividing by sqrt(d) keeps the scores equally spread whatever the head size, so that
# wider heads do not push the softmax below towards all-or-nothing.

# %%
scores = q @ k.T / math.sqrt(d)
print(scores)

# %% [markdown]
# ## The causal mask
#
# A model that predicts the next word may not look ahead. `tl.tril` keeps the lower triangle of
# a matrix of ones: row i has ones in columns 0..i, the words query i may see. `masked_fill` puts
# -inf everywhere else, which the softmax turns into a weight of exactly 0.

# %%
mask = tl.tril(tl.ones(T, T))
print(mask)
masked = scores.masked_fill(mask == 0, float("-inf"))
print(masked)

# %% [markdown]
# ## Softmax and the weighted sum
#
# The softmax of each row, `e^s_j / sum_k e^s_k`, turns scores into weights that are positive and
# sum to 1; the output of each word is the average of the values with those weights. The first
# word can see only itself, so its weight on itself is 1.

# %%
weights = masked.softmax(dim=-1)
out = weights @ v  # (T, d): one mixture of values per word
print(weights)
above = weights.numpy()[np.triu_indices(T, k=1)]
print(f"masked weights (above the diagonal): {above.size}, largest {above.max():.1f}")
assert np.allclose(weights.sum(-1).numpy(), 1) and (above == 0).all()


# %%
def heatmap(ax, w, title):
    """The attention weights: one row per query, one column per key."""
    ax.imshow(w, cmap="Blues", vmin=0, vmax=1)
    ax.set_xticks(range(T), words)
    ax.set_yticks(range(T), words)
    ax.set(xlabel="key (looked at)", ylabel="query (looking)", title=title)
    for (i, j), value in np.ndenumerate(w):
        if j <= i:
            color = "white" if value > 0.5 else "black"
            ax.text(j, i, f"{value:.2f}", ha="center", va="center", fontsize=8, color=color)


fig, ax = plt.subplots(figsize=(4.5, 4.5))
heatmap(ax, weights.detach().numpy(), "causal attention weights")
plt.show()

# %% [markdown]
# With random matrices the pattern means nothing yet; training shapes the queries and keys so
# that, say, a verb looks at its subject.
#
# ## The same, in one call
#
# `F.scaled_dot_product_attention(q, k, v, is_causal=True)` is these five lines (PyTorch's name
# and arguments):

# %%
fused = F.scaled_dot_product_attention(q, k, v, is_causal=True)
print(f"max |difference| from F.scaled_dot_product_attention: {(fused - out).abs().max().item():.1e}")
assert (fused - out).abs().max().item() < 1e-6

# %% [markdown]
# And PyTorch's own, when it is installed (`pip install torch`), on the same numbers:

# %%
if importlib.util.find_spec("torch") is None:
    print("PyTorch is not installed here: compared with tinygrad_lenet's own function only")
else:
    import torch

    theirs = torch.nn.functional.scaled_dot_product_attention(
        *(torch.from_numpy(t.detach().numpy()) for t in (q, k, v)), is_causal=True
    )
    difference = np.abs(theirs.numpy() - out.detach().numpy()).max()
    print(f"max |difference| from PyTorch's scaled_dot_product_attention: {difference:.1e}")
    assert difference < 1e-6


# %% [markdown]
# ## One head as a module
#
# The same steps as an `nn.Module`: the three matrices become `nn.Linear` layers without bias,
# and the mask a buffer (saved with the model, but not a parameter). `T` is read from the input,
# so the head works on any sequence up to `block_size` words.

# %%
class Head(nn.Module):
    """One head of causal self-attention: (..., T, n_embd) in, (..., T, head_size) out."""

    def __init__(self, n_embd: int, head_size: int, block_size: int) -> None:
        super().__init__()
        self.query = nn.Linear(n_embd, head_size, bias=False)
        self.key = nn.Linear(n_embd, head_size, bias=False)
        self.value = nn.Linear(n_embd, head_size, bias=False)
        self.register_buffer("tril", tl.tril(tl.ones(block_size, block_size)))

    def forward(self, x: tl.Tensor) -> tl.Tensor:
        T = x.shape[-2]
        q, k, v = self.query(x), self.key(x), self.value(x)
        scores = q @ k.transpose(-2, -1) / math.sqrt(k.shape[-1])
        scores = scores.masked_fill(self.tril[:T, :T] == 0, float("-inf"))
        return scores.softmax(dim=-1) @ v


head = Head(C, d, block_size=T)
loss = head(x).square().mean()  # a stand-in for a real loss
viz.draw_graph(loss, params=head)

# %% [markdown]
# The masked fill is drawn as `Where` (the scores where the mask allows, the constant -inf
# elsewhere). It is red, and so is the -inf: drawings mark every tensor that holds NaN or Inf, the
# first place to look when a loss turns into NaN. Here the -inf is intended, and the softmax turns
# it into weights of 0.
#
# ## Stepping through its backward pass
#
# As in "Autograd from scratch": one frame per node, in the engine's order, each edge labelled
# with the gradient that crossed it (its shape and norm: these are matrices), and under the
# slider the rule each node applies.

# %%
steps = viz.backward_steps(loss, params=head)
for frame in steps:
    print(f"{frame.title:40s} {frame.rule}")
steps

# %% [markdown]
# ## The gradient of softmax, and of the masked positions
#
# Back on the hand-built tensors, with a loss whose gradient with respect to the output is a
# random matrix `g_out`. Softmax's rule (the one printed above) is, for each row w = softmax(s)
# and the gradient g arriving at w:
#
# `dL/ds_j = w_j (g_j - sum_k g_k w_k)`
#
# Each score's gradient is its weight times how much more the loss grows by leaning on that key's
# value than on the current mixture (g_j minus the average of g under the weights). Two things
# follow, both checked below:
#
# - **A masked position gets exactly 0.** Its weight is 0, so softmax sends it nothing; and
#   `masked_fill` (`Where`) sends nothing back to a score it replaced by -inf, so neither the
#   query nor the key of a future word learns from it. The first word, which sees only itself,
#   gets no gradient at all on its score: its weight is 1 whatever the score.
# - **Each row's gradients sum to 0.** Adding a constant to a row of scores leaves its softmax
#   unchanged, so the gradient cannot push the row as a whole.

# %%
scores.retain_grad()
weights.retain_grad()
g_out = tl.randn(T, d)
(out * g_out).sum().backward()

w, g = weights.detach().numpy(), weights.grad.numpy()
by_hand = w * (g - (g * w).sum(-1, keepdims=True))
print(scores.grad)
at_masked = scores.grad.numpy()[mask.numpy() == 0]
print(f"gradient at the masked scores: largest |value| {np.abs(at_masked).max():.1f}")
assert np.allclose(scores.grad.numpy(), by_hand, atol=1e-6)
assert (at_masked == 0).all()
assert np.allclose(scores.grad.sum(-1).numpy(), 0, atol=1e-6)

# %% [markdown]
# ## Several heads
#
# One head finds one kind of relation. `nn.MultiheadAttention` runs `num_heads` of them side by
# side, each on embed_dim / num_heads features, and mixes their outputs with one more linear
# layer. Its mask follows PyTorch's convention for this module: a float mask is added to the
# scores (`generate_square_subsequent_mask` gives 0 on and below the diagonal, -inf above), and a
# bool mask is True where attention is *not* allowed, the opposite of
# `scaled_dot_product_attention`'s bool mask.

# %%
mha = nn.MultiheadAttention(embed_dim=C, num_heads=2, batch_first=True)
causal = nn.Transformer.generate_square_subsequent_mask(T)
seq = x[None]  # a batch of one sequence: (1, T, C)
y, per_head = mha(seq, seq, seq, attn_mask=causal, average_attn_weights=False)
print(y.shape, per_head.shape)  # (batch, T, C) and (batch, heads, T, T)

fig, axes = plt.subplots(1, 2, figsize=(9, 4.5))
for h, ax in enumerate(axes):
    heatmap(ax, per_head[0, h].detach().numpy(), f"nn.MultiheadAttention, head {h}")
plt.tight_layout()
plt.show()


# %% [markdown]
# ## A causal self-attention block
#
# The block a GPT repeats: causal multi-head attention written with one linear layer for all
# the queries, keys and values and `F.scaled_dot_product_attention` for the heads, then a small
# MLP, each behind a `LayerNorm` and added back to its input (a residual connection).

# %%
class CausalSelfAttention(nn.Module):
    def __init__(self, n_embd: int, n_head: int) -> None:
        super().__init__()
        self.n_head = n_head
        self.qkv = nn.Linear(n_embd, 3 * n_embd)
        self.proj = nn.Linear(n_embd, n_embd)

    def forward(self, x: tl.Tensor) -> tl.Tensor:
        B, T, C = x.shape
        q, k, v = self.qkv(x).split(C, dim=-1)
        # (B, T, C) -> (B, heads, T, head size): each head attends on its own
        q, k, v = (t.view(B, T, self.n_head, C // self.n_head).transpose(1, 2) for t in (q, k, v))
        y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        return self.proj(y.transpose(1, 2).reshape(B, T, C))


class Block(nn.Module):
    def __init__(self, n_embd: int, n_head: int) -> None:
        super().__init__()
        self.ln1, self.attn = nn.LayerNorm(n_embd), CausalSelfAttention(n_embd, n_head)
        self.ln2 = nn.LayerNorm(n_embd)
        self.mlp = nn.Sequential(nn.Linear(n_embd, 4 * n_embd), nn.GELU(), nn.Linear(4 * n_embd, n_embd))

    def forward(self, x: tl.Tensor) -> tl.Tensor:
        x = x + self.attn(self.ln1(x))
        return x + self.mlp(self.ln2(x))


block = Block(C, n_head=2)
batch = tl.randn(3, T, C)
print(block(batch).shape)

# %% [markdown]
# Causal means that no output depends on a later word. Change the last word of every sequence:
# only the last outputs change.

# %%
changed = batch.clone()
changed[:, -1] = tl.randn(3, C)
with tl.no_grad():
    moved = (block(changed) - block(batch)).abs().amax(dim=(0, 2))
print("largest change of the output at each position:", moved)
assert (moved[:-1] == 0).all() and moved[-1] > 0

# %% [markdown]
# A GPT is an embedding of the words and of their positions, a stack of these blocks, a last
# `LayerNorm` and a linear layer to one score per word of the vocabulary: `models/gpt.py` builds
# it, and `examples/train_gpt.py` trains it to write text.
