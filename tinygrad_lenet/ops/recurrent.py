"""The recurrent ops: a tanh/ReLU RNN, an LSTM and a GRU run over a whole sequence, one node each.

Each op takes the input projection of every time step already computed, ``xw[t] = x[t] W_ih^T + b``
(one matmul for the sequence, done before the op by ``F.linear``), the initial state and the
recurrent weights; ``forward`` loops over the steps, ``backward`` runs them in reverse
(backpropagation through time) with the step's derivative written out in its docstring. The
recurrent weight's gradient, a sum over steps, is one matmul at the end: dW = sum_t dA_t^T h_{t-1}.

Shapes: xw (L, B, G H) with G gates, states (B, H); ``reverse=True`` runs from t = L-1 down to 0
(the backward direction of a bidirectional layer), and the output is in time order either way.
One op per sequence rather than per step: a step op would take ``xw[t]``, a slice whose gradient
is a zero-filled (L, B, G H) array per step, L^2 work for what the whole-sequence op does in L.
"""

from __future__ import annotations

import numpy as np

from ..autodiff.function import Function, Grads


def _sigmoid(a: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-a))


def _steps(length: int, reverse: bool) -> range:
    """The time steps in the order the recurrence visits them."""
    return range(length - 1, -1, -1) if reverse else range(length)


def _previous(states: np.ndarray, initial: np.ndarray, reverse: bool) -> np.ndarray:
    """The state each step starts from, in time order: h_{t-1} (h_{t+1} when reversed), the initial one first."""
    if reverse:
        return np.concatenate([states[1:], initial[None]])
    return np.concatenate([initial[None], states[:-1]])


def _sum_outer(d: np.ndarray, x: np.ndarray) -> np.ndarray:
    """sum over t and b of d[t, b]^T x[t, b]: a weight's gradient summed over every step, one matmul."""
    return d.reshape(-1, d.shape[-1]).T @ x.reshape(-1, x.shape[-1])


class RNNLayer(Function):
    """h_t = act(xw_t + h_{t-1} W_hh^T), act tanh or ReLU, for t = 1..L: the output is (h_1, ..., h_L)."""

    def forward(
        self, xw: np.ndarray, h0: np.ndarray, w_hh: np.ndarray, reverse: bool = False, relu: bool = False
    ) -> np.ndarray:
        self.reverse, self.relu = reverse, relu
        hs = np.empty(xw.shape, dtype=xw.dtype)
        h = h0
        for t in _steps(len(xw), reverse):
            a = xw[t] + h @ w_hh.T
            h = np.maximum(a, 0) if relu else np.tanh(a)
            hs[t] = h
        self.save_for_backward(hs, h0, w_hh)
        return hs

    def backward(self, grad: np.ndarray) -> Grads:
        """With dh_t = g_t + dh carried back from step t+1 and a_t the pre-activation:

        da_t = dh_t (1 - h_t^2) for tanh, dh_t [h_t > 0] for ReLU;  dxw_t = da_t;
        dh_{t-1} (carried) = da_t W_hh;  dW_hh = sum_t da_t^T h_{t-1};  dh_0 = the last carry.
        """
        hs, h0, w_hh = self.saved_tensors
        da_all = np.empty_like(hs)
        dh = np.zeros_like(h0)
        for t in reversed(_steps(len(hs), self.reverse)):
            dh = grad[t] + dh
            da = dh * (hs[t] > 0) if self.relu else dh * (1 - hs[t] * hs[t])
            da_all[t] = da
            dh = da @ w_hh
        dw = _sum_outer(da_all, _previous(hs, h0, self.reverse)) if self.needs_input_grad[2] else None
        return da_all, dh, dw


