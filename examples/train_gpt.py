"""Train a small GPT on the bundled Pride and Prejudice, one character at a time, then sample from it.

    python examples/train_gpt.py [--steps 500] [--seed 0] [--eval-every 100] [--dropout 0.0]

3 layers, 4 heads, 96 wide, contexts of 64 characters, batches of 32 (349k parameters), AdamW at
1e-3: about 0.15 s a step on one core, a minute or two in all. The validation loss is the mean
over a fixed set of batches from the last 10% of the novel. The training functions take the
framework ``T`` as an argument, so that examples/compare_gpt_torch.py runs the same loop under
PyTorch.
"""

from __future__ import annotations

import argparse
from typing import Any

import numpy as np

import tinygrad_lenet as tl
from tinygrad_lenet.data import CharTokenizer, get_batch, load_text, split_text
from tinygrad_lenet.models import GPT, GPTConfig

Batch = tuple[np.ndarray, np.ndarray]


def parse_args(description: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--steps", type=int, default=500, help="optimizer steps (default: 500)")
    parser.add_argument("--seed", type=int, default=0, help="seeds the weights, the batches and the sample")
    parser.add_argument("--eval-every", type=int, default=100, help="steps between validation losses")
    parser.add_argument("--dropout", type=float, default=0.0, help="dropout probability (default: 0)")
    parser.add_argument("--lr", type=float, default=1e-3, help="AdamW's learning rate (default: 1e-3)")
    return parser.parse_args()


def prepare(seed: int) -> tuple[CharTokenizer, np.ndarray, list[Batch]]:
    """The tokenizer, the training tokens, and 8 fixed validation batches of (32, 64)."""
    text = load_text("pride_and_prejudice")
    tokenizer = CharTokenizer(text)
    train_ids, val_ids = split_text(tokenizer.encode(text))
    return tokenizer, train_ids, draw_batches(val_ids, 8, seed + 1)


def draw_batches(ids: np.ndarray, count: int, seed: int, batch_size: int = 32, block_size: int = 64) -> list[Batch]:
    """``count`` random (context, target) batches as numpy arrays, the same for a given ``seed``."""
    generator = tl.Generator().manual_seed(seed)
    drawn = (get_batch(ids, batch_size, block_size, generator=generator) for _ in range(count))
    return [(x.numpy(), y.numpy()) for x, y in drawn]


def make_optimizer(T: Any, model: Any, lr: float, weight_decay: float = 0.1) -> Any:
    """AdamW as nanoGPT sets it: weight decay on the matrices (and embeddings) only, betas (0.9, 0.99)."""
    parameters = list(model.parameters())
    groups = [
        {"params": [p for p in parameters if p.dim() >= 2], "weight_decay": weight_decay},
        {"params": [p for p in parameters if p.dim() < 2], "weight_decay": 0.0},
    ]
    return T.optim.AdamW(groups, lr=lr, betas=(0.9, 0.99))


def train_step(T: Any, model: Any, optimizer: Any, batch: Batch) -> float:
    """One step on ``batch``: forward, backward, gradient norm clipped to 1, AdamW; returns the loss."""
    optimizer.zero_grad()
    _, loss = model(T.tensor(batch[0]), T.tensor(batch[1]))
    loss.backward()
    T.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    optimizer.step()
    return loss.item()


def evaluate(T: Any, model: Any, batches: list[Batch]) -> float:
    """The mean loss over ``batches``, in eval mode and without a graph."""
    model.eval()
    with T.no_grad():
        losses = [model(T.tensor(x), T.tensor(y))[1].item() for x, y in batches]
    model.train()
    return float(np.mean(losses))


def main() -> None:
    from tqdm import tqdm

    args = parse_args(__doc__.split("\n")[0])
    tl.set_num_threads(1)  # one BLAS thread: two collapse when another program shares the cores
    tl.manual_seed(args.seed)
    tokenizer, train_ids, val_batches = prepare(args.seed)
    config = GPTConfig(tokenizer.vocab_size, block_size=64, n_layer=3, n_head=4, n_embd=96, dropout=args.dropout)
    model = GPT(config)
    optimizer = make_optimizer(tl, model, args.lr)
    print(f"GPT: {sum(p.numel() for p in model.parameters()):,} parameters, {config}")
    batches = tl.Generator().manual_seed(args.seed)
    bar, losses = tqdm(range(1, args.steps + 1), desc="training"), []
    for step in bar:
        x, y = get_batch(train_ids, 32, config.block_size, generator=batches)
        losses.append(train_step(tl, model, optimizer, (x.numpy(), y.numpy())))
        bar.set_postfix(loss=f"{losses[-1]:.3f}")
        if step % args.eval_every == 0 or step == args.steps:
            val = evaluate(tl, model, val_batches)
            bar.write(f"step {step}: train loss {np.mean(losses):.4f} (mean since the last), val loss {val:.4f}")
            losses.clear()
    model.eval()
    prompt = tl.tensor(tokenizer.encode("\n")[None, :])
    sample = model.generate(prompt, 300, temperature=0.8, top_k=20, generator=tl.Generator().manual_seed(args.seed))
    print(f"sample:\n{tokenizer.decode(sample[0])}")


if __name__ == "__main__":
    main()
