"""``RNNBase``: what ``RNN``, ``LSTM`` and ``GRU`` share (parameters, checks, the run over layers and
directions, packed batches).

Each layer and direction runs as one input projection over the whole sequence (``F.linear``) and one
sequence op with a hand-written backward (``ops/recurrent.py``); see ``recurrent_functions.py``.
"""

from __future__ import annotations

import math
import numbers
import warnings
from typing import Any

import numpy as np

from ..base import dtypes
from ..base.devices import check_device
from ..base.errors import DTypeError, ShapeError
from ..tensor.functions import cat, stack
from ..tensor.tensor import Tensor
from . import init
from .functional import dropout as dropout_fn
from .module import Module, Parameter
from .recurrent_functions import final_state, gru_layer, lstm_layer, rnn_layer
from .rnn_utils import PackedSequence, flip_within, packed_positions, padded_from_packed

GATES = {"LSTM": 4, "GRU": 3, "RNN_TANH": 1, "RNN_RELU": 1}
"""How many gates (blocks of hidden_size rows in weight_ih and weight_hh) each mode has."""


def check_sizes(name: str, input_size: Any, hidden_size: Any) -> None:
    """PyTorch's checks of a recurrent layer's or cell's sizes: positive ints."""
    for what, value in (("input_size", input_size), ("hidden_size", hidden_size)):
        if not isinstance(value, int) or isinstance(value, bool):
            raise TypeError(f"{name}: {what} should be of type int, got: {type(value).__name__}")
        if value <= 0:
            raise ValueError(f"{name}: {what} must be greater than zero, got {value}")


def new_weight(shape: tuple[int, ...], dtype: Any) -> Parameter:
    """An uninitialised parameter of ``shape`` and ``dtype`` (the default float when None)."""
    return Parameter(np.empty(shape, dtype=dtypes.DEFAULT_FLOAT if dtype is None else dtypes.to_dtype(dtype)))


