"""The base class of every primitive op, and the one place gradients are summed to shape.

A primitive op is a :class:`Function` subclass with ``forward`` (numpy arrays in, one numpy
array out) and ``backward`` (the gradient of the output in, one gradient per input out) side by
side. ``Op.apply(*tensors)`` runs ``forward`` and, when any input requires grad, records the op
instance as the output's ``grad_fn``: that instance is the graph node, and it holds whatever
``forward`` saved for ``backward``.

This module does not import the tensor module (the tensor module imports the ops, which import
this one): an op's result is built by ``Tensor._make``, reached through the op's first input.
"""

from __future__ import annotations

import os
import sys
import weakref
from collections.abc import Mapping
from types import FrameType, MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np

from ..base.errors import AnomalyError, GradError
from ..base.module_stack import MODULE_STACK
from ..base.recording import RECORDING
from .grad_mode import STATE

if TYPE_CHECKING:
    from ..tensor.base import TensorBase
    from ..tensor.tensor import Tensor

_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep  # tinygrad_lenet/

Grads = tuple[np.ndarray | None, ...]
"""What ``backward`` returns: one gradient array per input, None where none is needed."""


def unbroadcast(grad: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Sum ``grad`` over the axes that numpy broadcasting added or stretched to reach ``shape``.

    If ``y = broadcast(x)`` then ``dL/dx = sum of dL/dy over every copy of each element of x``.
    """
    if grad.shape == shape:
        return grad
    extra = grad.ndim - len(shape)
    if extra:
        grad = grad.sum(axis=tuple(range(extra)))
    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
    if stretched:
        grad = grad.sum(axis=stretched, keepdims=True)
    return grad


def user_frame(frame: FrameType | None) -> tuple[FrameType | None, int]:
    """The first frame outside this package from ``frame`` outwards, and how many frames out it is."""
    steps = 0
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE_DIR):
        frame, steps = frame.f_back, steps + 1
    return frame, steps


def user_site() -> str:
    """``file:line`` of the innermost caller outside this package (where the user made the op)."""
    frame, _ = user_frame(sys._getframe(1))
    if frame is None:
        return "<unknown>"
    return f"{frame.f_code.co_filename}:{frame.f_lineno}"


def check_finite(fn: Function, array: np.ndarray, stage: str) -> None:
    """Under ``detect_anomaly()``: raise if ``array`` (a result of ``fn``) holds NaN or Inf."""
    if array.dtype.kind in "fc" and not np.isfinite(array).all():
        bad = "NaN" if np.isnan(array).any() else "Inf"
        raise AnomalyError(
            f"{fn.name} produced {bad} in its {stage} pass; the op was created at "
            f"{getattr(fn, 'site', '<unknown: created outside detect_anomaly()>')}"
        )


def check_versions(fn: Function) -> None:
    """Raise if an input whose values ``fn`` saved for backward was changed in place since."""
    for i, (parent, version) in enumerate(zip(fn.parents, fn.versions)):
        if parent._version == version:
            continue
        array = parent._array
        if any(s is array or (s.base is not None and s.base is array) for s in fn.saved_tensors):
            raise GradError(
                f"backward through {fn.name}: its input {i} (shape {parent.shape}) was changed in place after "
                f"{fn.name} saved it for the backward pass (version {version} -> {parent._version}), so the "
                "gradient would be wrong; change a copy instead (.clone()), or do the change before the op"
            )


class AccumulateGrad:
    """The end of a path in ``next_functions``: where a leaf's gradient is summed into ``.grad``."""

    def __init__(self, variable: Tensor) -> None:
        self.variable = variable

    def __repr__(self) -> str:
        return "<AccumulateGrad>"


class Function:
    """One primitive op: subclasses define ``forward`` and ``backward`` on numpy arrays.

    A subclass whose ``forward`` is a ``@staticmethod`` taking ``ctx`` follows PyTorch's protocol instead
    (``forward(ctx, *args)`` / ``backward(ctx, *grads)`` on Tensors): see ``custom_function.py``.
    """

    parents: tuple[Tensor, ...] = ()
    needs_input_grad: tuple[bool, ...] = ()
    saved_tensors: tuple[np.ndarray, ...] = ()  # emptied by release()
    released: bool = False  # True once release() dropped saved_tensors: backward can no longer run
    retained_output: weakref.ref[TensorBase] | None = None  # retain_grad() on the op's output (engine.retain)
    versions: tuple[int, ...] = ()  # each input's version counter when the op ran (see check_versions)
    output_hooks: list | None = None  # register_hook on the op's output tensor (see engine.walk)
    modules: tuple = ()  # the nn.Modules whose forward created this op, outermost first (module_stack.py)
    # the op's non-tensor arguments (stride, padding, dim, ...), read by the ONNX export
    kwargs: Mapping[str, Any] = MappingProxyType({})
    site: str  # under detect_anomaly(): file:line where the user made the op (set by apply)
    # forward is a @staticmethod taking ctx: PyTorch's protocol, run by custom_function.apply_with_ctx
    uses_ctx: bool = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "forward" in cls.__dict__:
            cls.uses_ctx = isinstance(cls.__dict__["forward"], staticmethod)

    @property
    def name(self) -> str:
        """The op's readable name, e.g. ``Mul`` or ``Conv2d``."""
        return type(self).__name__

    def __repr__(self) -> str:
        return f"<{self.name}Backward>"

    @property
    def next_functions(self) -> tuple[tuple[Any, int], ...]:
        """The nodes this one passes gradients to, as PyTorch's: ``(grad_fn, 0)`` of each input,
        ``(AccumulateGrad, 0)`` for a leaf that requires grad, ``(None, 0)`` for a constant."""
        return tuple(
            (
                parent.grad_fn
                if parent.grad_fn is not None
                else AccumulateGrad(parent)
                if parent.requires_grad
                else None,
                0,
            )
            for parent in self.parents
        )

    def forward(self, *args: Any, **kwargs: Any) -> np.ndarray:
        """Compute the output array from the input arrays.

        A subclass declares its own signature: the input arrays, one per tensor given to
        ``apply``, in order, then the op's non-tensor arguments as keywords (``apply``'s
        ``**kwargs``), e.g. ``forward(self, x: np.ndarray, dim: int)``.
        """
        raise NotImplementedError

    def backward(self, grad: np.ndarray) -> Grads:
        """Return the gradient w.r.t. each input (None where ``needs_input_grad`` is False)."""
        raise NotImplementedError

    def diag_gn(self, grad: np.ndarray, h: np.ndarray) -> Grads:
        """The second-order rule of ``backward_diag_gn`` (second_order.py): given dE/dy and the
        diagonal estimate of d2E/dy2 of the output, that of each input. Ops without one refuse."""
        raise GradError(
            f"{self.name} has no second-order rule: backward_diag_gn() works through the ops of "
            f"LeNet-5 (1998) (docs/lenet5-1998.md), not through {self.name}"
        )

    def routes_like_backward(self, grad: np.ndarray, h: np.ndarray) -> Grads:
        """``diag_gn`` of an op that only moves or adds elements with coefficient 1: d2E/dx2 is
        routed exactly as dE/dx is (1^2 = 1, and summing copies is linear)."""
        return self.backward(h)

    def save_for_backward(self, *arrays: np.ndarray) -> None:
        """Keep arrays for ``backward``; they are released after the first backward pass."""
        self.saved_tensors = arrays

    def release(self) -> None:
        """Drop the saved arrays: the node can no longer run ``backward``."""
        self.saved_tensors = ()
        self.released = True

    @classmethod
    def apply(cls, *inputs: TensorBase, **kwargs: Any) -> Tensor:
        """Run the op on tensors and record it in the graph when gradients are needed.

        The inputs are typed by what ``apply`` uses of them, ``TensorBase``, so that the Tensor
        mixins can pass ``self``; every instance of it is a Tensor. The result is made by
        ``Tensor._make``, the one construction path of computed tensors.
        """
        if RECORDING.recorder is not None:  # tl.compile is recording this call (compiler/capture.py)
            return RECORDING.recorder.record(cls, inputs, kwargs)
        if cls.uses_ctx:
            from .custom_function import apply_with_ctx

            return apply_with_ctx(cls, inputs, kwargs)
        fn = cls()
        needs = tuple(t.requires_grad for t in inputs)
        fn.needs_input_grad = needs
        with np.errstate(all="ignore"):  # NaN and Inf flow on silently, as in PyTorch; detect_anomaly() finds them
            data = fn.forward(*[t._array for t in inputs], **kwargs)
        if type(data) is not np.ndarray:
            data = np.asarray(data)
        if STATE.anomaly:
            fn.site = user_site()
            check_finite(fn, data, "forward")
        make = inputs[0]._make
        if STATE.grad_enabled and any(needs):
            fn.parents = inputs  # type: ignore[assignment]  # TensorBase's only concrete class is Tensor
            fn.versions = tuple(t._version for t in inputs)
            fn.modules = MODULE_STACK.running
            fn.kwargs = kwargs
            return make(data, True, fn)
        return make(data, False, None)
