"""``torchvision`` under its own name for what MNIST code needs: ``vision.datasets``, ``vision.transforms`` and
``vision.utils`` (``make_grid``, ``save_image``).

Code written for torchvision ports with ``from tinygrad_lenet.vision import datasets, transforms``.
"""

from . import datasets, transforms, utils

__all__ = ["datasets", "transforms", "utils"]
