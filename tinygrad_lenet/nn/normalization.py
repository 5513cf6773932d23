"""Batch normalisation over the channel dim (``BatchNorm1d``, ``BatchNorm2d``, ``BatchNorm3d``).

y = (x - mean) / sqrt(var + eps) * weight + bias, per channel. In training mean and var are
the batch's (biased var), and the running estimates move towards them by ``momentum`` (the
running var uses the unbiased batch var, as PyTorch); in eval the running estimates are used.
Composed from primitive ops, so its gradient needs no rule of its own.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..base import dtypes
from ..base.devices import check_device
from ..base.errors import ShapeError
from ..base.recording import note_graph_break
from ..tensor.tensor import Tensor
from .module import Module, Parameter
from .normalization_functions import RUNNING_STATS_BREAK, _affine


class _NormBase(Module):
    """What batch and instance norm share (PyTorch's ``_NormBase``): the per-channel affine parameters, the
    running statistics as buffers when tracked (None otherwise, so state_dicts have PyTorch's keys), and the repr."""

    def __init__(
        self,
        num_features: int,
        eps: float = 1e-5,
        momentum: float | None = 0.1,
        affine: bool = True,
        track_running_stats: bool = True,
        device: Any = None,
        dtype: Any = None,
        *,
        bias: bool = True,
    ) -> None:
        super().__init__()
        check_device(device or "cpu")
        dt = dtypes.DEFAULT_FLOAT if dtype is None else dtypes.to_dtype(dtype)
        self.num_features, self.eps, self.momentum = num_features, eps, momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        self.weight = Parameter(np.ones(num_features, dtype=dt)) if affine else None
        self.bias = Parameter(np.zeros(num_features, dtype=dt)) if affine and bias else None
        tracked = track_running_stats
        self.register_buffer("running_mean", Tensor(np.zeros(num_features, dtype=dt)) if tracked else None)
        self.register_buffer("running_var", Tensor(np.ones(num_features, dtype=dt)) if tracked else None)
        self.register_buffer("num_batches_tracked", Tensor(np.array(0, dtype=np.int64)) if tracked else None)

    def reset_running_stats(self) -> None:
        """Running mean 0, running variance 1, no batches counted (nothing to do when not tracked)."""
        if self.track_running_stats:
            self.running_mean._array = np.zeros_like(self.running_mean._array)
            self.running_var._array = np.ones_like(self.running_var._array)
            self.num_batches_tracked._array = np.zeros_like(self.num_batches_tracked._array)

    def _count_batch(self) -> None:
        """num_batches_tracked += 1, outside the ops (so a compiled call with it runs eagerly)."""
        note_graph_break(RUNNING_STATS_BREAK)
        self.num_batches_tracked._array = np.asarray(self.num_batches_tracked._array + 1)

    def _update_running_stats(self, mean: np.ndarray, unbiased_var: np.ndarray) -> None:
        """running = (1 - momentum) running + momentum batch; a cumulative average if momentum is None."""
        self._count_batch()
        m = 1.0 / float(self.num_batches_tracked._array) if self.momentum is None else self.momentum
        dt = self.running_mean.dtype
        self.running_mean._array = ((1 - m) * self.running_mean._array + m * mean).astype(dt)
        self.running_var._array = ((1 - m) * self.running_var._array + m * unbiased_var).astype(dt)

    def extra_repr(self) -> str:
        return (
            f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, "
            f"bias={self.bias is not None}, track_running_stats={self.track_running_stats}"
        )


class _BatchNorm(_NormBase):
    allowed_ndims: tuple[int, ...] = ()

    def _check(self, x: Tensor) -> None:
        name = type(self).__name__
        if x.ndim not in self.allowed_ndims or x.shape[1] != self.num_features:
            raise ShapeError(
                f"{name}({self.num_features}): expected input with {' or '.join(map(str, self.allowed_ndims))} "
                f"dims and {self.num_features} channels in dim 1, got shape {x.shape}"
            )

    def forward(self, input: Tensor) -> Tensor:
        self._check(input)
        shape = (1, self.num_features) + (1,) * (input.ndim - 2)
        return _affine(self._normalized(input, shape), self.weight, self.bias, shape)

    def _normalized(self, x: Tensor, shape: tuple[int, ...]) -> Tensor:
        """(x - mean) / sqrt(var + eps): the batch's statistics in training (or without running ones), else
        the running ones. An empty batch passes through, as PyTorch's: the batch count moves on, the
        running statistics do not."""
        if self.training or not self.track_running_stats:
            count = x.numel() // max(self.num_features, 1)
            if count == 1:
                raise ValueError(
                    f"{type(self).__name__}: expected more than 1 value per channel when training, got input of "
                    f"shape {x.shape}; use a batch larger than 1, or call model.eval() to use running statistics"
                )
            if count == 0:
                if self.training and self.track_running_stats:
                    self._count_batch()
                return x * 1.0
            axes = (0,) + tuple(range(2, x.ndim))
            mean = x.mean(axes, keepdim=True)
            var = x.var(axes, keepdim=True, correction=0)
            if self.training and self.track_running_stats:
                self._update_running_stats(mean._array.reshape(-1), var._array.reshape(-1) * count / (count - 1))
        else:  # through an op, so that a compiled replay reads the statistics current at each call
            mean = self.running_mean.reshape(shape)
            var = self.running_var.reshape(shape)
        return (x - mean) / (var + self.eps).sqrt()


class BatchNorm1d(_BatchNorm):
    """Batch norm of (N, C) or (N, C, L) input, e.g. after a Linear layer."""

    allowed_ndims = (2, 3)


class BatchNorm2d(_BatchNorm):
    """Batch norm of (N, C, H, W) input, per channel over N, H and W, e.g. after a Conv2d."""

    allowed_ndims = (4,)


class BatchNorm3d(_BatchNorm):
    """Batch norm of (N, C, D, H, W) input, per channel over N, D, H and W, e.g. after a Conv3d."""

    allowed_ndims = (5,)
