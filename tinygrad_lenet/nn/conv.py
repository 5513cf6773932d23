"""Convolution modules on one base, as PyTorch's: Conv1d, Conv2d, Conv3d and ConvTranspose1d/2d/3d.

``_ConvNd`` holds what they share (the checked arguments as tuples, the weight and bias, PyTorch's
initialisation, padding modes and ``extra_repr``); each class names its number of spatial dims and
its functional. Conv2d calls ``F.conv2d``, the im2col op of LeNet-5's hot path; the others call the
N-d window ops of ``nn/conv_functions.py``. Lazy versions are in ``nn/lazy_conv.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ..base.devices import check_device
from ..base.dims import positive_int
from ..tensor.tensor import Tensor
from . import functional as F
from .conv_functions import check_spatial_rank, ntuple
from .layers import _default_init, _empty_parameter
from .module import Module, Parameter, UninitializedParameter

Size = int | Sequence[int]
PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


class _ConvNd(Module):
    """What every convolution module shares; ``spatial_dims`` and ``conv`` are set by each subclass."""

    spatial_dims: int
    transposed = False
    lazy = False  # the lazy convolutions (nn/lazy_conv.py) take in_channels from their first input
    conv: Callable[..., Tensor]
    weight: Parameter
    bias: Parameter | None

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: Size,
        stride: Size,
        padding: Size | str,
        dilation: Size,
        output_padding: Size,
        groups: int,
        bias: bool,
        padding_mode: str,
        device: Any,
        dtype: Any,
    ) -> None:
        super().__init__()
        name, d = type(self).__name__, self.spatial_dims
        check_device(device or "cpu")
        lazy = in_channels == 0 and self.lazy
        self.in_channels = in_channels if lazy else positive_int(in_channels, "in_channels", name)
        self.out_channels = positive_int(out_channels, "out_channels", name)
        self.groups = positive_int(groups, "groups", name)
        if in_channels % groups or out_channels % groups:
            raise ValueError(
                f"{name}: groups={groups} must divide in_channels={in_channels} and out_channels={out_channels}"
            )
        self.kernel_size = ntuple(kernel_size, d, "kernel_size", name, 1)
        self.stride = ntuple(stride, d, "stride", name, 1)
        self.dilation = ntuple(dilation, d, "dilation", name, 1)
        self.output_padding = ntuple(output_padding, d, "output_padding", name)
        self.padding: tuple[int, ...] | str
        if isinstance(padding, str):
            if padding not in ("same", "valid") or self.transposed:
                raise ValueError(f"{name}: padding must be ints, 'same' or 'valid', got {padding!r}")
            if padding == "same" and self.stride != (1,) * d:
                raise ValueError(f"{name}: padding='same' needs stride 1, got stride={stride}")
            self.padding = padding
        else:
            self.padding = ntuple(padding, d, "padding", name)
        if padding_mode not in PADDING_MODES or (self.transposed and padding_mode != "zeros"):
            allowed = ("zeros",) if self.transposed else PADDING_MODES
            raise ValueError(f"{name}: padding_mode must be one of {allowed}, got {padding_mode!r}")
        self.padding_mode = padding_mode
        self._reversed_padding_repeated_twice = self._pad_widths()
        if lazy:
            self.weight = UninitializedParameter(dtype=dtype)
            self.bias = UninitializedParameter(dtype=dtype) if bias else None
        else:
            self.weight = _empty_parameter(self._weight_shape(), dtype)
            self.bias = _empty_parameter((out_channels,), dtype) if bias else None
        self.reset_parameters()

    def _weight_shape(self) -> tuple[int, ...]:
        """(out, in / groups, *kernel), or (in, out / groups, *kernel) when transposed."""
        first, second = (
            (self.in_channels, self.out_channels) if self.transposed else (self.out_channels, self.in_channels)
        )
        return (first, second // self.groups, *self.kernel_size)

    def _pad_widths(self) -> tuple[int, ...]:
        """The padding as F.pad takes it (last dim first, before and after); 'same' puts the odd pixel after."""
        if isinstance(self.padding, tuple):
            return tuple(p for p in reversed(self.padding) for _ in range(2))
        if self.padding == "valid":
            return (0, 0) * self.spatial_dims
        totals = [dl * (k - 1) for dl, k in zip(self.dilation, self.kernel_size)]
        return tuple(w for t in reversed(totals) for w in (t // 2, t - t // 2))

    def reset_parameters(self) -> None:
        """Draw the weight and bias afresh, as PyTorch initialises them: uniform in +-1/sqrt(fan_in)
        (a lazy module's wait for their shape)."""
        if not isinstance(self.weight, UninitializedParameter):
            _default_init(self.weight, self.bias)

    def check_input(self, input: Tensor) -> None:
        """Raise a ShapeError naming the module unless ``input`` is (C, *spatial) or (N, C, *spatial)."""
        check_spatial_rank(input, self.spatial_dims, type(self).__name__)

    def extra_repr(self) -> str:
        d = self.spatial_dims
        text = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}"
        for name, value, default in (
            ("padding", self.padding, (0,) * d),
            ("dilation", self.dilation, (1,) * d),
            ("output_padding", self.output_padding, (0,) * d),
            ("groups", self.groups, 1),
        ):
            if value != default:
                text += f", {name}={value}"
        if self.bias is None:
            text += ", bias=False"
        if self.padding_mode != "zeros":
            text += f", padding_mode={self.padding_mode}"
        return text


