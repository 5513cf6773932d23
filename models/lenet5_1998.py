"""LeNet-5 exactly as LeCun, Bottou, Bengio and Haffner published it in 1998 (Proc. IEEE 86(11)).

input 32x32 scaled to [-0.1, 1.175] -> C1 6@5x5 -> S2 -> C3 16@5x5 over the paper's table of S2
maps -> S4 -> C5 120@5x5 -> F6 84 -> Euclidean RBF to the 10 fixed 7x12 digit bitmaps.
f(a) = 1.7159 tanh(2a/3) after every layer but the output; exactly 60,000 trainable parameters.
``forward`` returns minus the RBF distances (see ``tinygrad_lenet.nn.rbf``).
docs/lenet5-1998.md gives the facts and the choices where the paper is silent.
"""

from __future__ import annotations

import numpy as np

import tinygrad_lenet as tl
import tinygrad_lenet.nn.functional as F
from tinygrad_lenet import nn
from tinygrad_lenet.data import MNIST_MEAN, MNIST_STD

A, S = 1.7159, 2.0 / 3.0  # f(a) = A tanh(S a): f(1) = 1, f(-1) = -1

# C3's inputs: the S2 maps each of the 16 C3 maps reads (the paper's Table I)
C3_TABLE = (
    (0, 1, 2),
    (1, 2, 3),
    (2, 3, 4),
    (3, 4, 5),
    (0, 4, 5),
    (0, 1, 5),
    (0, 1, 2, 3),
    (1, 2, 3, 4),
    (2, 3, 4, 5),
    (0, 3, 4, 5),
    (0, 1, 4, 5),
    (0, 1, 2, 5),
    (0, 1, 3, 4),
    (1, 2, 4, 5),
    (0, 2, 3, 5),
    (0, 1, 2, 3, 4, 5),
)

# the RBF centers: a 7x12 bitmap per digit (the paper's Fig. 3), '#' = +1, '.' = -1, row by row
BITMAPS = (
    ".#####. ....... ..###.. .##.##. ##...## ##...## ##...## ##...## .##.##. ..###.. ....... .......",
    "...##.. ..###.. .####.. ...##.. ...##.. ...##.. ...##.. ...##.. ...##.. .###### ....... .......",
    ".#####. ....... .#####. ##...## #....## ....##. ..###.. .##.... ##..... ####### ....... .......",
    "####### .....## ....##. ...##.. ..####. .....## .....## .....## ##...## .#####. ....... .......",
    ".#####. ....... ....... .##..## .##..## ###..## ##...## ##...## ##..### .###### .....## .....##",
    ".#####. ....... ####### ##..... ##..... .####.. ..####. .....## ##...## .#####. ....... .......",
    "..####. .##.... ##..... ##..... ######. ###..## ##...## ##...## ###..## .#####. ....... .......",
    "####### .....## .....## ....##. ...##.. ...##.. ..##... ..##... ..##... ..##... ....... .......",
    ".#####. ##...## ##...## ##...## .#####. ##...## ##...## ##...## ##...## .#####. ....... .......",
    ".#####. ##..### ##...## ##...## ##..### .###### .....## .....## ....##. .####.. ....... .......",
)


def bitmaps() -> np.ndarray:
    """The 10 RBF centers, (10, 84) of +-1."""
    return np.array([[1.0 if ch == "#" else -1.0 for ch in rows.replace(" ", "")] for rows in BITMAPS], np.float32)


def squash(a: tl.Tensor) -> tl.Tensor:
    """f(a) = 1.7159 tanh(2a / 3)."""
    return F.tanh(a * S) * A


def init_uniform(tensor: tl.Tensor, fan_in: float | np.ndarray) -> None:
    """Uniform in [-2.4 / F, 2.4 / F], F the fan-in of the receiving unit (per row if an array)."""
    bound = np.broadcast_to(2.4 / np.asarray(fan_in, dtype=np.float64), tensor.shape)
    with tl.no_grad():
        tensor.copy_(tl.tensor((tl.rand(*tensor.shape, dtype=tl.float64).numpy() * 2 - 1) * bound, dtype=tensor.dtype))


