"""Padding modules in 1, 2 and 3 dims, as PyTorch's: constant (and zero), reflection, replication and
circular padding, each calling ``F.pad`` with its mode.

``padding`` is an int (every side) or 2 d ints, (left, right[, top, bottom[, front, back]]): the last
dim first, as ``F.pad`` takes it; negative widths crop, as in PyTorch.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..base.errors import ShapeError
from ..tensor.tensor import Tensor
from . import functional as F
from .conv_functions import check_spatial_rank
from .module import Module


class _PadNd(Module):
    """Pad the last ``spatial_dims`` dims of the input with F.pad's ``mode``."""

    spatial_dims: int
    mode: str

    def __init__(self, padding: int | Sequence[int]) -> None:
        super().__init__()
        name, count = type(self).__name__, 2 * self.spatial_dims
        widths = (padding,) * count if isinstance(padding, int) else tuple(padding)
        if len(widths) != count or not all(isinstance(w, int) and not isinstance(w, bool) for w in widths):
            raise TypeError(f"{name}: padding must be an int or {count} ints, got {padding!r}")
        self.padding: tuple[int, ...] = widths

    def forward(self, input: Tensor) -> Tensor:
        check_spatial_rank(input, self.spatial_dims, type(self).__name__)
        return F.pad(input, self.padding, self.mode)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class ReflectionPad1d(_PadNd):
    """Pad (C, L) or (N, C, L) input with its reflection at each end (the edge value not repeated)."""

    spatial_dims, mode = 1, "reflect"


class ReflectionPad2d(_PadNd):
    """Pad (C, H, W) or (N, C, H, W) input with its reflection at each edge (the edge value not repeated)."""

    spatial_dims, mode = 2, "reflect"


class ReflectionPad3d(_PadNd):
    """Pad (C, D, H, W) or (N, C, D, H, W) input with its reflection at each face (the face not repeated)."""

    spatial_dims, mode = 3, "reflect"


class ReplicationPad1d(_PadNd):
    """Pad (C, L) or (N, C, L) input by repeating its end values."""

    spatial_dims, mode = 1, "replicate"


class ReplicationPad2d(_PadNd):
    """Pad (C, H, W) or (N, C, H, W) input by repeating its edge values."""

    spatial_dims, mode = 2, "replicate"


class ReplicationPad3d(_PadNd):
    """Pad (C, D, H, W) or (N, C, D, H, W) input by repeating its face values."""

    spatial_dims, mode = 3, "replicate"


class CircularPad1d(_PadNd):
    """Pad (C, L) or (N, C, L) input with its other end (periodic padding)."""

    spatial_dims, mode = 1, "circular"


class CircularPad2d(_PadNd):
    """Pad (C, H, W) or (N, C, H, W) input with its opposite edges (periodic padding)."""

    spatial_dims, mode = 2, "circular"


class CircularPad3d(_PadNd):
    """Pad (C, D, H, W) or (N, C, D, H, W) input with its opposite faces (periodic padding)."""

    spatial_dims, mode = 3, "circular"


class _ConstantPadNd(_PadNd):
    """Pad the last ``spatial_dims`` dims with ``value``; any number of leading dims."""

    mode = "constant"

    def __init__(self, padding: int | Sequence[int], value: float) -> None:
        super().__init__(padding)
        self.value = value

    def forward(self, input: Tensor) -> Tensor:
        if input.ndim < self.spatial_dims:
            raise ShapeError(
                f"{type(self).__name__}: expected at least {self.spatial_dims} dims to pad, got shape {input.shape}"
            )
        return F.pad(input, self.padding, "constant", self.value)

    def extra_repr(self) -> str:
        return f"padding={self.padding}, value={self.value}"


class ConstantPad1d(_ConstantPadNd):
    """Pad the last dim with ``value``."""

    spatial_dims = 1


class ConstantPad2d(_ConstantPadNd):
    """Pad the last 2 dims with ``value``."""

    spatial_dims = 2


class ConstantPad3d(_ConstantPadNd):
    """Pad the last 3 dims with ``value``."""

    spatial_dims = 3


class _ZeroPadNd(_ConstantPadNd):
    """Pad the last ``spatial_dims`` dims with zeros."""

    def __init__(self, padding: int | Sequence[int]) -> None:
        super().__init__(padding, 0.0)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class ZeroPad1d(_ZeroPadNd):
    """Pad the last dim with zeros."""

    spatial_dims = 1


class ZeroPad2d(_ZeroPadNd):
    """Pad the last 2 dims with zeros."""

    spatial_dims = 2


class ZeroPad3d(_ZeroPadNd):
    """Pad the last 3 dims with zeros."""

    spatial_dims = 3
