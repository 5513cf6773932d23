"""More activation modules (``CELU``, ``GLU``, ``PReLU``, ``Softmin``, ``Threshold``, ...), each calling its
function in ``nn/activation.py`` with the arguments it was made with; constructor signatures and reprs are
PyTorch's. ``inplace=True`` is accepted and computes the same values out of place.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from ..base import dtypes
from ..base.devices import check_device
from ..base.errors import ShapeError
from ..tensor.tensor import Tensor
from .activation import (
    _Activation,
    celu,
    glu,
    hardshrink,
    hardsigmoid,
    hardtanh,
    logsigmoid,
    prelu,
    rrelu,
    selu,
    softmin,
    softshrink,
    softsign,
    tanhshrink,
    threshold,
)
from .module import Parameter


def _inplace(inplace: bool) -> str:
    """PyTorch's repr suffix for an in-place activation."""
    return ", inplace=True" if inplace else ""


class CELU(_Activation):
    """max(0, x) + min(0, alpha (e^(x / alpha) - 1))."""

    def __init__(self, alpha: float = 1.0, inplace: bool = False) -> None:
        super().__init__()
        self.alpha, self.inplace = alpha, inplace

    def forward(self, input: Tensor) -> Tensor:
        return celu(input, self.alpha)

    def extra_repr(self) -> str:
        return f"alpha={self.alpha}{_inplace(self.inplace)}"


class SELU(_Activation):
    """scale elu(x, alpha), with PyTorch's self-normalizing constants."""

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return selu(input)

    def extra_repr(self) -> str:
        return "inplace=True" if self.inplace else ""


class GLU(_Activation):
    """a sigmoid(b), a and b the halves of the input along ``dim``."""

    shown = ("dim",)

    def __init__(self, dim: int = -1) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, input: Tensor) -> Tensor:
        return glu(input, self.dim)


class Hardtanh(_Activation):
    """x clamped to [min_val, max_val] (``min_value`` and ``max_value`` are PyTorch's deprecated names)."""

    def __init__(
        self,
        min_val: float = -1.0,
        max_val: float = 1.0,
        inplace: bool = False,
        min_value: float | None = None,
        max_value: float | None = None,
    ) -> None:
        super().__init__()
        if min_value is not None or max_value is not None:
            warnings.warn("Hardtanh: min_value and max_value are deprecated, use min_val and max_val", stacklevel=2)
        self.min_val = min_val if min_value is None else min_value
        self.max_val = max_val if max_value is None else max_value
        if self.max_val <= self.min_val:
            raise ValueError(f"Hardtanh: max_val ({self.max_val}) must be greater than min_val ({self.min_val})")
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return hardtanh(input, self.min_val, self.max_val)

    def extra_repr(self) -> str:
        return f"min_val={self.min_val}, max_val={self.max_val}{_inplace(self.inplace)}"


class RReLU(_Activation):
    """Leaky ReLU whose negative slope is drawn uniformly from [lower, upper] per element in training,
    and is their mean in eval."""

    def __init__(self, lower: float = 1.0 / 8, upper: float = 1.0 / 3, inplace: bool = False) -> None:
        super().__init__()
        self.lower, self.upper, self.inplace = lower, upper, inplace

    def forward(self, input: Tensor) -> Tensor:
        return rrelu(input, self.lower, self.upper, self.training)

    def extra_repr(self) -> str:
        return f"lower={self.lower}, upper={self.upper}{_inplace(self.inplace)}"


class Hardsigmoid(_Activation):
    """0 below -3, 1 above 3, x / 6 + 1/2 between."""

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return hardsigmoid(input)


class Threshold(_Activation):
    """x where x > threshold, else ``value``."""

    def __init__(self, threshold: float, value: float, inplace: bool = False) -> None:
        super().__init__()
        self.threshold, self.value, self.inplace = threshold, value, inplace

    def forward(self, input: Tensor) -> Tensor:
        return threshold(input, self.threshold, self.value)

    def extra_repr(self) -> str:
        return f"threshold={self.threshold}, value={self.value}{_inplace(self.inplace)}"


class _Shrink(_Activation):
    def __init__(self, lambd: float = 0.5) -> None:
        super().__init__()
        self.lambd = lambd

    def extra_repr(self) -> str:
        return str(self.lambd)


class Hardshrink(_Shrink):
    """x where |x| > lambd, else 0."""

    def forward(self, input: Tensor) -> Tensor:
        return hardshrink(input, self.lambd)


class Softshrink(_Shrink):
    """x - lambd above lambd, x + lambd below -lambd, 0 between."""

    def forward(self, input: Tensor) -> Tensor:
        return softshrink(input, self.lambd)


class LogSigmoid(_Activation):
    """log(1 / (1 + e^-x)), computed stably."""

    def forward(self, input: Tensor) -> Tensor:
        return logsigmoid(input)


class Softsign(_Activation):
    """x / (1 + |x|)."""

    def forward(self, input: Tensor) -> Tensor:
        return softsign(input)


class Tanhshrink(_Activation):
    """x - tanh(x)."""

    def forward(self, input: Tensor) -> Tensor:
        return tanhshrink(input)


class Softmin(_Activation):
    """softmax(-x) along ``dim``."""

    shown = ("dim",)

    def __init__(self, dim: int | None = None) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, input: Tensor) -> Tensor:
        return softmin(input, self.dim)


class Softmax2d(_Activation):
    """Softmax over the channels of (N, C, H, W) or (C, H, W) input, at each position."""

    def forward(self, input: Tensor) -> Tensor:
        if input.ndim not in (3, 4):
            raise ShapeError(f"Softmax2d: expected (N, C, H, W) or (C, H, W) input, got shape {input.shape}")
        return input.softmax(-3)


class PReLU(_Activation):
    """x for x > 0, a x otherwise, with a learned slope ``a``: one (``num_parameters=1``) or one per channel
    (dim 1), all starting at ``init``. ``num_parameters`` stays ``Module.num_parameters()`` (the count of
    learned numbers, here the slopes), where PyTorch has an int attribute of that name."""

    def __init__(self, num_parameters: int = 1, init: float = 0.25, device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        check_device(device or "cpu")
        dt = dtypes.DEFAULT_FLOAT if dtype is None else dtypes.to_dtype(dtype)
        self.init = init
        self.weight = Parameter(np.full(num_parameters, init, dtype=dt))

    def reset_parameters(self) -> None:
        """Set every slope back to ``init``."""
        self.weight._array[...] = self.init

    def forward(self, input: Tensor) -> Tensor:
        return prelu(input, self.weight)

    def extra_repr(self) -> str:
        return f"num_parameters={self.weight.numel()}"
