"""``DistributedDataParallel``: one model copy per rank, gradients averaged after every backward pass.

Each rank runs the same model on its share of the batch. At construction the parameters and buffers
are copied from rank 0, so every copy starts equal; after ``loss.backward()`` every parameter's
gradient is replaced by the mean over the ranks, so every optimizer step is the same everywhere and
the copies stay equal. With a loss that is a mean over each rank's equal share of a batch, the mean
of the ranks' gradients is the gradient of the whole batch: N ranks with batch B/N each take the same
steps as one process with batch B (to float round-off; tests/test_distributed.py).

The gradients travel in a few flat buckets (``bucket_cap_mb``), one MPI Allreduce each, all started
before any is waited for. ``no_sync()`` skips the averaging (gradients accumulate locally) until a
backward pass outside it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

from ...autodiff.engine import queue_callback
from ...autodiff.grad_mode import STATE
from ...distributed.collectives import all_reduce_array, wait
from ...distributed.process_group import ReduceOp, _group_of
from ...tensor.tensor import Tensor
from ..module import Module


def _same_as_rank_0(tensors: list[Tensor], group: Any) -> None:
    """Overwrite ``tensors`` with rank 0's, one flat broadcast per dtype."""
    for dtype in dict.fromkeys(t._array.dtype for t in tensors):
        chosen = [t for t in tensors if t._array.dtype == dtype]
        flat = np.concatenate([t._array.ravel() for t in chosen])
        wait(group.comm.Ibcast(flat, root=0))
        start = 0
        for t in chosen:
            t._array[...] = flat[start : start + t._array.size].reshape(t.shape)
            start += t._array.size


def _grad_of(p: Tensor) -> np.ndarray:
    """A parameter's gradient, zeros where this rank's backward pass left none (an unused parameter)."""
    return p.grad._array if p.grad is not None else np.zeros_like(p._array)


class DistributedDataParallel(Module):
    """Wrap ``module`` so that its gradients are averaged over the ranks (PyTorch's signature; the
    device arguments are accepted for CPU scripts and unused). ``.module`` is the wrapped model, and the
    state dict's keys start with ``module.``, as in PyTorch."""

    def __init__(
        self,
        module: Module,
        device_ids: Any = None,
        output_device: Any = None,
        dim: int = 0,
        broadcast_buffers: bool = True,
        process_group: Any = None,
        bucket_cap_mb: float | None = 25,
        find_unused_parameters: bool = False,
        check_reduction: bool = False,
        gradient_as_bucket_view: bool = False,
        static_graph: bool = False,
    ) -> None:
        super().__init__()
        if not isinstance(module, Module):
            raise TypeError(f"DistributedDataParallel wraps a Module, got {type(module).__name__}")
        self.module = module
        group = _group_of(process_group)
        object.__setattr__(self, "group", group)
        self.broadcast_buffers = broadcast_buffers
        self.require_backward_grad_sync = True
        self._queued = False
        params = [p for p in module.parameters() if p.requires_grad]
        if group.size > 1:
            _same_as_rank_0(list(module.parameters()) + list(module.buffers()), group)
        cap = int((bucket_cap_mb or 25) * 2**20)
        self.buckets: list[list[Tensor]] = []
        for dtype in dict.fromkeys(p._array.dtype for p in params):
            bucket: list[Tensor] = []
            size = 0
            for p in (q for q in params if q._array.dtype == dtype):
                if bucket and size + p._array.nbytes > cap:
                    self.buckets.append(bucket)
                    bucket, size = [], 0
                bucket.append(p)
                size += p._array.nbytes
            if bucket:
                self.buckets.append(bucket)

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        buffers = list(self.module.buffers())
        if self.broadcast_buffers and buffers and self.group.size > 1:
            _same_as_rank_0(buffers, self.group)
        output = self.module(*args, **kwargs)
        if STATE.grad_enabled and self.require_backward_grad_sync and self.group.size > 1:
            for t in output if isinstance(output, (tuple, list)) else (output,):
                if isinstance(t, Tensor) and t.requires_grad:
                    t.register_hook(self._on_output_grad)
        return output

    def _on_output_grad(self, grad: Tensor) -> None:
        """The backward pass reached an output: average the gradients once it is over."""
        if not self._queued:
            self._queued = True
            queue_callback(self._average_gradients)

    def _average_gradients(self) -> None:
        """Replace every parameter's gradient by its mean over the ranks (a missing one counts as zeros);
        a parameter no rank's backward pass reached keeps no gradient, as in one process (an optimizer
        skips it, where zeros would still decay it)."""
        self._queued = False
        params = [p for bucket in self.buckets for p in bucket]
        used = np.array([p.grad is not None for p in params], dtype=np.uint8)
        used_request = all_reduce_array(used, ReduceOp.MAX, self.group)
        flats, requests = [], []
        for bucket in self.buckets:
            flat = np.concatenate([_grad_of(p).ravel() for p in bucket])
            flats.append(flat)
            requests.append(all_reduce_array(flat, ReduceOp.SUM, self.group))
        wait(used_request)
        used_anywhere = iter(used)  # in the order of the buckets' parameters
        for bucket, flat, request in zip(self.buckets, flats, requests):
            wait(request)
            flat /= self.group.size
            start = 0
            for p in bucket:
                part = flat[start : start + p._array.size].reshape(p.shape)
                start += p._array.size
                if not next(used_anywhere):
                    continue
                if p.grad is None:
                    p.grad = Tensor._make(part)
                else:
                    p.grad._array = part

    @contextmanager
    def no_sync(self) -> Iterator[None]:
        """Backward passes inside the block accumulate gradients locally, without averaging (gradient
        accumulation: the first backward pass after it averages the accumulated gradients)."""
        previous = self.require_backward_grad_sync
        self.require_backward_grad_sync = False
        try:
            yield
        finally:
            self.require_backward_grad_sync = previous
