"""Optimizers and learning-rate schedules with PyTorch's names and update formulas, and both by name."""

from . import lr_scheduler, swa_utils
from .adadelta import Adadelta
from .adafactor import Adafactor
from .adagrad import Adagrad
from .adam import Adam, AdamW
from .adamax import Adamax, NAdam
from .asgd import ASGD
from .by_name import APPLIES_TO, DEFAULT_LR, OPTIMIZERS, SCHEDULES, create_optimizer, create_scheduler, default_lr
from .lbfgs import LBFGS
from .muon import Muon
from .optimizer import Optimizer
from .radam import RAdam
from .rmsprop import RMSprop
from .rprop import Rprop
from .sdlm import SDLM
from .sgd import SGD

__all__ = [
    "APPLIES_TO",
    "ASGD",
    "DEFAULT_LR",
    "LBFGS",
    "OPTIMIZERS",
    "SCHEDULES",
    "SGD",
    "Adadelta",
    "Adafactor",
    "Adagrad",
    "Adam",
    "AdamW",
    "Adamax",
    "Muon",
    "NAdam",
    "Optimizer",
    "RAdam",
    "RMSprop",
    "Rprop",
    "SDLM",
    "create_optimizer",
    "create_scheduler",
    "default_lr",
    "lr_scheduler",
    "swa_utils",
]
