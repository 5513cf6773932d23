"""Data-parallel training of LeNet-5 on the bundled MNIST sample, written as nanoGPT's train.py is.

    python examples/ddp_train.py [--steps 50]                                         # one process
    python -m tinygrad_lenet.distributed.run --nproc-per-node 2 examples/ddp_train.py  # two ranks

``--batch-size`` is the global batch: each of the N ranks reads its ``1/N`` of it (a
``DistributedSampler``) and ``DistributedDataParallel`` averages the gradients, so N ranks take the
same steps as one process, up to float round-off, and print the same losses. The master process
(rank 0) prints, evaluates and saves the weights (``--out``).
"""

from __future__ import annotations

import argparse
import os
import time

import tinygrad_lenet as tl
import tinygrad_lenet.distributed as dist
import tinygrad_lenet.nn.functional as F
from tinygrad_lenet.data import MNIST, input_transform
from tinygrad_lenet.distributed import destroy_process_group, init_process_group
from tinygrad_lenet.models import LeNet5
from tinygrad_lenet.nn.parallel import DistributedDataParallel as DDP
from tinygrad_lenet.utils.data import DataLoader, DistributedSampler

parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
parser.add_argument("--steps", type=int, default=50, help="optimizer steps (default: 50)")
parser.add_argument("--batch-size", type=int, default=64, help="the global batch, over all ranks (default: 64)")
parser.add_argument("--gradient-accumulation-steps", type=int, default=1, help="micro-batches per step")
parser.add_argument("--lr", type=float, default=1e-3, help="Adam's learning rate (default: 1e-3)")
parser.add_argument("--seed", type=int, default=0, help="seeds the weights and the order of the samples")
parser.add_argument("--out", default="ddp_lenet5.safetensors", help="where the master process saves the weights")
args = parser.parse_args()

# -----------------------------------------------------------------------------
ddp = int(os.environ.get("RANK", -1)) != -1  # is this a ddp run?
if ddp:
    init_process_group(backend="gloo")
    ddp_rank = int(os.environ["RANK"])
    ddp_world_size = int(os.environ["WORLD_SIZE"])
    master_process = ddp_rank == 0  # this process will do logging, checkpointing etc.
else:
    ddp_rank, ddp_world_size, master_process = 0, 1, True
micro_batches = ddp_world_size * args.gradient_accumulation_steps
assert args.batch_size % micro_batches == 0, "the batch must split evenly over ranks and micro-batches"
micro_batch_size = args.batch_size // micro_batches
if master_process:
    print(f"world size {ddp_world_size}, {micro_batch_size} samples per micro-batch, global batch {args.batch_size}")

# data: every rank draws the same permutation (seed) and reads every world_size-th sample of it
train_set = MNIST.sample(train=True, transform=input_transform(32))
sampler = DistributedSampler(train_set, num_replicas=ddp_world_size, rank=ddp_rank, seed=args.seed)
loader = DataLoader(train_set, micro_batch_size, sampler=sampler, drop_last=True)


def batches():
    epoch = 0
    while True:
        sampler.set_epoch(epoch)
        yield from loader
        epoch += 1


# model: each rank builds it; DDP copies rank 0's weights to the others
tl.manual_seed(args.seed)
model = LeNet5()
if ddp:
    model = DDP(model)
raw_model = model.module if ddp else model  # unwrap DDP container if needed
optimizer = tl.optim.Adam(model.parameters(), lr=args.lr)

data = batches()
start = time.perf_counter()
for step in range(args.steps):
    optimizer.zero_grad()
    loss_sum = tl.zeros(())
    for micro_step in range(args.gradient_accumulation_steps):
        x, y = next(data)
        if ddp:
            # only the last micro-step's backward pass averages the gradients over the ranks
            model.require_backward_grad_sync = micro_step == args.gradient_accumulation_steps - 1
        loss = F.cross_entropy(model(x), y) / args.gradient_accumulation_steps
        loss.backward()
        loss_sum = loss_sum + loss.detach()
    optimizer.step()
    if ddp:
        dist.all_reduce(loss_sum, op=dist.ReduceOp.AVG)  # the loss of the whole global batch, for the log
    if master_process:
        print(f"step {step} loss {loss_sum.item():.6f}")

if master_process:
    test_set = MNIST.sample(train=False, transform=input_transform(32))
    correct = 0
    with tl.no_grad():
        for x, y in DataLoader(test_set, 500):
            correct += int((raw_model(x).argmax(1) == y).sum().item())
    print(f"{time.perf_counter() - start:.1f} s; test accuracy {100 * correct / len(test_set):.2f}%")
    tl.save(raw_model.state_dict(), args.out)
    print(f"saved {args.out}")
if ddp:
    destroy_process_group()
