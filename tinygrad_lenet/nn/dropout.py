"""The dropout modules: each zeroes what its function draws (elements, channels, or, for the alpha
kinds, sets them to SELU's saturation value) in training, and passes the input through in eval."""

from __future__ import annotations

from collections.abc import Callable

from ..tensor.tensor import Tensor
from . import functional as F
from .activation import alpha_dropout, dropout3d, feature_alpha_dropout
from .module import Module


class _DropoutNd(Module):
    """A dropout module: ``p`` checked once, its function called with ``self.training``."""

    function: Callable[..., Tensor]

    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__()
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"{type(self).__name__}: p must be a probability in [0, 1], got {p}")
        self.p, self.inplace = p, inplace

    def forward(self, input: Tensor) -> Tensor:
        return type(self).function(input, self.p, self.training)

    def extra_repr(self) -> str:
        return f"p={self.p}"


class Dropout(_DropoutNd):
    """In training, zero each element with probability ``p`` and scale the rest by 1/(1-p)."""

    function = staticmethod(F.dropout)


class Dropout1d(_DropoutNd):
    """In training, zero whole channels of (N, C, L) or (C, L) inputs with probability ``p``."""

    function = staticmethod(F.dropout1d)


class Dropout2d(_DropoutNd):
    """In training, zero whole channels of (N, C, H, W) inputs with probability ``p`` (scaling the
    rest by 1/(1-p)), as ``torch.nn.Dropout2d``."""

    function = staticmethod(F.dropout2d)


class Dropout3d(_DropoutNd):
    """In training, zero whole channels of (N, C, D, H, W) or (C, D, H, W) inputs with probability ``p``."""

    function = staticmethod(dropout3d)


class AlphaDropout(_DropoutNd):
    """Dropout for SELU networks: dropped elements take SELU's negative saturation value and an affine
    map keeps the input's mean and variance."""

    function = staticmethod(alpha_dropout)


class FeatureAlphaDropout(_DropoutNd):
    """Alpha dropout of whole channels of (N, C, ...) inputs."""

    function = staticmethod(feature_alpha_dropout)
