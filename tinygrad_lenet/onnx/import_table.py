"""How each ONNX operator runs here: one function per operator type, written with our own tensor
ops, so that an imported model records our graph (drawable, differentiable, fine-tunable).

Each function takes the node's inputs (tensors; None for an omitted optional input) and its
attributes, and returns its outputs. What an operator allows but we do not (3-D convolution,
asymmetric pooling pads, ...) raises ``NotImplementedError`` naming the operator and the attribute.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np

from .. import nn
from ..tensor.functions import maximum, minimum
from ..tensor.tensor import Tensor
from .recurrent_import import RECURRENT_IMPORTERS

F = nn.functional
Importer = Callable[[Sequence["Tensor | None"], dict[str, Any]], Tensor]


def unsupported(op: str, what: str) -> NotImplementedError:
    return NotImplementedError(f"onnx.load: {op} with {what} is not supported here")


def _input(xs: Sequence[Tensor | None], i: int) -> Tensor:
    """The node's ``i``-th input, one the operator requires (only optional inputs may be omitted)."""
    x = xs[i] if i < len(xs) else None
    if x is None:
        raise ValueError(f"onnx.load: the node omits its input {i}, which the operator requires")
    return x


def _values(t: Tensor | None) -> list[int]:
    return [] if t is None else [int(v) for v in np.asarray(t.numpy()).reshape(-1)]


def _binary(op: Callable[[Tensor, Tensor], Tensor]) -> Importer:
    return lambda xs, attrs: op(_input(xs, 0), _input(xs, 1))


def _div(xs: Sequence[Tensor | None], attrs: dict[str, Any]) -> Tensor:
    a, b = _input(xs, 0), _input(xs, 1)
    if a.dtype.kind in "iu" and b.dtype.kind in "iu":  # ONNX divides integers by truncation
        return Tensor(np.trunc(a.numpy() / b.numpy()).astype(np.result_type(a.dtype, b.dtype)))
    return a / b


def _variadic(op: Callable[[Tensor, Tensor], Tensor]) -> Importer:
    def run(xs: Sequence[Tensor | None], attrs: dict[str, Any]) -> Tensor:
        result = _input(xs, 0)
        for i in range(1, len(xs)):
            result = op(result, _input(xs, i))
        return result

    return run


def _unary(method: str) -> Importer:
    return lambda xs, attrs: getattr(_input(xs, 0), method)()


def _clip(xs: Sequence[Tensor | None], attrs: dict[str, Any]) -> Tensor:
    low = xs[1].item() if len(xs) > 1 and xs[1] is not None else None
    high = xs[2].item() if len(xs) > 2 and xs[2] is not None else None
    x = _input(xs, 0)
    return x if low is None and high is None else x.clamp(low, high)


def _pads(
    op: str,
    attrs: dict[str, Any],
    spatial: Sequence[int],
    kernel: Sequence[int],
    strides: Sequence[int],
    dilations: Sequence[int],
) -> tuple[list[int], list[int]]:
    """The padding before and after each spatial dimension, from ``pads`` or ``auto_pad``."""
    auto = attrs.get("auto_pad", b"NOTSET")
    auto = auto.decode() if isinstance(auto, bytes) else auto
    n = len(spatial)
    if auto in ("SAME_UPPER", "SAME_LOWER"):
        before, after = [], []
        for size, k, s, d in zip(spatial, kernel, strides, dilations):
            total = max((math.ceil(size / s) - 1) * s + (k - 1) * d + 1 - size, 0)
            small, big = total // 2, total - total // 2
            before.append(small if auto == "SAME_UPPER" else big)
            after.append(big if auto == "SAME_UPPER" else small)
        return before, after
    if auto == "VALID":
        return [0] * n, [0] * n
    if auto != "NOTSET":
        raise unsupported(op, f"auto_pad={auto}")
    pads = list(attrs.get("pads", [0] * (2 * n)))
    return pads[:n], pads[n:]


