"""Kaggle's "Digit Recognizer" CSV files: reading train/test CSVs, writing a submission."""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ..base.errors import DataError
from ..base.file_io import atomic_write, read_bytes

PIXELS = 784


def read_kaggle_csv(path: str | os.PathLike[str]) -> tuple[np.ndarray, np.ndarray | None]:
    """Images (N, 28, 28) uint8 and labels (N,) int64, or None for the unlabeled test CSV.

    The training CSV has columns ``label, pixel0 .. pixel783``; the test CSV only the pixels.
    """
    path = Path(path)
    text = read_bytes(path, DataError).decode(errors="replace")
    header, _, body = text.partition("\n")
    columns = [c.strip() for c in header.split(",")]
    labeled = columns[:1] == ["label"]
    expected = (["label"] if labeled else []) + [f"pixel{i}" for i in range(PIXELS)]
    if columns != expected:
        raise DataError(
            f"{path}: expected a header 'label,pixel0,...,pixel783' (train) or 'pixel0,...,pixel783' (test), "
            f"got {len(columns)} columns starting {columns[:3]}"
        )
    if not body.strip():
        raise DataError(
            f"{path}: the header is there but no rows follow; expected one row of {len(columns)} numbers per image"
        )
    try:
        values = np.loadtxt(io.StringIO(body), delimiter=",", dtype=np.int64, ndmin=2)
    except ValueError as e:
        raise DataError(f"{path}: not a table of integers with {len(columns)} columns: {e}") from None
    if values.shape[1] != len(columns):
        raise DataError(f"{path}: not a table of integers with {len(columns)} columns: rows have {values.shape[1]}")
    labels = values[:, 0] if labeled else None
    pixels = values[:, 1:] if labeled else values
    if pixels.size and (pixels.min() < 0 or pixels.max() > 255):
        raise DataError(f"{path}: pixel values must be 0..255, found {pixels.min()}..{pixels.max()}")
    if labels is not None and labels.size and (labels.min() < 0 or labels.max() > 9):
        raise DataError(f"{path}: labels must be digits 0-9, found {labels.min()}..{labels.max()}")
    return pixels.astype(np.uint8).reshape(-1, 28, 28), labels


def write_kaggle_submission(path: str | os.PathLike[str], predictions: Sequence[int] | np.ndarray) -> Path:
    """Write ``ImageId,Label`` rows (ids from 1), atomically, as Kaggle expects."""
    labels = np.asarray(predictions).reshape(-1)
    if labels.dtype.kind not in "iu" or (labels.size and (labels.min() < 0 or labels.max() > 9)):
        raise DataError(f"submission labels must be integer digits 0-9, got dtype {labels.dtype}")
    rows = "".join(f"{i},{label}\n" for i, label in enumerate(labels.tolist(), start=1))
    return atomic_write(path, ("ImageId,Label\n" + rows).encode())
