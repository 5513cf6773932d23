"""The models of models/: shapes, options, parameter counts, the k-NN baseline, the registry."""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad_lenet as tl
from tinygrad_lenet.models import MLP, MODELS, KNearestNeighbors, LeNet5, SoftmaxRegression, create_model


def test_lenet5_is_the_lab_reports_network() -> None:
    model = LeNet5()
    assert model.num_parameters() == 61_706
    assert [name for name, _ in model.named_children()] == [
        "conv1",
        "pool1",
        "conv2",
        "pool2",
        "flatten",
        "fc1",
        "fc2",
        "fc3",
    ]
    assert model(tl.randn(3, 1, 32, 32)).shape == (3, 10)
    with pytest.raises(tl.ShapeError, match=r"expects images of shape \(N, 1, 32, 32\).*got \(3, 1, 28, 28\)"):
        model(tl.randn(3, 1, 28, 28))


def test_lenet5_options() -> None:
    tl.manual_seed(0)
    x = tl.randn(2, 1, 32, 32)
    for activation in ("relu", "sigmoid", "tanh"):
        for pooling in ("max", "avg"):
            assert LeNet5(activation, pooling)(x).shape == (2, 10)
    assert isinstance(LeNet5(pooling="avg").pool1, tl.nn.AvgPool2d)
    wide = LeNet5(channels=(24, 60), dropout=0.2)
    assert wide.conv2.weight.shape == (60, 24, 5, 5) and wide.fc1.in_features == 1500
    wide.eval()
    np.testing.assert_array_equal(wide(x).numpy(), wide(x).numpy())  # no dropout in eval
    with pytest.raises(ValueError, match="unknown activation 'gelu'"):
        LeNet5(activation="gelu")
    with pytest.raises(ValueError, match="unknown pooling 'min'"):
        LeNet5(pooling="min")


def test_mlp_and_softmax_regression() -> None:
    mlp = MLP([784, 1024, 128, 10], batchnorm=True, dropout=0.2)
    assert mlp.num_parameters() == 784 * 1024 + 1024 + 1024 * 128 + 128 + 128 * 10 + 10 + 2 * (1024 + 128)
    assert mlp(tl.randn(4, 1, 28, 28)).shape == (4, 10)
    assert [k for k in mlp.state_dict() if "running_mean" in k] == ["norms.0.running_mean", "norms.1.running_mean"]
    assert SoftmaxRegression().num_parameters() == 7850 and SoftmaxRegression()(tl.randn(2, 784)).shape == (2, 10)
    with pytest.raises(tl.ShapeError, match="expects 784 input features per sample, got 1024"):
        MLP()(tl.randn(2, 1, 32, 32))
    with pytest.raises(ValueError, match="at least an input and an output size"):
        MLP([784])


def test_knn_predicts_the_majority_of_the_nearest() -> None:
    train = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [10.0, 10.0], [10.0, 11.0], [11.0, 10.0]])
    labels = np.array([0, 0, 1, 2, 2, 1])
    knn = KNearestNeighbors(k=3, batch_size=2).fit(train, labels)
    assert knn.predict(np.array([[0.1, 0.1], [10.2, 10.2], [0.9, 0.1]])).tolist() == [0, 2, 0]
    assert KNearestNeighbors(k=1).fit(train, labels).predict(np.array([[0.9, 0.1]])).tolist() == [1]
    # a 1-1 tie between labels goes to the nearer neighbour
    assert KNearestNeighbors(k=2).fit(train[:3], labels[:3]).predict(np.array([[0.8, 0.0]])).tolist() == [1]
    assert knn.score(train, labels) == pytest.approx(4 / 6)  # (1, 0) and (11, 10) are outvoted
    with pytest.raises(RuntimeError, match="before fit"):
        KNearestNeighbors().predict(train)
    with pytest.raises(ValueError, match="k must be >= 1"):
        KNearestNeighbors(k=0)
    with pytest.raises(ValueError, match="queries have 3 features"):
        knn.predict(np.zeros((1, 3)))


def test_knn_on_the_bundled_sample_beats_chance_by_far() -> None:
    train, test = tl.data.MNIST.sample(), tl.data.MNIST.sample(train=False)
    knn = KNearestNeighbors(k=3).fit(train.data / 255.0, train.targets)
    assert knn.score(test.data[:300] / 255.0, test.targets[:300]) > 0.88


def test_registry() -> None:
    assert set(MODELS) == {"lenet5", "lenet5-1998", "mlp", "softmax", "knn"}
    assert MODELS["lenet5"].input_size == 32 and MODELS["mlp"].input_size == 28 and not MODELS["knn"].trainable
    assert isinstance(create_model("mlp", sizes=[784, 10]), MLP)
    with pytest.raises(ValueError, match="unknown model 'resnet'"):
        create_model("resnet")
