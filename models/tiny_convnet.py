"""A tiny convolutional classifier: conv 3x3 -> ReLU -> max-pool 2 -> linear."""

from __future__ import annotations

import tinygrad_lenet as tl
from tinygrad_lenet import nn


class TinyConvNet(nn.Module):
    """(N, 1, size, size) images -> (N, classes) logits, written as in PyTorch."""

    def __init__(self, size: int = 12, classes: int = 4, channels: int = 8) -> None:
        super().__init__()
        self.conv = nn.Conv2d(1, channels, kernel_size=3, padding=1)
        self.pool = nn.MaxPool2d(2)
        self.fc = nn.Linear(channels * (size // 2) ** 2, classes)

    def forward(self, x: tl.Tensor) -> tl.Tensor:
        return self.fc(self.pool(self.conv(x).relu()).flatten(1))
