"""What PyTorch's module database does not check for the normalization, activation and loss modules and
Bilinear: state_dict keys and reprs equal to PyTorch's, running statistics, buffers following ``double``,
PyTorch's deprecated reduction flags, and clear errors for wrong shapes and arguments."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import tinygrad_lenet as tl
from tinygrad_lenet import nn
from tinygrad_lenet.base.errors import ShapeError


@pytest.fixture
def torch() -> Any:
    return pytest.importorskip("torch", reason="PyTorch is not installed (make parity installs torch==2.13.0)")


def _both(torch: Any, name: str, *args: Any, **kwargs: Any) -> tuple[Any, nn.Module]:
    """PyTorch's module and ours, made with the same arguments (tensors converted)."""
    ours_kwargs = {k: tl.tensor(v.numpy()) if isinstance(v, torch.Tensor) else v for k, v in kwargs.items()}
    return getattr(torch.nn, name)(*args, **kwargs), getattr(nn, name)(*args, **ours_kwargs)


WEIGHTED = [
    ("NLLLoss", {"weight": [1.0, 2.0, 3.0]}),
    ("CrossEntropyLoss", {"weight": [1.0, 2.0, 3.0], "label_smoothing": 0.1}),
    ("BCELoss", {"weight": [1.0, 2.0, 3.0]}),
    ("BCEWithLogitsLoss", {"weight": [1.0, 2.0, 3.0], "pos_weight": [0.5, 1.0, 2.0]}),
    ("BCEWithLogitsLoss", {"pos_weight": [0.5, 1.0, 2.0]}),
    ("MultiMarginLoss", {"weight": [1.0, 2.0, 3.0]}),
    ("MultiLabelSoftMarginLoss", {"weight": [1.0, 2.0, 3.0]}),
    ("NLLLoss", {}),
]


@pytest.mark.parametrize(("name", "kwargs"), WEIGHTED, ids=[f"{n}-{sorted(k)}" for n, k in WEIGHTED])
def test_loss_weights_are_buffers_with_pytorchs_keys(torch: Any, name: str, kwargs: dict[str, list[float]]) -> None:
    theirs, ours = _both(torch, name, **{k: torch.tensor(v) for k, v in kwargs.items()})
    assert list(ours.state_dict()) == list(theirs.state_dict())
    for key, value in theirs.state_dict().items():
        np.testing.assert_array_equal(ours.state_dict()[key].numpy(), value.numpy())
    assert all(b.dtype == tl.float64 for b in ours.double().buffers())


STATE_DICTS = [
    ("BatchNorm1d", (3,), {"affine": False}),
    ("BatchNorm2d", (3,), {"track_running_stats": False}),
    ("BatchNorm3d", (3,), {"bias": False}),
    ("InstanceNorm2d", (3,), {"affine": True, "track_running_stats": True}),
    ("InstanceNorm1d", (3,), {}),
    ("GroupNorm", (2, 4), {"bias": False}),
    ("PReLU", (3,), {"init": 0.1}),
    ("Bilinear", (2, 3, 4), {}),
    ("LinearCrossEntropyLoss", (4, 5), {"out_features": (2,), "bias": True}),
]


@pytest.mark.parametrize(("name", "args", "kwargs"), STATE_DICTS, ids=[f"{n}-{sorted(k)}" for n, _, k in STATE_DICTS])
def test_state_dict_keys_and_shapes_equal_pytorchs(torch: Any, name: str, args: tuple, kwargs: dict) -> None:
    theirs, ours = _both(torch, name, *args, **kwargs)
    assert {k: tuple(v.shape) for k, v in ours.state_dict().items()} == {
        k: tuple(v.shape) for k, v in theirs.state_dict().items()
    }
    ours.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})


REPRS = [
    ("CELU", (2.0, True)),
    ("GLU", ()),
    ("Hardshrink", (0.3,)),
    ("Softshrink", ()),
    ("Hardtanh", (-2.0, 3.0)),
    ("Threshold", (0.1, 20.0)),
    ("SELU", (True,)),
    ("Softmin", (1,)),
    ("Softmax2d", ()),
    ("PReLU", (3,)),
    ("LogSigmoid", ()),
    ("GroupNorm", (2, 4)),
    ("InstanceNorm3d", (3,)),
    ("BatchNorm1d", (3,)),
    ("LocalResponseNorm", (2,)),
    ("Bilinear", (2, 3, 4, False)),
    ("LinearCrossEntropyLoss", (4, 5)),
]


