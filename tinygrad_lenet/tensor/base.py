"""What every Tensor has, declared once for the mixins that make up :class:`Tensor`.

:class:`TensorBase` holds the storage of a tensor (its ``__slots__``: the array, the version
counter, the gradient and the graph node), the three properties read from the array
(``shape``, ``dtype``, ``ndim``), and, for the type checker only, the signatures of the methods
that the mixins (``math.py``, ``movement.py``, ``inplace.py``, ``grad.py``) call on ``self``
but that are implemented elsewhere: in ``tensor.py`` (``_make``, ``_operand``, ...) or in a
sibling mixin (``where``, ``__getitem__``). The mixins derive from it, and ``Tensor`` from them,
so ``Tensor``'s own definitions override these declarations; at run time the class adds
nothing but the slots and the three properties, and ``_make`` is found on ``Tensor`` directly.

At run time this module imports only ``base.dims`` (for ``Size``): the tensor module stays the
only one that builds a Tensor.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from ..base.dims import Size

if TYPE_CHECKING:
    from ..autodiff.function import Function
    from .tensor import Tensor

GradHook = Callable[[np.ndarray], np.ndarray | None]
"""A gradient hook as the engine stores it: the gradient array in, a replacement (or None) out."""


class TensorBase:
    """The slots of a Tensor and the interface its mixins rely on (see the module docstring)."""

    # Declared once here, the one class of the hierarchy with non-empty slots, so that the mixins
    # (``__slots__ = ()``) and Tensor share one layout. ``__dict__`` keeps tensors open to
    # attributes of the user's own, as torch.Tensor is.
    __slots__ = (
        "_array",
        "_version",
        "grad",
        "requires_grad",
        "grad_fn",
        "hooks",
        "diag_gn",
        "__weakref__",
        "__dict__",
    )

    _array: np.ndarray  # the values; ops and optimizers read and write it, users see .data and .numpy()
    _version: int  # how many times the values were changed in place (see ``Function.apply``)
    grad: Tensor | None
    requires_grad: bool
    grad_fn: Function | None
    hooks: list[GradHook] | None  # a leaf's gradient hooks (register_hook); a result's are on its grad_fn
    diag_gn: Tensor | None  # d2E/dw2 estimates from backward_diag_gn() (second_order.py), like .grad

    @property
    def shape(self) -> Size:
        """The sizes of the dimensions, a ``tl.Size`` (a tuple, as ``torch.Size``)."""
        return Size(self._array.shape)

    @property
    def dtype(self) -> np.dtype:
        """The element type, a numpy dtype (``tl.float32`` is ``np.float32``)."""
        return self._array.dtype

    @property
    def ndim(self) -> int:
        """The number of dimensions."""
        return self._array.ndim

    if TYPE_CHECKING:
        # Implemented in tensor.py.
        @staticmethod
        def _make(data: np.ndarray, requires_grad: bool = False, grad_fn: Function | None = None) -> Tensor:
            """Wrap an array the package computed as a Tensor (the hot path of every op)."""

        def _operand(self, value: Any) -> Tensor:
            """``value`` as a tensor to combine with this one."""

        def _operands(self, other: Any) -> tuple[Tensor, Tensor]:
            """This tensor and ``other`` in one dtype, by PyTorch's promotion."""

        @staticmethod
        def _numpy_index(index: Any) -> Any:
            """An index with every Tensor in it replaced by its array."""

        def astype(self, dtype: Any) -> Tensor:
            """This tensor in another dtype."""

        # Implemented in a sibling mixin.
        def where(self, condition: Any, other: Any) -> Tensor:
            """``self`` where ``condition`` holds, else ``other`` (math.py)."""

        def __getitem__(self, index: Any) -> Tensor:
            """numpy indexing (movement.py)."""