class LSTMLayer(Function):
    """An LSTM over a sequence; gates in PyTorch's order i, f, g, o. With a = xw_t + h_{t-1} W_hh^T:

    i = sigmoid(a_i), f = sigmoid(a_f), g = tanh(a_g), o = sigmoid(a_o),
    c_t = f c_{t-1} + i g,  m_t = o tanh(c_t),  h_t = m_t W_hr^T (with a projection ``w_hr``) or m_t.

    The output is (L, B, P + H): each step's state h_t (P wide) and c_t (H wide) side by side, so that
    one op returns both the hidden states and the cell states (the final c_n is the last step's).
    """

    def forward(
        self,
        xw: np.ndarray,
        h0: np.ndarray,
        c0: np.ndarray,
        w_hh: np.ndarray,
        w_hr: np.ndarray | None = None,
        reverse: bool = False,
    ) -> np.ndarray:
        self.reverse = reverse
        length, hidden, width = len(xw), c0.shape[-1], h0.shape[-1]
        gates = np.empty(xw.shape, dtype=xw.dtype)
        out = np.empty(xw.shape[:2] + (width + hidden,), dtype=xw.dtype)
        ms = np.empty(xw.shape[:2] + (hidden,), dtype=xw.dtype)
        h, c = h0, c0
        for t in _steps(length, reverse):
            a = xw[t] + h @ w_hh.T
            gate = gates[t]
            gate[:] = _sigmoid(a)
            gate[:, 2 * hidden : 3 * hidden] = np.tanh(a[:, 2 * hidden : 3 * hidden])
            c = gate[:, hidden : 2 * hidden] * c + gate[:, :hidden] * gate[:, 2 * hidden : 3 * hidden]
            ms[t] = gate[:, 3 * hidden :] * np.tanh(c)
            h = ms[t] @ w_hr.T if w_hr is not None else ms[t]
            out[t, :, :width], out[t, :, width:] = h, c
        self.save_for_backward(gates, out, ms, h0, c0, w_hh, *(() if w_hr is None else (w_hr,)))
        return out

    def backward(self, grad: np.ndarray) -> Grads:
        """With dh_t, dc_t the output's gradients plus what step t+1 carries back, tc = tanh(c_t):

        dm = dh_t W_hr (dh_t without projection);  dW_hr = sum_t dh_t^T m_t;
        dc = dc_t + dm o (1 - tc^2);
        da_i = dc g i (1 - i),  da_f = dc c_{t-1} f (1 - f),  da_g = dc i (1 - g^2),  da_o = dm tc o (1 - o);
        dxw_t = da;  dh_{t-1} = da W_hh,  dc_{t-1} = dc f (carried);  dW_hh = sum_t da_t^T h_{t-1}.
        """
        gates, out, ms, h0, c0, w_hh, *projection = self.saved_tensors
        w_hr = projection[0] if projection else None
        hidden, width = c0.shape[-1], h0.shape[-1]
        hs, cs = out[..., :width], out[..., width:]
        c_prev = _previous(cs, c0, self.reverse)
        tcs = np.tanh(cs)
        slope = gates * (1 - gates)  # each gate's derivative: s (1 - s) for a sigmoid, 1 - g^2 for tanh
        slope[..., 2 * hidden : 3 * hidden] = 1 - gates[..., 2 * hidden : 3 * hidden] ** 2
        da_all = np.empty_like(gates)
        dh_all = np.empty_like(hs)
        dh, dc = np.zeros_like(h0), np.zeros_like(c0)
        for t in reversed(_steps(len(gates), self.reverse)):
            dh = grad[t, :, :width] + dh
            dh_all[t] = dh
            dm = dh @ w_hr if w_hr is not None else dh
            gate, tc = gates[t], tcs[t]
            dc = grad[t, :, width:] + dc + dm * gate[:, 3 * hidden :] * (1 - tc * tc)
            da = da_all[t]
            da[:, :hidden] = dc * gate[:, 2 * hidden : 3 * hidden]
            da[:, hidden : 2 * hidden] = dc * c_prev[t]
            da[:, 2 * hidden : 3 * hidden] = dc * gate[:, :hidden]
            da[:, 3 * hidden :] = dm * tc
            da *= slope[t]
            dc = dc * gate[:, hidden : 2 * hidden]
            dh = da @ w_hh
        dw_hh = _sum_outer(da_all, _previous(hs, h0, self.reverse)) if self.needs_input_grad[3] else None
        dw_hr = (_sum_outer(dh_all, ms),) if w_hr is not None else ()
        return (da_all, dh, dc, dw_hh, *dw_hr)


