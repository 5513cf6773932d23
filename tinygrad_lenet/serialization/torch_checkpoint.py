"""Reading the files ``torch.save`` writes (``.pt``/``.pth``) without PyTorch and without running their code.

Since PyTorch 1.6 such a file is a zip archive: ``<name>/data.pkl`` is a pickle of the saved
object in which every tensor is a call ``torch._utils._rebuild_tensor_v2(storage, offset, size,
stride, ...)``, each storage a reference (a pickle "persistent id") to the raw bytes in
``<name>/data/<key>``, in the byte order ``<name>/byteorder`` names (little-endian when absent).

A pickle is a small program: it may name any importable global and call it. This reader
replaces the lookup of globals with an allowlist in the spirit of ``torch.load(weights_only=True)``:
the few names a state_dict needs (``collections.OrderedDict``, the tensor and parameter rebuild
functions, the storage types) resolve to stand-ins defined here, and any other name stops the
load with a :class:`CheckpointError` naming it before anything is called. Tensors that are views
of one storage (a weight and its transpose, slices) are cut from the same bytes with their own
offset and strides.

Nothing in the file can make the load allocate more than ``base/limits.py`` allows: each zip member
may expand to at most ``expansion_limit`` of its compressed size (the header is checked first, then
the decompression is capped, since headers can lie), and the tensors together, which may be views
with stride 0 or overlapping strides that hold far more elements than their storage, may take at
most ``expansion_limit`` of the file's size.
"""

from __future__ import annotations

import collections
import functools
import io
import math
import pickle
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..base.errors import CheckpointError
from ..base.limits import expansion_limit, expansion_rule, read_at_most, size_text
from ..tensor.tensor import Tensor

ZIP_MAGIC = b"PK\x03\x04"
STORAGE_DTYPES = {
    "FloatStorage": np.float32,
    "DoubleStorage": np.float64,
    "HalfStorage": np.float16,
    "BFloat16Storage": "bfloat16",
    "LongStorage": np.int64,
    "IntStorage": np.int32,
    "ShortStorage": np.int16,
    "CharStorage": np.int8,
    "ByteStorage": np.uint8,
    "BoolStorage": np.bool_,
}
LEGACY = (
    "is in PyTorch's legacy (before 1.6, non-zip) format, which is not read here; convert it once with PyTorch: "
    "python -c \"import torch; torch.save(torch.load('OLD', weights_only=True), 'NEW')\""
)


@dataclass(frozen=True)
class StorageType:
    """Stand-in for ``torch.FloatStorage`` and its kin: only the element type matters."""

    name: str

    @property
    def dtype(self) -> Any:
        return STORAGE_DTYPES[self.name]


def is_torch_zip(blob: bytes) -> bool:
    """Whether ``blob`` starts like a zip archive (what ``torch.save`` writes since 1.6)."""
    return blob[:4] == ZIP_MAGIC


def is_legacy_torch(blob: bytes) -> bool:
    """Whether ``blob`` looks like a pre-1.6 ``torch.save`` file: a bare pickle (protocol 2) or a tar archive."""
    return blob[:2] == b"\x80\x02" or blob[257:262] == b"ustar"