def _conv(xs: Sequence[Tensor | None], attrs: dict[str, Any]) -> Tensor:
    x, w = _input(xs, 0), _input(xs, 1)
    if x.ndim != 4:
        raise unsupported("Conv", f"a {x.ndim - 2}-D input (only 2-D images, (N, C, H, W))")
    kernel = attrs.get("kernel_shape", list(w.shape[2:]))
    strides, dilations = attrs.get("strides", [1, 1]), attrs.get("dilations", [1, 1])
    (top, left), (bottom, right) = _pads("Conv", attrs, x.shape[2:], kernel, strides, dilations)
    if (top, left) != (bottom, right):
        x = F.pad(x, (left, right, top, bottom))
        top = left = 0
    bias = xs[2] if len(xs) > 2 else None
    return F.conv2d(
        x,
        w,
        bias,
        stride=tuple(strides),
        padding=(top, left),
        dilation=tuple(dilations),
        groups=int(attrs.get("group", 1)),
    )


def _ceil_extra(size: int, before: int, after: int, k: int, s: int) -> int:
    """Padding ``ceil_mode`` adds after the end so that a last, partial window fits (none that
    starts in the padding)."""
    out = math.ceil((size + before + after - k) / s) + 1
    if (out - 1) * s >= size + before:
        out -= 1
    return max((out - 1) * s + k - (size + before + after), 0)


def _window_slices(
    kernel: Sequence[int], strides: Sequence[int], dilations: Sequence[int], outs: Sequence[int]
) -> Iterator[tuple[slice, ...]]:
    """For each kernel offset o (per dimension), the index of the (N, C, out...) elements it covers:
    x[.., o d + s r] for output position r."""
    for offsets in itertools.product(*(range(k) for k in kernel)):
        yield (
            slice(None),
            slice(None),
            *(slice(o * d, o * d + (n - 1) * s + 1, s) for o, d, n, s in zip(offsets, dilations, outs, strides)),
        )


