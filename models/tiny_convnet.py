"""A tiny convolutional classifier: conv 3x3 -> ReLU -> max-pool 2 -> linear.

Written with plain tensors and ``tinygrad_lenet.nn.functional`` only, to show that the
autograd core alone is enough to define and train a network.
"""

from __future__ import annotations

import numpy as np

import tinygrad_lenet as tl
import tinygrad_lenet.nn.functional as F


def _uniform(shape: tuple[int, ...], fan_in: int) -> tl.Tensor:
    """A parameter drawn from U(-1/sqrt(fan_in), 1/sqrt(fan_in)), PyTorch's default bound."""
    bound = 1.0 / np.sqrt(fan_in)
    return (tl.rand(*shape) * (2 * bound) - bound).detach().requires_grad_()


class TinyConvNet:
    """(N, 1, size, size) images -> (N, classes) logits."""

    def __init__(self, size: int = 12, classes: int = 4, channels: int = 8) -> None:
        self.conv_weight = _uniform((channels, 1, 3, 3), 9)
        self.conv_bias = _uniform((channels,), 9)
        features = channels * (size // 2) ** 2
        self.fc_weight = _uniform((classes, features), features)
        self.fc_bias = _uniform((classes,), features)

    def parameters(self) -> list[tl.Tensor]:
        return [self.conv_weight, self.conv_bias, self.fc_weight, self.fc_bias]

    def __call__(self, x: tl.Tensor) -> tl.Tensor:
        h = F.conv2d(x, self.conv_weight, self.conv_bias, padding=1).relu()
        h = F.max_pool2d(h, 2)
        return h.flatten(1) @ self.fc_weight.T + self.fc_bias
