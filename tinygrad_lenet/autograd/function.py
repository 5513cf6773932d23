"""``torch.autograd.function`` under its PyTorch name: ``Function``, ``FunctionCtx``, ``once_differentiable``."""

from __future__ import annotations

from ..autodiff.custom_function import FunctionCtx, once_differentiable
from ..autodiff.function import Function

__all__ = ["Function", "FunctionCtx", "once_differentiable"]
