"""The data of a training run: full MNIST if it can be had, else the bundled sample (``load_mnist``),
and the input pipeline that turns its uint8 digits into model inputs (``input_transform``)."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import numpy as np

from ..base.errors import DataError
from .mnist import ENV_VAR, MNIST
from .transforms import MNIST_MEAN, MNIST_STD, Compose, Normalize, Pad, RandomAffine, ToFloat

SAMPLE_CAVEAT = "accuracies on it are lower than, and not comparable to, full-MNIST results"
"""What every report on the bundled sample says about its accuracies."""

AUGMENTATION = dict(degrees=10.0, translate=(0.1, 0.1), scale=(0.9, 1.1), squeeze=(0.85, 1.15), shear=15.0)
"""The random distortions of ``--augment``: the 1998 paper's kinds (translation, scaling,
squeezing, horizontal shear) plus a small rotation; drawn in docs/images/augmentation.png."""

LECUN1998_DISTORTIONS = dict(translate=(0.075, 0.075), scale=(0.9, 1.1), squeeze=(0.85, 1.15), shear=15.0)
"""The paper's four kinds only (no rotation), for ``--model lenet5-1998 --augment``: shifts up to
2 pixels, 10% scaling, 15% squeezing, 15 degrees of horizontal shear (the paper gives no ranges)."""


def load_mnist(
    source: str = "auto", data_dir: str | os.PathLike[str] | None = None, log: Callable[[str], None] = print
) -> tuple[MNIST, MNIST]:
    """The (train, test) sets. ``source``: "full" (found or downloaded, else an error), "sample"
    (the bundled subset), or "auto": full MNIST if it can be had, else the sample, saying so plainly.

    The fallback to the sample happens only when no data location was named: with ``data_dir``
    or ``$TINYGRAD_LENET_DATA``, a folder that does not hold a usable MNIST is an error.
    """
    if source not in ("auto", "full", "sample"):
        raise ValueError(f"data source must be auto, full or sample, got {source!r}")
    if source == "sample":
        return MNIST.sample(train=True), MNIST.sample(train=False)
    named = data_dir is not None or bool(os.environ.get(ENV_VAR))
    try:
        return MNIST(data_dir, train=True), MNIST(data_dir, train=False)
    except DataError as e:
        if source == "full" or named:
            if not named:
                raise
            where = f"--data-dir {data_dir}" if data_dir is not None else f"${ENV_VAR}={os.environ[ENV_VAR]}"
            raise DataError(f"{where} does not hold a usable MNIST: {' '.join(str(e).split())}") from None
        reason = str(e).splitlines()[0]
    train, test = MNIST.sample(train=True), MNIST.sample(train=False)
    log(
        f"Full MNIST is not available ({reason}) To use it, put the four MNIST files in a folder "
        f"and pass --data-dir or set {ENV_VAR}, or connect to the internet."
    )
    log(f"=> using the BUNDLED SAMPLE: {len(train)} training and {len(test)} test digits; {SAMPLE_CAVEAT}.")
    return train, test


def describe(dataset: MNIST) -> str:
    """A data set as reports and titles name it, without the folder it was read from:
    ``MNIST test, 10,000 digits`` or ``MNIST test, 1,000 digits (bundled sample)``."""
    return f"MNIST {'train' if dataset.train else 'test'}, {len(dataset):,} digits" + (
        " (bundled sample)" if dataset.is_sample else ""
    )


def input_transform(input_size: int, augment: bool = False, augmentation: dict[str, Any] | None = None) -> Compose:
    """uint8 28x28 batches to normalized float inputs of ``input_size`` (32: padded by 2, for LeNet-5).

    ``augment`` adds a RandomAffine with ``augmentation``'s ranges (default ``AUGMENTATION``)."""
    steps: list[Callable[[np.ndarray], np.ndarray]] = [ToFloat()]
    if augment:
        steps.append(RandomAffine(**(AUGMENTATION if augmentation is None else augmentation)))
    if input_size == 32:
        steps.append(Pad(2))
    elif input_size != 28:
        raise ValueError(f"input size must be 28 or 32, got {input_size}")
    steps.append(Normalize(MNIST_MEAN, MNIST_STD))
    return Compose(steps)
