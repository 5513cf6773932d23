"""``torchvision`` under its own name for what MNIST code needs: ``vision.datasets`` and ``vision.transforms``.

Code written for torchvision ports with ``from tinygrad_lenet.vision import datasets, transforms``.
"""

from . import datasets, transforms

__all__ = ["datasets", "transforms"]
