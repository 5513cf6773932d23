"""The convolution, pooling and padding modules beyond what PyTorch's module database checks
(tests/test_moduleinfo.py): state dicts moved both ways, reprs, padding modes, output_size, lazy
parameters, errors for a wrong input rank and drawings at module depth."""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad_lenet as tl
from tinygrad_lenet import nn, viz
from tinygrad_lenet.base.errors import ShapeError

REPRS = [
    ("Conv1d", (2, 4, 3), {"stride": 2, "padding": 1, "dilation": 2, "groups": 2, "bias": False}),
    ("Conv1d", (2, 4, 3), {"padding": "same", "padding_mode": "reflect"}),
    ("Conv2d", (1, 6, 5), {}),
    ("Conv3d", (2, 2, (1, 2, 3)), {"padding": "valid", "padding_mode": "circular"}),
    ("ConvTranspose2d", (4, 2, 3), {"stride": 2, "output_padding": 1, "groups": 2}),
    ("ConvTranspose3d", (1, 1, 2), {"dilation": 2, "padding": (0, 1, 0)}),
    ("LazyConv1d", (4, 3), {}),
    ("LazyConvTranspose2d", (4, 3), {"stride": 2}),
    ("MaxPool1d", (3,), {"return_indices": True}),
    ("MaxPool2d", ((2, 3), 1, 1, 2), {"ceil_mode": True}),
    ("AvgPool1d", (2,), {}),
    ("AvgPool2d", (2,), {"divisor_override": 3}),
    ("AvgPool3d", (2, 1), {}),
    ("AdaptiveMaxPool2d", ((3, None),), {}),
    ("AdaptiveAvgPool3d", (2,), {}),
    ("LPPool2d", (2, 3), {}),
    ("FractionalMaxPool2d", (2,), {"output_ratio": 0.5}),
    ("ReflectionPad2d", (1,), {}),
    ("ReplicationPad1d", ((1, 2),), {}),
    ("CircularPad3d", (1,), {}),
    ("ConstantPad1d", ((1, 2), 3.5), {}),
    ("ZeroPad2d", ((1, 0, 2, 0),), {}),
]


@pytest.mark.parametrize(("name", "args", "kwargs"), REPRS)
def test_repr_is_pytorchs(name: str, args: tuple, kwargs: dict) -> None:
    torch = pytest.importorskip("torch")
    assert repr(getattr(nn, name)(*args, **kwargs)) == repr(getattr(torch.nn, name)(*args, **kwargs))


@pytest.mark.parametrize(
    ("name", "args", "shape"),
    [("Conv1d", (4, 6, 3, 2, 1, 1, 2), (2, 4, 9)), ("ConvTranspose2d", (4, 6, 3, 2), (2, 4, 5, 5))],
)
def test_state_dict_moves_both_ways(name: str, args: tuple, shape: tuple[int, ...]) -> None:
    torch = pytest.importorskip("torch")
    theirs, ours = getattr(torch.nn, name)(*args).double(), getattr(nn, name)(*args).double()
    assert list(ours.state_dict()) == list(theirs.state_dict())
    ours.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
    x = np.random.default_rng(0).standard_normal(shape)
    expected = theirs(torch.from_numpy(x)).detach().numpy()
    np.testing.assert_allclose(ours(tl.tensor(x)).numpy(), expected, rtol=1e-10, atol=1e-12)
    back = getattr(torch.nn, name)(*args).double()
    back.load_state_dict({k: torch.from_numpy(v.numpy()) for k, v in ours.state_dict().items()})
    np.testing.assert_allclose(back(torch.from_numpy(x)).detach().numpy(), expected, rtol=1e-12)


@pytest.mark.parametrize("mode", ["reflect", "replicate", "circular"])
@pytest.mark.parametrize(("d", "padding"), [(1, 2), (2, "same"), (3, (1, 0, 2))])
def test_padding_modes_match_pytorch(mode: str, d: int, padding: int | str | tuple) -> None:
    torch = pytest.importorskip("torch")
    args, kwargs = (2, 3, 3 if d < 3 else (2, 3, 2)), {"padding": padding, "padding_mode": mode, "dilation": 2}
    theirs = getattr(torch.nn, f"Conv{d}d")(*args, **kwargs).double()
    ours = getattr(nn, f"Conv{d}d")(*args, **kwargs).double()
    ours.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
    x = np.random.default_rng(1).standard_normal((2, 2) + (7,) * d)
    np.testing.assert_allclose(
        ours(tl.tensor(x)).numpy(), theirs(torch.from_numpy(x)).detach().numpy(), rtol=1e-10, atol=1e-12
    )


