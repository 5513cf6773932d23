"""Activation functions beyond ReLU, sigmoid and tanh, as functions (``F.gelu``) and modules (``nn.GELU``).

Each is a composition of primitive ops (its gradient follows from theirs), except softplus and
erf, which are primitives of their own (``ops/activation.py``). ``inplace=True`` is accepted, as
in PyTorch, and computes the same values out of place.
"""

from __future__ import annotations

import math

import numpy as np

from ..base.dims import normalize_dim
from ..base.dtypes import is_floating
from ..base.errors import DTypeError, ShapeError
from ..base.random import generator
from ..ops import activation as ops
from ..ops import dropout as dropout_ops
from ..ops.elementwise import Clip
from ..tensor.tensor import Tensor
from .module import Module


def leaky_relu(input: Tensor, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    """x for x > 0, negative_slope x otherwise."""
    return input.where(input > 0, input * negative_slope)


def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """x for x > 0, alpha (e^x - 1) otherwise."""
    return input.where(input > 0, (input.clamp(max=0.0).exp() - 1) * alpha)


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


def hardtanh(input: Tensor, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False) -> Tensor:
    """x clamped to [min_val, max_val]; gradient 1 strictly inside, 0 at and beyond the bounds (as PyTorch)."""
    if min_val > max_val:
        raise ValueError(f"hardtanh: min_val ({min_val}) must not exceed max_val ({max_val})")
    return Clip.apply(input, low=min_val, high=max_val, at_bounds=False)


def relu6(input: Tensor, inplace: bool = False) -> Tensor:
    """min(max(x, 0), 6): hardtanh(x, 0, 6), so the gradient at exactly 0 and 6 is 0."""
    return hardtanh(input, 0.0, 6.0)


def hardsigmoid(input: Tensor, inplace: bool = False) -> Tensor:
    """relu6(x + 3) / 6: 0 below -3, 1 above 3, x / 6 + 1/2 between."""
    return hardtanh(input * (1.0 / 6.0) + 0.5, 0.0, 1.0)


def celu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """max(0, x) + min(0, alpha (e^(x / alpha) - 1))."""
    if alpha == 0:
        raise ValueError("celu: alpha must not be 0 (it divides x)")
    return input.where(input._array > 0, ((input.clamp(max=0.0) * (1.0 / alpha)).exp() - 1) * alpha)


SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def selu(input: Tensor, inplace: bool = False) -> Tensor:
    """scale elu(x, alpha) with PyTorch's constants (alpha 1.6733, scale 1.0507)."""
    return elu(input, SELU_ALPHA) * SELU_SCALE


def glu(input: Tensor, dim: int = -1) -> Tensor:
    """a sigmoid(b), where a and b are the two halves of ``input`` along ``dim``."""
    if input.ndim == 0:
        raise ShapeError("glu: expected a tensor of at least 1 dim, got a 0-d tensor")
    axis = normalize_dim(dim, input.ndim, "glu")
    if input.shape[axis] % 2:
        raise ShapeError(f"glu: the size of dim {dim} must be even to halve it, got {input.shape[axis]}")
    a, b = input.chunk(2, axis)
    return a * b.sigmoid()


def prelu(input: Tensor, weight: Tensor) -> Tensor:
    """x for x > 0, weight x otherwise; ``weight`` has one entry, or one per channel (dim 1)."""
    n = weight.numel()
    channels = input.shape[1] if input.ndim >= 2 else 1
    if weight.ndim > 1 or n not in (1, channels):
        raise ShapeError(f"prelu: weight must have 1 or {channels} entries (one per channel), got {weight.shape}")
    weight = weight.reshape((n,) + (1,) * (input.ndim - 2) if n > 1 else ())
    return input.where(input._array > 0, input * weight)


def logsigmoid(input: Tensor) -> Tensor:
    """log(1 / (1 + e^-x)) = -softplus(-x), computed stably."""
    return -ops.Softplus.apply(-input, beta=1.0)


def softsign(input: Tensor) -> Tensor:
    """x / (1 + |x|)."""
    return input / (input.abs() + 1.0)


def tanhshrink(input: Tensor) -> Tensor:
    """x - tanh(x)."""
    return input - input.tanh()


def threshold(input: Tensor, threshold: float, value: float, inplace: bool = False) -> Tensor:
    """x where x > threshold, else ``value``."""
    return input.where(input._array > threshold, value)


def hardshrink(input: Tensor, lambd: float = 0.5) -> Tensor:
    """x where |x| > lambd, else 0."""
    return input.where(np.abs(input._array) > lambd, 0.0)


def softshrink(input: Tensor, lambd: float = 0.5) -> Tensor:
    """x - lambd above lambd, x + lambd below -lambd, 0 between."""
    if lambd < 0:
        raise ValueError(f"softshrink: lambd must be non-negative, got {lambd}")
    shift = np.where(input._array > lambd, -lambd, lambd).astype(input.dtype)
    return (input + shift).where(np.abs(input._array) > lambd, 0.0)


def rrelu(
    input: Tensor, lower: float = 1.0 / 8.0, upper: float = 1.0 / 3.0, training: bool = False, inplace: bool = False
) -> Tensor:
    """Leaky ReLU with, in training, a slope drawn uniformly from [lower, upper] per negative element,
    and otherwise the mean slope (lower + upper) / 2."""
    if lower > upper:
        raise ValueError(f"rrelu: lower ({lower}) must not exceed upper ({upper})")
    if not training:
        return leaky_relu(input, (lower + upper) / 2)
    slopes = generator().uniform(lower, upper, input.shape).astype(input.dtype)
    return input.where(input._array >= 0, input * Tensor._make(slopes))


def softmin(input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype: np.dtype | None = None) -> Tensor:
    """softmax(-x) along ``dim`` (cast to ``dtype`` first when given); without ``dim``, PyTorch's
    deprecated implicit choice: dim 0 for 0-, 1- and 3-d input, else dim 1."""
    x = input if dtype is None else input.astype(dtype)
    if dim is None:
        dim = 0 if x.ndim in (0, 1, 3) else 1
    return (-x).softmax(dim)


def gumbel_softmax(logits: Tensor, tau: float = 1.0, hard: bool = False, eps: float = 1e-10, dim: int = -1) -> Tensor:
    """A sample of the Gumbel-softmax distribution: softmax((logits + g) / tau) along ``dim``, with g = -log(E),
    E ~ Exponential(1) drawn from the package's generator. With ``hard``, the one-hot vector of its argmax in the
    forward pass and the soft sample's gradient in the backward (y_hard - y_soft.detach() + y_soft), as PyTorch."""
    if tau <= 0:
        raise ValueError(f"gumbel_softmax: tau must be > 0, got {tau}")
    gumbels = Tensor(-np.log(generator().exponential(size=logits.shape)).astype(logits.dtype))
    soft = ((logits + gumbels) * (1.0 / tau)).softmax(dim)
    if not hard:
        return soft
    axis = dim % soft.ndim if soft.ndim else 0
    index = np.expand_dims(soft._array.argmax(axis=axis), axis)
    one_hot = np.zeros(soft.shape, dtype=soft.dtype)
    np.put_along_axis(one_hot, index, 1.0, axis=axis)
    return Tensor(one_hot) - soft.detach() + soft


def _dropout(input: Tensor, p: float, training: bool, mask_shape: tuple[int, ...], name: str) -> Tensor:
    """Multiply by a 0/(1/(1-p)) mask of ``mask_shape`` (broadcast over the rest of ``input``), drawn
    inside the ``Dropout`` op (``ops/dropout.py``); the input itself in eval mode or when p = 0."""
    if not _drops(input, p, training, name):
        return input
    return dropout_ops.Dropout.apply(input, p=p, mask_shape=mask_shape)


def _drops(input: Tensor, p: float, training: bool, name: str) -> bool:
    """Whether dropout draws a mask: in training with p > 0 (p checked, the input floating-point)."""
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"{name}: p must be a probability in [0, 1], got {p}")
    if not training or p == 0.0:
        return False
    if not is_floating(input.dtype):
        raise DTypeError(f"{name}: expected a floating-point input, got {input.dtype}")
    return True


