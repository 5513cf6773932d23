"""Optimizers and learning-rate schedules with PyTorch's names and update formulas, and both by name."""

from . import lr_scheduler
from .adadelta import Adadelta
from .adagrad import Adagrad
from .adam import Adam, AdamW
from .adamax import Adamax, NAdam
from .by_name import APPLIES_TO, DEFAULT_LR, OPTIMIZERS, SCHEDULES, create_optimizer, create_scheduler, default_lr
from .optimizer import Optimizer
from .rmsprop import RMSprop
from .sdlm import SDLM
from .sgd import SGD

__all__ = [
    "APPLIES_TO",
    "DEFAULT_LR",
    "OPTIMIZERS",
    "SCHEDULES",
    "SGD",
    "Adadelta",
    "Adagrad",
    "Adam",
    "AdamW",
    "Adamax",
    "NAdam",
    "Optimizer",
    "RMSprop",
    "SDLM",
    "create_optimizer",
    "create_scheduler",
    "default_lr",
    "lr_scheduler",
]
