"""Einstein summation, the one primitive of the products family: dot, inner, outer, tensordot, kron,
trace and cross are written with it (``tensor/products.py``).

``Einsum`` takes an explicit equation of single letters (the Tensor function turns ``...`` and the
implicit output into letters first). A label of size 1 in one operand broadcasts against a larger size in
another, as PyTorch's; the gradient is summed back over it here.
"""

from __future__ import annotations

import numpy as np

from ..autodiff.function import Function, Grads


def _unique(labels: str) -> str:
    """The labels in order of first appearance, each once."""
    return "".join(dict.fromkeys(labels))


class Einsum(Function):
    def forward(self, *arrays: np.ndarray, inputs: tuple[str, ...], output: str) -> np.ndarray:
        sizes: dict[str, int] = {}
        for labels, array in zip(inputs, arrays):
            for label, n in zip(labels, array.shape):
                sizes[label] = n if sizes.get(label, 1) == 1 else sizes[label]
        self.sizes, self.inputs, self.output = sizes, inputs, output
        self.shapes = tuple(a.shape for a in arrays)
        full = [np.broadcast_to(a, tuple(sizes[c] for c in labels)) for labels, a in zip(inputs, arrays)]
        self.save_for_backward(*full)
        return np.asarray(np.einsum(f"{','.join(inputs)}->{output}", *full, optimize=len(full) > 2))

    def backward(self, grad: np.ndarray) -> Grads:
        """For y = einsum(s_1, ..., s_n -> o): dx_i = einsum(o, s_j (j != i) -> s_i) of g and the other
        operands; a label only x_i has is broadcast, a repeated one (a diagonal) is written on the
        diagonal, and a size-1 label that broadcast is summed back."""
        return tuple(self._input_grad(grad, i) if need else None for i, need in enumerate(self.needs_input_grad))

    def _input_grad(self, grad: np.ndarray, i: int) -> np.ndarray:
        labels = self.inputs[i]
        others = [j for j in range(len(self.inputs)) if j != i]
        seen = set(self.output).union(*(self.inputs[j] for j in others))
        unique = _unique(labels)
        kept = "".join(c for c in unique if c in seen)
        terms = ",".join([self.output, *(self.inputs[j] for j in others)])
        arrays = [grad, *(self.saved_tensors[j] for j in others)]
        g = np.einsum(f"{terms}->{kept}", *arrays, optimize=len(arrays) > 2)
        g = g.reshape(tuple(self.sizes[c] if c in seen else 1 for c in unique))
        g = np.broadcast_to(g, tuple(self.sizes[c] for c in unique))
        if len(unique) != len(labels):
            g = self._on_diagonal(g, labels, unique)
        shape = self.shapes[i]
        stretched = tuple(a for a, n in enumerate(shape) if n == 1 and g.shape[a] != 1)
        return g.sum(axis=stretched, keepdims=True) if stretched else g

    def _on_diagonal(self, g: np.ndarray, labels: str, unique: str) -> np.ndarray:
        """An array of the operand's shape, zero but on the diagonal of its repeated labels, where ``g`` is."""
        out = np.zeros(tuple(self.sizes[c] for c in labels), dtype=g.dtype)
        strides = tuple(sum(s for c2, s in zip(labels, out.strides) if c2 == c) for c in unique)
        view = np.lib.stride_tricks.as_strided(out, g.shape, strides, writeable=True)
        view[...] = g
        return out
