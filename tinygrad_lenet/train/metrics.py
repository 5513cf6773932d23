"""Classification metrics: confusion matrix, per-class precision/recall/F1, confident mistakes."""

from __future__ import annotations

import numpy as np


def confusion_matrix(targets: np.ndarray, predictions: np.ndarray, num_classes: int = 10) -> np.ndarray:
    """cm[t, p] = how many samples of true class t were predicted as p."""
    cm = np.zeros((num_classes, num_classes), dtype=np.int64)
    np.add.at(cm, (np.asarray(targets), np.asarray(predictions)), 1)
    return cm


def precision_recall_f1(cm: np.ndarray) -> dict[str, np.ndarray]:
    """Per class: precision = TP / predicted, recall = TP / actual, F1 = their harmonic mean."""
    tp = np.diag(cm).astype(np.float64)
    predicted, actual = cm.sum(axis=0), cm.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        precision = np.where(predicted > 0, tp / predicted, 0.0)
        recall = np.where(actual > 0, tp / actual, 0.0)
        f1 = np.where(precision + recall > 0, 2 * precision * recall / (precision + recall), 0.0)
    return {"precision": precision, "recall": recall, "f1": f1, "support": actual}


def classification_report(cm: np.ndarray) -> str:
    """A table of precision, recall, F1 and support per class, and the overall accuracy."""
    scores = precision_recall_f1(cm)
    lines = ["class  precision  recall      f1  support"]
    for c in range(len(cm)):
        precision, recall, f1, support = (scores[name][c] for name in ("precision", "recall", "f1", "support"))
        lines.append(f"{c:>5}  {precision:9.4f}  {recall:6.4f}  {f1:6.4f}  {support:7d}")
    accuracy = np.trace(cm) / max(cm.sum(), 1)
    lines.append(f"accuracy {accuracy:.4f} on {cm.sum()} samples ({cm.sum() - np.trace(cm)} errors)")
    return "\n".join(lines)


def most_confident_mistakes(probabilities: np.ndarray, targets: np.ndarray, k: int = 16) -> np.ndarray:
    """Indices of the ``k`` wrong predictions made with the highest probability, most confident first."""
    predictions = probabilities.argmax(axis=1)
    wrong = np.flatnonzero(predictions != targets)
    confidence = probabilities[wrong, predictions[wrong]]
    return wrong[np.argsort(-confidence, kind="stable")[:k]]
