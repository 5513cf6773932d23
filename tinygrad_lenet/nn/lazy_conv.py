"""Lazy convolutions, as PyTorch's: LazyConv1d/2d/3d and LazyConvTranspose1d/2d/3d.

They are built without ``in_channels``: the weight and bias are ``UninitializedParameter``s until the
first forward reads the channels from its input, gives them their shapes and initialises them as
the plain module would; the module then becomes that plain module (``cls_to_become``: a LazyConv2d
is a Conv2d from then on). ``load_state_dict`` also gives uninitialised parameters their shapes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..tensor.tensor import Tensor
from .conv import (
    Conv1d,
    Conv2d,
    Conv3d,
    ConvTranspose1d,
    ConvTranspose2d,
    ConvTranspose3d,
    Size,
    _Conv,
    _ConvNd,
    _ConvTranspose,
)
from .module import UninitializedParameter


class _LazyConvMixin(_ConvNd):
    """Infers in_channels and the parameters' shapes at the first forward, then becomes ``cls_to_become``."""

    lazy = True
    cls_to_become: type[_ConvNd]

    def has_uninitialized_params(self) -> bool:
        """Whether the weight or the bias has no shape yet."""
        return any(isinstance(p, UninitializedParameter) for p in (self.weight, self.bias))

    def initialize_parameters(self, input: Tensor) -> None:
        """Take in_channels from ``input`` (C, *spatial) or (N, C, *spatial); give the uninitialised
        parameters their shapes and draw them as the plain module does."""
        self.check_input(input)
        if self.in_channels == 0:
            channels = input.shape[-self.spatial_dims - 1]
            if channels % self.groups:
                raise ValueError(
                    f"{type(self).__name__}: groups={self.groups} must divide the input's {channels} channels"
                )
            self.in_channels = channels
        if self.has_uninitialized_params():
            for param, shape in ((self.weight, self._weight_shape()), (self.bias, (self.out_channels,))):
                if isinstance(param, UninitializedParameter):
                    param.materialize(shape)
            self.reset_parameters()

    def forward(self, input: Tensor, *args: Any) -> Tensor:
        self.initialize_parameters(input)
        self.__class__ = self.cls_to_become  # type: ignore[assignment]  # it becomes the plain module, as PyTorch's
        return self.forward(input, *args)


class _LazyConv(_LazyConvMixin, _Conv):
    def __init__(
        self,
        out_channels: int,
        kernel_size: Size,
        stride: Size = 1,
        padding: Size | str = 0,
        dilation: Size = 1,
        groups: int = 1,
        bias: bool = True,
        padding_mode: str = "zeros",
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__(
            0, out_channels, kernel_size, stride, padding, dilation, groups, bias, padding_mode, device, dtype
        )


class _LazyConvTranspose(_LazyConvMixin, _ConvTranspose):
    def __init__(
        self,
        out_channels: int,
        kernel_size: Size,
        stride: Size = 1,
        padding: Size = 0,
        output_padding: Size = 0,
        groups: int = 1,
        bias: bool = True,
        dilation: Size = 1,
        padding_mode: str = "zeros",
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__(
            0,
            out_channels,
            kernel_size,
            stride,
            padding,
            output_padding,
            groups,
            bias,
            dilation,
            padding_mode,
            device,
            dtype,
        )

    def forward(self, input: Tensor, output_size: Sequence[int] | None = None) -> Tensor:
        return super().forward(input, output_size)


class LazyConv1d(_LazyConv, Conv1d):
    """A Conv1d whose in_channels comes from its first input."""

    cls_to_become = Conv1d


class LazyConv2d(_LazyConv, Conv2d):
    """A Conv2d whose in_channels comes from its first input."""

    cls_to_become = Conv2d


class LazyConv3d(_LazyConv, Conv3d):
    """A Conv3d whose in_channels comes from its first input."""

    cls_to_become = Conv3d


class LazyConvTranspose1d(_LazyConvTranspose, ConvTranspose1d):
    """A ConvTranspose1d whose in_channels comes from its first input."""

    cls_to_become = ConvTranspose1d


class LazyConvTranspose2d(_LazyConvTranspose, ConvTranspose2d):
    """A ConvTranspose2d whose in_channels comes from its first input."""

    cls_to_become = ConvTranspose2d


class LazyConvTranspose3d(_LazyConvTranspose, ConvTranspose3d):
    """A ConvTranspose3d whose in_channels comes from its first input."""

    cls_to_become = ConvTranspose3d
