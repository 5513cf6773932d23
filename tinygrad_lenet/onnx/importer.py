"""``tl.onnx.load``: an ONNX model as an ``nn.Module`` whose forward runs each node with our own ops.

Float initializers become parameters (so the imported model trains and ``draw_graph`` shows
them by name); other initializers (shapes, axes, integer tables) stay constants. Nodes run in
the file's order, which ONNX requires to be topological.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import numpy as np

from .. import nn
from ..base.errors import CheckpointError
from ..base.file_io import read_bytes
from ..base.limits import check_regular, max_load_bytes, too_large
from ..tensor.tensor import Tensor
from .import_table import IMPORTERS, WITH_SECOND_OUTPUT


def _attributes(node: Any) -> dict[str, Any]:
    from onnx import helper

    return {a.name: helper.get_attribute_value(a) for a in node.attribute}


def _as_value(x: Any) -> Any:
    """A graph input as a tensor, or a sequence (list) of tensors."""
    if isinstance(x, (list, tuple)):
        return [_as_value(v) for v in x]
    return x if isinstance(x, Tensor) else Tensor(np.asarray(x))


class OnnxModule(nn.Module):
    """A model read from ONNX: ``module(*inputs)`` returns its output (a tuple if it has several)."""

    def __init__(self, model: Any) -> None:
        from onnx import numpy_helper

        super().__init__()
        graph = model.graph
        missing = sorted({n.op_type for n in graph.node} - set(IMPORTERS))
        if missing:
            raise NotImplementedError(
                f"onnx.load: no mapping here for the operator(s) {', '.join(missing)} "
                f"(mapped: {', '.join(sorted(IMPORTERS))})"
            )
        for value in [*graph.input, *graph.output]:
            kind = value.type.WhichOneof("value")
            if kind not in ("tensor_type", "sequence_type", "optional_type"):
                raise NotImplementedError(
                    f"onnx.load: the graph's {value.name!r} is a {kind} (tensors, and sequences "
                    "of tensors passed through Identity, are supported here)"
                )
        for node in graph.node:
            if len([o for o in node.output if o]) > 1 and node.op_type not in WITH_SECOND_OUTPUT:
                raise NotImplementedError(
                    f"onnx.load: {node.op_type} with a second output ({node.output[1]!r}) is not supported here"
                )
        self.params = nn.ParameterList()
        self._constants: dict[str, np.ndarray] = {}
        self._parameter_of: dict[str, int] = {}
        for init in graph.initializer:
            value = numpy_helper.to_array(init)
            if value.dtype.kind == "f":
                self._parameter_of[init.name] = len(self.params)
                self.params.append(nn.Parameter(Tensor(value.copy())))
            else:
                self._constants[init.name] = value
        known = {init.name for init in graph.initializer}
        self.input_names = [i.name for i in graph.input if i.name not in known]
        self.output_names = [o.name for o in graph.output]
        self.nodes = [(n.op_type, list(n.input), list(n.output), _attributes(n), n.name) for n in graph.node]
        self.name = graph.name

    def parameter_names(self) -> dict[str, str]:
        """The ONNX name of each parameter, by its name here (``params.0``, ...)."""
        return {f"params.{i}": name for name, i in self._parameter_of.items()}

    def forward(self, *inputs: Any) -> Any:
        """Run the graph on ``inputs`` (tensors or arrays, in the order of the model's inputs)."""
        if len(inputs) != len(self.input_names):
            raise ValueError(
                f"{self.name}: expected {len(self.input_names)} inputs ({', '.join(self.input_names)}), "
                f"got {len(inputs)}"
            )
        env: dict[str, Tensor] = {name: Tensor(v) for name, v in self._constants.items()}
        env.update({name: self.params[i] for name, i in self._parameter_of.items()})
        env.update({name: _as_value(x) for name, x in zip(self.input_names, inputs)})
        for op_type, ins, outs, attrs, _ in self.nodes:
            args = [env[name] if name else None for name in ins]
            if op_type != "Identity" and any(isinstance(a, list) for a in args):
                raise NotImplementedError(f"onnx.load: {op_type} on a sequence is not supported here (only Identity)")
            run = WITH_SECOND_OUTPUT[op_type] if len([o for o in outs if o]) > 1 else IMPORTERS[op_type]
            result = run(args, attrs)
            for name, value in zip(outs, result if isinstance(result, tuple) else (result,)):
                env[name] = value
        results = tuple(env[name] for name in self.output_names)
        return results[0] if len(results) == 1 else results


def _check_external_data(model: Any, path: Path) -> None:
    """Refuse ``model``'s external data before onnx reads it if a file is not a regular one (whatever onnx
    version checks) or if the tensors would read more than ``max_load_bytes()`` in all: each its ``length``,
    or the rest of its file (counted per tensor, as each reads its own copy even when several share one file)."""
    from onnx import external_data_helper

    total = 0
    for tensor in external_data_helper._get_all_tensors(model):  # what load_external_data_for_model reads
        if external_data_helper.uses_external_data(tensor):
            info = external_data_helper.ExternalDataInfo(tensor)
            try:
                status = os.stat(path.parent / info.location)
            except OSError:  # missing, or no name: left to onnx's own checks to report
                continue
            check_regular(status, path.parent / info.location, CheckpointError, "ONNX external data file")
            total += info.length if info.length is not None else max(status.st_size - (info.offset or 0), 0)
    if total > max_load_bytes():
        raise CheckpointError(too_large(path, "ONNX model's external data", total))


def load(path: str | os.PathLike[str]) -> OnnxModule:
    """Read an ONNX file into an :class:`OnnxModule` (checked with ``onnx.checker`` first).

    The limits of ``base/limits.py`` apply: the model must be a regular file of at most 4 GiB and
    its external data regular files (in the model's folder, as onnx checks) of at most 4 GiB in all.
    """
    import onnx

    path = Path(path)
    blob = read_bytes(path, CheckpointError, "ONNX file")
    try:
        fmt = onnx.serialization.registry.get_format_from_file_extension(path.suffix) or "protobuf"
        model = onnx.load_model_from_string(blob, format=fmt)
        _check_external_data(model, path)
        onnx.external_data_helper.load_external_data_for_model(model, os.fspath(path.parent))
        onnx.checker.check_model(model)
    except CheckpointError:
        raise
    except Exception as e:  # onnx reports a damaged or invalid file with several exception types
        reason = re.sub(r"\s+", " ", str(e))[:300]
        raise CheckpointError(f"{path}: not a valid ONNX model ({reason})") from None
    return OnnxModule(model)
