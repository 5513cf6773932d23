"""Train examples/train_gpt.py's GPT twice, ours and the same model in PyTorch (examples/gpt_torch.py),
from the same initial weights on the same batches, and print both validation losses and times.

    python examples/compare_gpt_torch.py [--steps 300] [--seed 0] [--threads 1]

float32, dropout 0, AdamW as in train_gpt.py; one BLAS thread each by default (torch.set_num_threads
and tl.set_num_threads). The times are those of the training steps only; the load average is
printed before and after, as other programs on the machine change them. docs/results.md has the figures.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from typing import Any

import torch
from gpt_torch import torch_copy
from train_gpt import Batch, draw_batches, evaluate, make_optimizer, prepare, train_step

import tinygrad_lenet as tl
from tinygrad_lenet.models import GPT, GPTConfig


def run(T: Any, model: Any, train: list[Batch], val: list[Batch], eval_every: int) -> tuple[list[float], float]:
    """Train on ``train`` batch by batch; the validation losses every ``eval_every`` steps, and the
    seconds the training steps took."""
    optimizer, losses, seconds = make_optimizer(T, model, 1e-3), [], 0.0
    for step, batch in enumerate(train, 1):
        start = time.perf_counter()
        train_step(T, model, optimizer, batch)
        seconds += time.perf_counter() - start
        if step % eval_every == 0:
            losses.append(evaluate(T, model, val))
    return losses, seconds


def cpu_name() -> str:
    """The processor's model name (Linux), else what ``platform`` knows."""
    if os.path.exists("/proc/cpuinfo"):
        with open("/proc/cpuinfo") as info:
            names = [line.split(":", 1)[1].strip() for line in info if line.startswith("model name")]
        if names:
            return f"{names[0]} ({len(names)} cores)"
    return platform.processor() or platform.machine()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=300, help="training steps (default: 300)")
    parser.add_argument("--seed", type=int, default=0, help="seeds the weights and the batches")
    parser.add_argument("--threads", type=int, default=1, help="BLAS threads for each framework (default: 1)")
    args = parser.parse_args()
    tl.set_num_threads(args.threads)
    torch.set_num_threads(args.threads)
    tl.manual_seed(args.seed)
    tokenizer, train_ids, val_batches = prepare(args.seed)
    config = GPTConfig(tokenizer.vocab_size, block_size=64, n_layer=3, n_head=4, n_embd=96)
    ours = GPT(config)
    theirs = torch_copy(ours, config)
    batches = draw_batches(train_ids, args.steps, args.seed)
    eval_every = max(1, args.steps // 3)
    load_before = os.getloadavg()
    results = {"tinygrad_lenet": run(tl, ours, batches, val_batches, eval_every)}
    results["PyTorch " + torch.__version__] = run(torch, theirs, batches, val_batches, eval_every)
    load_after = os.getloadavg()
    print(f"{config}, {args.steps} steps of batch 32, {args.threads} BLAS thread(s), {cpu_name()}")
    print(f"val loss at steps {list(range(eval_every, args.steps + 1, eval_every))}:")
    for name, (losses, seconds) in results.items():
        figures = ", ".join(f"{v:.4f}" for v in losses)
        print(f"  {name:<20} {figures}   {seconds:.1f} s ({seconds / args.steps * 1e3:.0f} ms/step)")
    (ours_losses, ours_s), (torch_losses, torch_s) = results.values()
    difference = abs(ours_losses[-1] - torch_losses[-1]) / torch_losses[-1]
    print(f"final val loss {ours_losses[-1]:.6f} vs {torch_losses[-1]:.6f}: relative difference {difference:.2e}")
    print(f"time ours/PyTorch {ours_s / torch_s:.2f}x")
    print(f"load average (1, 5, 15 min) before {load_before}, after {load_after}")


if __name__ == "__main__":
    main()
