"""The record of a training run: one row of metrics per epoch, saved as CSV and JSON."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path
from typing import Any

from ..base.file_io import atomic_write

COLUMNS = ("epoch", "train_loss", "train_accuracy", "test_loss", "test_accuracy", "lr", "seconds")


class History:
    """Per-epoch metrics: ``history.rows[-1]["test_accuracy"]``, ``history.best()``."""

    def __init__(self, rows: list[dict[str, Any]] | None = None) -> None:
        self.rows: list[dict[str, Any]] = list(rows or [])

    def append(self, **row: Any) -> None:
        """Add one epoch's row (epoch, losses, accuracies, lr, seconds)."""
        self.rows.append(row)

    def column(self, name: str) -> list[Any]:
        """The values of one field over the epochs, e.g. ``history.column("test_accuracy")``."""
        return [row[name] for row in self.rows]

    def best(self, key: str = "test_accuracy") -> dict[str, Any]:
        """The row with the highest ``key`` (the first of equals)."""
        return max(self.rows, key=lambda row: row[key])

    def __len__(self) -> int:
        return len(self.rows)

    def to_csv(self, path: str | os.PathLike[str]) -> Path:
        """Write the rows as CSV to ``path`` (atomically) and return the path."""
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=COLUMNS, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(self.rows)
        return atomic_write(path, out.getvalue().encode())

    def to_json(self, path: str | os.PathLike[str]) -> Path:
        """Write the rows as JSON to ``path`` (atomically) and return the path."""
        return atomic_write(path, json.dumps(self.rows, indent=1).encode())
