"""How each ONNX operator runs here: one function per operator type, written with our own tensor
ops, so that an imported model records our graph (drawable, differentiable, fine-tunable).

Each function takes the node's inputs (tensors; None for an omitted optional input) and its
attributes, and returns its outputs. What an operator allows but we do not (3-D convolution,
asymmetric pooling pads, ...) raises ``NotImplementedError`` naming the operator and the attribute.
"""

from __future__ import annotations

import math
from typing import Any, Callable, Sequence

import numpy as np

from .. import nn
from ..tensor import Tensor
from ..tensor_functions import maximum, minimum

F = nn.functional
Importer = Callable[[Sequence["Tensor | None"], dict[str, Any]], Tensor]


def unsupported(op: str, what: str) -> NotImplementedError:
    return NotImplementedError(f"onnx.load: {op} with {what} is not supported here")


def _values(t: Tensor | None) -> list[int]:
    return [] if t is None else [int(v) for v in np.asarray(t.numpy()).reshape(-1)]


def _binary(op: Callable[[Tensor, Tensor], Tensor]) -> Importer:
    return lambda xs, attrs: op(xs[0], xs[1])


def _div(xs: Sequence[Tensor | None], attrs: dict[str, Any]) -> Tensor:
    a, b = xs[0], xs[1]
    if a.dtype.kind in "iu" and b.dtype.kind in "iu":  # ONNX divides integers by truncation
        return Tensor(np.trunc(a.numpy() / b.numpy()).astype(np.result_type(a.dtype, b.dtype)))
    return a / b


def _variadic(op: Callable[[Tensor, Tensor], Tensor]) -> Importer:
    def run(xs: Sequence[Tensor | None], attrs: dict[str, Any]) -> Tensor:
        result = xs[0]
        for x in xs[1:]:
            result = op(result, x)
        return result
    return run


def _unary(method: str) -> Importer:
    return lambda xs, attrs: getattr(xs[0], method)()


def _clip(xs: Sequence[Tensor | None], attrs: dict[str, Any]) -> Tensor:
    low = xs[1].item() if len(xs) > 1 and xs[1] is not None else None
    high = xs[2].item() if len(xs) > 2 and xs[2] is not None else None
    return xs[0] if low is None and high is None else xs[0].clamp(low, high)


def _pads2d(op: str, attrs: dict[str, Any], spatial: Sequence[int], kernel: Sequence[int], strides: Sequence[int],
            dilations: Sequence[int], ceil: bool = False) -> tuple[int, int, int, int]:
    """(top, left, bottom, right) from ``pads`` or ``auto_pad``."""
    auto = attrs.get("auto_pad", b"NOTSET")
    auto = auto.decode() if isinstance(auto, bytes) else auto
    if auto in ("SAME_UPPER", "SAME_LOWER"):
        pads = []
        for size, k, s, d in zip(spatial, kernel, strides, dilations):
            total = max((math.ceil(size / s) - 1) * s + (k - 1) * d + 1 - size, 0)
            small, big = total // 2, total - total // 2
            pads.append((small, big) if auto == "SAME_UPPER" else (big, small))
        return pads[0][0], pads[1][0], pads[0][1], pads[1][1]
    if auto == "VALID":
        return 0, 0, 0, 0
    if auto != "NOTSET":
        raise unsupported(op, f"auto_pad={auto}")
    top, left, bottom, right = attrs.get("pads", [0, 0, 0, 0])
    return top, left, bottom, right


def _spatial(op: str, x: Tensor) -> None:
    if x.ndim != 4:
        raise unsupported(op, f"a {x.ndim - 2}-D input (only 2-D images, (N, C, H, W))")


def _conv(xs: Sequence[Tensor | None], attrs: dict[str, Any]) -> Tensor:
    x, w = xs[0], xs[1]
    _spatial("Conv", x)
    kernel = attrs.get("kernel_shape", list(w.shape[2:]))
    strides, dilations = attrs.get("strides", [1, 1]), attrs.get("dilations", [1, 1])
    top, left, bottom, right = _pads2d("Conv", attrs, x.shape[2:], kernel, strides, dilations)
    if (top, left) != (bottom, right):
        x = F.pad(x, (left, right, top, bottom))
        top = left = 0
    bias = xs[2] if len(xs) > 2 else None
    return F.conv2d(x, w, bias, stride=tuple(strides), padding=(top, left), dilation=tuple(dilations),
                    groups=int(attrs.get("group", 1)))


