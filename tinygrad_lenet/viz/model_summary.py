"""A table of a model's layers, like torchinfo: output shapes, parameters, multiply-accumulates."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..autodiff.grad_mode import no_grad
from ..nn import Conv2d, Linear, Module
from ..tensor.tensor import Tensor


@dataclass
class LayerRow:
    name: str
    kind: str
    output_shape: tuple[int, ...]
    params: int
    macs: int
    output_bytes: int


def layer_macs(module: Module, output: Tensor) -> int:
    """Multiply-accumulates of one forward pass: per output element, in_channels*kh*kw for a
    convolution and in_features for a linear layer; a module of your own may say with a
    ``macs(output)`` method; other layers are counted as 0."""
    if callable(getattr(module, "macs", None)):
        return int(module.macs(output))
    if isinstance(module, Conv2d):
        return output.numel() * module.in_channels * module.kernel_size[0] * module.kernel_size[1]
    if isinstance(module, Linear):
        return output.numel() * module.in_features
    return 0


class Summary:
    """The rows and totals of :func:`summary`; ``print(summary(...))`` shows the table."""

    def __init__(self, model: Module, input_shape: tuple[int, ...], rows: list[LayerRow]) -> None:
        self.model_name, self.input_shape, self.rows = type(model).__name__, input_shape, rows
        self.total_params = model.num_parameters()
        self.trainable_params = model.num_parameters(trainable_only=True)
        self.total_macs = sum(r.macs for r in rows)
        self.param_bytes = sum(p._array.nbytes for p in model.parameters())
        self.activation_bytes = sum(r.output_bytes for r in rows)

    def __str__(self) -> str:
        header = f"{'layer':<18}{'type':<14}{'output shape':<22}{'params':>10}{'MACs':>14}"
        rule = "-" * len(header)
        lines = [f"{self.model_name} summary for input {self.input_shape}", rule, header, rule]
        for r in self.rows:
            lines.append(f"{r.name:<18}{r.kind:<14}{str(r.output_shape):<22}{r.params:>10,}{r.macs:>14,}")
        lines += [
            rule,
            f"total parameters: {self.total_params:,} ({self.trainable_params:,} trainable)",
            f"total multiply-accumulates: {self.total_macs:,} ({self.total_macs / 1e6:.2f} M) per forward pass",
            f"memory: parameters {self.param_bytes / 1024:.1f} KiB, activations {self.activation_bytes / 1024:.1f} KiB",
            rule,
        ]
        return "\n".join(lines)


def summary(model: Module, input_shape: Sequence[int], dtype: Any = np.float32) -> Summary:
    """Run one forward pass on zeros of ``input_shape`` and tabulate every leaf layer it used."""
    rows: list[LayerRow] = []
    handles = []
    for name, module in model.named_modules():
        if name and not list(module.children()):

            def record(m: Module, inputs: tuple, output: Any, name: str = name) -> None:
                rows.append(
                    LayerRow(
                        name,
                        type(m).__name__,
                        tuple(output.shape),
                        m.num_parameters(),
                        layer_macs(m, output),
                        output._array.nbytes,
                    )
                )

            handles.append(module.register_forward_hook(record))
    was_training = model.training
    try:
        model.eval()
        with no_grad():
            model(Tensor(np.zeros(tuple(input_shape), dtype=dtype)))
    finally:
        model.train(was_training)
        for handle in handles:
            handle.remove()
    return Summary(model, tuple(input_shape), rows)
