"""MNIST from its original IDX files: found on disk, downloaded with checksums, or the bundled sample.

Where the files are looked for, in order: the ``root`` argument; the folder named by the
environment variable ``TINYGRAD_LENET_DATA``; a per-user cache folder
(``$XDG_CACHE_HOME/tinygrad_lenet/mnist``, by default ``~/.cache/tinygrad_lenet/mnist``).
A folder may hold the files compressed (``.gz``) or not.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ..base.errors import DataError
from .dataset import TensorDataset, Transform
from .download import content_md5, download
from .idx import read_idx, write_idx

ENV_VAR = "TINYGRAD_LENET_DATA"

FILES = {
    # key: (file name without .gz, MD5 of the uncompressed file, as published with MNIST)
    "train-images": ("train-images-idx3-ubyte", "6bbc9ace898e44ae57da46a324031adb"),
    "train-labels": ("train-labels-idx1-ubyte", "a25bea736e30d166cdddb491f175f624"),
    "test-images": ("t10k-images-idx3-ubyte", "2646ac647ad5339dbf082846283269ea"),
    "test-labels": ("t10k-labels-idx1-ubyte", "27ae3e4e09519cfbb04c329615203637"),
}

MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
    "http://yann.lecun.com/exdb/mnist/",
)

SAMPLE_ROOT = Path(__file__).resolve().parent / "mnist_sample"
"""A small real subset of MNIST shipped inside the package (see ``make_sample``)."""


def default_root() -> Path:
    """``$TINYGRAD_LENET_DATA`` if set, else the per-user cache folder."""
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR]).expanduser()
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "tinygrad_lenet" / "mnist"


def find_file(root: Path, key: str) -> Path | None:
    """The file for ``key`` in ``root``, compressed or not, or None."""
    name = FILES[key][0]
    for candidate in (root / f"{name}.gz", root / name):
        if candidate.is_file():
            return candidate
    return None


def _where_to_put_files(root: Path) -> str:
    names = ", ".join(f"{name}.gz" for name, _ in FILES.values())
    return (
        f"Put the MNIST files {names} (compressed or not) in {root}, "
        f"or point root= or the environment variable {ENV_VAR} at a folder that has them."
    )


def verify_mnist(root: str | os.PathLike[str], keys: Sequence[str] = tuple(FILES)) -> None:
    """Check the MNIST files in ``root`` against the published MD5s of their uncompressed content.

    Raises :class:`DataError` naming every file that is missing or differs.
    """
    root = Path(root)
    problems = []
    for key in keys:
        path = find_file(root, key)
        if path is None:
            problems.append(f"{FILES[key][0]}[.gz] is missing")
        elif (found := content_md5(path)) != FILES[key][1]:
            problems.append(f"{path.name}: MD5 of the content is {found}, MNIST's is {FILES[key][1]}")
    if problems:
        raise DataError(f"{root} does not hold the original MNIST:\n  " + "\n  ".join(problems))


def download_mnist(
    root: str | os.PathLike[str],
    keys: Sequence[str] = tuple(FILES),
    mirrors: Sequence[str] = MIRRORS,
    progress: bool = True,
) -> None:
    """Download the missing MNIST files into ``root`` from the first mirror serving them intact."""
    root = Path(root)
    for key in keys:
        if find_file(root, key) is None:
            name, md5 = FILES[key]
            download([m + f"{name}.gz" for m in mirrors], root / f"{name}.gz", md5, progress=progress)


def read_mnist_folder(root: Path, train: bool) -> tuple[np.ndarray, np.ndarray]:
    """Images (N, H, W) uint8 and labels (N,) int64 of one split, structurally validated."""
    split = "train" if train else "test"
    images_path, labels_path = find_file(root, f"{split}-images"), find_file(root, f"{split}-labels")
    if images_path is None or labels_path is None:
        missing = [
            FILES[f"{split}-{kind}"][0] for kind, p in (("images", images_path), ("labels", labels_path)) if p is None
        ]
        raise DataError(f"{root}: {', '.join(missing)}[.gz] not found. " + _where_to_put_files(root))
    images, labels = read_idx(images_path), read_idx(labels_path)
    if images.ndim != 3 or images.dtype != np.uint8:
        raise DataError(f"{images_path}: expected uint8 images of shape (N, H, W), got {images.dtype} {images.shape}")
    if labels.ndim != 1:
        raise DataError(f"{labels_path}: expected labels of shape (N,), got {labels.shape}")
    if len(images) != len(labels):
        raise DataError(
            f"{root}: {len(images)} images in {images_path.name} but {len(labels)} labels in {labels_path.name}"
        )
    if labels.size and (labels.min() < 0 or labels.max() > 9):
        raise DataError(f"{labels_path}: labels must be digits 0-9, found {labels.min()}..{labels.max()}")
    return images, labels.astype(np.int64)


class MNIST(TensorDataset):
    """The MNIST digits: ``MNIST(root=None, train=True, download=True, transform=None)``.

    ``data`` is (N, 28, 28) uint8 and ``targets`` (N,) int64, as in torchvision; samples and
    batches come as (1, 28, 28) images, kept uint8 until a batch is drawn (``transform`` then
    applies to the batch). With ``root``, any folder with the four standard file names is read,
    so other MNIST-format data sets load too. Without it, see :func:`default_root`; missing files
    are downloaded (when ``download``) and checked against MNIST's published checksums.
    ``verify=True`` checks the two files read against those checksums.
    """

    classes = tuple(str(d) for d in range(10))

    def __init__(
        self,
        root: str | os.PathLike[str] | None = None,
        train: bool = True,
        download: bool = True,
        transform: Transform | None = None,
        verify: bool = False,
        mirrors: Sequence[str] = MIRRORS,
    ) -> None:
        self.root = Path(root).expanduser() if root is not None else default_root()
        self.train = train
        split = "train" if train else "test"
        keys = (f"{split}-images", f"{split}-labels")
        if download and any(find_file(self.root, k) is None for k in keys):
            try:
                download_mnist(self.root, keys, mirrors)
            except DataError as e:
                raise DataError(
                    f"MNIST is not in {self.root} and could not be downloaded.\n{e}\n" + _where_to_put_files(self.root)
                ) from None
        if verify:
            verify_mnist(self.root, keys)
        self.data, self.targets = read_mnist_folder(self.root, train)
        super().__init__(self.data[:, None], self.targets, transform=transform)

    @classmethod
    def sample(cls, train: bool = True, transform: Transform | None = None) -> MNIST:
        """The small real subset of MNIST bundled with the package (works offline)."""
        return cls(SAMPLE_ROOT, train=train, download=False, transform=transform)

    @property
    def is_sample(self) -> bool:
        """True when this is the bundled subset rather than the full data set."""
        return self.root == SAMPLE_ROOT

    def __repr__(self) -> str:
        kind = "bundled sample" if self.is_sample else str(self.root)
        return f"MNIST({'train' if self.train else 'test'}, {len(self)} images, {kind})"


def make_sample(source: str | os.PathLike[str], destination: str | os.PathLike[str], n_train: int, n_test: int) -> None:
    """Write the first ``n_train`` training and ``n_test`` test digits of the MNIST in ``source``
    to ``destination`` as gzip IDX files with the standard names (byte-for-byte reproducible).

    This is how ``SAMPLE_ROOT`` was made: ``make_sample(full_mnist, SAMPLE_ROOT, 8000, 1000)``.
    """
    source, destination = Path(source), Path(destination)
    destination.mkdir(parents=True, exist_ok=True)
    for train, n in ((True, n_train), (False, n_test)):
        images, labels = read_mnist_folder(source, train)
        split = "train" if train else "test"
        write_idx(destination / f"{FILES[split + '-images'][0]}.gz", images[:n])
        write_idx(destination / f"{FILES[split + '-labels'][0]}.gz", labels[:n].astype(np.uint8))
