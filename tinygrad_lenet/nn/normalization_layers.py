"""Normalization modules beyond batch norm: ``GroupNorm``, ``InstanceNorm1d/2d/3d`` and ``LocalResponseNorm``.

Each calls its ``nn.functional`` form (``nn/normalization_functions.py``), composed of primitive ops, so no
gradient rule of its own. Parameter and buffer names, shapes, defaults and reprs are PyTorch's.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from ..base import dtypes
from ..base.devices import check_device
from ..base.errors import ShapeError
from ..tensor.tensor import Tensor
from .module import Module, Parameter
from .normalization import _NormBase
from .normalization_functions import group_norm, instance_norm, local_response_norm


class GroupNorm(Module):
    """Split the ``num_channels`` channels (dim 1) into ``num_groups`` groups and normalize each group of each
    sample over its channels and spatial dims; ``affine`` adds a per-channel weight (ones) and bias (zeros)."""

    def __init__(
        self,
        num_groups: int,
        num_channels: int,
        eps: float = 1e-5,
        affine: bool = True,
        device: Any = None,
        dtype: Any = None,
        *,
        bias: bool = True,
    ) -> None:
        super().__init__()
        if num_groups <= 0 or num_channels % num_groups:
            raise ValueError(f"GroupNorm: num_channels ({num_channels}) must be divisible by num_groups ({num_groups})")
        check_device(device or "cpu")
        dt = dtypes.DEFAULT_FLOAT if dtype is None else dtypes.to_dtype(dtype)
        self.num_groups, self.num_channels, self.eps, self.affine = num_groups, num_channels, eps, affine
        self.weight = Parameter(np.ones(num_channels, dtype=dt)) if affine else None
        self.bias = Parameter(np.zeros(num_channels, dtype=dt)) if affine and bias else None

    def forward(self, input: Tensor) -> Tensor:
        if input.ndim < 2 or input.shape[1] != self.num_channels:
            raise ShapeError(
                f"GroupNorm: expected input of shape (N, {self.num_channels}, ...) (its channels in dim 1), "
                f"got {input.shape}"
            )
        return group_norm(input, self.num_groups, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        bias = self.bias is not None
        return f"{self.num_groups}, {self.num_channels}, eps={self.eps}, affine={self.affine}, bias={bias}"


class _InstanceNorm(_NormBase):
    """Instance norm: each (sample, channel) normalized over its spatial dims. Input without the batch dim is
    taken as a batch of one; with ``track_running_stats`` the running statistics are kept in training and used
    in eval, as PyTorch's."""

    spatial_dims = 0

    def __init__(
        self,
        num_features: int,
        eps: float = 1e-5,
        momentum: float | None = 0.1,
        affine: bool = False,
        track_running_stats: bool = False,
        device: Any = None,
        dtype: Any = None,
        *,
        bias: bool = True,
    ) -> None:
        super().__init__(num_features, eps, momentum, affine, track_running_stats, device, dtype, bias=bias)

    def forward(self, input: Tensor) -> Tensor:
        name, unbatched = type(self).__name__, self.spatial_dims + 1
        if input.ndim not in (unbatched, unbatched + 1):
            raise ShapeError(
                f"{name}: expected {unbatched}-d (unbatched) or {unbatched + 1}-d input, got shape {input.shape}"
            )
        if input.ndim == unbatched:
            return self.forward(input.unsqueeze(0)).squeeze(0)
        if input.shape[1] != self.num_features:
            if self.affine:
                raise ShapeError(
                    f"{name}: expected input with {self.num_features} channels in dim 1 (num_features), "
                    f"got shape {input.shape}"
                )
            warnings.warn(
                f"{name}: input has {input.shape[1]} channels in dim 1 but num_features is {self.num_features}; "
                "it is ignored since affine=False",
                stacklevel=2,
            )
        use_input_stats = self.training or not self.track_running_stats
        momentum = 0.0 if self.momentum is None else self.momentum
        running_mean, running_var = self.running_mean, self.running_var
        return instance_norm(
            input, running_mean, running_var, self.weight, self.bias, use_input_stats, momentum, self.eps
        )


class InstanceNorm1d(_InstanceNorm):
    """Instance norm of (N, C, L) or unbatched (C, L) input."""

    spatial_dims = 1


class InstanceNorm2d(_InstanceNorm):
    """Instance norm of (N, C, H, W) or unbatched (C, H, W) input."""

    spatial_dims = 2


class InstanceNorm3d(_InstanceNorm):
    """Instance norm of (N, C, D, H, W) or unbatched (C, D, H, W) input."""

    spatial_dims = 3


class LocalResponseNorm(Module):
    """x / (k + alpha / size * the sum of x^2 over ``size`` neighbouring channels)^beta (AlexNet's), on input
    of shape (N, C, ...)."""

    def __init__(self, size: int, alpha: float = 1e-4, beta: float = 0.75, k: float = 1.0) -> None:
        super().__init__()
        self.size, self.alpha, self.beta, self.k = size, alpha, beta, k

    def forward(self, input: Tensor) -> Tensor:
        return local_response_norm(input, self.size, self.alpha, self.beta, self.k)

    def extra_repr(self) -> str:
        return f"{self.size}, alpha={self.alpha}, beta={self.beta}, k={self.k}"
