"""The dtypes tensors may have, with PyTorch's names, and the rules that pick one."""

from __future__ import annotations

import builtins
from typing import Any

import numpy as np

from .errors import DTypeError

float32 = np.dtype(np.float32)
"""32-bit float (``torch.float32``): the default dtype of tensors made from Python floats."""
float64 = np.dtype(np.float64)
"""64-bit float (``torch.float64``): what gradient checks use."""
float16 = np.dtype(np.float16)
"""16-bit float (``torch.float16``)."""
int32 = np.dtype(np.int32)
"""32-bit integer (``torch.int32``)."""
int64 = np.dtype(np.int64)
"""64-bit integer (``torch.int64``): the dtype of tensors made from Python ints, and of class labels."""
uint8 = np.dtype(np.uint8)
"""8-bit unsigned integer (``torch.uint8``): MNIST's pixels."""
bool_ = np.dtype(np.bool_)
"""Boolean (``torch.bool``): comparisons and masks."""
int16 = np.dtype(np.int16)
"""16-bit integer (``torch.int16``)."""
int8 = np.dtype(np.int8)
"""8-bit integer (``torch.int8``)."""
float = float32
"""PyTorch's alias: ``float32``."""
double = float64
"""PyTorch's alias: ``float64``."""
half = float16
"""PyTorch's alias: ``float16``."""
long = int64
"""PyTorch's alias: ``int64``."""
int = int32
"""PyTorch's alias: ``int32``."""
short = int16
"""PyTorch's alias: ``int16``."""
bool = bool_
"""PyTorch's alias: ``bool_``."""


class BFloat16:
    """``torch.bfloat16``, a name users can write before anything needs its storage.

    Its numpy dtype comes from ``ml_dtypes`` (imported when first needed, not with the package);
    without ``ml_dtypes`` installed, storing a tensor as bfloat16 is a :class:`DTypeError` saying so.
    ``np.dtype(tl.bfloat16)`` and comparisons with dtypes go through :attr:`dtype`.
    """

    @property
    def dtype(self) -> np.dtype:
        """The numpy dtype (``ml_dtypes.bfloat16``)."""
        try:
            import ml_dtypes
        except ImportError:
            raise DTypeError(
                "bfloat16 storage needs the ml_dtypes package (pip install ml_dtypes); "
                "use tinygrad_lenet.float32 or float16 otherwise"
            ) from None
        return np.dtype(ml_dtypes.bfloat16)

    def __eq__(self, other: object) -> builtins.bool:
        if isinstance(other, BFloat16):
            return True
        return isinstance(other, np.dtype) and other.name == "bfloat16"

    def __hash__(self) -> builtins.int:
        return hash("bfloat16")

    def __repr__(self) -> str:
        return "bfloat16"


bfloat16 = BFloat16()
"""16-bit brain float (``torch.bfloat16``): storage through ``ml_dtypes``, when installed."""

DEFAULT_FLOAT = float32
"""The dtype of tensors made from Python floats and of float factories; see :func:`set_default_dtype`."""


def set_default_dtype(dtype: Any) -> None:
    """Make ``dtype`` (float32 or float64) the default floating dtype, as ``torch.set_default_dtype``:
    Python floats, ``tl.tensor([1.5])``, ``zeros``, ``randn``, layers' parameters, ... take it."""
    global DEFAULT_FLOAT
    target = to_dtype(dtype)
    if target not in (float32, float64):
        raise DTypeError(f"set_default_dtype: the default dtype must be float32 or float64, got {target}")
    DEFAULT_FLOAT = target


def get_default_dtype() -> np.dtype:
    """The default floating dtype (float32 unless :func:`set_default_dtype` changed it)."""
    return DEFAULT_FLOAT


def to_dtype(dtype: Any) -> np.dtype:
    """A numpy dtype from a numpy dtype, a numpy scalar type, a name such as ``"float64"`` or ``tl.bfloat16``."""
    if isinstance(dtype, BFloat16) or dtype == "bfloat16":
        return bfloat16.dtype
    try:
        result = np.dtype(dtype)
    except TypeError:
        raise DTypeError(f"{dtype!r} is not a dtype; use e.g. tinygrad_lenet.float32 or 'float64'") from None
    if result.kind not in "fiub" and result.name != "bfloat16":
        raise DTypeError(f"tensors hold real numbers or booleans, not {result} ({dtype!r})")
    return result


def is_floating(dtype: np.dtype) -> builtins.bool:
    """True for the floating-point dtypes (bfloat16 too), the only ones that can carry gradients."""
    return dtype.kind == "f" or dtype.name == "bfloat16"


def scalar_dtype(tensor_dtype: np.dtype, scalar: Any) -> np.dtype:
    """The dtype a Python scalar takes when combined with a tensor (PyTorch's rule).

    The tensor's dtype wins, except that a float scalar turns an integer or bool tensor into
    the default float dtype and an int scalar turns a bool tensor into int64.
    """
    if is_floating(tensor_dtype):
        return tensor_dtype
    if isinstance(scalar, (builtins.float, np.floating)):
        return DEFAULT_FLOAT
    if tensor_dtype.kind == "b" and not isinstance(scalar, (builtins.bool, np.bool_)):
        return int64
    return tensor_dtype


_CATEGORIES = {"b": 0, "u": 1, "i": 1, "f": 2, "V": 2}
"""bool 0 < integer 1 < floating 2, by numpy kind ("V" is bfloat16, ml_dtypes' type, the one void dtype here)."""


def _category(dtype: np.dtype) -> builtins.int:
    return _CATEGORIES[dtype.kind]


def result_type(
    a: np.dtype, a_is_scalar_tensor: builtins.bool, b: np.dtype, b_is_scalar_tensor: builtins.bool
) -> np.dtype:
    """The dtype of an operation on two tensors, by PyTorch's promotion rule.

    The higher category (bool < integer < floating) wins: float32 with an int64 tensor stays
    float32 (numpy would give float64). Within one category a 0-d tensor does not widen a tensor
    that has dims (float32 with a 0-d float64 stays float32); otherwise the wider dtype wins.
    """
    if a == b:
        return a
    ca, cb = _category(a), _category(b)
    if ca != cb:
        return a if ca > cb else b
    if a_is_scalar_tensor != b_is_scalar_tensor:
        return b if a_is_scalar_tensor else a
    if a.kind == "V" or b.kind == "V":  # bfloat16 (PyTorch: with float16 it gives float32, else the other float)
        other = b if a.kind == "V" else a
        return np.dtype(np.float32) if other.itemsize <= 2 else other
    return np.promote_types(a, b)
