"""Kaggle's "Digit Recognizer" CSV files: reading train/test CSVs, writing a submission.

Rows are numbered as a spreadsheet shows them: the header is row 1, the first image row 2;
columns are named by their header. A UTF-8 byte order mark (what Excel's "CSV UTF-8" writes)
is skipped, any line ending is read, and blank lines are skipped (but counted).
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ..base.errors import DataError
from ..base.file_io import atomic_write, read_bytes

PIXELS = 784
CHUNK_ROWS = 1000
"""Rows parsed at a time when looking for the first malformed row (the whole file parses at once)."""

_INTEGER = re.compile(r"\s*[+-]?[0-9]+\s*")


def read_kaggle_csv(path: str | os.PathLike[str]) -> tuple[np.ndarray, np.ndarray | None]:
    """Images (N, 28, 28) uint8 and labels (N,) int64, or None for the unlabeled test CSV.

    The training CSV has columns ``label, pixel0 .. pixel783``; the test CSV only the pixels.
    A malformed file is a :class:`DataError` naming the file and the first wrong row (and column).
    """
    path = Path(path)
    text = read_bytes(path, DataError).decode("utf-8-sig", errors="replace")
    header, *lines = text.splitlines() or [""]
    columns = _check_header(path, header)
    rows = [(number, line) for number, line in enumerate(lines, start=2) if line.strip()]
    if not rows:
        raise DataError(
            f"{path}: the header is there but no rows follow; expected one row of {len(columns)} numbers per image"
        )
    labeled = columns[0] == "label"
    high = np.array([9] * labeled + [255] * PIXELS)
    values = _table([line for _, line in rows], high)
    if values is None:
        raise _first_malformed_row(path, rows, columns, high)
    labels = values[:, 0] if labeled else None
    return values[:, int(labeled) :].astype(np.uint8).reshape(-1, 28, 28), labels


def _check_header(path: Path, header: str) -> list[str]:
    """The column names of ``header``, refused unless they are Kaggle's (train or test)."""
    columns = [c.strip() for c in header.split(",")]
    expected = (["label"] if columns[:1] == ["label"] else []) + [f"pixel{i}" for i in range(PIXELS)]
    if columns == expected:
        return columns
    wrong = next((i for i, (got, want) in enumerate(zip(columns, expected)) if got != want), None)
    if not header.strip():
        found = "it is empty"
    elif wrong is not None:
        found = f"column {wrong + 1} is {columns[wrong]!r}"
    else:
        found = f"it has {len(columns)} column{'s' * (len(columns) != 1)}"
    raise DataError(
        f"{path}: expected a header 'label,pixel0,...,pixel783' (train) or 'pixel0,...,pixel783' (test) "
        f"in row 1; {found}"
    )


def _table(lines: list[str], high: np.ndarray) -> np.ndarray | None:
    """``lines`` as an int64 table, or None unless each has one integer 0..high[j] per column j."""
    try:
        values = np.loadtxt(lines, delimiter=",", dtype=np.int64, ndmin=2, comments=None)
    except ValueError:
        return None
    if values.shape[1] != len(high) or ((values < 0) | (values > high)).any():
        return None
    return values


def _first_malformed_row(path: Path, rows: list[tuple[int, str]], columns: list[str], high: np.ndarray) -> DataError:
    """The error naming the first row with the wrong number of values, or with a value that is not
    an integer of its column's range (found a chunk of rows at a time, then value by value)."""
    for start in range(0, len(rows), CHUNK_ROWS):
        chunk = rows[start : start + CHUNK_ROWS]
        if _table([line for _, line in chunk], high) is not None:
            continue
        for number, line in chunk:
            fields = line.split(",")
            if len(fields) != len(columns):
                values = f"{len(fields)} value{'s' * (len(fields) != 1)}"
                return DataError(f"{path}, row {number}: {values}; the header has {len(columns)} columns")
            for name, field, most in zip(columns, fields, high.tolist()):
                if not (_INTEGER.fullmatch(field) and 0 <= int(field) <= most):
                    return DataError(
                        f"{path}, row {number}, column {name}: {field.strip()!r}; expected an integer 0..{most}"
                    )
    return DataError(f"{path}: not a table of integers with {len(columns)} columns")


def write_kaggle_submission(path: str | os.PathLike[str], predictions: Sequence[int] | np.ndarray) -> Path:
    """Write ``ImageId,Label`` rows (ids from 1), atomically, as Kaggle expects."""
    labels = np.asarray(predictions).reshape(-1)
    if labels.dtype.kind not in "iu" or (labels.size and (labels.min() < 0 or labels.max() > 9)):
        raise DataError(f"submission labels must be integer digits 0-9, got dtype {labels.dtype}")
    rows = "".join(f"{i},{label}\n" for i, label in enumerate(labels.tolist(), start=1))
    return atomic_write(path, ("ImageId,Label\n" + rows).encode())
