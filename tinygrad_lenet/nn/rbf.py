"""LeNet-5 (1998)'s output layer and its two criteria, on scores = minus the RBF distances.

The RBF layer outputs y_i = ||x - c_i||^2 and the class is argmin_i y_i. The layer here returns
the scores s = -y instead, so that what works on logits works on it unchanged: argmax s is
argmin y, and softmax(s) = softmax(-y) are the probabilities that ``predict`` and ``evaluate``
report (a documented choice; the paper gives none).
"""

from __future__ import annotations

import numpy as np

from ..ops.rbf import EuclideanRBF as RBFOp
from ..ops.rbf import MAPCriterion
from ..tensor.tensor import Tensor
from .loss_functions import _check_targets
from .module import Module

MAP_J = 10.0  # the paper's "positive constant j" of eq. 9 is not given; see docs/lenet5-1998.md


class EuclideanRBF(Module):
    """Scores -||x - c_i||^2 for fixed centers c (K, F), kept as a buffer: saved in checkpoints,
    never trained."""

    def __init__(self, centers: np.ndarray) -> None:
        super().__init__()
        self.register_buffer("centers", Tensor(np.asarray(centers, dtype=np.float32)))

    def forward(self, x: Tensor) -> Tensor:
        return -RBFOp.apply(x, self.centers)

    def extra_repr(self) -> str:
        k, f = self.centers.shape
        return f"centers={k}x{f} (fixed)"


def rbf_simple_loss(scores: Tensor, target: Tensor | np.ndarray) -> Tensor:
    """Eq. 8 of the paper: E = mean over samples of y_correct, the distance to the right center
    (scores are -y)."""
    t = _check_targets(scores, target, "rbf_simple_loss", ignore_index=None)
    return -scores[np.arange(len(t)), t].mean()


def rbf_map_loss(scores: Tensor, target: Tensor | np.ndarray, j: float = MAP_J) -> Tensor:
    """Eq. 9: E = mean over samples of y_correct + log(exp(-j) + sum_i exp(-y_i)); as j grows it
    tends to cross-entropy on the scores -y."""
    t = _check_targets(scores, target, "rbf_map_loss", ignore_index=None)
    if not j > 0:
        raise ValueError(f"rbf_map_loss: j must be positive, got {j}")
    return MAPCriterion.apply(-scores, t, float(j)).mean()
