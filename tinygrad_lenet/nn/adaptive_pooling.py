"""Pooling modules to a given output size, as PyTorch's: adaptive average and max pooling in 1, 2 and
3 dims, and fractional max pooling in 2 and 3 (windows at pseudo-random offsets)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ..tensor.tensor import Tensor
from . import functional as F
from .conv_functions import ntuple
from .module import Module

Size = int | Sequence[int]
OutputSize = int | None | Sequence[int | None]


class _AdaptivePool(Module):
    """Pooling over a grid of ``output_size`` bins, whatever the input size (None keeps an axis)."""

    pool: Callable[..., Any]

    def __init__(self, output_size: OutputSize) -> None:
        super().__init__()
        self.output_size = output_size

    def forward(self, input: Tensor) -> Any:
        return self.pool(input, self.output_size)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


class AdaptiveAvgPool1d(_AdaptivePool):
    """Average over ``output_size`` adaptive bins of (N, C, L) or (C, L) input."""

    pool = staticmethod(F.adaptive_avg_pool1d)


class AdaptiveAvgPool2d(_AdaptivePool):
    """Average over a grid of ``output_size`` bins of (N, C, H, W) or (C, H, W) input (``F.adaptive_avg_pool2d``)."""

    pool = staticmethod(F.adaptive_avg_pool2d)


class AdaptiveAvgPool3d(_AdaptivePool):
    """Average over a grid of ``output_size`` bins of (N, C, D, H, W) or (C, D, H, W) input."""

    pool = staticmethod(F.adaptive_avg_pool3d)


class _AdaptiveMaxPool(_AdaptivePool):
    """Maximum over adaptive bins; with ``return_indices`` also each maximum's flat index."""

    def __init__(self, output_size: OutputSize, return_indices: bool = False) -> None:
        super().__init__(output_size)
        self.return_indices = return_indices

    def forward(self, input: Tensor) -> Any:
        return self.pool(input, self.output_size, self.return_indices)


class AdaptiveMaxPool1d(_AdaptiveMaxPool):
    """Maximum over ``output_size`` adaptive bins of (N, C, L) or (C, L) input."""

    pool = staticmethod(F.adaptive_max_pool1d)


class AdaptiveMaxPool2d(_AdaptiveMaxPool):
    """Maximum over a grid of ``output_size`` bins of (N, C, H, W) or (C, H, W) input."""

    pool = staticmethod(F.adaptive_max_pool2d)


class AdaptiveMaxPool3d(_AdaptiveMaxPool):
    """Maximum over a grid of ``output_size`` bins of (N, C, D, H, W) or (C, D, H, W) input."""

    pool = staticmethod(F.adaptive_max_pool3d)


class _FractionalMaxPoolNd(Module):
    """Max over windows at pseudo-random increasing offsets (Graham's fractional max pooling), to
    ``output_size`` or ``output_ratio`` of the input; ``_random_samples`` (a buffer) fixes the offsets."""

    spatial_dims: int
    pool: Callable[..., Any]

    def __init__(
        self,
        kernel_size: Size,
        output_size: Size | None = None,
        output_ratio: float | Sequence[float] | None = None,
        return_indices: bool = False,
        _random_samples: Tensor | None = None,
    ) -> None:
        super().__init__()
        name, d = type(self).__name__, self.spatial_dims
        self.kernel_size = ntuple(kernel_size, d, "kernel_size", name, 1)
        self.return_indices = return_indices
        self.register_buffer("_random_samples", _random_samples)
        self.output_size = None if output_size is None else ntuple(output_size, d, "output_size", name, 1)
        ratios = (output_ratio,) * d if isinstance(output_ratio, (int, float)) else output_ratio
        self.output_ratio = None if ratios is None else tuple(ratios)
        if (output_size is None) == (output_ratio is None):
            raise ValueError(f"{name}: give exactly one of output_size and output_ratio")
        if self.output_ratio is not None and not all(0 < r < 1 for r in self.output_ratio):
            raise ValueError(f"{name}: output_ratio must lie strictly between 0 and 1, got {output_ratio!r}")

    def forward(self, input: Tensor) -> Any:
        return self.pool(
            input,
            self.kernel_size,
            self.output_size,
            self.output_ratio,
            self.return_indices,
            _random_samples=self._random_samples,
        )


class FractionalMaxPool2d(_FractionalMaxPoolNd):
    """Fractional max pooling of (N, C, H, W) or (C, H, W) input (``F.fractional_max_pool2d``)."""

    spatial_dims = 2
    pool = staticmethod(F.fractional_max_pool2d)


class FractionalMaxPool3d(_FractionalMaxPoolNd):
    """Fractional max pooling of (N, C, D, H, W) or (C, D, H, W) input (``F.fractional_max_pool3d``)."""

    spatial_dims = 3
    pool = staticmethod(F.fractional_max_pool3d)
