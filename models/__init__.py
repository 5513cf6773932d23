"""Model definitions written with tinygrad_lenet's public API only, as a user would write them."""

from .tiny_convnet import TinyConvNet

__all__ = ["TinyConvNet"]
