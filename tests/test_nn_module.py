"""nn.Module: registration, traversal, modes, state_dict round trips and their errors."""

from __future__ import annotations

from collections import OrderedDict

import numpy as np
import pytest

import tinygrad_lenet as tl
from tinygrad_lenet import nn


class LeNet5(nn.Module):
    """The modern LeNet-5 of the lab reports, written as in PyTorch."""

    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.pool = nn.MaxPool2d(2)
        self.fc1 = nn.Linear(400, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x: tl.Tensor) -> tl.Tensor:
        x = self.pool(self.conv1(x).relu())
        x = self.pool(self.conv2(x).relu())
        x = x.flatten(1)
        return self.fc3(self.fc2(self.fc1(x).relu()).relu())


class WithBatchNorm(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(1, 4, 3), nn.BatchNorm2d(4), nn.ReLU())
        self.heads = nn.ModuleList([nn.Linear(4, 2), nn.Linear(4, 3)])
        self.scale = nn.Parameter(tl.ones(1))

    def forward(self, x: tl.Tensor) -> tl.Tensor:
        h = self.features(x).mean((2, 3))
        return tl.cat([head(h) for head in self.heads], 1) * self.scale


LENET_KEYS = [
    ("conv1.weight", (6, 1, 5, 5)),
    ("conv1.bias", (6,)),
    ("conv2.weight", (16, 6, 5, 5)),
    ("conv2.bias", (16,)),
    ("fc1.weight", (120, 400)),
    ("fc1.bias", (120,)),
    ("fc2.weight", (84, 120)),
    ("fc2.bias", (84,)),
    ("fc3.weight", (10, 84)),
    ("fc3.bias", (10,)),
]


def test_parameters_are_registered_by_attribute_assignment() -> None:
    model = LeNet5()
    assert [(k, p.shape) for k, p in model.named_parameters()] == LENET_KEYS
    assert model.num_parameters() == 61_706
    assert all(isinstance(p, nn.Parameter) and p.requires_grad for p in model.parameters())
    assert [name for name, _ in model.named_children()] == ["conv1", "conv2", "pool", "fc1", "fc2", "fc3"]
    assert len(list(model.modules())) == 7 and next(model.modules()) is model
    assert model.fc1.weight.shape == (120, 400)


def test_state_dict_keys_and_shapes_are_pytorch_names() -> None:
    model = WithBatchNorm()
    state = model.state_dict()
    assert [(k, v.shape) for k, v in state.items()] == [
        ("scale", (1,)),
        ("features.0.weight", (4, 1, 3, 3)),
        ("features.0.bias", (4,)),
        ("features.1.weight", (4,)),
        ("features.1.bias", (4,)),
        ("features.1.running_mean", (4,)),
        ("features.1.running_var", (4,)),
        ("features.1.num_batches_tracked", ()),
        ("heads.0.weight", (2, 4)),
        ("heads.0.bias", (2,)),
        ("heads.1.weight", (3, 4)),
        ("heads.1.bias", (3,)),
    ]
    assert all(isinstance(v, tl.Tensor) and not v.requires_grad for v in state.values())
    assert state["heads.0.weight"].size() == (2, 4)  # a tensor, so the PyTorch idioms on its values work
    state["heads.0.weight"].zero_()
    assert model.heads[0].weight.abs().sum().item() > 0  # a copy: changing it leaves the model alone
    assert [k for k, _ in model.named_buffers()] == [
        "features.1.running_mean",
        "features.1.running_var",
        "features.1.num_batches_tracked",
    ]


