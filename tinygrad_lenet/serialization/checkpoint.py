"""Saving and loading checkpoints: nested dicts of arrays in the safetensors format, never pickle.

A checkpoint is any nested dict (model ``state_dict()``, optimizer ``state_dict()``, a small
metadata dict of epoch, metrics, names) whose leaves are arrays, tensors, numbers, strings,
booleans or None. Arrays are stored as safetensors tensors named by their path
(``model/conv1.weight``), so other tools can read the weights; the rest of the structure is a
JSON document in the file's metadata. A SHA-256 digest of both is stored too, so any corrupted
byte is detected on load. Loading parses data only: nothing in a file is ever executed.

Writes are atomic: the file is written to a temporary file in the same folder, flushed to disk,
then renamed over the target, so a crash mid-save leaves the previous checkpoint intact.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from ..base.devices import check_device
from ..base.errors import CheckpointError
from ..base.file_io import atomic_write, read_bytes
from ..base.limits import check_nesting, read_stream
from ..tensor.tensor import Tensor
from .torch_checkpoint import LEGACY, is_legacy_torch, is_torch_zip, read_torch_checkpoint

FORMAT = "tinygrad_lenet.checkpoint"
VERSION = 1


def _encode(value: Any, path: str, arrays: dict[str, np.ndarray]) -> Any:
    """The JSON form of ``value``; arrays are moved into ``arrays`` and referenced by name."""
    if isinstance(value, Tensor):
        value = value._array
    if isinstance(value, (np.ndarray, np.generic)):
        name = path or "array"
        while name in arrays:
            name += "'"
        arrays[name] = np.asarray(value, order="C")  # (ascontiguousarray would make 0-d arrays 1-d)
        return {"__array__": name}
    if isinstance(value, Mapping):
        items = []
        for key, item in value.items():
            if not isinstance(key, (str, int)) or isinstance(key, bool):
                raise TypeError(f"save: dict keys must be str or int, got {key!r} at {path or 'the top level'}")
            items.append([key, _encode(item, f"{path}/{key}" if path else str(key), arrays)])
        return {"__dict__": items}
    if isinstance(value, tuple):
        return {"__tuple__": [_encode(v, f"{path}/{i}", arrays) for i, v in enumerate(value)]}
    if isinstance(value, list):
        return [_encode(v, f"{path}/{i}", arrays) for i, v in enumerate(value)]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise TypeError(
        f"save: cannot store {type(value).__name__} at {path or 'the top level'}; checkpoints hold dicts, "
        "lists, arrays, tensors, numbers, strings, booleans and None (save model.state_dict(), not the model)"
    )


def _decode(value: Any, arrays: Mapping[str, np.ndarray]) -> Any:
    if isinstance(value, list):
        return [_decode(v, arrays) for v in value]
    if isinstance(value, dict):
        if "__array__" in value:
            return Tensor(arrays[value["__array__"]])
        if "__tuple__" in value:
            return tuple(_decode(v, arrays) for v in value["__tuple__"])
        return {key: _decode(item, arrays) for key, item in value["__dict__"]}
    return value


def _digest(structure: str, arrays: Mapping[str, np.ndarray]) -> str:
    """SHA-256 over the JSON structure and every array's name, dtype, shape and bytes."""
    h = hashlib.sha256(structure.encode())
    for name in sorted(arrays):
        array = arrays[name]
        h.update(f"\0{name}\0{array.dtype.str}\0{array.shape}\0".encode())
        h.update(array.tobytes())
    return h.hexdigest()


