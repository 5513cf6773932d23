"""The Tensor: a numpy array that remembers the op that made it, so gradients can flow back.

The arithmetic, reduction, movement, in-place and autograd methods live in :mod:`.math`,
:mod:`.movement`, :mod:`.inplace` and :mod:`.grad` (mixed into :class:`Tensor`), on top of
:mod:`.base`, which declares the slots (the data, the place in the graph, the gradient) and the
interface the mixins use. This file holds the rest of what makes a Tensor a Tensor: construction,
conversion to and from numpy, and the one construction path of computed tensors (``_make``),
which ops and mixins reach through a tensor, so that no module below this one imports it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ..base import dtypes
from ..base.dims import Size
from ..base.errors import DTypeError
from ..base.recording import note_graph_break
from ..ops.elementwise import Cast
from .binary import TensorBinary
from .conversions import TensorConversions
from .grad import TensorAutograd
from .indexing import TensorIndexing
from .inplace import TensorInPlace
from .math import TensorMath
from .movement import TensorMovement
from .pointwise import TensorPointwise
from .products import TensorProducts
from .reductions import TensorReductions
from .structure import TensorStructure

if TYPE_CHECKING:
    from ..autodiff.function import Function


class Tensor(
    TensorMath,
    TensorMovement,
    TensorInPlace,
    TensorAutograd,
    TensorPointwise,
    TensorBinary,
    TensorReductions,
    TensorIndexing,
    TensorStructure,
    TensorProducts,
    TensorConversions,
):
    """An n-dimensional array with automatic differentiation, shaped after ``torch.Tensor``.

    Parameters
    ----------
    data
        A Tensor, numpy array, nested list or scalar. Python floats (and lists of them) become
        float32; numpy arrays keep their dtype and share memory with the tensor, like
        ``torch.from_numpy``; a Tensor shares its array.
    requires_grad
        Record the ops applied to this tensor so that ``backward()`` fills its ``.grad``.
        Only floating-point tensors can require grad.
    dtype
        Convert the data to this dtype (``tinygrad_lenet.float64``, ``"float32"``, ...).
    """

    __slots__ = ()  # the slots are TensorBase's (base.py)
    __array_ufunc__ = None  # numpy defers to Tensor's reflected operators: ndarray * Tensor is a Tensor
    __hash__ = object.__hash__  # == builds a bool tensor, so hash by identity

    def __init__(self, data: Any, requires_grad: bool = False, dtype: Any = None) -> None:
        target = None if dtype is None else dtypes.to_dtype(dtype)
        if isinstance(data, Tensor):
            array = data._array
        elif isinstance(data, (np.ndarray, np.generic)):
            array = np.asarray(data)
        else:
            try:  # Python numbers go straight to the dtype asked for (0.1 as float64 is exact)
                array = np.asarray(data, dtype=target)
            except (ValueError, TypeError) as e:
                raise ValueError(f"Tensor data must be a rectangular nested list of numbers: {e}") from None
            if target is None and array.dtype == np.float64:
                array = array.astype(dtypes.DEFAULT_FLOAT)
        if target is not None:
            array = array.astype(target, copy=False)
        elif array.dtype.kind not in "fiub":
            raise DTypeError(
                f"Tensor data must be numbers or booleans, got dtype {array.dtype} from {type(data).__name__}"
            )
        self._array = array
        self._version = 0
        self.hooks = None
        self.grad = None
        self.diag_gn = None
        self.grad_fn = None
        self.requires_grad = False
        if requires_grad:
            self.requires_grad_(True)

    @property
    def data(self) -> Tensor:
        """This tensor's values as a tensor outside the graph, sharing memory (``torch.Tensor.data``).

        Changes made through it (``p.data.add_(...)``, ``p.data -= ...``) change this tensor's
        values without autograd seeing them; assigning ``t.data = other`` replaces the values.
        """
        return Tensor._make(self._array)

    @data.setter
    def data(self, value: Any) -> None:
        self._array = value._array if isinstance(value, Tensor) else np.asarray(value)

    @staticmethod
    def _make(data: np.ndarray, requires_grad: bool = False, grad_fn: Function | None = None) -> Tensor:
        """Wrap an array the package computed, skipping the checks of ``__init__`` (hot path).

        Always a plain Tensor, also when reached through a Parameter: results of ops and
        gradients are never Parameters.
        """
        t = object.__new__(Tensor)
        t._array, t._version, t.grad, t.requires_grad, t.grad_fn, t.hooks = data, 0, None, requires_grad, grad_fn, None
        t.diag_gn = None
        return t

    def _operand(self, value: Any) -> Tensor:
        """``value`` as a tensor to combine with this one: Tensors pass through; a Python scalar
        takes this tensor's dtype (``dtypes.scalar_dtype``); arrays and lists keep their own."""
        if isinstance(value, Tensor):
            return value
        if isinstance(value, (int, float, bool, np.number, np.bool_)):
            return Tensor._make(np.asarray(value, dtype=dtypes.scalar_dtype(self.dtype, value)))
        return Tensor(value)

    def _operands(self, other: Any) -> tuple[Tensor, Tensor]:
        """This tensor and ``other`` in one dtype, by PyTorch's promotion (``dtypes.result_type``):
        a Python scalar takes this tensor's dtype (a float scalar makes an int tensor float32);
        float32 with an int64 tensor stays float32; a 0-d tensor does not widen a tensor with dims."""
        y = self._operand(other)
        if y.dtype == self.dtype:
            return self, y
        if not isinstance(other, Tensor) and not isinstance(other, (np.ndarray, list, tuple)):
            return (self.astype(y.dtype), y) if y.dtype.kind == "f" and self.dtype.kind != "f" else (self, y)
        target = dtypes.result_type(self.dtype, self.ndim == 0, y.dtype, y.ndim == 0)
        return self.astype(target), y.astype(target)

    @staticmethod
    def _numpy_index(index: Any) -> Any:
        """An index with every Tensor in it replaced by its array (numpy does the indexing)."""
        if isinstance(index, tuple):
            return tuple(Tensor._numpy_index(i) for i in index)
        return index._array if isinstance(index, Tensor) else index

    # --- what it is -------------------------------------------------------------------------
    @property
    def device(self) -> str:
        """Always ``"cpu"``: present so that PyTorch code reading ``.device`` ports unchanged."""
        return "cpu"

    @property
    def is_leaf(self) -> bool:
        """True for tensors the user created (no ``grad_fn``); only leaves keep ``.grad``."""
        return self.grad_fn is None

    def dim(self) -> int:
        """The number of dimensions (``ndim``)."""
        return self._array.ndim

    def size(self, dim: int | None = None) -> Size | int:
        """The shape, or the length of one dimension."""
        return self.shape if dim is None else self.shape[dim]

    def numel(self) -> int:
        """The number of elements."""
        return self._array.size

    def __len__(self) -> int:
        if self.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self.shape[0]

    def __repr__(self) -> str:
        body = np.array2string(self._array, separator=", ", prefix="tensor(", precision=4)
        extras = []
        if self.dtype not in (dtypes.float32, dtypes.int64, dtypes.bool_):
            extras.append(f"dtype={self.dtype}")
        if self.grad_fn is not None:
            extras.append(f"grad_fn={self.grad_fn!r}")
        elif self.requires_grad:
            extras.append("requires_grad=True")
        return "tensor(" + ", ".join([body, *extras]) + ")"

    # --- conversion -------------------------------------------------------------------------
    def numpy(self) -> np.ndarray:
        """The underlying array (shared, not copied)."""
        note_graph_break("numpy() reads a tensor's values outside the ops")
        return self._array

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> np.ndarray:
        note_graph_break("a tensor was converted to a numpy array")
        return self._array if dtype is None else self._array.astype(dtype)

    def item(self) -> Any:
        """The value of a one-element tensor as a Python number."""
        if self._array.size != 1:
            raise ValueError(f"item() needs a tensor with one element, got shape {self.shape}")
        note_graph_break("item() (or float(), int()) turns a tensor's value into a Python number")
        return self._array.item()

    def tolist(self) -> Any:
        """The values as (nested) Python lists of numbers."""
        note_graph_break("tolist() reads a tensor's values outside the ops")
        return self._array.tolist()

    def __index__(self) -> int:
        """A one-element integer tensor as an index (``items[t]``, ``range(t)``)."""
        if self.dtype.kind not in "iub" or self._array.size != 1:
            raise TypeError(
                f"only integer tensors of a single element can be converted to an index, got {self.dtype} "
                f"of shape {self.shape}"
            )
        note_graph_break("a tensor was used as a Python index")
        return int(self._array.item())

    def __format__(self, spec: str) -> str:
        """A one-element tensor formats as its number (``f"{loss:>7f}"``); others as their repr."""
        if self._array.size == 1:
            return format(self._array.item(), spec)
        if spec:
            raise TypeError(f"format spec {spec!r} needs a one-element tensor, this one has shape {self.shape}")
        return repr(self)

    def __float__(self) -> float:
        return float(self.item())

    def __int__(self) -> int:
        return int(self.item())

    def __bool__(self) -> bool:
        if self._array.size != 1:
            raise ValueError(f"the truth value of a tensor of shape {self.shape} is ambiguous; use .any() or .all()")
        note_graph_break("a Python `if` or bool() on a tensor's value (data-dependent control flow)")
        return bool(self._array.item())

    def astype(self, dtype: Any) -> Tensor:
        """This tensor in another dtype; differentiable between floating dtypes."""
        target = dtypes.to_dtype(dtype)
        if target == self.dtype:
            return self
        if not dtypes.is_floating(target):
            return Tensor._make(self._array.astype(target))
        return Cast.apply(self, dtype=target)

    def cpu(self) -> Tensor:
        """The tensor itself: it is on the CPU already."""
        return self
