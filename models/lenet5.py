"""LeNet-5 as the lab reports built it ("modern"): ReLU, max-pooling, a softmax output.

conv1 6@5x5 -> act -> pool1 2x2 -> conv2 16@5x5 -> act -> pool2 2x2 -> flatten -> fc1 400-120
-> act -> fc2 120-84 -> act -> fc3 84-10, on 32x32 inputs (MNIST padded by 2). 61,706 parameters.
"""

from __future__ import annotations

from collections.abc import Callable

import tinygrad_lenet as tl
import tinygrad_lenet.nn.functional as F
from tinygrad_lenet import nn

ACTIVATIONS: dict[str, Callable[[tl.Tensor], tl.Tensor]] = {"relu": F.relu, "sigmoid": F.sigmoid, "tanh": F.tanh}
POOLING = {"max": nn.MaxPool2d, "avg": nn.AvgPool2d}


def check_dropout(p: float, model: str) -> None:
    """A dropout probability must be a number in [0, 1)."""
    if isinstance(p, bool) or not isinstance(p, (int, float)) or not 0 <= p < 1:
        raise ValueError(f"{model}: dropout must be a probability in [0, 1), got {p!r}")


def activation_function(name: str) -> Callable[[tl.Tensor], tl.Tensor]:
    """relu, sigmoid or tanh, by name."""
    if name not in ACTIVATIONS:
        raise ValueError(f"unknown activation {name!r}; choose one of {sorted(ACTIVATIONS)}")
    return ACTIVATIONS[name]


class LeNet5(nn.Module):
    """(N, 1, 32, 32) images -> (N, 10) logits.

    ``activation``: relu, sigmoid or tanh; ``pooling``: max or avg. ``channels`` and ``dropout``
    (before fc2 and fc3) give the wider variant one lab report used: ``channels=(24, 60),
    dropout=0.2``.
    """

    def __init__(
        self,
        activation: str = "relu",
        pooling: str = "max",
        channels: tuple[int, int] = (6, 16),
        dropout: float = 0.0,
        num_classes: int = 10,
    ) -> None:
        super().__init__()
        if pooling not in POOLING:
            raise ValueError(f"unknown pooling {pooling!r}; choose one of {sorted(POOLING)}")
        if len(channels) != 2 or not all(isinstance(c, int) and c >= 1 for c in channels):
            raise ValueError(f"LeNet5: channels must be two ints >= 1 (the two convolutions), got {tuple(channels)}")
        check_dropout(dropout, "LeNet5")
        self.act = activation_function(activation)
        self.dropout = dropout
        c1, c2 = channels
        self.conv1 = nn.Conv2d(1, c1, kernel_size=5)
        self.pool1 = POOLING[pooling](2)
        self.conv2 = nn.Conv2d(c1, c2, kernel_size=5)
        self.pool2 = POOLING[pooling](2)
        self.flatten = nn.Flatten()
        self.fc1 = nn.Linear(c2 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, num_classes)

    def forward(self, x: tl.Tensor) -> tl.Tensor:
        if x.ndim != 4 or x.shape[1:] != (1, 32, 32):
            raise tl.ShapeError(f"LeNet5 expects images of shape (N, 1, 32, 32) (MNIST padded by 2), got {x.shape}")
        x = self.pool1(self.act(self.conv1(x)))
        x = self.pool2(self.act(self.conv2(x)))
        x = self.act(self.fc1(self.flatten(x)))
        x = F.dropout(x, self.dropout, self.training)
        x = self.act(self.fc2(x))
        x = F.dropout(x, self.dropout, self.training)
        return self.fc3(x)