def _ceil_extra(size: int, before: int, after: int, k: int, s: int) -> int:
    """Padding ``ceil_mode`` adds after the end so that a last, partial window fits (none that starts in the padding)."""
    out = math.ceil((size + before + after - k) / s) + 1
    if (out - 1) * s >= size + before:
        out -= 1
    return max((out - 1) * s + k - (size + before + after), 0)


def _windows(x: Tensor, kernel: Sequence[int], strides: Sequence[int], dilations: Sequence[int],
             combine: Callable[[Tensor, Tensor], Tensor]) -> Tensor:
    """``combine`` (max or +) over each window of an unpadded pooling: our pool ops where there is
    no dilation, else one strided slice per kernel offset (y = combine over i, j of x[.., i d + s r, j d + s c])."""
    if list(dilations) == [1, 1]:
        pooled = (F.max_pool2d if combine is maximum else F.avg_pool2d)(x, tuple(kernel), tuple(strides))
        return pooled if combine is maximum else pooled * float(kernel[0] * kernel[1])
    (kh, kw), (sh, sw), (dh, dw) = kernel, strides, dilations
    oh, ow = (x.shape[2] - (kh - 1) * dh - 1) // sh + 1, (x.shape[3] - (kw - 1) * dw - 1) // sw + 1
    result = None
    for i in range(kh):
        for j in range(kw):
            part = x[:, :, i * dh: i * dh + (oh - 1) * sh + 1: sh, j * dw: j * dw + (ow - 1) * sw + 1: sw]
            result = part if result is None else combine(result, part)
    return result


def _pool(op: str) -> Importer:
    """Max or average pooling over 2-D windows with any pads (``auto_pad`` too) and ``ceil_mode``.

    The input is padded explicitly (-inf for max, 0 for average) and pooled without padding; an
    average divides the window sums by the number of pixels counted in each window (the real
    ones, and the declared pads when ``count_include_pad``), found by pooling an image of weights.
    """
    def run(xs: Sequence[Tensor | None], attrs: dict[str, Any]) -> Tensor:
        x = xs[0]
        if x.ndim == 3:  # 1-D pooling as 2-D pooling over (1, L) images
            flat = {**attrs, "kernel_shape": [1, *attrs["kernel_shape"]], "strides": [1, *attrs.get("strides", [1])],
                    "dilations": [1, *attrs.get("dilations", [1])]}
            if "pads" in attrs:
                flat["pads"] = [0, attrs["pads"][0], 0, attrs["pads"][1]]
            return run([x.reshape(x.shape[0], x.shape[1], 1, x.shape[2])], flat).reshape(*x.shape[:2], -1)
        _spatial(op, x)
        kernel = list(attrs["kernel_shape"])
        strides, dilations = list(attrs.get("strides", [1, 1])), list(attrs.get("dilations", [1, 1]))
        if op == "MaxPool" and attrs.get("storage_order", 0):
            raise unsupported(op, "storage_order=1")
        top, left, bottom, right = _pads2d(op, attrs, x.shape[2:], kernel, strides, dilations)
        h, w = x.shape[2:]
        reach = [(k - 1) * d + 1 for k, d in zip(kernel, dilations)]
        extra_h = _ceil_extra(h, top, bottom, reach[0], strides[0]) if attrs.get("ceil_mode", 0) else 0
        extra_w = _ceil_extra(w, left, right, reach[1], strides[1]) if attrs.get("ceil_mode", 0) else 0
        widths = (left, right + extra_w, top, bottom + extra_h)
        if op == "MaxPool":
            return _windows(F.pad(x, widths, value=-np.inf), kernel, strides, dilations, maximum)
        counted = np.zeros((1, 1, h + top + bottom + extra_h, w + left + right + extra_w), dtype=x.dtype)
        if attrs.get("count_include_pad", 0):
            counted[..., : h + top + bottom, : w + left + right] = 1
        counted[..., top:top + h, left:left + w] = 1
        add = lambda a, b: a + b  # noqa: E731
        return (_windows(F.pad(x, widths), kernel, strides, dilations, add)
                / _windows(Tensor(counted), kernel, strides, dilations, add))
    return run