def test_a_non_persistent_buffer_is_converted_but_not_saved() -> None:
    class Scaled(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.register_buffer("scale", tl.ones(3), persistent=False)
            self.register_buffer("count", tl.zeros(1))

    module = Scaled().double()
    assert module.scale.dtype == np.float64 and list(module.state_dict()) == ["count"]
    assert [name for name, _ in module.named_buffers()] == ["scale", "count"]
    assert module.load_state_dict({"count": np.ones(1)}).missing_keys == []
    module.register_buffer("scale", module.scale)  # registered again, persistent: saved from now on
    assert list(module.state_dict()) == ["scale", "count"]


def test_state_dict_holds_copies() -> None:
    model = LeNet5()
    state = model.state_dict()
    model.fc3.bias.data += 1
    assert not np.array_equal(state["fc3.bias"], model.fc3.bias.numpy())


def test_state_dict_round_trip_gives_identical_outputs() -> None:
    tl.manual_seed(0)
    a, b = WithBatchNorm(), WithBatchNorm()
    x = tl.randn(3, 1, 5, 5)
    a(x)  # a training step moves the running statistics
    b.load_state_dict(a.state_dict())
    a.eval(), b.eval()
    np.testing.assert_array_equal(a(x).numpy(), b(x).numpy())
    assert b.features[1].num_batches_tracked.item() == 1


def test_load_state_dict_names_every_problem_and_changes_nothing() -> None:
    model = LeNet5()
    before = model.state_dict()
    bad = dict(before)
    del bad["fc3.bias"]
    bad["fc1.weight"] = np.zeros((120, 401))
    bad["extra.weight"] = np.zeros(3)
    bad["conv1.bias"] = np.ones(6)
    with pytest.raises(tl.StateDictError) as info:
        model.load_state_dict(bad)
    message = str(info.value)
    assert "missing key 'fc3.bias' (expected shape (10,))" in message
    assert "unexpected key 'extra.weight'" in message
    assert "'fc1.weight' has shape (120, 401) but the model expects (120, 400)" in message
    after = model.state_dict()
    assert all(np.array_equal(before[k], after[k]) for k in before)


def test_load_state_dict_non_strict_reports_keys_and_casts_dtype() -> None:
    model = LeNet5()
    partial = {"fc3.bias": np.arange(10, dtype=np.float64), "other": np.zeros(1)}
    result = model.load_state_dict(partial, strict=False)
    assert result.unexpected_keys == ["other"] and "fc3.weight" in result.missing_keys
    assert model.fc3.bias.dtype == tl.float32 and model.fc3.bias.tolist() == list(range(10))
    with pytest.raises(tl.StateDictError, match="has shape"):
        model.load_state_dict({"fc3.bias": np.zeros(3)}, strict=False)


def test_load_state_dict_takes_tensors_too() -> None:
    model = nn.Linear(2, 1)
    model.load_state_dict({"weight": tl.tensor([[1.0, 2.0]]), "bias": tl.tensor([0.5])})
    assert model(tl.tensor([[1.0, 1.0]])).item() == 3.5


def test_train_and_eval_reach_every_module() -> None:
    model = WithBatchNorm()
    assert all(m.training for m in model.modules())
    assert model.eval() is model
    assert not any(m.training for m in model.modules())
    model.train()
    assert all(m.training for m in model.modules())


def test_zero_grad_apply_requires_grad_and_dtype() -> None:
    model = WithBatchNorm()
    model(tl.randn(2, 1, 4, 4)).sum().backward()
    assert all(p.grad is not None for p in model.parameters())
    model.zero_grad(set_to_none=False)
    assert all((p.grad.numpy() == 0).all() for p in model.parameters())
    model.zero_grad()
    assert all(p.grad is None for p in model.parameters())
    seen = []
    model.apply(lambda m: seen.append(type(m).__name__))
    assert seen[-1] == "WithBatchNorm" and "BatchNorm2d" in seen
    model.requires_grad_(False)
    assert model.num_parameters(trainable_only=True) == 0 and model.num_parameters() > 0
    model.double()
    assert all(p.dtype == tl.float64 for p in model.parameters())
    assert model.features[1].running_mean.dtype == tl.float64
    assert model.features[1].num_batches_tracked.dtype == tl.int64
    assert model.to("cpu") is model


def test_repr_reads_like_pytorch() -> None:
    text = repr(nn.Sequential(nn.Conv2d(1, 6, 5), nn.ReLU(), nn.Sequential(nn.Flatten(), nn.Dropout(0.2))))
    assert text == (
        "Sequential(\n"
        "  (0): Conv2d(1, 6, kernel_size=(5, 5), stride=(1, 1))\n"
        "  (1): ReLU()\n"
        "  (2): Sequential(\n"
        "    (0): Flatten(start_dim=1, end_dim=-1)\n"
        "    (1): Dropout(p=0.2)\n"
        "  )\n"
        ")"
    )
    assert repr(nn.Parameter(tl.zeros(1))).startswith("Parameter containing:\ntensor([0.]")


def test_sequential_and_module_list_containers() -> None:
    seq = nn.Sequential(OrderedDict([("fc", nn.Linear(2, 3)), ("act", nn.ReLU())]))
    assert [k for k, _ in seq.named_parameters()] == ["fc.weight", "fc.bias"]
    assert isinstance(seq[0], nn.Linear) and len(seq) == 2 and isinstance(seq[-1], nn.ReLU)
    assert isinstance(seq[:1], nn.Sequential) and len(seq[:1]) == 1
    assert [type(m).__name__ for m in seq] == ["Linear", "ReLU"]
    layers = nn.ModuleList([nn.Linear(1, 1)]).append(nn.Linear(1, 2))
    assert len(layers) == 2 and layers[1].out_features == 2 and len(list(layers.parameters())) == 4
    assert [type(m) for m in layers] == [nn.Linear, nn.Linear]
    with pytest.raises(TypeError, match="Sequential holds Modules, got function"):
        nn.Sequential(lambda x: x)


def test_shared_parameters_are_listed_once() -> None:
    shared = nn.Linear(2, 2)
    model = nn.Sequential(shared, shared)
    assert len(list(model.parameters())) == 2


def test_module_attribute_errors_and_deletion() -> None:
    class Forgot(nn.Module):
        def __init__(self) -> None:
            self.fc = nn.Linear(1, 1)

    with pytest.raises(AttributeError, match=r"call super\(\).__init__\(\)"):
        Forgot()
    model = nn.Linear(1, 1)
    with pytest.raises(AttributeError, match="'Linear' object has no attribute 'wieght'"):
        _ = model.wieght  # reading the misspelt attribute raises
    del model.bias
    assert [k for k, _ in model.named_parameters()] == ["weight"]
    model.note = "plain attribute"
    assert model.note == "plain attribute" and "note" not in model.state_dict()
    with pytest.raises(NotImplementedError, match="must define forward"):
        nn.Module()(1)


def test_linear_without_bias_and_none_parameter() -> None:
    layer = nn.Linear(3, 2, bias=False)
    assert layer.bias is None and [k for k, _ in layer.named_parameters()] == ["weight"]
    assert "bias" not in layer.state_dict()


def test_a_reassigned_submodule_or_parameter_keeps_its_place() -> None:
    model = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
    model.w = nn.Parameter(tl.zeros(1))
    model.v = nn.Parameter(tl.zeros(1))
    setattr(model, "0", nn.Linear(2, 3, bias=False))
    model.w = nn.Parameter(tl.ones(1))
    assert [name for name, _ in model.named_children()] == ["0", "1", "2"]
    assert list(model.state_dict()) == ["w", "v", "0.weight", "2.weight", "2.bias"]
    assert model.w.item() == 1.0
