"""ONNX interop: ``tl.onnx.export(model, example_input, "model.onnx")`` writes a model as ONNX
(opset 17) for onnxruntime and other runtimes; ``tl.onnx.load("model.onnx")`` runs one made
elsewhere with our own ops. Needs the ``onnx`` package (the ``onnx`` extra)."""

from .exporter import OPSET, export
from .import_table import IMPORTERS
from .importer import OnnxModule, load
from .op_table import EXPORTERS

__all__ = ["EXPORTERS", "IMPORTERS", "OPSET", "OnnxModule", "export", "load"]