class Subsampling(nn.Module):
    """S2 / S4: for each map, the sum of each 2x2 window times a trainable coefficient, plus a
    trainable bias, then f: 2 parameters per map (fan-in 4)."""

    def __init__(self, channels: int) -> None:
        super().__init__()
        self.weight = nn.Parameter(tl.zeros(channels))
        self.bias = nn.Parameter(tl.zeros(channels))
        init_uniform(self.weight, 4)
        init_uniform(self.bias, 4)

    def forward(self, x: tl.Tensor) -> tl.Tensor:
        c = self.weight.shape[0]
        window_sums = F.avg_pool2d(x, 2) * 4.0
        return squash(window_sums * self.weight.view(1, c, 1, 1) + self.bias.view(1, c, 1, 1))

    def extra_repr(self) -> str:
        return f"channels={self.weight.shape[0]}, window=2x2"


class TableConv2d(nn.Module):
    """C3: map o convolves only the input maps ``table[o]`` (5x5 each): 60 kernels, 1,516 parameters.

    The kernels are one (60, 25) parameter; a fixed 0/1 matrix places them in the (16, 6, 5, 5)
    weight of an ordinary convolution, zeros where the table has no connection: W = P w, so
    dE/dw = P^T dE/dW and the second-order rule of that product (Matmul) routes d2E/dW2 alike.
    """

    def __init__(self, in_channels: int, table: tuple[tuple[int, ...], ...], kernel_size: int = 5) -> None:
        super().__init__()
        self.in_channels, self.table, self.kernel_size = in_channels, table, kernel_size
        slots = [o * in_channels + c for o, inputs in enumerate(table) for c in inputs]
        placement = np.zeros((len(table) * in_channels, len(slots)), np.float32)
        placement[slots, np.arange(len(slots))] = 1.0
        self.register_buffer("placement", tl.tensor(placement), persistent=False)  # rebuilt from the table
        self.weight = nn.Parameter(tl.zeros(len(slots), kernel_size * kernel_size))
        self.bias = nn.Parameter(tl.zeros(len(table)))
        fan_in = np.array([kernel_size**2 * len(table[o]) for o, inputs in enumerate(table) for _ in inputs])
        init_uniform(self.weight, fan_in[:, None])
        init_uniform(self.bias, np.array([kernel_size**2 * len(inputs) for inputs in table]))

    def full_weight(self) -> tl.Tensor:
        """The (out, in, k, k) kernel with zeros outside the table."""
        k = self.kernel_size
        return (self.placement @ self.weight).view(len(self.table), self.in_channels, k, k)

    def forward(self, x: tl.Tensor) -> tl.Tensor:
        return F.conv2d(x, self.full_weight(), self.bias)

    def macs(self, output: tl.Tensor) -> int:
        """Multiply-accumulates of a forward pass (the summary's column): the table's connections only."""
        n, _, h, w = output.shape
        return n * h * w * self.weight.numel()

    def extra_repr(self) -> str:
        return (
            f"{self.in_channels}, {len(self.table)}, kernel_size={self.kernel_size}, connections={self.weight.shape[0]}"
        )


def _conv(in_channels: int, out_channels: int) -> nn.Conv2d:
    conv = nn.Conv2d(in_channels, out_channels, 5)
    for p in conv.parameters():  # weight, then bias
        init_uniform(p, in_channels * 25)
    return conv


class LeNet5_1998(nn.Module):
    """(N, 1, 32, 32) images normalized as the other models' inputs -> (N, 10) scores, minus the
    squared distances of F6's output to the 10 digit bitmaps (argmax = the nearest bitmap)."""

    def __init__(self) -> None:
        super().__init__()
        self.c1 = _conv(1, 6)
        self.s2 = Subsampling(6)
        self.c3 = TableConv2d(6, C3_TABLE)
        self.s4 = Subsampling(16)
        self.c5 = _conv(16, 120)
        self.f6 = nn.Linear(120, 84)
        for p in self.f6.parameters():  # weight, then bias
            init_uniform(p, 120)
        self.output = nn.EuclideanRBF(bitmaps())

    def forward(self, x: tl.Tensor) -> tl.Tensor:
        if x.ndim != 4 or x.shape[1:] != (1, 32, 32):
            raise tl.ShapeError(
                f"LeNet5_1998 expects images of shape (N, 1, 32, 32) (MNIST padded by 2), got {x.shape}"
            )
        x = self.scale_input(x)
        x = self.s2(squash(self.c1(x)))
        x = self.s4(squash(self.c3(x)))
        x = squash(self.c5(x)).flatten(1)
        return self.output(squash(self.f6(x)))

    @staticmethod
    def scale_input(x: tl.Tensor) -> tl.Tensor:
        """From the pipeline's (p/255 - mean) / std to the paper's p/255 * 1.275 - 0.1: background
        (and the padding) -0.1, full ink 1.175."""
        return x * (1.275 * MNIST_STD) + (1.275 * MNIST_MEAN - 0.1)
