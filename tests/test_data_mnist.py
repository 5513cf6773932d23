"""MNIST: the full data set from ../shared, the bundled sample, checksums, and downloading."""

from __future__ import annotations

import functools
import gzip
import http.server
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from data_paths import full_mnist_dir

import tinygrad_lenet as tl
from tinygrad_lenet.data import MNIST, download_mnist, verify_mnist, write_idx
from tinygrad_lenet.data.mnist import FILES, SAMPLE_ROOT, default_root, make_sample

TRAIN_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]


def test_full_mnist_through_root_with_checksums() -> None:
    root = full_mnist_dir()
    train = MNIST(root, train=True, download=False, verify=True)
    test = MNIST(root, train=False, download=False, verify=True)
    assert len(train) == 60_000 and len(test) == 10_000
    assert train.data.shape == (60_000, 28, 28) and train.data.dtype == np.uint8
    assert train.targets[:5].tolist() == [5, 0, 4, 1, 9] and test.targets[:5].tolist() == [7, 2, 1, 0, 4]
    assert np.bincount(train.targets).tolist() == TRAIN_COUNTS
    assert np.bincount(test.targets).tolist() == TEST_COUNTS
    image, label = train[0]
    assert image.shape == (1, 28, 28) and image.dtype == np.uint8 and label == 5
    verify_mnist(root)


def test_full_mnist_through_the_environment_variable(monkeypatch) -> None:
    monkeypatch.setenv("TINYGRAD_LENET_DATA", str(full_mnist_dir()))
    assert default_root() == full_mnist_dir()
    test = MNIST(train=False)
    assert len(test) == 10_000 and not test.is_sample and "10000 images" in repr(test)