def _windows(
    x: Tensor,
    kernel: Sequence[int],
    strides: Sequence[int],
    dilations: Sequence[int],
    combine: Callable[[Tensor, Tensor], Tensor],
) -> Tensor:
    """``combine`` (max or +) over each window of an unpadded pooling: our 2-D pool ops where they
    apply, else one strided slice per kernel offset, y = combine over o of x[.., o d + s r] per dimension."""
    if len(kernel) == 2 and list(dilations) == [1, 1]:
        pooled = (F.max_pool2d if combine is maximum else F.avg_pool2d)(
            x, (kernel[0], kernel[1]), (strides[0], strides[1])
        )
        return pooled if combine is maximum else pooled * float(kernel[0] * kernel[1])
    outs = [(size - (k - 1) * d - 1) // s + 1 for size, k, s, d in zip(x.shape[2:], kernel, strides, dilations)]
    first, *rest = _window_slices(kernel, strides, dilations, outs)
    result = x[first]
    for window in rest:
        result = combine(result, x[window])
    return result


def _geometry(op: str, x: Tensor, attrs: dict[str, Any]) -> tuple[list[int], ...]:
    """kernel, strides, dilations, pads before and after, the extra ``ceil_mode`` padding, and the
    widths for ``F.pad``."""
    n = x.ndim - 2
    if n not in (1, 2, 3):
        raise unsupported(op, f"a {n}-D input (1-, 2- and 3-D pooling are)")
    kernel = list(attrs["kernel_shape"])
    strides, dilations = list(attrs.get("strides", [1] * n)), list(attrs.get("dilations", [1] * n))
    before, after = _pads(op, attrs, x.shape[2:], kernel, strides, dilations)
    reach = [(k - 1) * d + 1 for k, d in zip(kernel, dilations)]
    extra = [
        _ceil_extra(size, b, a, r, s) if attrs.get("ceil_mode", 0) else 0
        for size, b, a, r, s in zip(x.shape[2:], before, after, reach, strides)
    ]
    widths = [w for i in reversed(range(n)) for w in (before[i], after[i] + extra[i])]
    return kernel, strides, dilations, before, after, extra, widths


def _max_pool_with_indices(xs: Sequence[Tensor | None], attrs: dict[str, Any]) -> tuple[Tensor, Tensor]:
    """MaxPool's second output: where each maximum is, as an index into the flattened input (the first one on
    ties), row-major, or with the spatial axes in reverse order (column-major) when ``storage_order=1``."""
    values = IMPORTERS["MaxPool"](xs, attrs)
    x = _input(xs, 0).numpy()
    kernel, strides, dilations, before, after, extra, _ = _geometry("MaxPool", _input(xs, 0), attrs)
    widths = ((0, 0), (0, 0), *((b, a + e) for b, a, e in zip(before, after, extra)))
    padded = np.pad(x, widths, constant_values=-np.inf)
    flat = np.arange(x.size)
    if attrs.get("storage_order", 0):
        flat = flat.reshape(*x.shape[:2], *x.shape[:1:-1]).transpose(0, 1, *range(x.ndim - 1, 1, -1))
    where = np.pad(flat.reshape(x.shape), widths, constant_values=-1)
    best, index = np.full(values.shape, -np.inf, dtype=x.dtype), np.zeros(values.shape, dtype=np.int64)
    for window in _window_slices(kernel, strides, dilations, values.shape[2:]):
        better = padded[window] > best
        best, index = np.where(better, padded[window], best), np.where(better, where[window], index)
    return values, Tensor(index)


def _pool(op: str) -> Importer:
    """Max or average pooling over 1-, 2- or 3-D windows with any pads (``auto_pad`` too), ``ceil_mode``
    and dilations.

    The input is padded explicitly (-inf for max, 0 for average) and pooled without padding; an
    average divides the window sums by the number of pixels counted in each window (the real
    ones, and the declared pads when ``count_include_pad``), found by pooling an image of weights.
    """

    def run(xs: Sequence[Tensor | None], attrs: dict[str, Any]) -> Tensor:
        x = _input(xs, 0)
        kernel, strides, dilations, before, after, extra, widths = _geometry(op, x, attrs)
        spatial = x.shape[2:]
        if op == "MaxPool":
            return _windows(F.pad(x, widths, value=-np.inf), kernel, strides, dilations, maximum)
        counted = np.zeros(
            (1, 1, *(sz + b + a + e for sz, b, a, e in zip(spatial, before, after, extra))), dtype=x.dtype
        )
        if attrs.get("count_include_pad", 0):
            declared: tuple[Any, ...] = (..., *(slice(0, sz + b + a) for sz, b, a in zip(spatial, before, after)))
            counted[declared] = 1
        real: tuple[Any, ...] = (..., *(slice(b, b + sz) for sz, b in zip(spatial, before)))
        counted[real] = 1

        def add(a: Tensor, b: Tensor) -> Tensor:
            return a + b

        return _windows(F.pad(x, widths), kernel, strides, dilations, add) / _windows(
            Tensor(counted), kernel, strides, dilations, add
        )

    return run


def _gemm(xs: Sequence[Tensor | None], attrs: dict[str, Any]) -> Tensor:
    a, b = _input(xs, 0), _input(xs, 1)
    a = a.T if attrs.get("transA", 0) else a
    b = b.T if attrs.get("transB", 0) else b
    y = (a @ b) * float(attrs.get("alpha", 1.0)) if attrs.get("alpha", 1.0) != 1.0 else a @ b
    bias = xs[2] if len(xs) > 2 else None
    if bias is not None:
        y = y + (bias * float(attrs.get("beta", 1.0)) if attrs.get("beta", 1.0) != 1.0 else bias)
    return y


def _reshape(xs: Sequence[Tensor | None], attrs: dict[str, Any]) -> Tensor:
    x, shape = _input(xs, 0), _values(xs[1])
    if not attrs.get("allowzero", 0):
        shape = [x.shape[i] if s == 0 else s for i, s in enumerate(shape)]
    return x.reshape(*shape)


def _flatten(xs: Sequence[Tensor | None], attrs: dict[str, Any]) -> Tensor:
    x = _input(xs, 0)
    axis = int(attrs.get("axis", 1))
    axis = axis + x.ndim if axis < 0 else axis
    return x.reshape(math.prod(x.shape[:axis]), math.prod(x.shape[axis:]))


def _transpose(xs: Sequence[Tensor | None], attrs: dict[str, Any]) -> Tensor:
    x = _input(xs, 0)
    return x.permute(*attrs.get("perm", list(range(x.ndim))[::-1]))


def _softmax(method: str) -> Importer:
    return lambda xs, attrs: getattr(_input(xs, 0), method)(int(attrs.get("axis", -1)))


def _reduce_sum(xs: Sequence[Tensor | None], attrs: dict[str, Any]) -> Tensor:
    x, axes = _input(xs, 0), _values(xs[1]) if len(xs) > 1 else []
    keep = bool(attrs.get("keepdims", 1))
    if not axes:
        if attrs.get("noop_with_empty_axes", 0):
            return x
        axes = list(range(x.ndim))
    return x.sum(tuple(axes), keepdim=keep)


def _unsqueeze(xs: Sequence[Tensor | None], attrs: dict[str, Any]) -> Tensor:
    x, axes = _input(xs, 0), _values(xs[1])
    rank = x.ndim + len(axes)
    shape = list(x.shape)
    for axis in sorted(a % rank for a in axes):
        shape.insert(axis, 1)
    return x.reshape(*shape)


def _layer_norm_outputs(xs: Sequence[Tensor | None], attrs: dict[str, Any]) -> tuple[Tensor, Tensor, Tensor]:
    """LayerNormalization: Y over the axes from ``axis`` on, and (when asked for) Mean and InvStdDev."""
    x, scale = _input(xs, 0), _input(xs, 1)
    axis = int(attrs.get("axis", -1)) % max(x.ndim, 1)
    sizes = x.shape[axis:]
    bias = xs[2] if len(xs) > 2 else None
    y, mean, inv_std = nn.functional.native_layer_norm(
        x, sizes, scale.expand(*sizes), None if bias is None else bias.expand(*sizes), float(attrs.get("epsilon", 1e-5))
    )
    return y, mean, inv_std


def _slice(xs: Sequence[Tensor | None], attrs: dict[str, Any]) -> Tensor:
    """Slice(starts, ends, axes, steps) with ONNX's clamping (ends past the start run to the edge)."""
    x, starts, ends = _input(xs, 0), _values(xs[1]), _values(xs[2])
    axes = _values(xs[3]) if len(xs) > 3 and xs[3] is not None else list(range(len(starts)))
    steps = _values(xs[4]) if len(xs) > 4 and xs[4] is not None else [1] * len(starts)
    index = [slice(None)] * x.ndim
    for start, end, axis, step in zip(starts, ends, axes, steps):
        dim = x.shape[axis]
        start, end = start + dim if start < 0 else start, end + dim if end < 0 else end
        if step > 0:
            start, end = min(max(start, 0), dim), min(max(end, 0), dim)
        else:  # an end of -1 is "past the first element"
            start, end = min(max(start, 0), dim - 1), min(max(end, -1), dim - 1)
        index[axis % x.ndim] = slice(start, None if end < 0 else end, step)
    return x[tuple(index)]


IMPORTERS: dict[str, Importer] = {
    "Add": _binary(lambda a, b: a + b),
    "Sub": _binary(lambda a, b: a - b),
    "Mul": _binary(lambda a, b: a * b),
    "Div": _div,
    "Pow": _binary(lambda a, b: a**b),
    "Max": _variadic(maximum),
    "Min": _variadic(minimum),
    "Neg": _unary("neg"),
    "Exp": _unary("exp"),
    "Log": _unary("log"),
    "Sqrt": _unary("sqrt"),
    "Abs": _unary("abs"),
    "Relu": _unary("relu"),
    "Sigmoid": _unary("sigmoid"),
    "Tanh": _unary("tanh"),
    "Identity": lambda xs, attrs: _input(xs, 0),
    "Clip": _clip,
    "Conv": _conv,
    "MaxPool": _pool("MaxPool"),
    "AveragePool": _pool("AveragePool"),
    "Gemm": _gemm,
    "MatMul": _binary(lambda a, b: a @ b),
    "Reshape": _reshape,
    "Flatten": _flatten,
    "Transpose": _transpose,
    "Softmax": _softmax("softmax"),
    "LogSoftmax": _softmax("log_softmax"),
    "ReduceSum": _reduce_sum,
    "Unsqueeze": _unsqueeze,
    "LayerNormalization": lambda xs, attrs: _layer_norm_outputs(xs, attrs)[0],
    "Slice": _slice,
    **RECURRENT_IMPORTERS,
}
"""ONNX operator type -> the function that computes it with our ops. Any other operator is refused by name."""

WITH_SECOND_OUTPUT: dict[str, Callable[..., tuple[Tensor, ...]]] = {
    "MaxPool": _max_pool_with_indices,
    "LayerNormalization": _layer_norm_outputs,
    **{op: RECURRENT_IMPORTERS[op] for op in ("LSTM", "GRU", "RNN")},
}
"""Operators whose optional further outputs are computed when a node asks for them (MaxPool's argmax
indices, LayerNormalization's Mean and InvStdDev, the recurrent operators' final states)."""
