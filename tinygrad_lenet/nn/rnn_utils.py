"""Batches of sequences of different lengths, as ``torch.nn.utils.rnn``: padding and packing.

A padded batch is one (L, B, *) tensor (``batch_first``: (B, L, *)) with each sequence followed by
padding; a ``PackedSequence`` holds only the real steps, time-major: the ``batch_sizes[0]`` sequences
active at step 0, then the ``batch_sizes[1]`` still active at step 1, and so on, the sequences sorted
by decreasing length (``sorted_indices`` says from where; ``unsorted_indices`` puts them back). Every
conversion here is one indexing op, so gradients flow through it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np

from ..base.errors import ShapeError
from ..tensor.functions import cat, stack
from ..tensor.tensor import Tensor
from .functional import pad

__all__ = [
    "PackedSequence",
    "pack_padded_sequence",
    "pack_sequence",
    "pad_packed_sequence",
    "pad_sequence",
    "unpack_sequence",
    "unpad_sequence",
]


class PackedSequence(NamedTuple):
    """The real steps of a batch of sequences, time-major (see the module's docstring); the recurrent
    layers take and return it. ``batch_sizes`` is an int64 tensor; the indices are None when the batch
    was already sorted by decreasing length."""

    data: Tensor
    batch_sizes: Tensor
    sorted_indices: Tensor | None = None
    unsorted_indices: Tensor | None = None


def pad_sequence(
    sequences: Sequence[Tensor],
    batch_first: bool = False,
    padding_value: float = 0.0,
    padding_side: str = "right",
) -> Tensor:
    """Stack (L_i, *) tensors into (L, B, *) (``batch_first``: (B, L, *)), L the longest, each padded
    with ``padding_value`` after its steps (``padding_side="left"``: before them)."""
    if padding_side not in ("right", "left"):
        raise ValueError(f"pad_sequence: padding_side must be 'right' or 'left', got {padding_side!r}")
    if not sequences:
        raise ValueError("pad_sequence: expected a non-empty list of tensors")
    length = max(s.shape[0] for s in sequences)
    padded = []
    for s in sequences:
        if s.shape[1:] != sequences[0].shape[1:]:
            raise ShapeError(f"pad_sequence: every sequence must be (L_i, *{sequences[0].shape[1:]}), got {s.shape}")
        gap = length - s.shape[0]
        padded.append(
            pad(s, [0, 0] * (s.ndim - 1) + ([0, gap] if padding_side == "right" else [gap, 0]), value=padding_value)
        )
    return stack(padded, dim=0 if batch_first else 1)


def unpad_sequence(padded_sequences: Tensor, lengths: Any, batch_first: bool = False) -> list[Tensor]:
    """The inverse of ``pad_sequence``: the list of (lengths[b], *) sequences of a padded batch."""
    x = padded_sequences if batch_first else padded_sequences.transpose(0, 1)
    return [x[b, :n] for b, n in enumerate(_lengths(lengths, "unpad_sequence"))]


def pack_padded_sequence(
    input: Tensor, lengths: Any, batch_first: bool = False, enforce_sorted: bool = True
) -> PackedSequence:
    """Pack a padded (L, B, *) batch (``batch_first``: (B, L, *)) whose sequence b has ``lengths[b]`` real
    steps. With ``enforce_sorted`` the lengths must decrease; otherwise the batch is sorted here."""
    sizes = _lengths(lengths, "pack_padded_sequence")
    x = input.transpose(0, 1) if batch_first else input
    if len(sizes) != x.shape[1] or sizes.min() < 1 or sizes.max() > x.shape[0]:
        raise ShapeError(
            f"pack_padded_sequence: lengths {sizes.tolist()} must hold one length in [1, {x.shape[0]}] "
            f"for each of the {x.shape[1]} sequences of the input of shape {input.shape}"
        )
    order = None
    if enforce_sorted:
        if np.any(np.diff(sizes) > 0):
            raise ValueError(
                f"pack_padded_sequence: lengths {sizes.tolist()} must be sorted in decreasing order when "
                "enforce_sorted is True; sort the batch, or pass enforce_sorted=False"
            )
    else:
        order = np.argsort(-sizes, kind="stable")
        sizes, x = sizes[order], x[:, order]
    batch_sizes = (sizes[None, :] > np.arange(sizes[0])[:, None]).sum(axis=1)
    steps, rows = packed_positions(batch_sizes)
    indices = (None, None) if order is None else (Tensor(order), Tensor(np.argsort(order)))
    return PackedSequence(x[steps, rows], Tensor(batch_sizes.astype(np.int64)), *indices)


def pad_packed_sequence(
    sequence: PackedSequence, batch_first: bool = False, padding_value: float = 0.0, total_length: int | None = None
) -> tuple[Tensor, Tensor]:
    """The inverse of ``pack_padded_sequence``: the padded (L, B, *) batch (``batch_first``: (B, L, *))
    in the original order, L = ``total_length`` or the longest length, and the lengths (int64)."""
    batch_sizes = sequence.batch_sizes.numpy()
    if total_length is not None and total_length < len(batch_sizes):
        raise ValueError(
            f"pad_packed_sequence: total_length={total_length} is shorter than the longest sequence "
            f"({len(batch_sizes)} steps)"
        )
    padded, lengths = padded_from_packed(sequence.data, batch_sizes, total_length or len(batch_sizes), padding_value)
    if sequence.unsorted_indices is not None:
        unsorted = sequence.unsorted_indices.numpy()
        padded, lengths = padded[:, unsorted], lengths[unsorted]
    return (padded.transpose(0, 1) if batch_first else padded), Tensor(lengths.astype(np.int64))


def pack_sequence(sequences: Sequence[Tensor], enforce_sorted: bool = True) -> PackedSequence:
    """Pack a list of (L_i, *) sequences (``pad_sequence`` then ``pack_padded_sequence``)."""
    lengths = [s.shape[0] for s in sequences]
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)


def unpack_sequence(packed_sequences: PackedSequence) -> list[Tensor]:
    """The inverse of ``pack_sequence``: the list of sequences, in their original order."""
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded, lengths, batch_first=True)


def packed_positions(batch_sizes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(step, sequence) of each row of a packed ``data``, in order: its gather index into a padded batch."""
    steps = np.repeat(np.arange(len(batch_sizes)), batch_sizes)
    rows = np.concatenate([np.arange(n) for n in batch_sizes])
    return steps, rows


def padded_from_packed(
    data: Tensor, batch_sizes: np.ndarray, length: int, padding_value: float = 0.0
) -> tuple[Tensor, np.ndarray]:
    """A packed ``data`` as a padded (length, B, *) batch, still sorted, and the sorted lengths."""
    lengths = (batch_sizes[None, :] > np.arange(batch_sizes[0])[:, None]).sum(axis=1)
    filler = Tensor(np.full((1, *data.shape[1:]), padding_value, dtype=data.dtype))
    where = np.full((length, int(batch_sizes[0])), data.shape[0])  # every place points at the filler row ...
    where[packed_positions(batch_sizes)] = np.arange(data.shape[0])  # ... but the real steps
    return cat([data, filler])[where], lengths


def flip_within(lengths: np.ndarray, length: int) -> tuple[np.ndarray, np.ndarray]:
    """The index reversing each sequence b of a padded (length, B, *) batch within its first lengths[b]
    steps (the padding stays behind): applied twice, it gives the batch back."""
    steps = np.arange(length)[:, None]
    return np.where(steps < lengths, lengths - 1 - steps, steps), np.arange(len(lengths))[None, :]


def _lengths(lengths: Any, op: str) -> np.ndarray:
    sizes = np.asarray(lengths.numpy() if isinstance(lengths, Tensor) else lengths)
    if sizes.ndim != 1 or sizes.dtype.kind not in "iu":
        raise ShapeError(f"{op}: lengths must be a 1-D list or tensor of ints, got {lengths!r}")
    return sizes.astype(np.int64)
