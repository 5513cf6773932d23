"""One recurrent layer in one direction: the input projection of the whole sequence (one ``F.linear``),
then the sequence op of ``ops/recurrent.py``. Shared by ``RNN``/``LSTM``/``GRU`` and their cells."""

from __future__ import annotations

from ..ops.recurrent import GRULayer, LSTMLayer, RNNLayer
from ..tensor.tensor import Tensor
from .functional import linear


def rnn_layer(
    x: Tensor,
    h0: Tensor,
    w_ih: Tensor,
    w_hh: Tensor,
    b_ih: Tensor | None = None,
    b_hh: Tensor | None = None,
    reverse: bool = False,
    nonlinearity: str = "tanh",
) -> Tensor:
    """h_t = act(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh) for x (L, B, I), h0 (B, H): the (L, B, H) outputs."""
    xw = linear(x, w_ih, None if b_ih is None or b_hh is None else b_ih + b_hh)
    return RNNLayer.apply(xw, h0, w_hh, reverse=reverse, relu=nonlinearity == "relu")


def lstm_layer(
    x: Tensor,
    h0: Tensor,
    c0: Tensor,
    w_ih: Tensor,
    w_hh: Tensor,
    b_ih: Tensor | None = None,
    b_hh: Tensor | None = None,
    w_hr: Tensor | None = None,
    reverse: bool = False,
) -> tuple[Tensor, Tensor, Tensor]:
    """An LSTM over x (L, B, I) from (h0, c0): the outputs (L, B, P) and the final states h_n (B, P), c_n (B, H)."""
    xw = linear(x, w_ih, None if b_ih is None or b_hh is None else b_ih + b_hh)
    states = LSTMLayer.apply(xw, h0, c0, w_hh, *(() if w_hr is None else (w_hr,)), reverse=reverse)
    width, last = h0.shape[-1], 0 if reverse else -1
    return states[:, :, :width], states[last, :, :width], states[last, :, width:]


def gru_layer(
    x: Tensor,
    h0: Tensor,
    w_ih: Tensor,
    w_hh: Tensor,
    b_ih: Tensor | None = None,
    b_hh: Tensor | None = None,
    reverse: bool = False,
) -> Tensor:
    """A GRU over x (L, B, I) from h0 (B, H): the (L, B, H) outputs."""
    xw = linear(x, w_ih, b_ih)
    return GRULayer.apply(xw, h0, w_hh, *(() if b_hh is None else (b_hh,)), reverse=reverse)
