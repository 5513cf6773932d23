"""The speedrun's data: MNIST kept in memory, one shuffle and one set of distortions per seed.

Both frameworks read the batches of one :class:`Batches`, built from the same seed, so they see
the same images in the same order with the same distortions; only the arrays' final wrapping
(``T.from_numpy``) differs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from ..data import (
    MNIST_MEAN,
    MNIST_STD,
    Compose,
    ElasticTransform,
    Normalize,
    Pad,
    RandomAffine,
    ToFloat,
    load_mnist,
)

VALIDATION_SIZE = 10_000
"""Digits held out from the 60,000 training digits by ``--validation`` (a fixed draw, seed 0)."""


class Normalized:
    """``input_transform(32)`` of uint8 digits ((N, 1, 28, 28) to normalized (N, 1, 32, 32) float32) by table:
    the pixel transform (ToFloat, then Normalize) is pointwise, so it is computed once for the 256 pixel
    values and looked up, and the 2-pixel padding takes the value of pixel 0. The same numbers as the
    transform, in one pass over each batch (no array of the whole set is made, whose first touch of
    memory costs more than the transform)."""

    def __init__(self) -> None:
        self.table = Compose([ToFloat(), Normalize(MNIST_MEAN, MNIST_STD)])(np.arange(256, dtype=np.uint8))

    def __call__(self, images: np.ndarray) -> np.ndarray:
        n, c, h, w = images.shape
        out = np.full((n, c, h + 4, w + 4), self.table[0], np.float32)
        out[:, :, 2:-2, 2:-2] = self.table[images]
        return out


@dataclass
class Split:
    """Training digits and the evaluation digits (uint8, (N, 28, 28)) and their labels; ``evaluation``
    names the evaluation set: "test" or "validation". ``eval_inputs(start, stop)`` gives evaluation
    digits as normalized (n, 1, 32, 32) float32 inputs."""

    train_images: np.ndarray
    train_labels: np.ndarray
    eval_images: np.ndarray
    eval_labels: np.ndarray
    evaluation: str

    def eval_inputs(self, start: int, stop: int) -> np.ndarray:
        """Evaluation digits ``start:stop`` as model inputs."""
        return NORMALIZED(self.eval_images[start:stop, None])


NORMALIZED = Normalized()
"""The table of ``input_transform(32)`` for undistorted digits."""


def load_split(
    data: str = "full", data_dir: str | None = None, validation: bool = False, log: Callable[[str], None] = print
) -> Split:
    """MNIST from ``data``/``data_dir`` (as ``train --data``). With ``validation`` the evaluation set
    is a fixed sixth of the training set (10,000 of the 60,000 digits), trained on by no run, and
    the test set is not read at all: how settings are chosen without looking at the test set."""
    train, test = load_mnist(data, data_dir, log)
    images, labels = train.data, train.targets
    if validation:
        held = len(images) // 6
        order = np.random.default_rng(0).permutation(len(images))
        keep, out = np.sort(order[held:]), np.sort(order[:held])
        eval_images, eval_labels = images[out], labels[out]
        images, labels = images[keep], labels[keep]
    else:
        eval_images, eval_labels = test.data, test.targets
    return Split(images, labels, eval_images, eval_labels, "validation" if validation else "test")


class Batches:
    """The training batches of one seed: a fresh permutation per epoch (numpy, seeded), batches of
    ``batch_size`` (an epoch's incomplete last batch dropped), each distorted by RandomAffine with
    ``augmentation``'s ranges and ElasticTransform with ``elastic``'s (alpha, sigma) (each with its
    own generator, seeded) and normalized to (B, 1, 32, 32) float32 (without distortions, by
    :class:`Normalized`'s table). ``padded``: the distortions work on the digit padded to 32x32
    rather than on its own 28x28 square, so a stroke they move towards the edge is not cut off
    (``translate`` is then a fraction of 32 pixels).

    ``part`` (start, stop): only rows ``start:stop`` of every batch are made, the same numbers as
    those rows of the whole batch (the draws of every image are still made, so the generators stay
    in step): a rank of a data-parallel run makes its share only."""

    def __init__(
        self,
        split: Split,
        batch_size: int,
        seed: int,
        augmentation: dict | None,
        elastic: tuple[float, float] | None = None,
        part: tuple[int, int] | None = None,
        padded: bool = False,
    ) -> None:
        if batch_size > len(split.train_labels):
            raise ValueError(f"batch size {batch_size} is larger than the {len(split.train_labels)} training digits")
        self.split, self.batch_size = split, batch_size
        self.rows = slice(*part) if part is not None else slice(None)
        self.order = np.random.default_rng(seed)
        self.distortions: list[RandomAffine | ElasticTransform] = []
        if augmentation is not None:
            self.distortions.append(RandomAffine(**augmentation, seed=seed + 1))
        if elastic is not None:
            self.distortions.append(ElasticTransform(*elastic, seed=seed + 2))
        normalize = Normalize(MNIST_MEAN, MNIST_STD)
        self.start = Compose([ToFloat(), Pad(2)]) if padded else ToFloat()
        self.finish = normalize if padded else Compose([Pad(2), normalize])

    def __len__(self) -> int:
        return len(self.split.train_labels) // self.batch_size

    def epoch(self, distort: bool = True) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """One epoch's (inputs, labels) batches (this part of each); ``distort=False``: the digits as they
        are, whatever the distortions (no draws are made from their generators)."""
        permutation = self.order.permutation(len(self.split.train_labels))
        images, labels = self.split.train_images, self.split.train_labels
        n = self.batch_size
        for b in range(len(self)):
            rows = np.sort(permutation[b * n : (b + 1) * n])[self.rows]
            yield self.inputs(images[rows][:, None], n, distort), labels[rows]

    def inputs(self, digits: np.ndarray, n: int, distort: bool = True) -> np.ndarray:
        """This part of a batch of ``n`` (uint8 (rows, 1, 28, 28)) as normalized inputs, distorted if
        ``distort``."""
        if not (distort and self.distortions):
            return NORMALIZED(digits)
        x = self.start(digits)
        for distortion in self.distortions:
            x = distortion.rows_of(x, n, self.rows)
        return self.finish(x)
