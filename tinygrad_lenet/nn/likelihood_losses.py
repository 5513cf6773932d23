"""Likelihood losses as modules: ``GaussianNLLLoss``, ``PoissonNLLLoss``, ``CTCLoss`` and ``LinearCrossEntropyLoss``
(a Linear layer fused with cross-entropy), over their ``nn.functional`` forms, with PyTorch's signatures."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from ..tensor.tensor import Tensor
from .ctc_functions import ctc_loss
from .layers import Linear
from .loss import _Loss, _WeightedLoss
from .loss_functions import gaussian_nll_loss, linear_cross_entropy, poisson_nll_loss


class GaussianNLLLoss(_Loss):
    """The negative log-likelihood of the target under a Gaussian of the input's mean and a given variance:
    (log max(var, eps) + (input - target)^2 / max(var, eps)) / 2, plus log(2 pi) / 2 when ``full``."""

    def __init__(self, *, full: bool = False, eps: float = 1e-6, reduction: str = "mean") -> None:
        super().__init__(reduction=reduction)
        self.full, self.eps = full, eps

    def forward(self, input: Tensor, target: Tensor, var: Tensor | float) -> Tensor:
        return gaussian_nll_loss(input, target, var, self.full, self.eps, self.reduction)


class PoissonNLLLoss(_Loss):
    """The negative log-likelihood of a Poisson target: e^x - t x for log-rates x (``log_input``), else
    x - t log(x + eps); ``full`` adds Stirling's approximation of log(t!)."""

    def __init__(
        self,
        log_input: bool = True,
        full: bool = False,
        size_average: bool | None = None,
        eps: float = 1e-8,
        reduce: bool | None = None,
        reduction: str = "mean",
    ) -> None:
        super().__init__(size_average, reduce, reduction)
        self.log_input, self.full, self.eps = log_input, full, eps

    def forward(self, log_input: Tensor, target: Tensor) -> Tensor:
        return poisson_nll_loss(log_input, target, self.log_input, self.full, self.eps, self.reduction)


class CTCLoss(_Loss):
    """Connectionist temporal classification: -log of the probability of each target label sequence, summed over
    its alignments to the (T, N, C) log-probabilities (``F.ctc_loss``), called as
    ``loss_fn(log_probs, targets, input_lengths, target_lengths)``."""

    def __init__(self, blank: int = 0, reduction: str = "mean", zero_infinity: bool = False) -> None:
        super().__init__(reduction=reduction)
        self.blank, self.zero_infinity = blank, zero_infinity

    def forward(
        self,
        log_probs: Tensor,
        targets: Tensor,
        input_lengths: Tensor | Sequence[int] | int,
        target_lengths: Tensor | Sequence[int] | int,
    ) -> Tensor:
        return ctc_loss(
            log_probs, targets, input_lengths, target_lengths, self.blank, self.reduction, self.zero_infinity
        )


class LinearCrossEntropyLoss(_WeightedLoss):
    """cross_entropy(linear(input), target) with the linear layer inside the loss (PyTorch 2.13's): ``linear``
    maps ``in_features`` to ``num_classes`` x prod(``out_features``) logits, stored flat as PyTorch stores
    them, and reshaped to (C, *out_features) for each call. PyTorch's ``options`` only choose how it chunks
    the batch to save memory, so they are kept and not used."""

    def __init__(
        self,
        in_features: int,
        num_classes: int,
        *,
        out_features: tuple[int, ...] = (),
        bias: bool = False,
        device: Any = None,
        dtype: Any = None,
        reduction: str = "mean",
        weight: Tensor | None = None,
        ignore_index: int | None = None,
        label_smoothing: float = 0.0,
        options: Any = None,
    ) -> None:
        if weight is not None and tuple(weight.shape) != (num_classes,):
            raise ValueError(f"LinearCrossEntropyLoss: weight must have shape ({num_classes},), got {weight.shape}")
        if not 0.0 <= label_smoothing <= 1.0:
            raise ValueError(f"LinearCrossEntropyLoss: label_smoothing must be in [0, 1], got {label_smoothing}")
        super().__init__(weight, reduction=reduction)
        self.num_classes, self.out_features = num_classes, tuple(out_features)
        self.ignore_index, self.label_smoothing, self.options = ignore_index, label_smoothing, options
        self.linear = Linear(in_features, math.prod(out_features, start=num_classes), bias, device, dtype)

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        logical = (self.num_classes, *self.out_features)
        bias = self.linear.bias
        return linear_cross_entropy(
            input,
            self.linear.weight.reshape(*logical, self.linear.in_features),
            target,
            linear_bias=None if bias is None else bias.reshape(*logical),
            weight=self.weight,
            reduction=self.reduction,
            ignore_index=self.ignore_index,
            label_smoothing=self.label_smoothing,
            options=self.options,
        )

    def extra_repr(self) -> str:
        return (
            f"in_features={self.linear.in_features}, num_classes={self.num_classes}, "
            f"out_features={self.out_features}, bias={self.linear.bias is not None}, reduction={self.reduction}, "
            f"ignore_index={self.ignore_index}, label_smoothing={self.label_smoothing}, options={self.options}"
        )