def dropout3d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero whole channels of (N, C, D, H, W) or (C, D, H, W) input with probability ``p``, scale the rest 1/(1-p)."""
    if input.ndim not in (4, 5):
        raise ShapeError(f"dropout3d expects (N, C, D, H, W) or (C, D, H, W) input, got shape {input.shape}")
    return _dropout(input, p, training, input.shape[:-3] + (1, 1, 1), "dropout3d")


ALPHA_PRIME = SELU_ALPHA * SELU_SCALE
"""The value SELU tends to at -infinity (negated): where alpha dropout sets dropped elements."""


def _alpha_dropout(input: Tensor, p: float, training: bool, mask_shape: tuple[int, ...], name: str) -> Tensor:
    """Set dropped elements to SELU's negative limit -alpha', then a x + b with a, b chosen to keep
    a zero-mean unit-variance input so: a = 1 / sqrt((alpha'^2 p + 1)(1 - p)), b = a alpha' p
    (the ``AlphaDropout`` op, ``ops/dropout.py``)."""
    if not _drops(input, p, training, name):
        return input
    return dropout_ops.AlphaDropout.apply(input, p=p, mask_shape=mask_shape, saturation=ALPHA_PRIME)


def alpha_dropout(input: Tensor, p: float = 0.5, training: bool = False, inplace: bool = False) -> Tensor:
    """Dropout for SELU networks: keeps the input's mean and variance (see ``_alpha_dropout``)."""
    return _alpha_dropout(input, p, training, input.shape, "alpha_dropout")


def feature_alpha_dropout(input: Tensor, p: float = 0.5, training: bool = False, inplace: bool = False) -> Tensor:
    """Alpha dropout of whole channels: one draw per (sample, channel) of (N, C, ...) input."""
    mask_shape = input.shape[:2] + (1,) * (input.ndim - 2)
    return _alpha_dropout(input, p, training, mask_shape, "feature_alpha_dropout")


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