def read_torch_checkpoint(blob: bytes, target: Path) -> Any:
    """The object a zip-format ``torch.save`` file holds, with every tensor as a :class:`Tensor`."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(blob))
        names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError) as e:
        raise CheckpointError(f"{target}: a damaged zip archive, not a readable PyTorch checkpoint ({e})") from None
    pickles = [n for n in names if n.endswith("/data.pkl") and n.count("/") == 1] or [
        n for n in names if n == "data.pkl"
    ]
    if len(pickles) != 1:
        raise CheckpointError(
            f"{target}: a zip archive without the data.pkl of a torch.save file (it holds {names[:5]})"
        )
    prefix = pickles[0][: -len("data.pkl")]

    def member(name: str) -> bytes:
        return _read(archive, name, target, len(blob))

    byteorder = member(prefix + "byteorder").decode().strip() if prefix + "byteorder" in names else "little"
    if byteorder not in ("little", "big"):
        raise CheckpointError(
            f"{target}: unknown byte order {byteorder!r} in {prefix}byteorder (expected little or big)"
        )
    storages: dict[str, np.ndarray] = {}

    def storage(storage_type: Any, key: str, numel: int) -> np.ndarray:
        if not isinstance(storage_type, StorageType):
            raise CheckpointError(f"{target}: a storage of unknown type {storage_type!r}")
        if key not in storages:
            storages[key] = _storage_array(member(f"{prefix}data/{key}"), storage_type, byteorder, numel, target)
        return storages[key]

    pickled = io.BytesIO(member(pickles[0]))
    unpickler = _AllowlistUnpickler(pickled, target, storage, _Budget(len(blob)))
    try:
        return unpickler.load()
    except CheckpointError as e:
        raise CheckpointError(str(e) if str(e).startswith(str(target)) else f"{target}: {e}") from None
    except Exception as e:  # a truncated or malformed pickle stream
        raise CheckpointError(
            f"{target}: the pickled structure in {pickles[0]} is damaged ({type(e).__name__}: {e})"
        ) from None


def _read(archive: zipfile.ZipFile, name: str, target: Path, archive_size: int) -> bytes:
    """The member ``name``, refused if it expands past ``expansion_limit`` of its compressed size."""
    try:
        info = archive.getinfo(name)
    except KeyError:
        raise CheckpointError(f"{target}: the archive lacks {name}, which its data.pkl refers to") from None
    limit = expansion_limit(min(info.compress_size, archive_size))

    def refused(size: str) -> CheckpointError:
        return CheckpointError(
            f"{target}: the archive member {name} expands from {size_text(info.compress_size)} to {size}, "
            f"past the limit of {size_text(limit)} ({expansion_rule()})"
        )

    if info.file_size > limit:  # what the header says; the read below is capped in case it lies
        raise refused(size_text(info.file_size))
    try:
        with archive.open(info) as member:
            data = read_at_most(member, limit)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as e:  # CRC mismatch, truncated member
        raise CheckpointError(f"{target}: the archive member {name} is damaged ({e})") from None
    if len(data) > limit:
        raise refused("more")
    return data


def _storage_array(raw: bytes, storage_type: StorageType, byteorder: str, numel: int, target: Path) -> np.ndarray:
    """The storage's elements as a native-endian 1-D array (bfloat16, which numpy lacks, widened to float32)."""
    dtype = np.dtype(np.uint16 if storage_type.dtype == "bfloat16" else storage_type.dtype)
    if len(raw) != numel * dtype.itemsize:
        raise CheckpointError(
            f"{target}: a {storage_type.name} of {numel} elements needs {numel * dtype.itemsize} bytes, "
            f"its data has {len(raw)}"
        )
    array = np.frombuffer(raw, dtype=dtype.newbyteorder("<" if byteorder == "little" else ">")).astype(dtype)
    if storage_type.dtype == "bfloat16":
        array = (array.astype(np.uint32) << 16).view(np.float32)
    return array


class _Budget:
    """The bytes the tensors of one file may take together: ``expansion_limit`` of the file's size."""

    def __init__(self, file_size: int) -> None:
        self.file_size, self.limit, self.spent = file_size, expansion_limit(file_size), 0

    def spend(self, nbytes: int, size: tuple, stride: tuple) -> None:
        """Count a tensor of ``nbytes``; past the limit, refuse it before anything is allocated."""
        self.spent += nbytes
        if self.spent > self.limit:
            raise CheckpointError(
                f"a tensor of size {size} and stride {stride} ({size_text(nbytes)}) takes the file's tensors past "
                f"{size_text(self.limit)}, the limit for a file of {size_text(self.file_size)} ({expansion_rule()})"
            )


