"""The recurrent sequence ops (ops/recurrent.py): gradient checks over generated sizes, both directions,
with and without the optional inputs, on contiguous and non-contiguous arrays; and one step by hand."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import arrays, away_from_zero, leaf

import tinygrad_lenet as tl
from tinygrad_lenet.ops.recurrent import GRULayer, LSTMLayer, RNNLayer

sizes = st.tuples(st.integers(1, 3), st.integers(1, 2), st.integers(1, 3))  # L, B, H


@settings(max_examples=20, deadline=None)
@given(sizes, st.booleans(), st.booleans(), st.data())
def test_rnn_layer_gradcheck(lbh: tuple[int, int, int], reverse: bool, relu: bool, data: st.DataObject) -> None:
    length, batch, hidden = lbh
    # |h| < 2.5 / (1 - 3 * 0.05) < 3, so |h W_hh^T| < 0.45 < 0.5 <= |xw|: the pre-activations stay off ReLU's kink at 0
    xw = leaf(data.draw(arrays((length, batch, hidden), transform=lambda v: away_from_zero(v, 0.5))))
    h0, w_hh = leaf(data.draw(arrays((batch, hidden)))), leaf(data.draw(arrays((hidden, hidden), -0.05, 0.05)))
    assert tl.gradcheck(lambda *t: RNNLayer.apply(*t, reverse=reverse, relu=relu), [xw, h0, w_hh])


@settings(max_examples=20, deadline=None)
@given(sizes, st.integers(0, 2), st.booleans(), st.data())
def test_lstm_layer_gradcheck(lbh: tuple[int, int, int], proj: int, reverse: bool, data: st.DataObject) -> None:
    length, batch, hidden = lbh
    width = proj or hidden
    inputs = [
        leaf(data.draw(arrays((length, batch, 4 * hidden)))),
        leaf(data.draw(arrays((batch, width)))),
        leaf(data.draw(arrays((batch, hidden)))),
        leaf(data.draw(arrays((4 * hidden, width)))),
        *([leaf(data.draw(arrays((proj, hidden))))] if proj else []),
    ]
    assert tl.gradcheck(lambda *t: LSTMLayer.apply(*t, reverse=reverse), inputs)


@settings(max_examples=20, deadline=None)
@given(sizes, st.booleans(), st.booleans(), st.data())
def test_gru_layer_gradcheck(lbh: tuple[int, int, int], bias: bool, reverse: bool, data: st.DataObject) -> None:
    length, batch, hidden = lbh
    inputs = [
        leaf(data.draw(arrays((length, batch, 3 * hidden)))),
        leaf(data.draw(arrays((batch, hidden)))),
        leaf(data.draw(arrays((3 * hidden, hidden)))),
        *([leaf(data.draw(arrays((3 * hidden,))))] if bias else []),
    ]
    assert tl.gradcheck(lambda *t: GRULayer.apply(*t, reverse=reverse), inputs)


def _sigmoid(v: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-v))


def test_one_lstm_step_by_hand() -> None:
    rng = np.random.default_rng(0)
    xw, h0, c0 = rng.standard_normal((1, 2, 12)), rng.standard_normal((2, 3)), rng.standard_normal((2, 3))
    w = rng.standard_normal((12, 3))
    a = xw[0] + h0 @ w.T
    i, f, g, o = _sigmoid(a[:, :3]), _sigmoid(a[:, 3:6]), np.tanh(a[:, 6:9]), _sigmoid(a[:, 9:])
    c = f * c0 + i * g
    out = LSTMLayer.apply(tl.tensor(xw), tl.tensor(h0), tl.tensor(c0), tl.tensor(w)).numpy()
    np.testing.assert_allclose(out[0], np.concatenate([o * np.tanh(c), c], axis=1))


def test_one_gru_step_by_hand() -> None:
    rng = np.random.default_rng(1)
    xw, h0, w = rng.standard_normal((1, 2, 9)), rng.standard_normal((2, 3)), rng.standard_normal((9, 3))
    b = rng.standard_normal(9)
    hw = h0 @ w.T + b
    r, z = _sigmoid(xw[0, :, :3] + hw[:, :3]), _sigmoid(xw[0, :, 3:6] + hw[:, 3:6])
    n = np.tanh(xw[0, :, 6:] + r * hw[:, 6:])
    out = GRULayer.apply(tl.tensor(xw), tl.tensor(h0), tl.tensor(w), tl.tensor(b)).numpy()
    np.testing.assert_allclose(out[0], (1 - z) * n + z * h0)


def test_float32_stays_float32() -> None:
    xw, h0, w = tl.zeros(2, 1, 4), tl.zeros(1, 4), tl.zeros(4, 4, requires_grad=True)
    out = RNNLayer.apply(xw, h0, w)
    out.sum().backward()
    assert out.dtype == np.float32 and w.grad is not None and w.grad.dtype == np.float32
