"""Layer 2, the Tensor: the class (``tensor.py``) and its methods as mixins (``math.py``, ``movement.py``,
``inplace.py``, ``grad.py``) on the base that declares what they share (``base.py``), the factories
(``tl.zeros``, ``tl.randn``, ...) and the functions of ``torch`` (``tl.cat``, ``tl.where``, ...)."""

from .tensor import Tensor

__all__ = ["Tensor"]
