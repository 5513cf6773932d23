"""Training and evaluation: the loop, metrics, history, plots, and the choice of data."""

from .history import History
from .loop import LOSSES, Evaluation, evaluate, fit, mse_on_softmax, train_one_epoch
from .metrics import classification_report, confusion_matrix, most_confident_mistakes, precision_recall_f1
from .setup import AUGMENTATION, input_transform, load_mnist

__all__ = [
    "AUGMENTATION", "Evaluation", "History", "LOSSES", "classification_report", "confusion_matrix", "evaluate", "fit",
    "input_transform", "load_mnist", "most_confident_mistakes", "mse_on_softmax", "precision_recall_f1",
    "train_one_epoch",
]