def save(state: Any, path: str | os.PathLike[str] | BinaryIO) -> Path | None:
    """Write data (a tensor, or nested dicts/lists/tuples of tensors, arrays, numbers, strings) as safetensors.

    ``path`` is a file name, written atomically (returned as a Path), or a binary file object (as ``torch.save``
    takes; written with one ``write``, returns None). What ``torch.save`` takes beyond data, a whole module or any
    other object, is refused: a checkpoint here never holds code.

    >>> save({"model": model.state_dict(), "optimizer": opt.state_dict(), "epoch": 3}, "ckpt.safetensors")
    """
    arrays: dict[str, np.ndarray] = {}
    structure = json.dumps({"version": VERSION, "tree": _encode(state, "", arrays)}, allow_nan=True)
    metadata = {FORMAT: structure, FORMAT + ".sha256": _digest(structure, arrays)}
    import safetensors.numpy  # loaded on first use: importing the package stays light

    blob = safetensors.numpy.save(arrays, metadata=metadata)
    if hasattr(path, "write"):
        path.write(blob)
        return None
    return atomic_write(path, blob)


def _header(blob: bytes) -> dict[str, Any]:
    length = int.from_bytes(blob[:8], "little")
    return json.loads(blob[8 : 8 + length])


def load(path: str | os.PathLike[str] | BinaryIO, map_location: Any = None, weights_only: bool | None = None) -> Any:
    """Read a checkpoint written by :func:`save` (a file name or a binary file object) and return what was saved,
    with a tensor wherever an array or a tensor was saved (as ``torch.load``).

    ``map_location`` (a CPU device) and ``weights_only`` are accepted for code written for
    ``torch.load``: everything loads on the CPU, and loading never runs code, whatever they say.

    A plain safetensors file from another tool (for example weights exported from PyTorch) loads
    as a flat dict of arrays. A file ``torch.save`` wrote (``.pt``/``.pth``, the zip format of
    PyTorch 1.6 and later) loads without PyTorch through an allowlist unpickler
    (``torch_checkpoint.py``): state_dicts and nested dicts/lists of tensors of any dtype load
    as tensors; any other object it names is refused, unrun. A missing, truncated, corrupted or foreign file raises
    :class:`CheckpointError` naming the file and the problem, as does one past a limit of ``base/limits.py`` (a
    device or FIFO, a file over 4 GiB, a zip member or tensors expanding far past the file's size, a structure
    nested over 100 levels), before it can take the memory or the time.
    """
    if map_location is not None and not callable(map_location) and not isinstance(map_location, dict):
        check_device(map_location)
    if isinstance(path, (str, os.PathLike)):
        target = Path(path)
        blob = read_bytes(target, CheckpointError, "checkpoint file")
    else:
        target = Path(str(getattr(path, "name", "<file object>")))
        blob = read_stream(path, target, CheckpointError, "checkpoint file")
    if is_torch_zip(blob):
        return read_torch_checkpoint(blob, target)
    if is_legacy_torch(blob):
        raise CheckpointError(f"{target} {LEGACY.replace('OLD', target.name)}")
    import safetensors.numpy

    try:
        arrays = safetensors.numpy.load(blob)
        metadata = _header(blob).get("__metadata__") or {}
    except Exception as e:  # safetensors reports a bad file with its own exception type
        raise CheckpointError(
            f"{target}: not a valid safetensors checkpoint ({len(blob)} bytes; truncated, corrupted, "
            f"or another kind of file): {e}"
        ) from None
    if FORMAT not in metadata:
        return {name: Tensor(array) for name, array in arrays.items()}
    structure = metadata[FORMAT]
    if metadata.get(FORMAT + ".sha256") != _digest(structure, arrays):
        raise CheckpointError(f"{target}: the data does not match its SHA-256 digest: the file is corrupted")
    check_nesting(structure, target, CheckpointError, "the checkpoint's structure")
    try:
        document = json.loads(structure)
        if document["version"] != VERSION:
            raise CheckpointError(
                f"{target}: checkpoint format version {document['version']}, this tinygrad_lenet reads {VERSION}"
            )
        return _decode(document["tree"], arrays)
    except (ValueError, KeyError, TypeError) as e:
        raise CheckpointError(f"{target}: the checkpoint's structure is damaged ({e})") from None
