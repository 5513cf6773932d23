"""Pooling modules over windows of a given size, in 1, 2 and 3 dims, as PyTorch's: max, average and
power-average (LPPool) pooling; the pools to a given output size are in ``adaptive_pooling.py``.

Each keeps its arguments as PyTorch's does (so ``extra_repr`` reads the same) and calls its
functional; MaxPool2d and AvgPool2d call ``F.max_pool2d`` / ``F.avg_pool2d``, whose plain cases
(LeNet-5's) take the fast 2-D ops.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ..tensor.tensor import Tensor
from . import functional as F
from .conv_functions import ntuple
from .module import Module

Size = int | Sequence[int]


class _MaxPoolNd(Module):
    """Maximum over each window; with ``return_indices`` also each maximum's flat index."""

    spatial_dims: int
    pool: Callable[..., Any]

    def __init__(
        self,
        kernel_size: Size,
        stride: Size | None = None,
        padding: Size = 0,
        dilation: Size = 1,
        return_indices: bool = False,
        ceil_mode: bool = False,
    ) -> None:
        super().__init__()
        name, d = type(self).__name__, self.spatial_dims
        ntuple(kernel_size, d, "kernel_size", name, 1)
        ntuple(padding, d, "padding", name)
        ntuple(dilation, d, "dilation", name, 1)
        self.kernel_size, self.padding, self.dilation = kernel_size, padding, dilation
        self.stride = kernel_size if stride is None else stride
        ntuple(self.stride, d, "stride", name, 1)
        self.return_indices, self.ceil_mode = return_indices, ceil_mode

    def forward(self, input: Tensor) -> Any:
        return self.pool(
            input, self.kernel_size, self.stride, self.padding, self.dilation, self.ceil_mode, self.return_indices
        )

    def extra_repr(self) -> str:
        return (
            f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
            f"dilation={self.dilation}, ceil_mode={self.ceil_mode}"
        )


class MaxPool1d(_MaxPoolNd):
    """Maximum over each window of (N, C, L) or (C, L) input (``F.max_pool1d``)."""

    spatial_dims = 1
    pool = staticmethod(F.max_pool1d)


class MaxPool2d(_MaxPoolNd):
    """Maximum over each window of (N, C, H, W) or (C, H, W) input (``F.max_pool2d``)."""

    spatial_dims = 2
    pool = staticmethod(F.max_pool2d)


class MaxPool3d(_MaxPoolNd):
    """Maximum over each window of (N, C, D, H, W) or (C, D, H, W) input (``F.max_pool3d``)."""

    spatial_dims = 3
    pool = staticmethod(F.max_pool3d)


class _AvgPoolNd(Module):
    """Mean over each window: zero padding counted unless ``count_include_pad`` is False, the window's
    size replaced by ``divisor_override`` where given."""

    spatial_dims: int
    pool: Callable[..., Tensor]

    def __init__(
        self,
        kernel_size: Size,
        stride: Size | None = None,
        padding: Size = 0,
        ceil_mode: bool = False,
        count_include_pad: bool = True,
        divisor_override: int | None = None,
    ) -> None:
        super().__init__()
        name, d = type(self).__name__, self.spatial_dims
        ntuple(kernel_size, d, "kernel_size", name, 1)
        ntuple(padding, d, "padding", name)
        self.kernel_size, self.padding = kernel_size, padding
        self.stride = kernel_size if stride is None else stride
        ntuple(self.stride, d, "stride", name, 1)
        if divisor_override is not None and divisor_override == 0:
            raise ValueError(f"{name}: divisor_override must not be zero")
        self.ceil_mode, self.count_include_pad, self.divisor_override = ceil_mode, count_include_pad, divisor_override

    def forward(self, input: Tensor) -> Tensor:
        return self.pool(
            input,
            self.kernel_size,
            self.stride,
            self.padding,
            self.ceil_mode,
            self.count_include_pad,
            self.divisor_override,
        )

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AvgPool1d(_AvgPoolNd):
    """Mean over each window of (N, C, L) or (C, L) input (``F.avg_pool1d``)."""

    spatial_dims = 1

    def __init__(
        self,
        kernel_size: Size,
        stride: Size | None = None,
        padding: Size = 0,
        ceil_mode: bool = False,
        count_include_pad: bool = True,
    ) -> None:
        super().__init__(kernel_size, stride, padding, ceil_mode, count_include_pad)
        self.kernel_size = ntuple(kernel_size, 1, "kernel_size", "AvgPool1d", 1)
        self.stride = ntuple(self.stride, 1, "stride", "AvgPool1d", 1)
        self.padding = ntuple(padding, 1, "padding", "AvgPool1d")

    def forward(self, input: Tensor) -> Tensor:
        return F.avg_pool1d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode, self.count_include_pad)


class AvgPool2d(_AvgPoolNd):
    """Mean over each window of (N, C, H, W) or (C, H, W) input (``F.avg_pool2d``)."""

    spatial_dims = 2
    pool = staticmethod(F.avg_pool2d)


class AvgPool3d(_AvgPoolNd):
    """Mean over each window of (N, C, D, H, W) or (C, D, H, W) input (``F.avg_pool3d``)."""

    spatial_dims = 3
    pool = staticmethod(F.avg_pool3d)


class _LPPoolNd(Module):
    """The p-norm of each window, (sum of x^p)^(1/p), p = ``norm_type``."""

    pool: Callable[..., Tensor]

    def __init__(
        self, norm_type: float, kernel_size: Size, stride: Size | None = None, ceil_mode: bool = False
    ) -> None:
        super().__init__()
        self.norm_type, self.kernel_size, self.stride, self.ceil_mode = norm_type, kernel_size, stride, ceil_mode

    def forward(self, input: Tensor) -> Tensor:
        return self.pool(input, float(self.norm_type), self.kernel_size, self.stride, self.ceil_mode)

    def extra_repr(self) -> str:
        return (
            f"norm_type={self.norm_type}, kernel_size={self.kernel_size}, stride={self.stride}, "
            f"ceil_mode={self.ceil_mode}"
        )


class LPPool1d(_LPPoolNd):
    """The p-norm of each window of (N, C, L) or (C, L) input."""

    pool = staticmethod(F.lp_pool1d)


class LPPool2d(_LPPoolNd):
    """The p-norm of each window of (N, C, H, W) or (C, H, W) input."""

    pool = staticmethod(F.lp_pool2d)


class LPPool3d(_LPPoolNd):
    """The p-norm of each window of (N, C, D, H, W) or (C, D, H, W) input."""

    pool = staticmethod(F.lp_pool3d)