class GRULayer(Function):
    """A GRU over a sequence; gates in PyTorch's order r, z, n. With xw_t = [x_r, x_z, x_n] and
    hw = h_{t-1} W_hh^T + b_hh = [h_r, h_z, h_n]:

    r = sigmoid(x_r + h_r),  z = sigmoid(x_z + h_z),  n = tanh(x_n + r h_n),  h_t = (1 - z) n + z h_{t-1}.

    ``b_hh`` is an input of its own (not folded into xw) because r multiplies h_n with it.
    """

    def forward(
        self, xw: np.ndarray, h0: np.ndarray, w_hh: np.ndarray, b_hh: np.ndarray | None = None, reverse: bool = False
    ) -> np.ndarray:
        self.reverse = reverse
        hidden = h0.shape[-1]
        gates = np.empty(xw.shape, dtype=xw.dtype)
        h_ns = np.empty(xw.shape[:2] + (hidden,), dtype=xw.dtype)
        hs = np.empty(xw.shape[:2] + (hidden,), dtype=xw.dtype)
        h = h0
        for t in _steps(len(xw), reverse):
            hw = h @ w_hh.T if b_hh is None else h @ w_hh.T + b_hh
            rz = _sigmoid(xw[t, :, : 2 * hidden] + hw[:, : 2 * hidden])
            n = np.tanh(xw[t, :, 2 * hidden :] + rz[:, :hidden] * hw[:, 2 * hidden :])
            h = n + rz[:, hidden:] * (h - n)
            gates[t, :, : 2 * hidden], gates[t, :, 2 * hidden :], h_ns[t], hs[t] = rz, n, hw[:, 2 * hidden :], h
        self.save_for_backward(gates, h_ns, hs, h0, w_hh)
        return hs

    def backward(self, grad: np.ndarray) -> Grads:
        """With dh_t = g_t + the carry from step t+1 and h = h_{t-1}:

        dn = dh_t (1 - z),  dz = dh_t (h - n),  da_n = dn (1 - n^2),  dr = da_n h_n;
        dxw_t = [dr r (1 - r), dz z (1 - z), da_n],  dhw_t = [dr r (1 - r), dz z (1 - z), da_n r];
        dh_{t-1} = dh_t z + dhw_t W_hh (carried);  dW_hh = sum_t dhw_t^T h_{t-1};  db_hh = sum_t dhw_t.
        """
        gates, h_ns, hs, h0, w_hh = self.saved_tensors
        hidden = h0.shape[-1]
        h_prev = _previous(hs, h0, self.reverse)
        dxw_all = np.empty_like(gates)
        dhw_all = np.empty_like(gates)
        dh = np.zeros_like(h0)
        for t in reversed(_steps(len(gates), self.reverse)):
            dh = grad[t] + dh
            r, z, n = np.split(gates[t], 3, axis=1)
            da_n = dh * (1 - z) * (1 - n * n)
            dxw, dhw = dxw_all[t], dhw_all[t]
            dxw[:, :hidden] = dhw[:, :hidden] = da_n * h_ns[t] * r * (1 - r)
            dxw[:, hidden : 2 * hidden] = dhw[:, hidden : 2 * hidden] = dh * (h_prev[t] - n) * z * (1 - z)
            dxw[:, 2 * hidden :] = da_n
            dhw[:, 2 * hidden :] = da_n * r
            dh = dh * z + dhw @ w_hh
        dw_hh = _sum_outer(dhw_all, h_prev) if self.needs_input_grad[2] else None
        db_hh = (dhw_all.sum(axis=(0, 1)),) if len(self.needs_input_grad) > 3 else ()
        return (dxw_all, dh, dw_hh, *db_hh)
