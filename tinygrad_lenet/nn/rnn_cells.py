"""One step of a recurrent layer as a module: ``RNNCell``, ``LSTMCell`` and ``GRUCell`` (PyTorch's names).

A cell runs the same sequence op as its layer (``ops/recurrent.py``) on a sequence of length 1.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..base.devices import check_device
from ..base.errors import ShapeError
from ..tensor.tensor import Tensor
from . import init
from .module import Module
from .recurrent_functions import gru_layer, lstm_layer, rnn_layer
from .rnn_base import check_sizes, new_weight


class RNNCellBase(Module):
    """The parameters every cell has: ``weight_ih`` (G H, input_size), ``weight_hh`` (G H, H) and, with
    ``bias``, ``bias_ih`` and ``bias_hh`` (G H,), all from U(-1/sqrt(H), 1/sqrt(H)) as in PyTorch."""

    def __init__(
        self, input_size: int, hidden_size: int, bias: bool, num_chunks: int, device: Any = None, dtype: Any = None
    ) -> None:
        super().__init__()
        check_device(device or "cpu")
        check_sizes(type(self).__name__, input_size, hidden_size)
        self.input_size, self.hidden_size, self.bias = input_size, hidden_size, bias
        self.weight_ih = new_weight((num_chunks * hidden_size, input_size), dtype)
        self.weight_hh = new_weight((num_chunks * hidden_size, hidden_size), dtype)
        self.register_parameter("bias_ih", new_weight((num_chunks * hidden_size,), dtype) if bias else None)
        self.register_parameter("bias_hh", new_weight((num_chunks * hidden_size,), dtype) if bias else None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Draw every weight and bias afresh from U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)), as PyTorch."""
        bound = 1.0 / math.sqrt(self.hidden_size)
        for weight in self.parameters():
            init.uniform_(weight, -bound, bound)

    def _batched(self, input: Tensor, states: list[Tensor | None]) -> tuple[Tensor, list[Tensor], bool]:
        """input as (1, N, input_size) (a sequence of one step), the states as (N, H), and whether input had N."""
        name = type(self).__name__
        if input.ndim not in (1, 2):
            raise ShapeError(f"{name}: expected input to be 1D or 2D, got {input.ndim}D of shape {input.shape}")
        if input.shape[-1] != self.input_size:
            raise ShapeError(
                f"{name}: input has inconsistent input_size: got {input.shape[-1]} expected {self.input_size}"
            )
        batched = input.ndim == 2
        x = input if batched else input.unsqueeze(0)
        out = []
        for k, state in enumerate(states):
            if state is None:
                out.append(Tensor(np.zeros((x.shape[0], self.hidden_size), dtype=x.dtype)))
                continue
            if state.ndim not in (1, 2):
                raise ShapeError(f"{name}: expected hidden state {k} to be 1D or 2D, got {state.ndim}D")
            state = state if batched else state.unsqueeze(0)
            if state.shape[-1] != self.hidden_size:
                raise ShapeError(
                    f"{name}: hidden{k} has inconsistent hidden_size: got {state.shape[-1]}, "
                    f"expected {self.hidden_size}"
                )
            if state.shape[0] != x.shape[0]:
                raise ShapeError(
                    f"{name}: input batch size {x.shape[0]} doesn't match hidden{k} batch size {state.shape[0]}"
                )
            out.append(state)
        return x.unsqueeze(0), out, batched

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if getattr(self, "nonlinearity", "tanh") != "tanh":
            s += f", nonlinearity={self.nonlinearity}"
        return s


def _unbatch(state: Tensor, batched: bool) -> Tensor:
    return state if batched else state.squeeze(0)


class RNNCell(RNNCellBase):
    """h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh) (or ReLU), one step of ``RNN``, as ``torch.nn.RNNCell``."""

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        bias: bool = True,
        nonlinearity: str = "tanh",
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"RNNCell: unknown nonlinearity {nonlinearity!r}; select from 'tanh' or 'relu'")
        super().__init__(input_size, hidden_size, bias, 1, device, dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:
        x, (h,), batched = self._batched(input, [hx])
        out = rnn_layer(
            x, h, self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh, nonlinearity=self.nonlinearity
        )
        return _unbatch(out[0], batched)


class LSTMCell(RNNCellBase):
    """One step of ``LSTM``, as ``torch.nn.LSTMCell``: (input, (h, c)) -> (h', c')."""

    def __init__(
        self, input_size: int, hidden_size: int, bias: bool = True, device: Any = None, dtype: Any = None
    ) -> None:
        super().__init__(input_size, hidden_size, bias, 4, device, dtype)

    def forward(self, input: Tensor, hx: tuple[Tensor, Tensor] | None = None) -> tuple[Tensor, Tensor]:
        x, (h, c), batched = self._batched(input, [None, None] if hx is None else list(hx))
        hs, cs = lstm_layer(x, h, c, self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh)
        return _unbatch(hs[0], batched), _unbatch(cs[0], batched)


class GRUCell(RNNCellBase):
    """One step of ``GRU``, as ``torch.nn.GRUCell``: h' = (1 - z) n + z h."""

    def __init__(
        self, input_size: int, hidden_size: int, bias: bool = True, device: Any = None, dtype: Any = None
    ) -> None:
        super().__init__(input_size, hidden_size, bias, 3, device, dtype)

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:
        x, (h,), batched = self._batched(input, [hx])
        out = gru_layer(x, h, self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh)
        return _unbatch(out[0], batched)
