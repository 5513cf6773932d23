"""The recurrent sequence ops (``ops/recurrent.py``) as ONNX's RNN, GRU and LSTM operators.

Our ops take the input projection xw = x W_ih^T + b already computed (a ``Linear`` node before them), so the
ONNX operator gets X = xw and for W the permutation matrix that reorders xw's gate blocks into ONNX's order
(LSTM i, o, f, c from our i, f, g, o; GRU z, r, h from our r, z, n); R is W_hh with its rows reordered the
same way (MatMul by that permutation). Zero initial states (the default) are left out, so that the
batch size stays free. ONNX's LSTM gives the cell state of the last step only, so the cell states of our
op's output are that final one at every step: the layers read only the last (``c_n``); a packed batch,
which reads each sequence's own last step, and ``proj_size`` are refused.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from ..autodiff.function import Function
    from ..tensor.tensor import Tensor
    from .exporter import Context
    from .op_table import Exporter

ONNX_ORDER = {"LSTMLayer": (0, 3, 1, 2), "GRULayer": (1, 0, 2), "RNNLayer": (0,)}
"""For each of ONNX's gates in its order, which of our gate blocks it is."""


def _permutation(op: str, hidden: int) -> np.ndarray:
    """P with (xw P^T) = xw's gate blocks in ONNX's order: P[k, our_index(k)] = 1."""
    rows = np.concatenate([np.arange(b * hidden, (b + 1) * hidden) for b in ONNX_ORDER[op]])
    return np.eye(len(rows))[rows]


def _is_zeros(t: Tensor) -> bool:
    return t.grad_fn is None and not t.requires_grad and not np.any(t._array)


def _unsqueezed(ctx: Context, fn: Function, name: str, axis: int) -> str:
    out = ctx.temp("unsqueezed")
    ctx.node("Unsqueeze", [name, ctx.constant(np.array([axis], dtype=np.int64), "axes")], [out], fn)
    return out


def _state(ctx: Context, fn: Function, t: Tensor, name: str) -> str:
    """An initial state as ONNX's (1, B, H), or "" (left out: zeros) when it is a constant zero (whose
    initializer, made for this op alone, is dropped)."""
    if not _is_zeros(t):
        return _unsqueezed(ctx, fn, name, 0)
    if name.startswith("const"):
        ctx.initializers.pop(name, None)
    return ""


def _recurrent(ctx: Context, fn: Function, inputs: list[str], output: str) -> None:
    if fn.name == "LSTMLayer" and len(fn.parents) > 4:
        raise NotImplementedError(
            "onnx.export: an LSTM with proj_size has no ONNX operator (ONNX's LSTM projects nothing)"
        )
    xw, h0 = fn.parents[0], fn.parents[1]
    hidden = h0.shape[-1] if fn.name != "LSTMLayer" else fn.parents[2].shape[-1]
    recurrent = inputs[3] if fn.name == "LSTMLayer" else inputs[2]
    dtype = xw.dtype
    perm = _permutation(fn.name, hidden).astype(dtype)
    w = ctx.constant(perm[None], "W")
    r_rows = ctx.temp("R")
    ctx.node("MatMul", [ctx.constant(perm, "gate_order"), recurrent], [r_rows], fn)
    r = _unsqueezed(ctx, fn, r_rows, 0)
    attrs = {"hidden_size": hidden, "direction": "reverse" if fn.kwargs.get("reverse") else "forward"}
    y4 = ctx.temp("Y")
    if fn.name == "LSTMLayer":
        states = [_state(ctx, fn, h0, inputs[1]), _state(ctx, fn, fn.parents[2], inputs[2])]
        y_c = ctx.temp("Y_c")
        ctx.node("LSTM", [inputs[0], w, r, "", "", *states], [y4, "", y_c], fn, **attrs)
    else:
        bias = ""
        if fn.name == "GRULayer" and len(inputs) > 3:  # B = [Wb, Rb]: xw holds b_ih, so Wb = 0; Rb = b_hh reordered
            b_rows = ctx.temp("Rb")
            ctx.node("MatMul", [ctx.constant(perm, "gate_order"), inputs[3]], [b_rows], fn)
            both = ctx.temp("B")
            ctx.node("Concat", [ctx.constant(np.zeros(3 * hidden, dtype=dtype), "Wb"), b_rows], [both], fn, axis=0)
            bias = _unsqueezed(ctx, fn, both, 0)
        extra: dict[str, Any] = {"linear_before_reset": 1} if fn.name == "GRULayer" else {}
        if fn.name == "RNNLayer":
            extra = {"activations": ["Relu" if fn.kwargs.get("relu") else "Tanh"]}
        ctx.node(
            fn.name[:-5].upper(),
            [inputs[0], w, r, bias, "", _state(ctx, fn, h0, inputs[1])],
            [y4],
            fn,
            **attrs,
            **extra,
        )
    axis_1 = ctx.constant(np.array([1], dtype=np.int64), "axes")
    if fn.name != "LSTMLayer":
        ctx.node("Squeeze", [y4, axis_1], [output], fn)
        return
    y, zero, cells = ctx.temp("Y_seq"), ctx.temp("zero"), ctx.temp("cells")
    ctx.node("Squeeze", [y4, axis_1], [y], fn)
    ctx.node("Mul", [y, ctx.constant(np.zeros((), dtype=dtype), "zero")], [zero], fn)
    ctx.node("Add", [zero, y_c], [cells], fn)  # (L, B, H): the final cell state at every step
    ctx.node("Concat", [y, cells], [output], fn, axis=2)


RECURRENT_EXPORTERS: dict[str, Exporter] = {
    "RNNLayer": _recurrent,
    "GRULayer": _recurrent,
    "LSTMLayer": _recurrent,
}
"""The recurrent ops, merged into ``op_table.EXPORTERS``."""