class _Conv(_ConvNd):
    """A convolution (cross-correlation); padding modes other than zeros pad with F.pad first."""

    def __init__(
        self,
        in_channels: int,
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
            in_channels,
            out_channels,
            kernel_size,
            stride,
            padding,
            dilation,
            0,
            groups,
            bias,
            padding_mode,
            device,
            dtype,
        )

    def forward(self, input: Tensor) -> Tensor:
        self.check_input(input)
        if self.padding_mode != "zeros":
            padded = F.pad(input, self._reversed_padding_repeated_twice, self.padding_mode)
            return self.conv(padded, self.weight, self.bias, self.stride, 0, self.dilation, self.groups)
        return self.conv(input, self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups)


class Conv1d(_Conv):
    """1-D convolution of (N, C, L) or (C, L) input, weight (out_channels, in_channels / groups, k).

    PyTorch's signature: ``padding`` may be ints, ``"same"`` or ``"valid"``; ``padding_mode`` zeros,
    reflect, replicate or circular.
    """

    spatial_dims = 1
    conv = staticmethod(F.conv1d)


class Conv2d(_Conv):
    """2-D convolution of (N, C, H, W) or (C, H, W) input, weight (out_channels, in_channels / groups, kh, kw),
    by im2col.

    PyTorch's signature: ``padding`` may be ints, ``"same"`` or ``"valid"``; ``padding_mode`` zeros,
    reflect, replicate or circular.
    """

    spatial_dims = 2
    conv = staticmethod(F.conv2d)


class Conv3d(_Conv):
    """3-D convolution of (N, C, D, H, W) or (C, D, H, W) input, weight (out, in / groups, kd, kh, kw).

    PyTorch's signature: ``padding`` may be ints, ``"same"`` or ``"valid"``; ``padding_mode`` zeros,
    reflect, replicate or circular.
    """

    spatial_dims = 3
    conv = staticmethod(F.conv3d)


class _ConvTranspose(_ConvNd):
    """A transposed convolution (the gradient of a convolution in its input); zeros padding only."""

    transposed = True

    def __init__(
        self,
        in_channels: int,
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
            in_channels,
            out_channels,
            kernel_size,
            stride,
            padding,
            dilation,
            output_padding,
            groups,
            bias,
            padding_mode,
            device,
            dtype,
        )

    def _output_padding(self, input: Tensor, output_size: Sequence[int] | None) -> tuple[int, ...]:
        """``output_padding``, or what makes the output ``output_size`` (its last d entries)."""
        if output_size is None:
            return self.output_padding
        d, name = self.spatial_dims, type(self).__name__
        wanted = tuple(output_size)[-d:]
        if len(output_size) not in (d, input.ndim):
            raise ValueError(f"{name}: output_size must have {d} or {input.ndim} entries, got {output_size!r}")
        assert isinstance(self.padding, tuple)  # a transposed convolution refuses string padding
        smallest = tuple(
            (n - 1) * s - 2 * p + dl * (k - 1) + 1
            for n, s, p, dl, k in zip(input.shape[-d:], self.stride, self.padding, self.dilation, self.kernel_size)
        )
        if any(not lo <= w < lo + s for w, lo, s in zip(wanted, smallest, self.stride)):
            largest = [lo + s - 1 for lo, s in zip(smallest, self.stride)]
            raise ValueError(
                f"{name}: output_size {wanted} is outside {list(smallest)} to {largest} for input {input.shape}"
            )
        return tuple(w - lo for w, lo in zip(wanted, smallest))

    def forward(self, input: Tensor, output_size: Sequence[int] | None = None) -> Tensor:
        self.check_input(input)
        extra = self._output_padding(input, output_size)
        return self.conv(input, self.weight, self.bias, self.stride, self.padding, extra, self.groups, self.dilation)


class ConvTranspose1d(_ConvTranspose):
    """Transposed 1-D convolution of (N, C, L) or (C, L) input, weight (in_channels, out_channels / groups, k);
    ``forward(input, output_size=None)`` as PyTorch's."""

    spatial_dims = 1
    conv = staticmethod(F.conv_transpose1d)


class ConvTranspose2d(_ConvTranspose):
    """Transposed 2-D convolution of (N, C, H, W) or (C, H, W) input, weight (in, out / groups, kh, kw)."""

    spatial_dims = 2
    conv = staticmethod(F.conv_transpose2d)


class ConvTranspose3d(_ConvTranspose):
    """Transposed 3-D convolution of (N, C, D, H, W) or (C, D, H, W) input, weight (in, out / groups, kd, kh, kw)."""

    spatial_dims = 3
    conv = staticmethod(F.conv_transpose3d)
