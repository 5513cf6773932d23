"""Dataset, TensorDataset, Subset, random_split and DataLoader."""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad_lenet as tl
from tinygrad_lenet.data import DataLoader, Dataset, Subset, TensorDataset, ToFloat, random_split


def numbered(n: int) -> TensorDataset:
    """Sample i is an image full of i (mod 256) with label i % 10."""
    images = (np.arange(n, dtype=np.int64)[:, None, None, None] % 256).astype(np.uint8) * np.ones(
        (1, 1, 2, 2), np.uint8
    )
    return TensorDataset(images, np.arange(n) % 10)


def test_every_sample_exactly_once_per_epoch_in_a_new_order() -> None:
    images = np.arange(103, dtype=np.float32)[:, None]
    loader = DataLoader(TensorDataset(images, np.arange(103)), batch_size=10, shuffle=True, seed=0)
    epochs = [np.concatenate([y.numpy() for _, y in loader]) for _ in range(2)]
    for order in epochs:
        assert sorted(order.tolist()) == list(range(103))
    assert not np.array_equal(epochs[0], epochs[1])
    assert len(loader) == 11


def test_same_seed_same_batches() -> None:
    def run() -> list[list[int]]:
        return [y.tolist() for _, y in DataLoader(numbered(50), batch_size=8, shuffle=True, seed=3)]

    assert run() == run()
    tl.manual_seed(1)
    a = [y.tolist() for _, y in DataLoader(numbered(50), 8, shuffle=True)]
    tl.manual_seed(1)
    assert a == [y.tolist() for _, y in DataLoader(numbered(50), 8, shuffle=True)]


def test_drop_last_batch_sizes_and_dtypes() -> None:
    loader = DataLoader(numbered(25), batch_size=10, drop_last=True)
    batches = list(loader)
    assert len(loader) == len(batches) == 2 and all(len(x) == 10 for x, _ in batches)
    x, y = batches[0]
    assert x.dtype == tl.float32 and x.shape == (10, 1, 2, 2) and y.dtype == tl.int64
    np.testing.assert_allclose(x.numpy()[3], 3 / 255)
    assert [len(x) for x, _ in DataLoader(numbered(25), batch_size=10)] == [10, 10, 5]
    assert y.tolist() == list(range(10))


def test_transform_runs_on_each_batch_and_float_inputs_are_kept() -> None:
    seen = []

    def transform(batch: np.ndarray) -> np.ndarray:
        seen.append(batch.shape)
        return ToFloat()(batch) * 2

    x, _ = next(iter(DataLoader(numbered(6), batch_size=4, transform=transform)))
    assert seen == [(4, 1, 2, 2)] and x.numpy().max() == pytest.approx(2 * 3 / 255)
    ints = TensorDataset(np.arange(4)[:, None], np.arange(4))
    assert next(iter(DataLoader(ints, 4)))[0].dtype == tl.float32


class Squares(Dataset):
    """A dataset that is not array-backed: samples come one at a time."""

    def __len__(self) -> int:
        return 7

    def __getitem__(self, index: int) -> tuple[np.ndarray, int]:
        return np.full((2,), index * index, dtype=np.float32), index


def test_generic_datasets_are_batched_one_sample_at_a_time() -> None:
    x, y = next(iter(DataLoader(Squares(), batch_size=3)))
    assert x.tolist() == [[0, 0], [1, 1], [4, 4]] and y.tolist() == [0, 1, 2]
    assert sum(len(x) for x, _ in DataLoader(Squares(), batch_size=3)) == 7


def test_tensor_dataset_indexing_and_errors() -> None:
    data = TensorDataset(tl.tensor([[1.0], [2.0]]), np.array([0, 1]), transform=lambda x: x * 10)
    image, label = data[1]
    assert image.tolist() == [20.0] and label == 1
    assert data[-1][1] == 1
    with pytest.raises(IndexError, match="out of range"):
        data[2]
    with pytest.raises(ValueError, match="same length"):
        TensorDataset(np.zeros(3), np.zeros(2))
    with pytest.raises(ValueError, match="at least one array"):
        TensorDataset()
    with pytest.raises(ValueError, match="batch_size must be a positive int"):
        DataLoader(data, batch_size=0)


def test_random_split_is_a_disjoint_seeded_partition() -> None:
    data = numbered(100)
    train, val = random_split(data, [80, 20], seed=0)

    def ids(subset: Subset) -> list:
        return subset.get_batch(np.arange(len(subset)))[0][:, 0, 0, 0].tolist()

    assert len(train) == 80 and len(val) == 20 and sorted(ids(train) + ids(val)) == list(range(100))
    again, _ = random_split(data, [80, 20], seed=0)
    assert ids(again) == ids(train)
    a, b, c = random_split(data, [0.5, 0.3, 0.2], seed=1)
    assert (len(a), len(b), len(c)) == (50, 30, 20)
    assert [len(s) for s in random_split(numbered(10), [0.34, 0.33, 0.33], seed=1)] == [4, 3, 3]
    assert train[0][1] == ids(train)[0] % 10
    x, y = next(iter(DataLoader(val, batch_size=5)))
    assert (y.numpy() == (x.numpy()[:, 0, 0, 0] * 255).round().astype(int) % 10).all()
    with pytest.raises(ValueError, match="summing to 100"):
        random_split(data, [50, 40])
