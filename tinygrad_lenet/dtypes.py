"""The dtypes tensors may have, with PyTorch's names, and the rules that pick one."""

from __future__ import annotations

import builtins
from typing import Any

import numpy as np

from .errors import DTypeError

float32 = np.dtype(np.float32)
float64 = np.dtype(np.float64)
float16 = np.dtype(np.float16)
int32 = np.dtype(np.int32)
int64 = np.dtype(np.int64)
uint8 = np.dtype(np.uint8)
bool_ = np.dtype(np.bool_)
float = float32  # noqa: A001 - PyTorch's alias: tinygrad_lenet.float is float32
double = float64
long = int64

DEFAULT_FLOAT = float32


def to_dtype(dtype: Any) -> np.dtype:
    """A numpy dtype from a numpy dtype, a numpy scalar type or a name such as ``"float64"``."""
    try:
        result = np.dtype(dtype)
    except TypeError:
        raise DTypeError(f"{dtype!r} is not a dtype; use e.g. tinygrad_lenet.float32 or 'float64'") from None
    if result.kind not in "fiub":
        raise DTypeError(f"tensors hold numbers or booleans, not {result} ({dtype!r})")
    return result


def is_floating(dtype: np.dtype) -> bool:
    """True for the floating-point dtypes, the only ones that can carry gradients."""
    return dtype.kind == "f"


def scalar_dtype(tensor_dtype: np.dtype, scalar: Any) -> np.dtype:
    """The dtype a Python scalar takes when combined with a tensor (PyTorch's rule).

    The tensor's dtype wins, except that a float scalar turns an integer or bool tensor into
    the default float dtype and an int scalar turns a bool tensor into int64.
    """
    if is_floating(tensor_dtype):
        return tensor_dtype
    if isinstance(scalar, (builtins.float, np.floating)):
        return DEFAULT_FLOAT
    if tensor_dtype.kind == "b" and not isinstance(scalar, (bool, np.bool_)):
        return int64
    return tensor_dtype