def test_default_root_is_a_per_user_cache(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.delenv("TINYGRAD_LENET_DATA", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert default_root() == tmp_path / "tinygrad_lenet" / "mnist"


def test_the_bundled_sample_is_real_mnist_and_small(tmp_path: Path) -> None:
    size = sum(p.stat().st_size for p in SAMPLE_ROOT.iterdir())
    assert size < 2 * 1024 * 1024
    train, test = MNIST.sample(), MNIST.sample(train=False)
    assert (len(train), len(test)) == (8000, 1000) and train.is_sample and "bundled sample" in repr(train)
    assert np.bincount(train.targets).min() > 600
    make_sample(full_mnist_dir(), tmp_path, 8000, 1000)  # regenerating it from the full MNIST gives the same bytes
    for path in SAMPLE_ROOT.iterdir():
        assert (tmp_path / path.name).read_bytes() == path.read_bytes(), path.name


def write_split(folder: Path, images: np.ndarray, labels: np.ndarray, split: str = "t10k") -> None:
    folder.mkdir(parents=True, exist_ok=True)
    write_idx(folder / f"{split}-images-idx3-ubyte", images)
    write_idx(folder / f"{split}-labels-idx1-ubyte.gz", labels)


def test_any_mnist_format_folder_loads_after_structural_checks(tmp_path: Path) -> None:
    images = np.random.default_rng(0).integers(0, 256, (5, 28, 28), dtype=np.uint8)
    write_split(tmp_path / "ok", images, np.array([0, 1, 2, 3, 9], np.uint8))
    data = MNIST(tmp_path / "ok", train=False, download=False)
    np.testing.assert_array_equal(data.data, images)
    assert data.targets.dtype == np.int64
    write_split(tmp_path / "count", images, np.array([0, 1, 2], np.uint8))
    with pytest.raises(tl.DataError, match="5 images in t10k-images-idx3-ubyte but 3 labels"):
        MNIST(tmp_path / "count", train=False, download=False)
    write_split(tmp_path / "range", images, np.array([0, 1, 2, 3, 12], np.uint8))
    with pytest.raises(tl.DataError, match="labels must be digits 0-9, found 0..12"):
        MNIST(tmp_path / "range", train=False, download=False)
    write_split(tmp_path / "shape", images.reshape(5, 784), np.array([0, 1, 2, 3, 4], np.uint8))
    with pytest.raises(tl.DataError, match=r"expected uint8 images of shape \(N, H, W\)"):
        MNIST(tmp_path / "shape", train=False, download=False)
    write_split(tmp_path / "labels2d", images, np.zeros((5, 1), np.uint8))
    with pytest.raises(tl.DataError, match=r"expected labels of shape \(N,\)"):
        MNIST(tmp_path / "labels2d", train=False, download=False)
    with pytest.raises(tl.DataError, match="does not hold the original MNIST"):
        MNIST(tmp_path / "ok", train=False, download=False, verify=True)


def test_missing_files_without_download_say_where_to_put_them(tmp_path: Path) -> None:
    with pytest.raises(tl.DataError) as info:
        MNIST(tmp_path, download=False)
    message = str(info.value)
    assert "train-images-idx3-ubyte, train-labels-idx1-ubyte[.gz] not found" in message
    assert f"in {tmp_path}" in message and "TINYGRAD_LENET_DATA" in message
    with pytest.raises(tl.DataError, match="t10k-labels-idx1-ubyte\\[.gz\\] is missing"):
        verify_mnist(tmp_path)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def mirrors(tmp_path: Path) -> Iterator[dict[str, str]]:
    """A local HTTP server on 127.0.0.1 with three mirrors: one empty (404), one serving
    damaged files, one serving the real MNIST test files."""
    served = tmp_path / "served"
    (served / "empty").mkdir(parents=True)
    for name in ("good", "corrupt"):
        (served / name).mkdir()
    for key in ("test-images", "test-labels"):
        source = full_mnist_dir() / f"{FILES[key][0]}.gz"
        shutil.copy(source, served / "good" / source.name)
        content = bytearray(gzip.decompress(source.read_bytes()))
        content[-1] ^= 0xFF  # a valid gzip file whose content differs by one byte
        (served / "corrupt" / source.name).write_bytes(gzip.compress(bytes(content)))
    handler = functools.partial(_QuietHandler, directory=str(served))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield {name: f"{base}/{name}/" for name in ("empty", "corrupt", "good")}
    finally:
        server.shutdown()
        server.server_close()


def test_download_skips_a_failing_and_a_corrupt_mirror(mirrors: dict[str, str], tmp_path: Path) -> None:
    root = tmp_path / "mnist"
    data = MNIST(root, train=False, mirrors=[mirrors["empty"], mirrors["corrupt"], mirrors["good"]])
    assert len(data) == 10_000 and data.targets[:5].tolist() == [7, 2, 1, 0, 4]
    assert sorted(p.name for p in root.iterdir()) == ["t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"]
    verify_mnist(root, ("test-images", "test-labels"))


def test_download_with_only_bad_mirrors_fails_clearly_and_leaves_nothing(
    mirrors: dict[str, str], tmp_path: Path
) -> None:
    root = tmp_path / "mnist"
    with pytest.raises(tl.DataError) as info:
        MNIST(root, train=False, mirrors=[mirrors["empty"], mirrors["corrupt"]])
    message = str(info.value)
    assert "could not be downloaded" in message and "404" in message
    assert "checksum mismatch" in message and "Put the MNIST files" in message
    assert list(root.iterdir()) == []


def test_download_mnist_keeps_files_already_there(mirrors: dict[str, str], tmp_path: Path) -> None:
    download_mnist(tmp_path, ("test-labels",), [mirrors["good"]], progress=False)
    before = (tmp_path / "t10k-labels-idx1-ubyte.gz").stat().st_mtime_ns
    download_mnist(tmp_path, ("test-labels",), [mirrors["empty"]], progress=False)
    assert (tmp_path / "t10k-labels-idx1-ubyte.gz").stat().st_mtime_ns == before
