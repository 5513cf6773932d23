"""``tinygrad_lenet.utils``: where PyTorch code finds ``utils.data`` (``torch.utils.data.DataLoader``)."""

from . import data

__all__ = ["data"]
