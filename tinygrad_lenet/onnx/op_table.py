"""How each primitive op becomes ONNX operators (opset 17): one function per op, by the op's name.

Each function gets the export context, the graph node (its ``kwargs`` hold the op's
non-tensor arguments) and the ONNX names of its inputs and output, and adds the nodes that
compute the same thing. Semantics follow our ops: broadcasting is numpy's (as ONNX's), average
pooling counts the zero padding, max pooling pads with -inf, convolution weights are (O, C/g, kh, kw).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from .recurrent_export import RECURRENT_EXPORTERS

if TYPE_CHECKING:
    from ..autodiff.function import Function
    from .exporter import Context

INT_MAX = np.iinfo(np.int64).max

Exporter = Callable[["Context", "Function", list[str], str], None]


def _same(op_type: str) -> Exporter:
    def export(ctx: Context, fn: Function, inputs: list[str], output: str) -> None:
        ctx.node(op_type, inputs, [output], fn)

    return export


def _linear(ctx: Context, fn: Function, inputs: list[str], output: str) -> None:
    """y = x W^T (+ b): Gemm(transB=1) for 2-D inputs, else MatMul by W^T then Add."""
    if fn.parents[0].ndim == 2:
        ctx.node("Gemm", inputs, [output], fn, transB=1)
        return
    wt = ctx.temp("weight_t")
    ctx.node("Transpose", [inputs[1]], [wt], fn, perm=[1, 0])
    if len(inputs) == 2:
        ctx.node("MatMul", [inputs[0], wt], [output], fn)
        return
    product = ctx.temp("matmul")
    ctx.node("MatMul", [inputs[0], wt], [product], fn)
    ctx.node("Add", [product, inputs[2]], [output], fn)


def _conv(ctx: Context, fn: Function, inputs: list[str], output: str) -> None:
    (ph, pw), k = fn.kwargs["padding"], fn.parents[1].shape[2:]
    ctx.node(
        "Conv",
        inputs,
        [output],
        fn,
        kernel_shape=list(k),
        strides=list(fn.kwargs["stride"]),
        pads=[ph, pw, ph, pw],
        dilations=list(fn.kwargs["dilation"]),
        group=int(fn.kwargs["groups"]),
    )


def _pool(op_type: str, **extra: int) -> Exporter:
    def export(ctx: Context, fn: Function, inputs: list[str], output: str) -> None:
        ph, pw = fn.kwargs["padding"]
        ctx.node(
            op_type,
            inputs,
            [output],
            fn,
            kernel_shape=list(fn.kwargs["kernel"]),
            strides=list(fn.kwargs["stride"]),
            pads=[ph, pw, ph, pw],
            **extra,
        )

    return export


def _reshape(ctx: Context, fn: Function, inputs: list[str], output: str) -> None:
    """The target shape, with the batch dimension written as 0 ("copy it from the input") when it carries the batch;
    a reshape that only inserts size-1 dims (``unsqueeze``, ``stack``) is an Unsqueeze, which keeps every size free."""
    shape, source = list(fn.kwargs["shape"]), list(fn.parents[0].shape)
    if 1 not in source and len(shape) > len(source) and [n for n in shape if n != 1] == source:
        axes = [i for i, n in enumerate(shape) if n == 1]
        ctx.node("Unsqueeze", [inputs[0], ctx.constant(np.array(axes, dtype=np.int64), "axes")], [output], fn)
        return
    if ctx.carries_batch(fn.parents[0]) and shape and shape[0] == ctx.batch:
        shape[0] = 0
    ctx.node("Reshape", [inputs[0], ctx.constant(np.array(shape, dtype=np.int64), "shape")], [output], fn)


def _permute(ctx: Context, fn: Function, inputs: list[str], output: str) -> None:
    ctx.node("Transpose", inputs, [output], fn, perm=[int(d) for d in fn.kwargs["dims"]])


def _sum(ctx: Context, fn: Function, inputs: list[str], output: str) -> None:
    axes = ctx.constant(np.array(fn.kwargs["axes"], dtype=np.int64), "axes")
    ctx.node("ReduceSum", [inputs[0], axes], [output], fn, keepdims=int(bool(fn.kwargs["keepdim"])))


def _softmax(op_type: str) -> Exporter:
    def export(ctx: Context, fn: Function, inputs: list[str], output: str) -> None:
        ctx.node(op_type, inputs, [output], fn, axis=int(fn.kwargs["dim"]))

    return export


def _rbf(ctx: Context, fn: Function, inputs: list[str], output: str) -> None:
    """y_nk = sum_f (x_nf - c_kf)^2: Unsqueeze x to (N, 1, F), subtract c (K, F), square, ReduceSum over F."""
    wide, diff, square = ctx.temp("x_wide"), ctx.temp("diff"), ctx.temp("square")
    ctx.node("Unsqueeze", [inputs[0], ctx.constant(np.array([1], dtype=np.int64), "axes")], [wide], fn)
    ctx.node("Sub", [wide, inputs[1]], [diff], fn)
    ctx.node("Mul", [diff, diff], [square], fn)
    ctx.node("ReduceSum", [square, ctx.constant(np.array([2], dtype=np.int64), "axes")], [output], fn, keepdims=0)


def _clip(ctx: Context, fn: Function, inputs: list[str], output: str) -> None:
    dtype = fn.parents[0].dtype
    bounds = [
        ctx.constant(np.array(v, dtype=dtype), name) if v is not None else ""
        for v, name in ((fn.kwargs.get("low"), "min"), (fn.kwargs.get("high"), "max"))
    ]
    ctx.node("Clip", [inputs[0], *bounds], [output], fn)


def _get_item(ctx: Context, fn: Function, inputs: list[str], output: str) -> None:
    """Basic indexing (ints and slices) as Slice, then Squeeze of the axes an int took away."""
    index = fn.kwargs["index"]
    index = index if isinstance(index, tuple) else (index,)
    if not all(isinstance(i, (int, np.integer, slice)) for i in index):
        raise NotImplementedError(f"onnx.export: indexing with {index!r} (only ints and slices) has no mapping yet")
    starts, ends, axes, steps, dropped = [], [], [], [], []
    for axis, i in enumerate(index):
        if isinstance(i, slice):
            if i == slice(None):
                continue
            start, stop, step = i.start, i.stop, 1 if i.step is None else i.step
            starts.append(start if start is not None else (0 if step > 0 else -1))
            ends.append(stop if stop is not None else (INT_MAX if step > 0 else -INT_MAX))
            steps.append(step)
        else:
            starts.append(int(i))
            ends.append(int(i) + 1 if int(i) != -1 else INT_MAX)
            steps.append(1)
            dropped.append(axis)
        axes.append(axis)
    if not axes:
        ctx.node("Identity", inputs, [output], fn)
        return
    sliced = ctx.temp("sliced") if dropped else output
    consts = [
        ctx.constant(np.array(v, dtype=np.int64), n) for v, n in ((starts, "starts"), (ends, "ends"), (axes, "axes"))
    ]
    ctx.node("Slice", [inputs[0], *consts, ctx.constant(np.array(steps, dtype=np.int64), "steps")], [sliced], fn)
    if dropped:
        ctx.node("Squeeze", [sliced, ctx.constant(np.array(dropped, dtype=np.int64), "axes")], [output], fn)


def _cat(ctx: Context, fn: Function, inputs: list[str], output: str) -> None:
    ctx.node("Concat", inputs, [output], fn, axis=int(fn.kwargs["dim"]))


def _layer_norm(ctx: Context, fn: Function, inputs: list[str], output: str) -> None:
    """LayerNormalization over the last ``ndim`` axes; its Scale is required, so ones stand in for no weight."""
    x, ndim = fn.parents[0], int(fn.kwargs["ndim"])
    scale = inputs[1] if fn.kwargs["weight"] else ctx.constant(np.ones(x.shape[x.ndim - ndim :], x.dtype), "scale")
    bias = [inputs[-1]] if fn.kwargs["bias"] else []
    ctx.node("LayerNormalization", [inputs[0], scale, *bias], [output], fn, axis=-ndim, epsilon=float(fn.kwargs["eps"]))


EXPORTERS: dict[str, Exporter] = {
    "Add": _same("Add"),
    "Sub": _same("Sub"),
    "Mul": _same("Mul"),
    "Div": _same("Div"),
    "Pow": _same("Pow"),
    "Neg": _same("Neg"),
    "Exp": _same("Exp"),
    "Log": _same("Log"),
    "Sqrt": _same("Sqrt"),
    "Abs": _same("Abs"),
    "Relu": _same("Relu"),
    "Sigmoid": _same("Sigmoid"),
    "Tanh": _same("Tanh"),
    "Maximum": _same("Max"),
    "Minimum": _same("Min"),
    "Matmul": _same("MatMul"),
    "Clone": _same("Identity"),
    "Linear": _linear,
    "Conv2d": _conv,
    "MaxPool2d": _pool("MaxPool"),
    "AvgPool2d": _pool("AveragePool", count_include_pad=1),
    "Reshape": _reshape,
    "Permute": _permute,
    "Sum": _sum,
    "Softmax": _softmax("Softmax"),
    "LogSoftmax": _softmax("LogSoftmax"),
    "EuclideanRBF": _rbf,
    "Clip": _clip,
    "LayerNorm": _layer_norm,
    "GetItem": _get_item,
    "Cat": _cat,
    **RECURRENT_EXPORTERS,
}
"""Our op's name -> the function that writes it as ONNX nodes. An op not here cannot be exported
(the error names it)."""

_RANDOM_MASK = (
    "draws a random mask at every call (dropout in training mode), which an ONNX graph of this "
    "export cannot reproduce; the export runs the model in eval mode, where nn.Dropout and "
    "F.dropout(x, p, training=self.training) are the identity, so pass training=self.training"
)
REFUSED: dict[str, str] = {"Dropout": _RANDOM_MASK, "AlphaDropout": _RANDOM_MASK}
"""Ops that reach the export only when a model forces them on in eval mode, and why each is refused."""
