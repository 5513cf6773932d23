"""ONNX's RNN, GRU and LSTM operators run with our recurrent layers' functions (``nn/recurrent_functions.py``),
and the Squeeze and Concat around them.

The weights come in ONNX's gate order (LSTM i, o, f, c; GRU z, r, h) and are reordered into ours (LSTM i, f,
g, o; GRU r, z, n); a GRU must have ``linear_before_reset=1`` (PyTorch's and our formula). What the operators
allow but these do not (``sequence_lens``, ``clip``, other activations, ``layout=1``, LSTM peepholes) is refused.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..nn.functional import linear
from ..nn.recurrent_functions import final_state, gru_layer, lstm_layer, rnn_layer
from ..tensor.functions import cat, stack
from ..tensor.tensor import Tensor

OUR_ORDER = {"LSTM": (0, 2, 3, 1), "GRU": (1, 0, 2), "RNN": (0,)}
"""For each of our gates in our order, which of ONNX's gate blocks it is."""


def _input(xs: Sequence[Tensor | None], i: int) -> Tensor | None:
    return xs[i] if i < len(xs) else None


def _reordered(t: Tensor, op: str, hidden: int) -> Tensor:
    rows = np.concatenate([np.arange(b * hidden, (b + 1) * hidden) for b in OUR_ORDER[op]])
    return t[rows]


def _activations(attrs: dict[str, Any]) -> list[str] | None:
    names = attrs.get("activations")
    return None if names is None else [n.decode() if isinstance(n, bytes) else str(n) for n in names]


def _check(op: str, xs: Sequence[Tensor | None], attrs: dict[str, Any], length: int) -> None:
    activations = _activations(attrs)
    default = {"LSTM": ["Sigmoid", "Tanh", "Tanh"], "GRU": ["Sigmoid", "Tanh"]}.get(op)
    lengths = _input(xs, 4)
    refused = [
        ("sequence_lens shorter than the sequence", lengths is not None and bool((lengths.numpy() != length).any())),
        ("clip", "clip" in attrs),
        ("input_forget", attrs.get("input_forget", 0) != 0),
        (f"activations {activations}", activations is not None and activations != default and op != "RNN"),
        (f"activations {activations}", op == "RNN" and activations not in (None, ["Tanh"], ["Relu"])),
    ]
    for what, bad in refused:
        if bad:
            raise NotImplementedError(f"onnx.load: {op} with {what} is not supported here")


def _gru_reset_first(x: Tensor, h: Tensor, w: list[Any], reverse: bool) -> Tensor:
    """A GRU with ``linear_before_reset=0``, n = tanh(x W_in^T + b_in + (r h) W_hn^T + b_hn): not our op's
    formula, so composed of tensor ops step by step (its gradient comes from theirs)."""
    w_ih, w_hh, b_ih, b_hh = w
    size = h.shape[-1]
    xw, outputs = linear(x, w_ih, b_ih), [h] * len(x)
    for t in range(len(x) - 1, -1, -1) if reverse else range(len(x)):
        hw = linear(h, w_hh[: 2 * size], None if b_hh is None else b_hh[: 2 * size])
        r, z = (xw[t, :, :size] + hw[:, :size]).sigmoid(), (xw[t, :, size : 2 * size] + hw[:, size:]).sigmoid()
        n = (xw[t, :, 2 * size :] + linear(r * h, w_hh[2 * size :], None if b_hh is None else b_hh[2 * size :])).tanh()
        h = outputs[t] = (1 - z) * n + z * h
    return stack(outputs)


def _lstm_peepholes(x: Tensor, h: Tensor, c: Tensor, w: list[Any], p: Tensor, reverse: bool) -> list[Tensor]:
    """An LSTM with peepholes P = [p_i, p_o, p_f] (i and f also see c_{t-1}, o sees c_t), composed of tensor
    ops step by step: the hidden states and the cell states."""
    w_ih, w_hh, b_ih, b_hh = w
    size = c.shape[-1]
    p_i, p_o, p_f = p[:size], p[size : 2 * size], p[2 * size :]
    xw = linear(x, w_ih, None if b_ih is None or b_hh is None else b_ih + b_hh)
    hs, cs = [h] * len(x), [c] * len(x)
    for t in range(len(x) - 1, -1, -1) if reverse else range(len(x)):
        a = xw[t] + linear(h, w_hh)
        i, f = (a[:, :size] + p_i * c).sigmoid(), (a[:, size : 2 * size] + p_f * c).sigmoid()
        c = cs[t] = f * c + i * a[:, 2 * size : 3 * size].tanh()
        h = hs[t] = (a[:, 3 * size :] + p_o * c).sigmoid() * c.tanh()
    return [stack(hs), stack(cs)]


