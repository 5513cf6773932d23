"""torchvision's ``MNIST`` and ``FashionMNIST``: the same constructor, folder layout and samples.

``MNIST(root, train=True, transform=None, target_transform=None, download=False)`` reads
``root/MNIST/raw/`` (the four IDX files, gzipped or not, as torchvision leaves them), so an
existing torchvision download is reused; missing MNIST files are downloaded there with
``download=True`` and checked against MNIST's published checksums. ``dataset[i]`` is
``(transform(image), label)`` with the image a (28, 28) uint8 array (``ToTensor`` makes it a
(1, 28, 28) float32 tensor in [0, 1]) and the label an int, as torchvision gives. When every
transform has a batched form, a DataLoader reads whole batches in one vectorized pass.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from ..base.errors import DataError
from ..data.dataset import Dataset
from ..data.download import download
from ..data.mnist import FILES, download_mnist, find_file, read_mnist_folder
from ..tensor.tensor import Tensor
from .transforms import BatchTransform


class MNIST(Dataset):
    """The MNIST digits in torchvision's layout (``root/MNIST/raw``)."""

    classes = [
        "0 - zero",
        "1 - one",
        "2 - two",
        "3 - three",
        "4 - four",
        "5 - five",
        "6 - six",
        "7 - seven",
        "8 - eight",
        "9 - nine",
    ]

    def __init__(
        self,
        root: str | os.PathLike[str],
        train: bool = True,
        transform: Callable[[Any], Any] | None = None,
        target_transform: Callable[[int], Any] | None = None,
        download: bool = False,
    ) -> None:
        self.root, self.train = Path(root).expanduser(), train
        self.transform, self.target_transform = transform, target_transform
        split = "train" if train else "test"
        keys = (f"{split}-images", f"{split}-labels")
        if any(find_file(self.raw_folder, key) is None for key in keys):
            if not download:
                raise DataError(
                    f"{type(self).__name__}: {self.raw_folder} does not hold the {split} files; pass "
                    "download=True, or put them there (torchvision's layout: root/MNIST/raw)"
                )
            self._download(keys)
        images, labels = read_mnist_folder(self.raw_folder, train)
        self.data, self.targets = Tensor(images), Tensor(labels)

    @property
    def raw_folder(self) -> Path:
        return self.root / type(self).__name__ / "raw"

    def _download(self, keys: tuple[str, ...]) -> None:
        download_mnist(self.raw_folder, keys)

    def __len__(self) -> int:
        return len(self.targets)

    def __getitem__(self, index: int) -> tuple[Any, Any]:
        image, target = self.data._array[index], int(self.targets._array[index])
        if self.transform is not None:
            image = self.transform(image)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return image, target

    def get_batch(self, indices: np.ndarray) -> tuple[np.ndarray, ...]:
        """A batch in one vectorized pass when every transform has a batched form, else one by one."""
        if self.target_transform is None:
            if self.transform is None:
                return self.data._array[indices], self.targets._array[indices]
            if isinstance(self.transform, BatchTransform) and getattr(self.transform, "batchable", True):
                return self.transform.batch(self.data._array[indices]), self.targets._array[indices]
        return super().get_batch(indices)

    def __repr__(self) -> str:
        return (
            f"Dataset {type(self).__name__}\n    Number of datapoints: {len(self)}\n    Root location: {self.root}\n"
            f"    Split: {'Train' if self.train else 'Test'}"
        )


class FashionMNIST(MNIST):
    """Zalando's Fashion-MNIST in torchvision's layout (``root/FashionMNIST/raw``), downloaded from
    its publishers' mirrors with ``download=True`` and checked against their published MD5s."""

    classes = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
    mirrors = (
        "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
        "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/",
    )
    md5s = {  # of the .gz files, as Zalando publishes them
        "train-images": "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
        "train-labels": "25c81989df183df01b3e8a0aad5dffbe",
        "test-images": "bef4ecab320f06d8554ea6380940ec79",
        "test-labels": "bb300cfdad3c16e7a12a480ee83cd310",
    }

    def _download(self, keys: tuple[str, ...]) -> None:
        for key in keys:
            if find_file(self.raw_folder, key) is None:
                name = FILES[key][0] + ".gz"
                download([m + name for m in self.mirrors], self.raw_folder / name, self.md5s[key], md5_of_file=True)
