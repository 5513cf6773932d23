"""k-nearest-neighbour classifier on raw pixels: the baseline one lab report compared against."""

from __future__ import annotations

import numpy as np


class KNearestNeighbors:
    """Predict the majority label of the ``k`` training images closest in Euclidean distance.

    Distances are computed for a batch of queries at once as
    ||q - t||^2 = ||q||^2 - 2 q.t + ||t||^2, one matrix product per batch (no loop over images).
    A tie between labels is broken by closeness: the vote of the i-th nearest neighbour carries
    an extra 0.001 / i, too little to outweigh a whole vote.
    """

    def __init__(self, k: int = 3, batch_size: int = 500) -> None:
        if k < 1:
            raise ValueError(f"k must be >= 1, got {k}")
        self.k, self.batch_size = k, batch_size
        self.train_x: np.ndarray | None = None

    def fit(self, images: np.ndarray, labels: np.ndarray) -> KNearestNeighbors:
        """Remember the training set (images of any shape; flattened, as float32)."""
        if len(images) < self.k:
            raise ValueError(f"k-NN with k={self.k} needs at least {self.k} training images, got {len(images)}")
        if len(images) != len(labels):
            raise ValueError(f"k-NN: {len(images)} training images but {len(labels)} labels")
        self.train_x = np.asarray(images, dtype=np.float32).reshape(len(images), -1)
        self.train_y = np.asarray(labels, dtype=np.int64)
        self.train_sq = (self.train_x**2).sum(axis=1)
        return self

    def predict(self, images: np.ndarray) -> np.ndarray:
        """The predicted class of each image: the majority label of its k nearest training images
        (Euclidean distance on the pixels)."""
        if self.train_x is None:
            raise RuntimeError("KNearestNeighbors.predict before fit()")
        queries = np.asarray(images, dtype=np.float32).reshape(len(images), -1)
        if queries.shape[1] != self.train_x.shape[1]:
            raise ValueError(f"queries have {queries.shape[1]} features, the training images {self.train_x.shape[1]}")
        out = np.empty(len(queries), dtype=np.int64)
        classes = int(self.train_y.max()) + 1
        for start in range(0, len(queries), self.batch_size):
            q = queries[start : start + self.batch_size]
            dist = (q**2).sum(axis=1)[:, None] - 2 * q @ self.train_x.T + self.train_sq[None, :]
            nearest = np.argpartition(dist, self.k - 1, axis=1)[:, : self.k]
            order = np.take_along_axis(dist, nearest, axis=1).argsort(axis=1)
            nearest = np.take_along_axis(nearest, order, axis=1)  # closest first
            labels = self.train_y[nearest]
            votes = np.zeros((len(q), classes), dtype=np.float64)
            # one vote per neighbour, plus a tiny bonus for closeness that only breaks ties
            np.add.at(votes, (np.arange(len(q))[:, None], labels), 1.0 + 1e-3 / (1 + np.arange(self.k)))
            out[start : start + len(q)] = votes.argmax(axis=1)
        return out

    def score(self, images: np.ndarray, labels: np.ndarray) -> float:
        """Accuracy on labelled images."""
        return float((self.predict(images) == np.asarray(labels)).mean())