def _gemm(xs: Sequence[Tensor | None], attrs: dict[str, Any]) -> Tensor:
    a, b = xs[0], xs[1]
    a = a.T if attrs.get("transA", 0) else a
    b = b.T if attrs.get("transB", 0) else b
    y = (a @ b) * float(attrs.get("alpha", 1.0)) if attrs.get("alpha", 1.0) != 1.0 else a @ b
    if len(xs) > 2 and xs[2] is not None:
        c = xs[2] * float(attrs.get("beta", 1.0)) if attrs.get("beta", 1.0) != 1.0 else xs[2]
        y = y + c
    return y


def _reshape(xs: Sequence[Tensor | None], attrs: dict[str, Any]) -> Tensor:
    x, shape = xs[0], _values(xs[1])
    if not attrs.get("allowzero", 0):
        shape = [x.shape[i] if s == 0 else s for i, s in enumerate(shape)]
    return x.reshape(*shape)


def _flatten(xs: Sequence[Tensor | None], attrs: dict[str, Any]) -> Tensor:
    x = xs[0]
    axis = int(attrs.get("axis", 1))
    axis = axis + x.ndim if axis < 0 else axis
    return x.reshape(math.prod(x.shape[:axis]), math.prod(x.shape[axis:]))


def _transpose(xs: Sequence[Tensor | None], attrs: dict[str, Any]) -> Tensor:
    x = xs[0]
    return x.permute(*attrs.get("perm", list(range(x.ndim))[::-1]))


def _softmax(method: str) -> Importer:
    return lambda xs, attrs: getattr(xs[0], method)(int(attrs.get("axis", -1)))


def _reduce_sum(xs: Sequence[Tensor | None], attrs: dict[str, Any]) -> Tensor:
    x, axes = xs[0], _values(xs[1]) if len(xs) > 1 else []
    keep = bool(attrs.get("keepdims", 1))
    if not axes:
        if attrs.get("noop_with_empty_axes", 0):
            return x
        axes = list(range(x.ndim))
    return x.sum(tuple(axes), keepdim=keep)


def _unsqueeze(xs: Sequence[Tensor | None], attrs: dict[str, Any]) -> Tensor:
    x, axes = xs[0], _values(xs[1])
    rank = x.ndim + len(axes)
    shape = list(x.shape)
    for axis in sorted(a % rank for a in axes):
        shape.insert(axis, 1)
    return x.reshape(*shape)


IMPORTERS: dict[str, Importer] = {
    "Add": _binary(lambda a, b: a + b), "Sub": _binary(lambda a, b: a - b), "Mul": _binary(lambda a, b: a * b),
    "Div": _div, "Pow": _binary(lambda a, b: a ** b), "Max": _variadic(maximum), "Min": _variadic(minimum),
    "Neg": _unary("neg"), "Exp": _unary("exp"), "Log": _unary("log"), "Sqrt": _unary("sqrt"), "Abs": _unary("abs"),
    "Relu": _unary("relu"), "Sigmoid": _unary("sigmoid"), "Tanh": _unary("tanh"), "Identity": lambda xs, attrs: xs[0],
    "Clip": _clip, "Conv": _conv, "MaxPool": _pool("MaxPool"), "AveragePool": _pool("AveragePool"), "Gemm": _gemm,
    "MatMul": _binary(lambda a, b: a @ b), "Reshape": _reshape, "Flatten": _flatten, "Transpose": _transpose,
    "Softmax": _softmax("softmax"), "LogSoftmax": _softmax("log_softmax"), "ReduceSum": _reduce_sum,
    "Unsqueeze": _unsqueeze,
}
"""ONNX operator type -> the function that computes it with our ops. Any other operator is refused by name."""
