"""The exceptions tinygrad_lenet raises at its public boundary.

Every error a user can cause is one of these, so that ``except TinygradLenetError`` catches
them all, while each also derives from the built-in type PyTorch would raise (``ValueError``,
``RuntimeError``, ``TypeError``) so that code written for PyTorch keeps working.
"""

from __future__ import annotations


class TinygradLenetError(Exception):
    """Base class of every error raised by tinygrad_lenet."""


class ShapeError(TinygradLenetError, ValueError):
    """Operands whose shapes do not fit the operation (names the op and both shapes)."""


class DTypeError(TinygradLenetError, TypeError):
    """A dtype the operation cannot take, such as asking for the gradient of an int tensor."""


class GradError(TinygradLenetError, RuntimeError):
    """Misuse of autograd: backward without a graph, through a released graph, and so on."""


class AnomalyError(TinygradLenetError, RuntimeError):
    """Raised under ``detect_anomaly()`` when an op produces NaN or Inf."""


class GradcheckError(TinygradLenetError, AssertionError):
    """Analytic and numerical gradients disagree in ``gradcheck``."""


class StateDictError(TinygradLenetError, RuntimeError):
    """A state dict that does not fit a model or optimizer; the message lists every offending key."""


class EmptyReductionError(TinygradLenetError, IndexError, RuntimeError):
    """A max, min, argmax or argmin over no elements: there is no value to return (PyTorch raises too)."""


class CheckpointError(TinygradLenetError, OSError):
    """A checkpoint file that is missing, truncated, corrupted or not a checkpoint (names the file)."""


class WriteError(TinygradLenetError, OSError):
    """A file that cannot be written (disk full, read-only file system, no permission): the message
    names the file that was asked for, never a temporary one, and what to do. ``errno`` is the
    system's, ``path`` the file, ``reason`` why, and ``remedy`` what to do ("free some space")."""

    path: str = ""
    reason: str = ""
    remedy: str = ""


class DataError(TinygradLenetError, ValueError):
    """A data file or folder that cannot be used: missing, truncated, corrupted or malformed."""


class RunFolderError(TinygradLenetError, FileExistsError):
    """A run folder that holds an earlier run, is in use by another run, or is not a folder."""


class ResumeError(TinygradLenetError, ValueError):
    """An option given with ``--resume`` that cannot apply to the run being continued."""


class TrainingDiverged(TinygradLenetError, RuntimeError):
    """The loss became NaN or infinite during training."""


class GraphvizNotFound(TinygradLenetError, RuntimeError):
    """Graphviz's ``dot`` program is not installed; the message says how to install it."""


def one_line(error: BaseException) -> str:
    """An error's message on one line (its type's name when it has none), as the command prints it."""
    return " ".join(line.strip() for line in str(error).splitlines()) or type(error).__name__
