"""Fully connected networks of any width and depth, and softmax regression (no hidden layer)."""

from __future__ import annotations

from collections.abc import Sequence

import tinygrad_lenet as tl
import tinygrad_lenet.nn.functional as F
from tinygrad_lenet import nn

from .lenet5 import activation_function, check_dropout


class MLP(nn.Module):
    """Flattened images -> logits through ``sizes``, e.g. ``MLP([784, 1024, 128, 10])``.

    Each hidden layer is Linear -> (BatchNorm1d) -> activation -> (Dropout).
    """

    def __init__(
        self,
        sizes: Sequence[int] = (784, 256, 10),
        activation: str = "relu",
        batchnorm: bool = False,
        dropout: float = 0.0,
    ) -> None:
        super().__init__()
        if len(sizes) < 2:
            raise ValueError(f"MLP needs at least an input and an output size, got {list(sizes)}")
        if not all(isinstance(n, int) and not isinstance(n, bool) and n >= 1 for n in sizes):
            raise ValueError(f"MLP: every layer size must be an int >= 1, got {list(sizes)}")
        check_dropout(dropout, "MLP")
        self.sizes = list(sizes)
        self.act = activation_function(activation)
        self.dropout = dropout
        self.layers = nn.ModuleList(nn.Linear(a, b) for a, b in zip(sizes[:-1], sizes[1:]))
        self.norms = nn.ModuleList(nn.BatchNorm1d(n) for n in sizes[1:-1]) if batchnorm else None

    def forward(self, x: tl.Tensor) -> tl.Tensor:
        x = x.flatten(1)
        if x.shape[1] != self.sizes[0]:
            raise tl.ShapeError(f"MLP expects {self.sizes[0]} input features per sample, got {x.shape[1]}")
        *hidden, last = self.layers
        for i, layer in enumerate(hidden):
            x = layer(x)
            if self.norms is not None:
                x = self.norms[i](x)
            x = F.dropout(self.act(x), self.dropout, self.training)
        return last(x)


class SoftmaxRegression(MLP):
    """Multinomial logistic regression: one Linear layer 784 -> 10; the softmax is in the loss."""

    def __init__(self, in_features: int = 784, num_classes: int = 10) -> None:
        super().__init__([in_features, num_classes])
