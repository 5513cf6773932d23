"""Train a character-level LSTM (models/char_lstm.py) on the bundled Pride and Prejudice.

    python examples/train_char_lstm.py [--steps 250] [--seed 0]
    python examples/train_char_lstm.py --compare-torch --steps 300

Random windows of 64 characters, 32 per batch, Adam at 3e-3: about a minute on 2 cores, train
and validation losses every --eval-every steps, then a sample. --compare-torch builds the same
model in PyTorch from our initial weights (same state_dict keys), trains it on the same batches
with the same Adam, and prints both validation losses and both training times (docs/results.md).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

import tinygrad_lenet as tl
import tinygrad_lenet.nn.functional as F
from tinygrad_lenet.data import CharTokenizer, load_text, split_text
from tinygrad_lenet.models import CharLSTM

Batch = tuple[np.ndarray, np.ndarray]
Step = Callable[[np.ndarray, np.ndarray], float]


def random_batches(data: np.ndarray, steps: int, batch: int, seq: int, seed: int) -> list[Batch]:
    """``steps`` batches of ``batch`` windows at seeded random offsets: inputs and next-character targets."""
    rng = np.random.default_rng(seed)
    batches = []
    for _ in range(steps):
        rows = rng.integers(0, data.size - seq, size=batch)[:, None] + np.arange(seq + 1)
        batches.append((data[rows[:, :-1]], data[rows[:, 1:]]))
    return batches


def fixed_windows(data: np.ndarray, seq: int, limit: int) -> Batch:
    """Up to ``limit`` non-overlapping windows of the validation text, always the same ones."""
    count = min(limit, (data.size - 1) // seq)
    rows = np.arange(count)[:, None] * seq + np.arange(seq + 1)
    return data[rows[:, :-1]], data[rows[:, 1:]]


def ours(model: CharLSTM, lr: float, val: Batch) -> tuple[Step, Callable[[], float]]:
    """A training step and a validation loss for our model, on numpy batches."""
    opt = tl.optim.Adam(model.parameters(), lr=lr)

    def loss_of(x: np.ndarray, y: np.ndarray) -> tl.Tensor:
        logits, _ = model(tl.tensor(x))
        return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), tl.tensor(y).reshape(-1))

    def step(x: np.ndarray, y: np.ndarray) -> float:
        loss = loss_of(x, y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        return loss.item()

    def evaluate() -> float:
        model.eval()
        with tl.no_grad():
            loss = loss_of(*val).item()
        model.train()
        return loss

    return step, evaluate


def theirs(model: CharLSTM, lr: float, val: Batch, dtype: str) -> tuple[Step, Callable[[], float]]:
    """The same model in PyTorch, from ``model``'s weights: its training step and validation loss."""
    import torch

    class TorchCharLSTM(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.embedding = torch.nn.Embedding(*model.embedding.weight.shape)
            lstm = model.lstm
            self.lstm = torch.nn.LSTM(lstm.input_size, lstm.hidden_size, lstm.num_layers, batch_first=True)
            self.head = torch.nn.Linear(lstm.hidden_size, model.head.out_features)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self.head(self.lstm(self.embedding(x))[0])

    twin = TorchCharLSTM().to(getattr(torch, dtype))
    twin.load_state_dict({k: torch.from_numpy(v.numpy().copy()) for k, v in model.state_dict().items()})
    opt = torch.optim.Adam(twin.parameters(), lr=lr)

    def loss_of(x: np.ndarray, y: np.ndarray) -> torch.Tensor:
        logits = twin(torch.from_numpy(x))
        return torch.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), torch.from_numpy(y).reshape(-1))

    def step(x: np.ndarray, y: np.ndarray) -> float:
        loss = loss_of(x, y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        return loss.item()

    def evaluate() -> float:
        with torch.no_grad():
            return loss_of(*val).item()

    return step, evaluate


def train(
    step: Step, evaluate: Callable[[], float], batches: Sequence[Batch], every: int, label: str
) -> tuple[float, float]:
    """Run ``step`` over the batches, printing the mean train loss and the validation loss every
    ``every`` steps; returns the final validation loss and the seconds spent in the steps."""
    from tqdm import tqdm

    seconds, losses, val = 0.0, [], float("nan")
    bar = tqdm(batches, desc=label, unit="step", leave=False, disable=None)  # a bar only on a terminal
    for i, (x, y) in enumerate(bar, 1):
        start = time.perf_counter()
        losses.append(step(x, y))
        seconds += time.perf_counter() - start
        bar.set_postfix(loss=f"{losses[-1]:.3f}")
        if i % every == 0 or i == len(batches):
            val = evaluate()
            tqdm.write(f"{label} step {i:4d}: train {np.mean(losses):.4f}  val {val:.4f}")
            losses = []
    return val, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=250)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--seq-len", type=int, default=64)
    parser.add_argument("--embedding", type=int, default=48)
    parser.add_argument("--hidden", type=int, default=192)
    parser.add_argument("--layers", type=int, default=2)
    parser.add_argument("--dropout", type=float, default=0.0, help="between LSTM layers (0 with --compare-torch)")
    parser.add_argument("--lr", type=float, default=3e-3)
    parser.add_argument("--eval-every", type=int, default=50)
    parser.add_argument("--threads", type=int, default=1, help="BLAS threads, ours and PyTorch's alike")
    parser.add_argument("--dtype", default="float32", choices=("float32", "float64"))
    parser.add_argument("--compare-torch", action="store_true", help="train the same model in PyTorch too")
    args = parser.parse_args()
    if args.compare_torch and args.dropout:
        parser.error("--compare-torch needs --dropout 0: the two frameworks draw different masks")

    text = load_text()
    tokenizer = CharTokenizer(text)
    data = tokenizer.encode(text)
    train_ids, val_ids = split_text(data)
    batches = random_batches(train_ids, args.steps, args.batch_size, args.seq_len, args.seed)
    val = fixed_windows(val_ids, args.seq_len, limit=256)
    tl.manual_seed(args.seed)
    tl.set_num_threads(args.threads)
    model = CharLSTM(tokenizer.vocab_size, args.embedding, args.hidden, args.layers, args.dropout).to(
        getattr(tl, args.dtype)
    )
    size = sum(p.numel() for p in model.parameters())
    print(f"{data.size:,} characters, {tokenizer.vocab_size} distinct; {size:,} parameters")
    print(f"load average at the start: {Path('/proc/loadavg').read_text().strip()}")
    twin = theirs(model, args.lr, val, args.dtype) if args.compare_torch else None  # copies the initial weights
    our_val, our_time = train(*ours(model, args.lr, val), batches, args.eval_every, "ours")
    print(f"ours: validation loss {our_val:.6f} after {args.steps} steps, {our_time:.1f} s of training")
    if twin is not None:
        import torch

        torch.set_num_threads(args.threads)
        their_val, their_time = train(*twin, batches, args.eval_every, "torch")
        print(f"torch: validation loss {their_val:.6f} after {args.steps} steps, {their_time:.1f} s of training")
        difference = abs(our_val - their_val) / their_val
        print(f"relative difference {difference:.2e} ({difference:.4%}); time ours/torch {our_time / their_time:.2f}")
    print(f"load average at the end: {Path('/proc/loadavg').read_text().strip()}")
    prompt = tl.tensor(tokenizer.encode("Elizabeth")[None])
    sample = model.generate(prompt, 300, temperature=0.8, generator=tl.Generator().manual_seed(args.seed))
    print(tokenizer.decode(sample[0]))


if __name__ == "__main__":
    main()
