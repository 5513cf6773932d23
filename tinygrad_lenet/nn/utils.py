"""Helpers on a model's parameters: gradient clipping and an explicit L2 penalty; ``nn.utils.rnn``, the
padding and packing of sequences (``rnn_utils.py``)."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from ..tensor.tensor import Tensor
from . import rnn_utils as rnn  # noqa: F401  # nn.utils.rnn, as torch.nn.utils.rnn


def clip_grad_norm_(parameters: Iterable[Tensor] | Tensor, max_norm: float, norm_type: float = 2.0) -> Tensor:
    """Scale all gradients together so that their joint norm is at most ``max_norm``.

    The norm is taken over every parameter's gradient as if they were one vector; returns that
    total norm (before clipping) as a 0-d tensor, as PyTorch does.
    """
    params = [parameters] if isinstance(parameters, Tensor) else list(parameters)
    grads = [p.grad._array for p in params if p.grad is not None]
    if not grads:
        return Tensor(np.array(0.0, dtype=np.float32))
    if norm_type == np.inf:
        total = max(float(np.abs(g).max()) for g in grads)
    else:
        total = float(sum(float((np.abs(g) ** norm_type).sum()) for g in grads) ** (1.0 / norm_type))
    scale = max_norm / (total + 1e-6)
    if scale < 1.0:
        for p in params:
            if p.grad is not None:
                p.grad._array = p.grad._array * np.asarray(scale, dtype=p.grad.dtype)
    return Tensor(np.array(total, dtype=grads[0].dtype))


def l2_penalty(parameters: Iterable[Tensor], weight_decay: float) -> Tensor:
    """(weight_decay / 2) * sum of squared parameters, to add to a loss.

    Its gradient is weight_decay * w, so ``loss + l2_penalty(model.parameters(), lam)`` trained
    with plain SGD takes the same steps as SGD with ``weight_decay=lam``. Unlike the optimizer
    option it shows up in the loss value, and it applies only to the parameters you pass (for
    example weights but not biases).
    """
    params = list(parameters)
    if not params:
        raise ValueError("l2_penalty: no parameters given")
    total = (params[0] * params[0]).sum()
    for p in params[1:]:
        total = total + (p * p).sum()
    return total * (weight_decay / 2)
