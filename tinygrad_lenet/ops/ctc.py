"""Connectionist temporal classification: the negative log-likelihood of a label sequence summed over all its
alignments to the input frames, by the forward-backward algorithm in log space (Graves et al., 2006)."""

from __future__ import annotations

import numpy as np

from ..autodiff.function import Function, Grads

NEG_INF = -np.inf


def _lse(*terms: np.ndarray) -> np.ndarray:
    """log(sum(exp(terms))) elementwise, -inf where every term is -inf."""
    stacked = np.stack(terms)
    top = stacked.max(0)
    safe = np.where(np.isfinite(top), top, 0.0)
    return safe + np.log(np.exp(stacked - safe).sum(0))


def _shift(x: np.ndarray, k: int) -> np.ndarray:
    """x moved k places right along the last axis, -inf coming in from the left."""
    out = np.full_like(x, NEG_INF)
    out[..., k:] = x[..., : x.shape[-1] - k]
    return out


def _unshift(x: np.ndarray, k: int) -> np.ndarray:
    """x moved k places left along the last axis, -inf coming in from the right."""
    out = np.full_like(x, NEG_INF)
    out[..., : x.shape[-1] - k] = x[..., k:]
    return out


class CTCLoss(Function):
    """Per-sample CTC negative log-likelihood of (T, N, C) log-probabilities ``log_probs``.

    ``labels`` is (N, S) with each sample's target at the start of its row, and ``input_lengths`` and
    ``target_lengths`` give the frames and labels of each sample. The target l of length L is extended to
    l' = (blank, l_1, blank, l_2, ..., l_L, blank), of length 2L + 1; an alignment is a path through l' that
    starts at one of its first two entries, ends at one of its last two, and at each frame stays, moves one on,
    or skips a blank between two different labels. With y_t(c) = exp(log_probs[t, c]):

    alpha_t(s) = y_t(l'_s) (alpha_{t-1}(s) + alpha_{t-1}(s-1) + [l'_s != blank, l'_s != l'_{s-2}] alpha_{t-1}(s-2)),
    beta_t(s)  = y_t(l'_s) (beta_{t+1}(s) + beta_{t+1}(s+1) + [l'_s != blank, l'_s != l'_{s+2}] beta_{t+1}(s+2)),

    from alpha_0 = y_0 on s = 0, 1 and beta_{T-1} = y_{T-1} on s = 2L, 2L - 1; p(l | x) = alpha_{T-1}(2L) +
    alpha_{T-1}(2L - 1), and the loss is -log p. All of it is computed in log space.
    """

    def forward(
        self,
        log_probs: np.ndarray,
        *,
        labels: np.ndarray,
        input_lengths: np.ndarray,
        target_lengths: np.ndarray,
        blank: int,
        zero_infinity: bool,
    ) -> np.ndarray:
        frames, batch, _ = log_probs.shape
        states = 2 * labels.shape[1] + 1
        extended = np.full((batch, states), blank, dtype=np.int64)  # l' of each sample
        extended[:, 1::2] = labels
        s_index, n_index = np.arange(states)[None, :], np.arange(batch)
        end, last = 2 * target_lengths, input_lengths - 1
        valid = s_index <= end[:, None]
        # emit[t, n, s] = log y_t(l'_s) of sample n, -inf past its l'
        emit = np.take_along_axis(log_probs, np.broadcast_to(extended[None], (frames, batch, states)), axis=2)
        emit = np.where(valid[None], emit, NEG_INF)
        skip = (extended != blank) & (extended != _shift_labels(extended, 2, blank))  # may come from s - 2
        skip_back = (extended != blank) & (extended != _unshift_labels(extended, 2, blank))  # may go to s + 2
        alpha = np.full((frames, batch, states), NEG_INF)
        alpha[0, :, :2] = emit[0, :, :2]
        for t in range(1, frames):
            prev = alpha[t - 1]
            alpha[t] = emit[t] + _lse(prev, _shift(prev, 1), np.where(skip, _shift(prev, 2), NEG_INF))
        final = alpha[last, n_index]
        nll = -_lse(final[n_index, end], np.where(end > 0, final[n_index, np.maximum(end - 1, 0)], NEG_INF))
        beta = np.full((frames, batch, states), NEG_INF)
        starts = np.where(s_index >= (end - 1)[:, None], emit[last, n_index], NEG_INF)
        for t in range(frames - 1, -1, -1):
            nxt = beta[t + 1] if t + 1 < frames else np.full((batch, states), NEG_INF)
            step = emit[t] + _lse(nxt, _unshift(nxt, 1), np.where(skip_back, _unshift(nxt, 2), NEG_INF))
            beta[t] = np.where((last == t)[:, None], starts, np.where((last > t)[:, None], step, NEG_INF))
        # log gamma_t(s) = log alpha_t(s) + log beta_t(s), y_t(l'_s) counted in both
        self.save_for_backward(log_probs, alpha + beta, extended, input_lengths, nll)
        self.zero_infinity = zero_infinity
        return np.where(zero_infinity & np.isinf(nll), 0.0, nll).astype(log_probs.dtype)

    def backward(self, grad: np.ndarray) -> Grads:
        """With gamma_t(s) = alpha_t(s) beta_t(s) (so sum_s gamma_t(s) / y_t(l'_s) = p for every t) and
        G_t(c) = sum over the s with l'_s = c of gamma_t(s), the loss -log p has the derivative
        -G_t(c) / (p y_t(c)) with respect to log y_t(c). As PyTorch's, the rule returns

            d log_probs[t, n, c] = g_n (y_t(c) - G_t(c) / (p y_t(c)))   for t < input_lengths[n], else 0,

        the extra y_t(c) being the part that a log_softmax before the loss takes out again (its backward
        subtracts y_t(c) sum_c g), so the rule is exact for the gradient with respect to the logits of a
        log_softmax; with ``zero_infinity`` an impossible alignment (p = 0) gets a zero gradient."""
        log_probs, log_gamma, extended, input_lengths, nll = self.saved_tensors
        frames, batch, classes = log_probs.shape
        log_g = np.full((frames, batch, classes), NEG_INF)  # log G_t(c): gamma log-summed over the states of c
        t_index, n_index = np.ogrid[:frames, :batch]
        with np.errstate(all="ignore"):
            np.logaddexp.at(log_g, (t_index[:, :, None], n_index[:, :, None], extended[None]), log_gamma)
            d = np.exp(log_probs) - np.exp(log_g + nll[None, :, None] - log_probs)
        d = np.where((np.arange(frames)[:, None] < input_lengths[None, :])[:, :, None], d, 0.0)
        if self.zero_infinity:
            d = np.where(np.isinf(nll)[None, :, None], 0.0, d)
        return ((d * grad[None, :, None]).astype(log_probs.dtype),)


def _shift_labels(extended: np.ndarray, k: int, blank: int) -> np.ndarray:
    """l'_{s-k} for each s (blank before the start)."""
    out = np.full_like(extended, blank)
    out[:, k:] = extended[:, :-k]
    return out


def _unshift_labels(extended: np.ndarray, k: int, blank: int) -> np.ndarray:
    """l'_{s+k} for each s (blank past the end)."""
    out = np.full_like(extended, blank)
    out[:, :-k] = extended[:, k:]
    return out
