"""One recurrent layer in one direction: the input projection of the whole sequence (one ``F.linear``),
then the sequence op of ``ops/recurrent.py``. Shared by ``RNN``/``LSTM``/``GRU`` and their cells."""

from __future__ import annotations

import numpy as np

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
) -> tuple[Tensor, Tensor]:
    """An LSTM over x (L, B, I) from (h0, c0): the outputs h_t (L, B, P) and the cell states c_t (L, B, H)."""
    xw = linear(x, w_ih, None if b_ih is None or b_hh is None else b_ih + b_hh)
    states = LSTMLayer.apply(xw, h0, c0, w_hh, *(() if w_hr is None else (w_hr,)), reverse=reverse)
    width = h0.shape[-1]
    return states[:, :, :width], states[:, :, width:]


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


def final_state(states: Tensor, reverse: bool = False, lengths: np.ndarray | None = None) -> Tensor:
    """The state after the last step of (L, B, H) ``states``: step L-1 (step 0 when ``reverse``), or
    step lengths[b] - 1 of each sequence b when they have ``lengths`` (a packed batch, run unreversed)."""
    if lengths is None:
        return states[0 if reverse else -1]
    return states[lengths - 1, np.arange(len(lengths))]
