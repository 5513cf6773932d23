"""``torch.utils.data`` under its PyTorch name: datasets, ``DataLoader``, ``DistributedSampler``,
``random_split``, ``Subset``.

The classes are those of :mod:`tinygrad_lenet.data`; this module is where code ported from
PyTorch imports them from (``from tinygrad_lenet.utils.data import DataLoader``).
"""

from ..data.dataset import Dataset, Subset, TensorDataset, random_split
from ..data.distributed_sampler import DistributedSampler
from ..data.loader import DataLoader

__all__ = ["DataLoader", "Dataset", "DistributedSampler", "Subset", "TensorDataset", "random_split"]
