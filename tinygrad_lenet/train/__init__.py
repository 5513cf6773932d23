"""Training and evaluation: the loop, metrics, history, plots, reports, inference, and whole runs.

The loop (``fit``, ``train_one_epoch``, ``evaluate``) works on any model, loader and optimizer;
``train_run`` is the command line's ``train``: a registered model by name, trained from a
:class:`RunConfig` into a run folder.
"""

from .history import History
from .inference import predict_probabilities, restore_model
from .loop import LOSSES, Evaluation, evaluate, fit, mse_on_softmax, train_one_epoch
from .metrics import classification_report, confusion_matrix, most_confident_mistakes, precision_recall_f1
from .report import training_step_graph, write_graph, write_report
from .run_config import RunConfig
from .runs import train_run

__all__ = [
    "Evaluation",
    "History",
    "LOSSES",
    "RunConfig",
    "classification_report",
    "confusion_matrix",
    "evaluate",
    "fit",
    "most_confident_mistakes",
    "mse_on_softmax",
    "precision_recall_f1",
    "predict_probabilities",
    "restore_model",
    "train_one_epoch",
    "train_run",
    "training_step_graph",
    "write_graph",
    "write_report",
]