def test_conv_transpose_output_size_matches_pytorch() -> None:
    torch = pytest.importorskip("torch")
    theirs = torch.nn.ConvTranspose2d(2, 3, 3, stride=3, padding=1).double()
    ours = nn.ConvTranspose2d(2, 3, 3, stride=3, padding=1).double()
    ours.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
    x = np.random.default_rng(2).standard_normal((1, 2, 4, 4))
    for size in ([10, 11], [1, 3, 12, 10]):
        expected = theirs(torch.from_numpy(x), output_size=size).detach().numpy()
        np.testing.assert_allclose(ours(tl.tensor(x), output_size=size).numpy(), expected, rtol=1e-12)
    with pytest.raises(ValueError, match="output_size .* is outside"):
        ours(tl.tensor(x), output_size=[13, 10])


def test_lazy_conv_takes_channels_and_keeps_its_parameter_objects() -> None:
    conv = nn.LazyConv2d(4, 3, groups=2)
    weight = conv.weight
    assert isinstance(weight, nn.UninitializedParameter) and repr(weight) == "<UninitializedParameter>"
    optimizer = tl.optim.SGD(conv.parameters(), lr=0.1)
    out = conv(tl.randn(1, 6, 5, 5))
    assert type(conv) is nn.Conv2d and conv.in_channels == 6 and out.shape == (1, 4, 3, 3)
    assert conv.weight is weight and type(weight) is nn.Parameter and weight.shape == (4, 3, 3, 3)
    out.sum().backward()
    optimizer.step()
    assert conv.bias is not None and conv.bias.grad is not None
    loaded = nn.LazyConvTranspose1d(2, 3).double()
    loaded.load_state_dict(nn.ConvTranspose1d(5, 2, 3).state_dict())
    assert loaded.weight.shape == (5, 2, 3) and loaded.weight.dtype == tl.float64
    assert loaded(tl.randn(5, 4, dtype=tl.float64)).shape == (2, 6) and type(loaded) is nn.ConvTranspose1d
    with pytest.raises(ValueError, match="groups=2 must divide the input's 3 channels"):
        nn.LazyConv1d(4, 3, groups=2)(tl.randn(3, 8))


@pytest.mark.parametrize(
    ("module", "shape", "message"),
    [
        (nn.Conv1d(2, 3, 3), (1, 2, 4, 4), r"Conv1d: expected a 2-D \(C, L\) or 3-D \(N, C, L\) input, got shape"),
        (nn.Conv3d(2, 3, 1, padding_mode="circular"), (2, 4, 4), "Conv3d: expected a 4-D"),
        (nn.ConvTranspose2d(2, 3, 1), (2, 4), "ConvTranspose2d: expected a 3-D"),
        (nn.LazyConv2d(3, 1), (2, 4), "LazyConv2d: expected a 3-D"),
        (nn.ReflectionPad2d(1), (4, 4), r"ReflectionPad2d: expected a 3-D \(C, H, W\) or 4-D"),
        (nn.ConstantPad3d(1, 0.5), (4, 4), "ConstantPad3d: expected at least 3 dims"),
        (
            nn.MaxPool1d(2),
            (1, 1, 4, 4),
            r"max_pool1d: expected a 2-D \(C, L\) or 3-D \(N, C, L\) input, got shape \(1, 1, 4, 4\)",
        ),
    ],
)
def test_wrong_input_rank_is_named(module: nn.Module, shape: tuple[int, ...], message: str) -> None:
    with pytest.raises(ShapeError, match=message):
        module(tl.randn(*shape))


def test_constructor_errors_name_the_argument() -> None:
    with pytest.raises(ValueError, match="Conv2d: padding='same' needs stride 1"):
        nn.Conv2d(1, 1, 3, stride=2, padding="same")
    with pytest.raises(ValueError, match="ConvTranspose1d: padding_mode must be one of"):
        nn.ConvTranspose1d(1, 1, 3, padding_mode="reflect")
    with pytest.raises(ValueError, match="Conv1d: groups=2 must divide in_channels=3"):
        nn.Conv1d(3, 4, 3, groups=2)
    with pytest.raises(TypeError, match="Conv3d: kernel_size must be an int or 3 ints"):
        nn.Conv3d(1, 1, (2, 2))
    with pytest.raises(TypeError, match="ZeroPad2d: padding must be an int or 4 ints"):
        nn.ZeroPad2d((1, 2))
    with pytest.raises(ValueError, match="FractionalMaxPool3d: give exactly one of output_size and output_ratio"):
        nn.FractionalMaxPool3d(2)


def test_new_modules_draw_as_boxes_at_module_depth() -> None:
    model = nn.Sequential(
        nn.ReflectionPad1d(1),
        nn.Conv1d(2, 4, 3),
        nn.MaxPool1d(2),
        nn.ConvTranspose1d(4, 2, 2, stride=2),
        nn.AdaptiveAvgPool1d(3),
    )
    loss = model(tl.randn(1, 2, 8, requires_grad=True)).sum()  # so that the first module's op is recorded
    source = viz.draw_graph(loss, params=model, depth=1).source
    for index, name in enumerate(["ReflectionPad1d", "Conv1d", "MaxPool1d", "ConvTranspose1d", "AdaptiveAvgPool1d"]):
        assert f'"{index}: {name}' in source, name