class RNNBase(Module):
    """The multi-layer recurrent network ``RNN``, ``LSTM`` and ``GRU`` share (``mode`` says which).

    Parameters per layer ``k`` and direction (suffix ``_reverse`` for the backward one), as PyTorch
    names them: ``weight_ih_lk`` (G H, input), ``weight_hh_lk`` (G H, H'), ``bias_ih_lk`` and
    ``bias_hh_lk`` (G H,), and for an LSTM with ``proj_size`` P > 0 ``weight_hr_lk`` (P, H), with
    H' = P if set else H; all drawn from U(-1/sqrt(H), 1/sqrt(H)). Dropout, when ``dropout`` > 0 and
    training, applies to the output of every layer but the last.
    """

    def __init__(
        self,
        mode: str,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        proj_size: int = 0,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        check_device(device or "cpu")
        name = "RNN" if mode.startswith("RNN") else mode
        if not isinstance(dropout, numbers.Number) or isinstance(dropout, bool) or not 0 <= float(dropout) <= 1:
            raise ValueError(
                f"{name}: dropout should be a number in [0, 1] (the probability of zeroing), got {dropout}"
            )
        for what, flag in (("bias", bias), ("batch_first", batch_first), ("bidirectional", bidirectional)):
            if not isinstance(flag, bool):
                raise TypeError(f"{name}: {what} should be of type bool, got: {type(flag).__name__}")
        check_sizes(name, input_size, hidden_size)
        if not isinstance(num_layers, int) or num_layers <= 0:
            raise ValueError(f"{name}: num_layers must be greater than zero, got {num_layers}")
        if not 0 <= proj_size < hidden_size:
            raise ValueError(
                f"{name}: proj_size must be 0 (no projection) or in [1, hidden_size={hidden_size}), got {proj_size}"
            )
        if float(dropout) > 0 and num_layers == 1:
            warnings.warn(
                f"{name}: dropout applies between recurrent layers, so dropout={dropout} with num_layers=1 "
                "does nothing",
                stacklevel=3,
            )
        self.mode, self.input_size, self.hidden_size, self.num_layers = mode, input_size, hidden_size, num_layers
        self.bias, self.batch_first, self.dropout = bias, batch_first, float(dropout)
        self.bidirectional, self.proj_size = bidirectional, proj_size
        gate_rows, width = GATES[mode] * hidden_size, proj_size or hidden_size
        self._flat_weights_names: list[str] = []
        for layer in range(num_layers):
            for suffix in ("", "_reverse")[: self.num_directions]:
                shapes = {
                    "weight_ih": (gate_rows, input_size if layer == 0 else width * self.num_directions),
                    "weight_hh": (gate_rows, width),
                    **({"bias_ih": (gate_rows,), "bias_hh": (gate_rows,)} if bias else {}),
                    **({"weight_hr": (proj_size, hidden_size)} if proj_size else {}),
                }
                for kind, shape in shapes.items():
                    setattr(self, f"{kind}_l{layer}{suffix}", new_weight(shape, dtype))
                    self._flat_weights_names.append(f"{kind}_l{layer}{suffix}")
        self.reset_parameters()

    @property
    def num_directions(self) -> int:
        """2 for a bidirectional network, else 1."""
        return 2 if self.bidirectional else 1

    @property
    def all_weights(self) -> list[list[Parameter]]:
        """The parameters of each layer and direction, in PyTorch's order (as ``RNNBase.all_weights``)."""
        per = len(self._flat_weights_names) // (self.num_layers * self.num_directions)
        names = self._flat_weights_names
        return [[getattr(self, n) for n in names[i : i + per]] for i in range(0, len(names), per)]

    def flatten_parameters(self) -> None:
        """Nothing to do here (PyTorch packs the weights into one buffer for cuDNN); kept so ported code runs."""

    def reset_parameters(self) -> None:
        """Draw every weight and bias afresh from U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)), as PyTorch."""
        bound = 1.0 / math.sqrt(self.hidden_size)
        for weight in self.parameters():
            init.uniform_(weight, -bound, bound)

    def forward(self, input: Tensor | PackedSequence, hx: Any = None) -> tuple[Any, Any]:
        """Run the layers over ``input`` (L, N, H_in), or (N, L, H_in) with ``batch_first``, or unbatched
        (L, H_in), or a ``PackedSequence``, from ``hx`` (zeros by default): (output, h_n), or for an LSTM
        (output, (h_n, c_n)); the output is packed when the input is."""
        if isinstance(input, PackedSequence):
            return self._forward_packed(input, hx)
        self._check_input(input, (2, 3))
        batched = input.ndim == 3
        x = input.transpose(0, 1) if batched and self.batch_first else input if batched else input.unsqueeze(1)
        output, finals = self._run(x, self._initial_states(hx, x, batched))
        if batched and self.batch_first:
            output = output.transpose(0, 1)
        if not batched:
            output, finals = output.squeeze(1), [f.squeeze(1) for f in finals]
        return self._result(output, finals)

    def _forward_packed(self, input: PackedSequence, hx: Any) -> tuple[Any, Any]:
        """The layers over the real steps of a packed batch only (run padded, each sequence reversed
        within its length for the backward direction), and the states after each one's last step."""
        self._check_input(input.data, (2,))
        batch_sizes = input.batch_sizes.numpy()
        x, lengths = padded_from_packed(input.data, batch_sizes, len(batch_sizes))
        states = self._initial_states(hx, x, True)
        if input.sorted_indices is not None and hx is not None:
            states = [s[:, input.sorted_indices.numpy()] for s in states]
        output, finals = self._run(x, states, lengths)
        if input.unsorted_indices is not None:
            finals = [f[:, input.unsorted_indices.numpy()] for f in finals]
        packed = output[packed_positions(batch_sizes)]
        return self._result(
            PackedSequence(packed, input.batch_sizes, input.sorted_indices, input.unsorted_indices), finals
        )

    def _result(self, output: Any, finals: list[Tensor]) -> tuple[Any, Any]:
        return (output, (finals[0], finals[1])) if self.mode == "LSTM" else (output, finals[0])

    def _check_input(self, input: Tensor, dims: tuple[int, ...]) -> None:
        name = type(self).__name__
        if input.ndim not in dims:
            raise ShapeError(
                f"{name}: expected input to be {' or '.join(f'{d}D' for d in dims)} ((L, H_in), (L, N, H_in) or "
                f"(N, L, H_in); a packed batch's data (steps, H_in)), got {input.ndim}D of shape {input.shape}"
            )
        weight_dtype = self.weight_ih_l0.dtype
        if input.dtype != weight_dtype:
            raise DTypeError(
                f"{name}: input dtype ({input.dtype}) does not match weight dtype ({weight_dtype}); convert the "
                f"input (input.to({weight_dtype})) or the model (model.to({input.dtype}))"
            )
        if input.shape[-1] != self.input_size:
            raise ShapeError(f"{name}: input.size(-1) must be input_size={self.input_size}, got shape {input.shape}")

    def _initial_states(self, hx: Any, x: Tensor, batched: bool) -> list[Tensor]:
        """h0 (and c0) as (layers * directions, N, width) tensors: the given ones, checked, or zeros."""
        name = type(self).__name__
        widths = (self.proj_size or self.hidden_size, self.hidden_size)[: 2 if self.mode == "LSTM" else 1]
        given = list(hx) if isinstance(hx, (tuple, list)) else [hx] if hx is not None else None
        if given is not None and len(given) != len(widths):
            raise ValueError(f"{name}: hx must be {'a tuple (h_0, c_0)' if len(widths) == 2 else 'one tensor'}")
        states = []
        for k, width in enumerate(widths):
            expected = (self.num_layers * self.num_directions, x.shape[1], width)
            if given is None:
                states.append(Tensor(np.zeros(expected, dtype=x.dtype)))
                continue
            state = given[k]
            if state.ndim != (3 if batched else 2):
                raise ShapeError(
                    f"{name}: for {'batched 3-D' if batched else 'unbatched 2-D'} input, hx should be "
                    f"{3 if batched else 2}-D, got {state.ndim}-D of shape {state.shape}"
                )
            state = state if batched else state.unsqueeze(1)
            if state.shape != expected:
                raise ShapeError(f"{name}: expected hidden size {expected}, got {state.shape}")
            states.append(state)
        return states

    def _run(self, x: Tensor, states: list[Tensor], lengths: np.ndarray | None = None) -> tuple[Tensor, list[Tensor]]:
        """Every layer and direction over time-major x (L, N, H_in), whose sequences have ``lengths`` if
        given (a packed batch): the last layer's outputs and the final states."""
        finals: list[list[Tensor]] = [[] for _ in states]
        for layer in range(self.num_layers):
            outputs = []
            for direction, suffix in enumerate(("", "_reverse")[: self.num_directions]):
                index = layer * self.num_directions + direction
                weights = {kind: getattr(self, f"{kind}_l{layer}{suffix}", None) for kind in _KINDS}
                output, *last = self._layer(x, [s[index] for s in states], weights, direction == 1, lengths)
                outputs.append(output)
                for k, state in enumerate(last):
                    finals[k].append(state)
            x = outputs[0] if len(outputs) == 1 else cat(outputs, dim=2)
            if self.training and self.dropout > 0 and layer < self.num_layers - 1:
                x = dropout_fn(x, self.dropout, True)
        return x, [stack(f) for f in finals]

    def _layer(
        self, x: Tensor, states: list[Tensor], w: dict[str, Any], reverse: bool, lengths: np.ndarray | None
    ) -> list[Tensor]:
        """One layer in one direction: [output, h_n] (and c_n for an LSTM). With ``lengths``, the backward
        direction runs forward over each sequence reversed within its length, then is flipped back."""
        flip = flip_within(lengths, x.shape[0]) if reverse and lengths is not None else None
        if flip is not None:
            x, reverse = x[flip], False
        w_ih, w_hh, b_ih, b_hh = w["weight_ih"], w["weight_hh"], w["bias_ih"], w["bias_hh"]
        if self.mode == "LSTM":
            sequences = list(lstm_layer(x, states[0], states[1], w_ih, w_hh, b_ih, b_hh, w["weight_hr"], reverse))
        elif self.mode == "GRU":
            sequences = [gru_layer(x, states[0], w_ih, w_hh, b_ih, b_hh, reverse=reverse)]
        else:
            sequences = [rnn_layer(x, states[0], w_ih, w_hh, b_ih, b_hh, reverse, self.mode[4:].lower())]
        finals = [final_state(s, reverse, lengths) for s in sequences]
        return [sequences[0] if flip is None else sequences[0][flip], *finals]

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.proj_size != 0:
            s += f", proj_size={self.proj_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if self.batch_first is not False:
            s += f", batch_first={self.batch_first}"
        if self.dropout != 0:
            s += f", dropout={self.dropout}"
        if self.bidirectional is not False:
            s += f", bidirectional={self.bidirectional}"
        return s


_KINDS = ("weight_ih", "weight_hh", "bias_ih", "bias_hh", "weight_hr")
