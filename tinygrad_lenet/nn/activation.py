"""Activation functions beyond ReLU, sigmoid and tanh, as functions (``F.gelu``) and modules (``nn.GELU``).

Each is a composition of primitive ops (its gradient follows from theirs), except softplus and
erf, which are primitives of their own (``ops/activation.py``). ``inplace=True`` is accepted, as
in PyTorch, and computes the same values out of place.
"""

from __future__ import annotations

import math

from ..ops import activation as ops
from ..tensor.tensor import Tensor
from .module import Module


def leaky_relu(input: Tensor, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    """x for x > 0, negative_slope x otherwise."""
    return input.where(input > 0, input * negative_slope)


def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """x for x > 0, alpha (e^x - 1) otherwise."""
    return input.where(input > 0, (input.clamp(max=0.0).exp() - 1) * alpha)


def relu6(input: Tensor, inplace: bool = False) -> Tensor:
    """min(max(x, 0), 6)."""
    return input.clamp(0.0, 6.0)


def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """log(1 + e^(beta x)) / beta; x itself where beta x > threshold (as PyTorch)."""
    return input.where(input * beta > threshold, ops.Softplus.apply(input, beta=beta))


def silu(input: Tensor, inplace: bool = False) -> Tensor:
    """x sigmoid(x) (also called swish)."""
    return input * input.sigmoid()


def mish(input: Tensor, inplace: bool = False) -> Tensor:
    """x tanh(softplus(x))."""
    return input * softplus(input).tanh()


def hardswish(input: Tensor, inplace: bool = False) -> Tensor:
    """x relu6(x + 3) / 6."""
    return input * relu6(input + 3.0) * (1.0 / 6.0)


def gelu(input: Tensor, approximate: str = "none") -> Tensor:
    """x Phi(x) = x (1 + erf(x / sqrt 2)) / 2; with ``approximate="tanh"``,
    x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))) / 2."""
    if approximate == "tanh":
        inner = (input + input * input * input * 0.044715) * math.sqrt(2.0 / math.pi)
        return input * 0.5 * (inner.tanh() + 1.0)
    if approximate != "none":
        raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")
    return input * 0.5 * (ops.Erf.apply(input * (1.0 / math.sqrt(2.0))) + 1.0)


class _Activation(Module):
    """A module calling its function with the arguments it was made with, kept as attributes of the
    same names (PyTorch's); ``shown`` lists the ones its repr gives."""

    shown: tuple[str, ...] = ()

    def extra_repr(self) -> str:
        return ", ".join(f"{k}={getattr(self, k)}" for k in self.shown)


class LeakyReLU(_Activation):
    shown = ("negative_slope",)

    def __init__(self, negative_slope: float = 0.01, inplace: bool = False) -> None:
        super().__init__()
        self.negative_slope = negative_slope

    def forward(self, x: Tensor) -> Tensor:
        return leaky_relu(x, self.negative_slope)


class ELU(_Activation):
    shown = ("alpha",)

    def __init__(self, alpha: float = 1.0, inplace: bool = False) -> None:
        super().__init__()
        self.alpha = alpha

    def forward(self, x: Tensor) -> Tensor:
        return elu(x, self.alpha)


class ReLU6(_Activation):
    def __init__(self, inplace: bool = False) -> None:
        super().__init__()

    def forward(self, x: Tensor) -> Tensor:
        return relu6(x)


class Softplus(_Activation):
    shown = ("beta", "threshold")

    def __init__(self, beta: float = 1.0, threshold: float = 20.0) -> None:
        super().__init__()
        self.beta, self.threshold = beta, threshold

    def forward(self, x: Tensor) -> Tensor:
        return softplus(x, self.beta, self.threshold)


class SiLU(_Activation):
    def __init__(self, inplace: bool = False) -> None:
        super().__init__()

    def forward(self, x: Tensor) -> Tensor:
        return silu(x)


class Mish(_Activation):
    def __init__(self, inplace: bool = False) -> None:
        super().__init__()

    def forward(self, x: Tensor) -> Tensor:
        return mish(x)


class Hardswish(_Activation):
    def __init__(self, inplace: bool = False) -> None:
        super().__init__()

    def forward(self, x: Tensor) -> Tensor:
        return hardswish(x)


class GELU(_Activation):
    shown = ("approximate",)

    def __init__(self, approximate: str = "none") -> None:
        super().__init__()
        self.approximate = approximate

    def forward(self, x: Tensor) -> Tensor:
        return gelu(x, self.approximate)
