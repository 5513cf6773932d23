"""Normalisation over each sample's last dims: ``LayerNorm`` and ``RMSNorm``, as in transformers.

Both compute through ``F.layer_norm`` / ``F.rms_norm``; their parameters have PyTorch's names and
shapes (``weight`` and, for LayerNorm, ``bias``, both of shape ``normalized_shape``), so state_dicts
move between the two frameworks.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..base import dtypes
from ..base.devices import check_device
from ..tensor.tensor import Tensor
from . import functional as F
from .module import Module, Parameter


def _sizes(normalized_shape: int | Sequence[int], name: str) -> tuple[int, ...]:
    """``normalized_shape`` as a tuple of non-negative ints (an int is one trailing dim)."""
    sizes = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    if not sizes or not all(isinstance(s, int) and s >= 0 for s in sizes):
        raise ValueError(
            f"{name}: normalized_shape must be an int or a non-empty sequence of ints, got {normalized_shape!r}"
        )
    return sizes


def _filled(shape: tuple[int, ...], value: float, dtype: Any) -> Parameter:
    dt = dtypes.DEFAULT_FLOAT if dtype is None else dtypes.to_dtype(dtype)
    return Parameter(np.full(shape, value, dtype=dt))


class LayerNorm(Module):
    """y = (x - mean) / sqrt(var + eps) * weight + bias, the mean and biased variance taken over the
    last dims given by ``normalized_shape``, separately for each sample and position.

    ``elementwise_affine=False`` learns no weight or bias; ``bias=False`` learns the weight only.
    """

    def __init__(
        self,
        normalized_shape: int | Sequence[int],
        eps: float = 1e-5,
        elementwise_affine: bool = True,
        bias: bool = True,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        check_device(device or "cpu")
        self.normalized_shape = _sizes(normalized_shape, "LayerNorm")
        self.eps, self.elementwise_affine = eps, elementwise_affine
        self.weight = _filled(self.normalized_shape, 1.0, dtype) if elementwise_affine else None
        self.bias = _filled(self.normalized_shape, 0.0, dtype) if elementwise_affine and bias else None

    def forward(self, input: Tensor) -> Tensor:
        return F.layer_norm(input, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (
            f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}, "
            f"bias={self.bias is not None}"
        )


class RMSNorm(Module):
    """y = x / sqrt(mean(x^2) + eps) * weight, the mean over the last dims given by ``normalized_shape``.

    ``eps=None`` takes the input dtype's machine epsilon, as PyTorch; ``elementwise_affine=False``
    learns no weight.
    """

    def __init__(
        self,
        normalized_shape: int | Sequence[int],
        eps: float | None = None,
        elementwise_affine: bool = True,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        check_device(device or "cpu")
        self.normalized_shape = _sizes(normalized_shape, "RMSNorm")
        self.eps, self.elementwise_affine = eps, elementwise_affine
        self.weight = _filled(self.normalized_shape, 1.0, dtype) if elementwise_affine else None

    def forward(self, x: Tensor) -> Tensor:
        return F.rms_norm(x, self.normalized_shape, self.weight, self.eps)

    def extra_repr(self) -> str:
        return f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}"
