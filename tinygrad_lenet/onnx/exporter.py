"""``tl.onnx.export``: run the model once, walk the graph it recorded, write each op as ONNX operators.

The example input is given ``requires_grad=True`` for the trace, so that every op applied to it
is recorded, even those before the first parameter (the 1998 model's input scaling). Leaves of
the graph become: the graph input (the example input), initializers named after the model's
parameters and buffers, and initializers ``const_k`` for the other constants (scalars, masks).
Each node is named ``<module path>/<Op>_<k>`` after the module whose forward made it.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..autodiff.engine import topological_order
from ..autodiff.function import Function
from ..autodiff.grad_mode import enable_grad
from ..base.errors import ShapeError
from ..base.file_io import atomic_write
from ..nn import Module
from ..tensor.tensor import Tensor
from .op_table import EXPORTERS, REFUSED

if TYPE_CHECKING:
    import onnx

OPSET = 17
"""The ONNX opset the export writes by default (17: ReduceSum takes its axes as an input)."""


class Context:
    """What an exporter function needs: names of tensors, a place for nodes and initializers."""

    def __init__(
        self, graph_input: Tensor, names: dict[int, str], batch: int | None, module_names: dict[int, str]
    ) -> None:
        self.module_names = module_names  # id(module) -> its dotted name in the model (the model itself: its class)
        self.nodes: list[Any] = []
        self.initializers: dict[str, np.ndarray] = {}
        self.names = dict(names)  # id(tensor) -> ONNX name
        self.graph_input, self.batch = graph_input, batch
        self.count = 0
        self.batched: set[int] = {id(graph_input)}  # tensors whose first dimension is the batch

    def temp(self, stem: str) -> str:
        self.count += 1
        return f"{stem}_{self.count}"

    def constant(self, value: np.ndarray, stem: str) -> str:
        name = self.temp(stem)
        self.initializers[name] = value
        return name

    def node(self, op_type: str, inputs: list[str], outputs: list[str], fn: Function, **attributes: Any) -> None:
        from onnx import helper

        scope = "/".join(self.module_names.get(id(m), type(m).__name__) for m in fn.modules)
        self.count += 1
        self.nodes.append(
            helper.make_node(op_type, inputs, outputs, name=f"{scope}/{fn.name}_{self.count}".lstrip("/"), **attributes)
        )

    def carries_batch(self, t: Tensor) -> bool:
        return self.batch is not None and id(t) in self.batched


def export(
    model: Module,
    example_input: Tensor | np.ndarray,
    path: str | os.PathLike[str],
    input_names: Sequence[str] = ("input",),
    output_names: Sequence[str] = ("output",),
    dynamic_batch: bool = True,
    opset_version: int = OPSET,
) -> Path:
    """Write ``model`` as an ONNX file (opset ``opset_version``, 17 by default) and return its path.

    ``example_input`` (one batch) fixes every shape but the batch size, which stays free when
    ``dynamic_batch`` (the first dimension of input and output is named ``batch``). The model
    runs in eval mode for the trace and is put back as it was. An op with no ONNX mapping
    raises ``NotImplementedError`` naming it; the file is written atomically.
    """
    import onnx
    from onnx import helper

    if not isinstance(model, Module):
        raise TypeError(f"onnx.export: model must be an nn.Module, got {type(model).__name__}")
    if len(input_names) != 1 or len(output_names) != 1:
        raise ValueError(
            "onnx.export: models with one input and one output are supported; "
            f"got {len(input_names)} input and {len(output_names)} output names"
        )
    x = Tensor(
        np.array(example_input._array if isinstance(example_input, Tensor) else example_input), requires_grad=True
    )
    was_training = model.training
    model.eval()
    try:
        with enable_grad():
            out = model(x)
    finally:
        model.train(was_training)
    if not isinstance(out, Tensor) or out.grad_fn is None:
        raise ValueError("onnx.export: the model's output must be a tensor computed from its input")
    graph = _graph(model, x, out, out.grad_fn, input_names[0], output_names[0], dynamic_batch)
    proto = helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", opset_version)], producer_name="tinygrad_lenet"
    )
    onnx.checker.check_model(proto)
    return atomic_write(Path(path), proto.SerializeToString())


def _graph(
    model: Module, x: Tensor, out: Tensor, root: Function, input_name: str, output_name: str, dynamic: bool
) -> onnx.GraphProto:
    """The graph that computed ``out`` (made by ``root``) from ``x``, as ONNX nodes, inputs first."""
    from onnx import helper, numpy_helper

    names = {id(p): n for n, p in model.named_parameters()}
    names.update({id(b): n for n, b in model.named_buffers()})
    module_names = {id(m): n or type(m).__name__ for n, m in model.named_modules()}
    ctx = Context(
        x, {id(x): input_name, id(out): output_name}, x.shape[0] if dynamic and x.ndim else None, module_names
    )
    order = topological_order(root)[::-1]  # inputs first
    output_of = {id(root): out}  # each node's result tensor
    for fn in order:
        for parent in fn.parents:
            if parent.grad_fn is not None:
                output_of[id(parent.grad_fn)] = parent
    for fn in order:
        exporter = EXPORTERS.get(fn.name)
        if fn.name in REFUSED:
            raise NotImplementedError(f"onnx.export: the op {fn.name} {REFUSED[fn.name]}")
        if exporter is None:
            raise NotImplementedError(
                f"onnx.export: the op {fn.name} has no ONNX mapping yet (mapped: {', '.join(sorted(EXPORTERS))})"
            )
        inputs = [_name_of(ctx, t, names) for t in fn.parents]
        result = output_of[id(fn)]
        if result is not out:
            ctx.names.setdefault(id(result), ctx.temp(fn.name.lower()))
        if any(ctx.carries_batch(p) for p in fn.parents) and result.ndim and result.shape[0] == ctx.batch:
            ctx.batched.add(id(result))
        exporter(ctx, fn, inputs, ctx.names[id(result)])
    elem = helper.np_dtype_to_tensor_dtype(x.dtype)

    def batch_dim(shape: tuple[int, ...]) -> list[str | int]:
        return ["batch", *shape[1:]] if ctx.batch is not None else list(shape)

    return helper.make_graph(
        ctx.nodes,
        type(model).__name__,
        [helper.make_tensor_value_info(input_name, elem, batch_dim(x.shape))],
        [helper.make_tensor_value_info(output_name, helper.np_dtype_to_tensor_dtype(out.dtype), batch_dim(out.shape))],
        [numpy_helper.from_array(np.ascontiguousarray(v), name) for name, v in ctx.initializers.items()],
    )


def _name_of(ctx: Context, t: Tensor, names: dict[int, str]) -> str:
    """The ONNX name of an op's input: an op's result, the graph input, a parameter or buffer, or a new constant."""
    if id(t) in ctx.names:
        return ctx.names[id(t)]
    if t.grad_fn is not None:
        raise ShapeError("onnx.export: an op's input was not produced before it (the graph walk is out of order)")
    name = names.get(id(t)) or ctx.temp("const")
    ctx.names[id(t)] = name
    ctx.initializers[name] = t._array
    return name
