"""Data: MNIST (IDX files, download, bundled sample), Kaggle CSVs, datasets, DataLoader, transforms,
the data and input pipeline of a training run, and text for character-level language models."""

from .dataset import Dataset, Subset, TensorDataset, random_split
from .distributed_sampler import DistributedSampler
from .idx import read_idx, write_idx
from .image import read_digit_image, to_mnist_format
from .kaggle import read_kaggle_csv, write_kaggle_submission
from .loader import DataLoader
from .mnist import MNIST, default_root, download_mnist, verify_mnist
from .pipeline import AUGMENTATION, LECUN1998_DISTORTIONS, SAMPLE_CAVEAT, describe, input_transform, load_mnist
from .text import TEXTS, CharTokenizer, get_batch, load_text, split_text
from .transforms import (
    MNIST_MEAN,
    MNIST_STD,
    Compose,
    ElasticTransform,
    LeCunScale,
    Normalize,
    Pad,
    RandomAffine,
    ToFloat,
)

__all__ = [
    "AUGMENTATION",
    "CharTokenizer",
    "LECUN1998_DISTORTIONS",
    "MNIST",
    "MNIST_MEAN",
    "MNIST_STD",
    "Compose",
    "DataLoader",
    "Dataset",
    "DistributedSampler",
    "LeCunScale",
    "Normalize",
    "Pad",
    "RandomAffine",
    "ElasticTransform",
    "Subset",
    "TensorDataset",
    "SAMPLE_CAVEAT",
    "TEXTS",
    "ToFloat",
    "default_root",
    "describe",
    "download_mnist",
    "get_batch",
    "input_transform",
    "load_mnist",
    "load_text",
    "random_split",
    "read_digit_image",
    "read_idx",
    "read_kaggle_csv",
    "split_text",
    "to_mnist_format",
    "verify_mnist",
    "write_idx",
    "write_kaggle_submission",
]