def _recurrent(op: str) -> Any:
    def run(xs: Sequence[Tensor | None], attrs: dict[str, Any]) -> tuple[Tensor, ...]:
        x, w, r, b = xs[0], xs[1], xs[2], _input(xs, 3)
        assert x is not None and w is not None and r is not None
        batch_first = attrs.get("layout", 0) == 1
        x = x.transpose(0, 1) if batch_first else x
        _check(op, xs, attrs, len(x))
        direction = attrs.get("direction", b"forward")
        hidden, direction = int(attrs["hidden_size"]), direction.decode() if isinstance(direction, bytes) else direction
        directions = 2 if direction == "bidirectional" else 1
        zeros = Tensor(np.zeros((directions, x.shape[1], hidden), dtype=x.dtype))
        h0, c0, peepholes = _input(xs, 5), _input(xs, 6), _input(xs, 7)
        h0, c0 = [zeros if s is None else s.transpose(0, 1) if batch_first else s for s in (h0, c0)]
        outputs: list[list[Tensor]] = [[], [], []]
        for d in range(directions):
            reverse = direction == "reverse" or d == 1
            size = len(OUR_ORDER[op]) * hidden
            biases = [None, None] if b is None else [b[d, :size], b[d, size:]]
            b_ih, b_hh = (None if t is None else _reordered(t, op, hidden) for t in biases)
            w_ih, w_hh = _reordered(w[d], op, hidden), _reordered(r[d], op, hidden)
            weights = [w_ih, w_hh, b_ih, b_hh]
            if op == "LSTM" and peepholes is not None:
                sequences = _lstm_peepholes(x, h0[d], c0[d], weights, peepholes[d], reverse)
            elif op == "LSTM":
                sequences = list(lstm_layer(x, h0[d], c0[d], w_ih, w_hh, b_ih, b_hh, reverse=reverse))
            elif op == "GRU" and attrs.get("linear_before_reset", 0) != 1:
                sequences = [_gru_reset_first(x, h0[d], weights, reverse)]
            elif op == "GRU":
                sequences = [gru_layer(x, h0[d], w_ih, w_hh, b_ih, b_hh, reverse)]
            else:
                relu = _activations(attrs) == ["Relu"]
                sequences = [rnn_layer(x, h0[d], w_ih, w_hh, b_ih, b_hh, reverse, "relu" if relu else "tanh")]
            outputs[0].append(sequences[0])
            for k, s in enumerate(sequences):
                outputs[k + 1].append(final_state(s, reverse))
        y, *finals = (stack(o, dim=1 if k == 0 else 0) for k, o in enumerate(outputs) if o)
        if batch_first:
            return (y.permute(2, 0, 1, 3), *(f.transpose(0, 1) for f in finals))
        return (y, *finals)

    return run


def _squeeze(xs: Sequence[Tensor | None], attrs: dict[str, Any]) -> Tensor:
    x, axes = xs[0], _input(xs, 1)
    assert x is not None
    dims = [int(a) % x.ndim for a in axes.numpy().reshape(-1)] if axes is not None else None
    return x.reshape(*[n for i, n in enumerate(x.shape) if (n != 1 if dims is None else i not in dims)])


def _concat(xs: Sequence[Tensor | None], attrs: dict[str, Any]) -> Tensor:
    return cat([x for x in xs if x is not None], dim=int(attrs["axis"]))


RECURRENT_IMPORTERS = {
    "LSTM": _recurrent("LSTM"),
    "GRU": _recurrent("GRU"),
    "RNN": _recurrent("RNN"),
    "Squeeze": _squeeze,
    "Concat": _concat,
}
"""Merged into ``import_table.IMPORTERS`` (the recurrent ones into ``WITH_SECOND_OUTPUT`` too: they have several)."""