@pytest.mark.parametrize(("name", "args"), REPRS, ids=[n for n, _ in REPRS])
def test_repr_equals_pytorchs(torch: Any, name: str, args: tuple) -> None:
    theirs, ours = _both(torch, name, *args)
    assert repr(ours) == repr(theirs)


def test_instance_norm_running_statistics_follow_pytorchs(torch: Any) -> None:
    x = np.random.default_rng(0).normal(2.0, 3.0, size=(4, 3, 5, 6))
    theirs, ours = _both(torch, "InstanceNorm2d", 3, affine=True, track_running_stats=True, momentum=0.3)
    theirs, ours = theirs.double(), ours.double()
    for _ in range(2):
        theirs(torch.tensor(x))
        ours(tl.tensor(x))
    for key in ("running_mean", "running_var"):
        np.testing.assert_allclose(ours.state_dict()[key].numpy(), theirs.state_dict()[key].numpy(), rtol=1e-12)
    theirs.eval(), ours.eval()
    np.testing.assert_allclose(ours(tl.tensor(x)).numpy(), theirs(torch.tensor(x)).detach().numpy(), rtol=1e-10)


def test_batch_norm_passes_an_empty_batch_through_as_pytorch(torch: Any) -> None:
    theirs, ours = _both(torch, "BatchNorm2d", 3)
    out = ours(tl.zeros(0, 3, 2, 2, requires_grad=True))
    theirs(torch.zeros(0, 3, 2, 2))
    assert out.shape == (0, 3, 2, 2)
    for key, value in theirs.state_dict().items():
        np.testing.assert_array_equal(ours.state_dict()[key].numpy(), value.numpy())
    with pytest.raises(ValueError, match="more than 1 value per channel"):
        ours(tl.zeros(1, 3, 1, 1))


@pytest.mark.filterwarnings("ignore:size_average and reduce args will be deprecated")
def test_deprecated_reduction_flags_map_as_pytorchs(torch: Any) -> None:
    for flags in ({"size_average": False}, {"reduce": False}, {"size_average": True, "reduce": True}):
        for name in ("MSELoss", "SoftMarginLoss", "MarginRankingLoss", "NLLLoss", "PoissonNLLLoss"):
            theirs, ours = _both(torch, name, **flags)
            assert ours.reduction == theirs.reduction, (name, flags)


def test_wrong_shapes_and_arguments_say_what_was_expected() -> None:
    with pytest.raises(ShapeError, match=r"GroupNorm: expected input of shape \(N, 4, \.\.\.\)"):
        nn.GroupNorm(2, 4)(tl.zeros(2, 3, 5))
    with pytest.raises(ValueError, match="divisible by num_groups"):
        nn.GroupNorm(3, 4)
    with pytest.raises(ShapeError, match="InstanceNorm2d: expected 3-d .* or 4-d input"):
        nn.InstanceNorm2d(3)(tl.zeros(2, 3))
    with pytest.raises(ShapeError, match="InstanceNorm1d: expected input with 3 channels"):
        nn.InstanceNorm1d(3, affine=True)(tl.zeros(2, 4, 5))
    with pytest.warns(UserWarning, match="affine=False"):
        nn.InstanceNorm1d(3)(tl.randn(2, 4, 5))
    with pytest.raises(ShapeError, match="BatchNorm3d.*5 dims"):
        nn.BatchNorm3d(3)(tl.zeros(2, 3, 4, 4))
    with pytest.raises(ShapeError, match="Softmax2d: expected"):
        nn.Softmax2d()(tl.zeros(2, 3))
    with pytest.raises(ShapeError, match="bilinear"):
        nn.Bilinear(2, 3, 4)(tl.zeros(5, 2), tl.zeros(5, 2))
    with pytest.raises(ValueError, match="p must be 1 or 2"):
        nn.MultiMarginLoss(p=3)
    with pytest.raises(ValueError, match="max_val"):
        nn.Hardtanh(1.0, -1.0)
    with pytest.raises(ValueError, match=r"weight must have shape \(5,\)"):
        nn.LinearCrossEntropyLoss(4, 5, weight=tl.ones(4))


def test_prelu_learns_one_slope_per_channel() -> None:
    prelu = nn.PReLU(3, init=0.5).double()
    x = tl.tensor(-np.ones((2, 3, 4)), requires_grad=True)
    prelu(x).sum().backward()
    np.testing.assert_allclose(prelu.weight.grad.numpy(), [-8.0, -8.0, -8.0])
    assert tl.gradcheck(prelu, [tl.tensor(np.linspace(-2, 2, 24).reshape(2, 3, 4) + 0.01, requires_grad=True)])