def _rebuild_tensor(
    storage: np.ndarray,
    offset: int,
    size: tuple,
    stride: tuple,
    requires_grad: bool = False,
    backward_hooks: Any = None,
    metadata: Any = None,
    *,
    budget: _Budget,
) -> Tensor:
    """Stand-in for ``torch._utils._rebuild_tensor_v2``: the tensor of ``size`` and ``stride``
    (in elements) at ``offset``, copied out of its storage once ``budget`` allows its bytes."""
    if not isinstance(storage, np.ndarray):
        raise CheckpointError(f"a tensor whose storage is a {type(storage).__name__}, not a storage of the archive")
    size, stride, offset = tuple(int(s) for s in size), tuple(int(s) for s in stride), int(offset)
    if len(size) != len(stride) or offset < 0 or min(size + stride, default=0) < 0:
        raise CheckpointError(f"a tensor with size {size}, stride {stride} and offset {offset} is malformed")
    if not all(size):
        return Tensor(np.zeros(size, dtype=storage.dtype))
    if offset + sum((n - 1) * s for n, s in zip(size, stride)) >= len(storage):
        raise CheckpointError(
            f"a tensor of size {size}, stride {stride} at offset {offset} reaches past its storage "
            f"of {len(storage)} elements"
        )
    budget.spend(math.prod(size) * storage.itemsize, size, stride)
    view = np.lib.stride_tricks.as_strided(storage[offset:], size, [s * storage.itemsize for s in stride])
    return Tensor(np.array(view))  # its own copy, writable (a view over the storage would be read-only)


def _rebuild_parameter(data: Tensor, requires_grad: bool = True, backward_hooks: Any = None, *state: Any) -> Tensor:
    """Stand-in for ``torch._utils._rebuild_parameter``: a parameter loads as its tensor, as in a state_dict."""
    return data


ALLOWED: dict[str, Callable[..., Any] | StorageType] = {
    "collections.OrderedDict": collections.OrderedDict,
    "torch._utils._rebuild_tensor_v2": _rebuild_tensor,
    "torch._utils._rebuild_parameter": _rebuild_parameter,
    "torch._utils._rebuild_parameter_with_state": _rebuild_parameter,
    **{f"torch.{name}": StorageType(name) for name in STORAGE_DTYPES},
}
"""The globals a checkpoint may name, and what each resolves to: nothing else is ever looked up."""


class _AllowlistUnpickler(pickle.Unpickler):
    """An unpickler whose only globals are ``ALLOWED`` and whose persistent ids are storages of the archive."""

    def __init__(
        self, file: io.BytesIO, target: Path, storage: Callable[[Any, str, int], np.ndarray], budget: _Budget
    ) -> None:
        super().__init__(file)
        self.target, self.storage, self.budget = target, storage, budget

    def find_class(self, module: str, name: str) -> Any:
        found = ALLOWED.get(f"{module}.{name}")
        if found is None:
            module = "builtins" if module == "__builtin__" else module  # protocol 2 spells it the Python 2 way
            hint = (
                " (a whole model or object was saved: save its state_dict() instead)"
                if module == "__main__" or module.split(".")[0] == "torch"
                else ""
            )
            raise CheckpointError(
                f"{self.target}: refused to load: the file asks for the global {module}.{name}, "
                f"which is not on the allowlist of tensors, dicts and lists; nothing was run{hint}"
            )
        return functools.partial(_rebuild_tensor, budget=self.budget) if found is _rebuild_tensor else found

    def persistent_load(self, pid: Any) -> np.ndarray:
        if not (isinstance(pid, tuple) and len(pid) == 5 and pid[0] == "storage"):
            raise CheckpointError(f"{self.target}: refused to load: an unknown persistent reference {pid!r:.80}")
        _, storage_type, key, _location, numel = pid
        return self.storage(storage_type, str(key), int(numel))
