"""Primitive ops of the smooth activations that are not compositions of others: softplus and erf.

(ReLU, sigmoid and tanh are in ``elementwise.py``; leaky ReLU, ELU, SiLU, GELU, Mish,
Hardswish and ReLU6 are compositions, in ``nn/activation.py``.)
"""

from __future__ import annotations

import math

import numpy as np

from ..autodiff.function import Function, Grads

_erf = np.vectorize(math.erf, otypes=[np.float64])


class Softplus(Function):
    def forward(self, x: np.ndarray, beta: float) -> np.ndarray:
        self.beta = beta
        self.save_for_backward(x)
        return (np.logaddexp(0.0, beta * x) / beta).astype(
            x.dtype, copy=False
        )  # log(1 + e^(beta x)) / beta, no overflow

    def backward(self, grad: np.ndarray) -> Grads:
        """d/dx log(1 + e^(b x)) / b = sigmoid(b x) = 1 / (1 + e^(-b x))."""
        (x,) = self.saved_tensors
        return (grad / (1.0 + np.exp(-self.beta * x)),)


class Erf(Function):
    def forward(self, x: np.ndarray) -> np.ndarray:
        self.save_for_backward(x)
        return _erf(x).astype(x.dtype, copy=False)

    def backward(self, grad: np.ndarray) -> Grads:
        """d erf(x)/dx = 2 / sqrt(pi) e^(-x^2)."""
        (x,) = self.saved_tensors
        return (grad * (2.0 / math.sqrt(math.pi)) * np.exp(-x * x),)
