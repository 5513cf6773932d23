"""ONNX interop: ``tl.onnx.export(model, example_input, "model.onnx")`` writes a model as ONNX
(opset 17) for onnxruntime and other runtimes. Needs the ``onnx`` package (the ``onnx`` extra)."""

from .exporter import OPSET, export
from .op_table import EXPORTERS

__all__ = ["EXPORTERS", "OPSET", "export"]
