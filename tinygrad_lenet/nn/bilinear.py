"""``nn.Bilinear``: the bilinear map y = x1^T A x2 + b as a layer, over ``F.bilinear`` (attention_functions.py)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..base import dtypes
from ..base.devices import check_device
from ..base.dims import positive_int
from ..tensor.tensor import Tensor
from . import init
from .attention_functions import bilinear
from .module import Module, Parameter


class Bilinear(Module):
    """y = x1^T A x2 + b, with weight A of shape (out_features, in1_features, in2_features) and bias (out_features,),
    both drawn uniformly in +-1/sqrt(in1_features), as PyTorch."""

    def __init__(
        self,
        in1_features: int,
        in2_features: int,
        out_features: int,
        bias: bool = True,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        check_device(device or "cpu")
        self.in1_features = positive_int(in1_features, "in1_features", "Bilinear")
        self.in2_features = positive_int(in2_features, "in2_features", "Bilinear")
        self.out_features = positive_int(out_features, "out_features", "Bilinear")
        dt = dtypes.DEFAULT_FLOAT if dtype is None else dtypes.to_dtype(dtype)
        self.weight = Parameter(np.empty((out_features, in1_features, in2_features), dtype=dt))
        self.bias = Parameter(np.empty(out_features, dtype=dt)) if bias else None
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Draw the weight and bias afresh, uniformly in +-1/sqrt(in1_features)."""
        bound = 1.0 / math.sqrt(self.in1_features)
        init.uniform_(self.weight, -bound, bound)
        if self.bias is not None:
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input1: Tensor, input2: Tensor) -> Tensor:
        return bilinear(input1, input2, self.weight, self.bias)

    def extra_repr(self) -> str:
        return (
            f"in1_features={self.in1_features}, in2_features={self.in2_features}, "
            f"out_features={self.out_features}, bias={self.bias is not None}"
        )
