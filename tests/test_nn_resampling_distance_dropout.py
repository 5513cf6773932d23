"""The modules module_db does not list but PyTorch users reach for: resampling (Upsample, PixelShuffle,
Fold, ...), distances and triplet losses, EmbeddingBag, RReLU/Hardsigmoid and the dropout family. Each
is built with the same arguments in both frameworks, given the same weights, and compared (values,
input gradients and repr); random ones by their eval output and their training statistics."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import tinygrad_lenet as tl
from tinygrad_lenet import nn

torch = pytest.importorskip("torch", reason="PyTorch is not installed (make parity installs torch==2.13.0)")

RNG = np.random.default_rng(0)


def x(*shape: int) -> np.ndarray:
    return RNG.standard_normal(shape)


CASES: list[tuple[str, tuple, dict, Callable[[], list[np.ndarray]]]] = [
    ("Upsample", (), {"scale_factor": 2, "mode": "nearest"}, lambda: [x(2, 3, 4, 5)]),
    ("Upsample", (), {"size": (7, 9), "mode": "bilinear", "align_corners": False}, lambda: [x(2, 3, 4, 5)]),
    ("Upsample", (), {"scale_factor": 1.5, "mode": "linear"}, lambda: [x(2, 3, 6)]),
    ("UpsamplingNearest2d", (), {"scale_factor": 3}, lambda: [x(1, 2, 3, 3)]),
    ("UpsamplingBilinear2d", (), {"size": 6}, lambda: [x(1, 2, 3, 4)]),
    ("PixelShuffle", (2,), {}, lambda: [x(2, 8, 3, 3)]),
    ("PixelUnshuffle", (2,), {}, lambda: [x(2, 2, 4, 6)]),
    ("ChannelShuffle", (3,), {}, lambda: [x(2, 6, 2, 2)]),
    ("Unfold", (), {"kernel_size": (2, 3), "dilation": 1, "padding": 1, "stride": 2}, lambda: [x(2, 3, 5, 6)]),
    ("Fold", (), {"output_size": (4, 5), "kernel_size": 2}, lambda: [x(2, 12, 12)]),
    ("CosineSimilarity", (), {"dim": 1}, lambda: [x(4, 5), x(4, 5)]),
    ("PairwiseDistance", (), {"p": 3.0, "keepdim": True}, lambda: [x(4, 5), x(4, 5)]),
    ("TripletMarginLoss", (), {"margin": 0.5, "swap": True}, lambda: [x(6, 4), x(6, 4), x(6, 4)]),
    ("TripletMarginWithDistanceLoss", (), {"margin": 2.0, "reduction": "sum"}, lambda: [x(6, 4), x(6, 4), x(6, 4)]),
    ("Hardsigmoid", (), {}, lambda: [4 * x(3, 7)]),
    ("RReLU", (0.1, 0.3), {}, lambda: [x(3, 7)]),  # compared in eval: the mean slope
]


def ours_and_theirs(name: str, args: tuple, kwargs: dict) -> tuple[Any, Any]:
    theirs = getattr(torch.nn, name)(*args, **kwargs).double()
    ours = getattr(nn, name)(*args, **kwargs).double()
    ours.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
    return ours, theirs


@pytest.mark.parametrize(("name", "args", "kwargs", "inputs"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_module_matches_pytorch(name: str, args: tuple, kwargs: dict, inputs: Callable) -> None:
    ours, theirs = ours_and_theirs(name, args, kwargs)
    if name == "RReLU":
        ours.eval(), theirs.eval()
    arrays = inputs()
    mine = [tl.tensor(a, requires_grad=True) for a in arrays]
    their = [torch.tensor(a, requires_grad=True) for a in arrays]
    out, expected = ours(*mine), theirs(*their)
    np.testing.assert_allclose(out.numpy(), expected.detach().numpy(), rtol=1e-10, atol=1e-12)
    weights = RNG.standard_normal(expected.shape)
    (out * tl.tensor(weights)).sum().backward()
    (expected * torch.tensor(weights)).sum().backward()
    rtol = 1e-7 if name == "Hardsigmoid" else 1e-9  # PyTorch's hardsigmoid backward uses 1/6 as a float32 constant
    for a, b in zip(mine, their, strict=True):
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=rtol, atol=1e-12)
    if not name.endswith("Loss"):  # a loss's repr shows its reduction here, not in PyTorch (docs/nn.md)
        assert repr(ours) == repr(theirs)


@pytest.mark.parametrize(
    "kwargs",
    [{"mode": "mean"}, {"mode": "sum"}, {"mode": "max"}, {"mode": "mean", "padding_idx": 2}],
    ids=lambda k: "-".join(f"{a}={b}" for a, b in k.items()),
)
def test_embedding_bag_matches_pytorch(kwargs: dict) -> None:
    ours, theirs = ours_and_theirs("EmbeddingBag", (10, 4), kwargs)
    indices = np.array([1, 2, 4, 5, 4, 3, 2, 9], dtype=np.int64)
    offsets = np.array([0, 3, 3, 6], dtype=np.int64)  # the second bag is empty
    out = ours(tl.tensor(indices), tl.tensor(offsets))
    expected = theirs(torch.tensor(indices), torch.tensor(offsets))
    np.testing.assert_allclose(out.numpy(), expected.detach().numpy(), rtol=1e-12)
    weights = RNG.standard_normal(expected.shape)
    (out * tl.tensor(weights)).sum().backward()
    (expected * torch.tensor(weights)).sum().backward()
    np.testing.assert_allclose(ours.weight.grad.numpy(), theirs.weight.grad.numpy(), rtol=1e-12)
    assert repr(ours) == repr(theirs) and sorted(ours.state_dict()) == sorted(theirs.state_dict())


def test_embedding_bag_starts_like_pytorch_and_refuses_a_bad_mode() -> None:
    bag = nn.EmbeddingBag(1000, 8, padding_idx=-1)
    assert bag.padding_idx == 999 and not bag.weight.numpy()[999].any()
    assert abs(bag.weight.numpy()[:999].std() - 1) < 0.05  # N(0, 1), as PyTorch
    with pytest.raises(ValueError, match="mode must be 'sum', 'mean' or 'max'"):
        nn.EmbeddingBag(10, 4, mode="median")


@pytest.mark.parametrize(
    ("name", "shape", "channels"),
    [
        ("Dropout", (200, 50), False),
        ("Dropout1d", (40, 30, 9), True),
        ("Dropout2d", (40, 30, 3, 3), True),
        ("Dropout3d", (40, 30, 2, 2, 2), True),
        ("AlphaDropout", (200, 50), False),
        ("FeatureAlphaDropout", (40, 30, 3, 3), True),
    ],
)
def test_dropout_modules_pass_through_in_eval_and_drop_in_training(
    name: str, shape: tuple[int, ...], channels: bool
) -> None:
    ours, theirs = getattr(nn, name)(0.3), getattr(torch.nn, name)(0.3)
    assert repr(ours).startswith(f"{name}(p=0.3")
    data = x(*shape)
    np.testing.assert_array_equal(ours.eval()(tl.tensor(data)).numpy(), theirs.eval()(torch.tensor(data)).numpy())
    out = ours.train()(tl.tensor(data)).numpy()
    kept = out == data * (1 / 0.7) if "Alpha" not in name else np.isclose(out, out)  # alpha: an affine map of all
    changed = ~np.isclose(out, data / 0.7)
    if channels:  # one draw per (sample, channel): a channel is dropped whole or kept whole
        per_channel = changed.reshape(shape[0], shape[1], -1)
        assert (per_channel.all(axis=2) | ~per_channel.any(axis=2)).all()
    if "Alpha" not in name:
        assert 0.2 < 1 - kept.mean() < 0.4
    with pytest.raises(ValueError, match="p must be a probability"):
        getattr(nn, name)(1.5)


def test_rrelu_draws_slopes_within_its_bounds_in_training() -> None:
    data = -np.abs(x(1000)) - 0.1
    slopes = nn.RReLU(0.1, 0.3).train()(tl.tensor(data)).numpy() / data
    assert slopes.min() >= 0.1 and slopes.max() <= 0.3 and slopes.std() > 0.03
