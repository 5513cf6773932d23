"""tl.compile: a replayed training step gives eager mode's loss, gradients and parameters (to float32
round-off, to 1e-12 in float64), and whatever replay cannot represent runs eagerly with a warning."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_lenet as tl
import tinygrad_lenet.nn.functional as F
from models.lenet5 import LeNet5
from models.lenet5_1998 import LeNet5_1998
from models.mlp import MLP, SoftmaxRegression
from tinygrad_lenet import nn
from tinygrad_lenet.bench.workloads import _examples_net
from tinygrad_lenet.compiler import CompileError, CompileWarning

TOLERANCE = {"float32": 2e-5, "float64": 1e-12}


def _train(
    make: Callable[[], nn.Module],
    compiled: bool,
    dtype: str,
    shape: tuple[int, ...],
    loss: Callable[[tl.Tensor, tl.Tensor], tl.Tensor] = F.cross_entropy,
    steps: int = 4,
) -> tuple[list[float], list[np.ndarray], list[np.ndarray]]:
    """Losses, last gradients and final parameters of ``steps`` steps from seed 0 on random data.

    SGD with momentum: Adam divides by sqrt(v), so where a gradient is ~0 its round-off becomes a
    step of up to lr in either direction (in eager mode as much as compiled)."""
    tl.manual_seed(0)
    model = make()
    if dtype == "float64":
        model = model.double()
    opt = tl.optim.SGD(model.parameters(), lr=1e-2, momentum=0.9)
    forward = tl.compile(model, fullgraph=True) if compiled else model
    rng = np.random.default_rng(1)
    losses, grads = [], []
    for _ in range(steps):
        x = tl.tensor(rng.standard_normal(shape).astype(dtype))
        y = tl.tensor(rng.integers(0, 10, shape[0]))
        opt.zero_grad()
        value = loss(forward(x), y)
        value.backward()
        grads = [p.grad.numpy().copy() for p in model.parameters()]
        opt.step()
        losses.append(value.item())
    return losses, grads, [p.numpy().copy() for p in model.parameters()]


def _assert_close(eager: Any, compiled: Any, dtype: str) -> None:
    tol = TOLERANCE[dtype]
    np.testing.assert_allclose(compiled[0], eager[0], rtol=tol, atol=tol)
    for name, a, b in (("gradient", eager[1], compiled[1]), ("parameter", eager[2], compiled[2])):
        for e, c in zip(a, b):
            scale = max(np.abs(e).max(), 1e-3)
            assert np.abs(e - c).max() <= tol * scale * 10, f"{name} differs by {np.abs(e - c).max()} (scale {scale})"


def _nll(out: tl.Tensor, y: tl.Tensor) -> tl.Tensor:
    return F.nll_loss(out, y)


MODELS: dict[str, tuple[Callable[[], nn.Module], tuple[int, ...], Callable[..., tl.Tensor]]] = {
    "lenet5": (LeNet5, (8, 1, 32, 32), F.cross_entropy),
    "mlp": (lambda: MLP(), (8, 1, 28, 28), F.cross_entropy),
    "softmax": (lambda: SoftmaxRegression(), (8, 1, 28, 28), F.cross_entropy),
    "examples-net": (lambda: _examples_net(tl), (4, 1, 28, 28), _nll),
}


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", sorted(MODELS))
def test_a_compiled_training_step_gives_the_eager_one(name: str, dtype: str) -> None:
    make, shape, loss = MODELS[name]
    _assert_close(_train(make, False, dtype, shape, loss), _train(make, True, dtype, shape, loss), dtype)


def test_the_1998_lenet5_compiled_gives_the_eager_step() -> None:
    """Its table convolution, squashing and RBF output replay op by op (41 kernels, no graph break)."""

    def loss(out: tl.Tensor, y: tl.Tensor) -> tl.Tensor:
        return out.sum() * 1e-3

    eager = _train(LeNet5_1998, False, "float64", (4, 1, 32, 32), loss)
    _assert_close(eager, _train(LeNet5_1998, True, "float64", (4, 1, 32, 32), loss), "float64")


def test_the_lenet5_replay_runs_the_fused_kernels_it_plans() -> None:
    model = tl.compile(LeNet5())
    x = tl.randn(4, 1, 32, 32)
    for _ in range(3):
        model(x)
    plan = model.plan()
    assert plan.count("Conv2d+Relu+MaxPool2d") == 2 and plan.count("Linear+Relu") == 2, plan
    assert "columns X'" in plan and "planned buffers" in plan


def test_draw_plan_shows_the_kernels_the_ops_they_replaced_and_the_named_parameters() -> None:
    model = tl.compile(LeNet5())
    with pytest.raises(ValueError, match="nothing recorded yet"):
        tl.viz.draw_plan(model)
    model(tl.randn(2, 1, 32, 32))
    source = tl.viz.draw_plan(model).source
    assert "0. Conv2d+Relu+MaxPool2d" in source and "replaces Conv2d, Relu, MaxPool2d" in source
    assert "conv1.weight" in source and "fc3.bias" in source and "columns X'" in source
    with pytest.raises(TypeError, match="what tl.compile returned"):
        tl.viz.draw_plan(LeNet5())


class _SmallConvNet(nn.Module):
    def __init__(self, c: int, o: int, k: int, pad: int, relu: bool, pool: bool, bias: bool) -> None:
        super().__init__()
        self.conv = nn.Conv2d(c, o, k, padding=pad, bias=bias)
        self.relu, self.pool = relu, pool
        self.fc = nn.LazyLinear(3) if hasattr(nn, "LazyLinear") else None

    def forward(self, x: tl.Tensor) -> tl.Tensor:
        y = self.conv(x)
        if self.relu:
            y = F.relu(y)
        if self.pool:
            y = F.max_pool2d(y, 2)
        return (y * y).sum(dim=(2, 3))


@settings(max_examples=25, deadline=None)
@given(
    n=st.integers(1, 3),
    c=st.integers(1, 3),
    o=st.integers(1, 4),
    k=st.integers(1, 3),
    size=st.integers(4, 9),
    pad=st.integers(0, 1),
    relu=st.booleans(),
    pool=st.booleans(),
    bias=st.booleans(),
    input_grad=st.booleans(),
    seed=st.integers(0, 2**16),
)
def test_random_small_conv_nets_replay_their_eager_gradients(
    n: int, c: int, o: int, k: int, size: int, pad: int, relu: bool, pool: bool, bias: bool, input_grad: bool, seed: int
) -> None:
    tl.manual_seed(seed)
    model = _SmallConvNet(c, o, k, pad, relu, pool, bias).double()
    compiled = tl.compile(model, fullgraph=True)
    rng = np.random.default_rng(seed)
    for _ in range(3):
        x = rng.standard_normal((n, c, size, size))
        results = []
        for forward in (model, compiled):
            xt = tl.tensor(x, requires_grad=input_grad)
            model.zero_grad()
            out = forward(xt)
            out.sum().backward()
            grads = [p.grad.numpy().copy() for p in model.parameters()]
            results.append((out.numpy().copy(), grads, xt.grad.numpy().copy() if input_grad else None))
        (out_e, g_e, x_e), (out_c, g_c, x_c) = results
        np.testing.assert_allclose(out_c, out_e, rtol=1e-12, atol=1e-12)
        for a, b in zip(g_c, g_e):
            np.testing.assert_allclose(a, b, rtol=1e-11, atol=1e-11)
        if input_grad:
            np.testing.assert_allclose(x_c, x_e, rtol=1e-11, atol=1e-11)


def test_a_new_batch_size_is_recorded_again_and_both_replay() -> None:
    model = LeNet5().double()
    compiled = tl.compile(model, fullgraph=True)
    for n in (2, 3, 2, 3, 2, 3):
        x = tl.randn(n, 1, 32, 32, dtype=tl.float64)
        np.testing.assert_allclose(compiled(x).numpy(), model(x).numpy(), rtol=1e-12, atol=1e-12)
    assert len(compiled.compiler.cache) == 2


def test_no_grad_inference_and_eval_mode_replay_the_eager_outputs() -> None:
    model = LeNet5(dropout=0.0)
    compiled = tl.compile(model, fullgraph=True)
    x = tl.randn(5, 1, 32, 32)
    with tl.no_grad():
        outs = [compiled(x).numpy().copy() for _ in range(3)]
    assert compiled(x).grad_fn is not None
    for out in outs:
        np.testing.assert_allclose(out, model(x).numpy(), rtol=1e-5, atol=1e-6)


def test_two_outputs_alive_at_once_each_get_their_own_gradients() -> None:
    model = LeNet5().double()
    compiled = tl.compile(model, fullgraph=True)
    x1, x2 = tl.randn(2, 1, 32, 32, dtype=tl.float64), tl.randn(2, 1, 32, 32, dtype=tl.float64)
    for _ in range(3):  # record, check, then replay
        compiled(x1)
    a, b = compiled(x1), compiled(x2)
    (a.sum() + 2 * b.sum()).backward()
    replayed = [p.grad.numpy().copy() for p in model.parameters()]
    model.zero_grad()
    (model(x1).sum() + 2 * model(x2).sum()).backward()
    for r, e in zip(replayed, (p.grad.numpy() for p in model.parameters())):
        np.testing.assert_allclose(r, e, rtol=1e-11, atol=1e-12)
    assert a.numpy() is not b.numpy() and not np.allclose(a.numpy(), b.numpy())


def test_a_compiled_function_with_the_loss_inside_replays_with_new_targets() -> None:
    model = LeNet5().double()

    @tl.compile(fullgraph=True)
    def loss_of(x: tl.Tensor, y: tl.Tensor) -> tl.Tensor:
        return F.mse_loss(model(x), y)

    rng = np.random.default_rng(0)
    for _ in range(4):
        x = tl.tensor(rng.standard_normal((6, 1, 32, 32)))
        y = tl.tensor(np.eye(10)[rng.integers(0, 10, 6)])
        model.zero_grad()
        loss_of(x, y).backward()
        replayed = [p.grad.numpy().copy() for p in model.parameters()]
        model.zero_grad()
        F.mse_loss(model(x), y).backward()
        for r, e in zip(replayed, (p.grad.numpy() for p in model.parameters())):
            np.testing.assert_allclose(r, e, rtol=1e-11, atol=1e-13)


LOSSES: dict[str, Callable[[tl.Tensor, tl.Tensor], tl.Tensor]] = {
    "cross_entropy": lambda out, y: F.cross_entropy(out, y, label_smoothing=0.1),
    "nll_loss": lambda out, y: F.nll_loss(out.log_softmax(1), y),
}


@pytest.mark.parametrize("loss_name", sorted(LOSSES))
def test_a_class_index_loss_inside_a_compiled_function_replays_with_new_targets(loss_name: str) -> None:
    """cross_entropy and nll_loss with class indices are ops with the targets as an input: the recording
    sees them, so the loss is replayed (no fallback) and new targets give eager mode's loss and gradients."""
    model, loss_of = LeNet5().double(), LOSSES[loss_name]
    compiled = tl.compile(lambda x, y: loss_of(model(x), y))
    rng = np.random.default_rng(0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", CompileWarning)
        for _ in range(4):
            x, y = tl.tensor(rng.standard_normal((6, 1, 32, 32))), tl.tensor(rng.integers(0, 10, 6))
            model.zero_grad()
            loss = compiled(x, y)
            loss.backward()
            replayed = [p.grad.numpy().copy() for p in model.parameters()]
            model.zero_grad()
            eager = loss_of(model(x), y)
            eager.backward()
            assert loss.item() == pytest.approx(eager.item(), rel=1e-12)
            for r, e in zip(replayed, (p.grad.numpy() for p in model.parameters())):
                np.testing.assert_allclose(r, e, rtol=1e-10, atol=1e-13)


@pytest.mark.parametrize("loss_name", sorted(LOSSES))
@pytest.mark.parametrize("bad", [-1, 10])
def test_a_replayed_loss_refuses_targets_outside_the_classes_as_eager_mode_does(loss_name: str, bad: int) -> None:
    # a replay once took -1 for the last class and raised numpy's IndexError for 10
    model, loss_of = nn.Linear(4, 10), LOSSES[loss_name]
    compiled = tl.compile(lambda x, y: loss_of(model(x), y))
    x = tl.randn(3, 4)
    for _ in range(3):  # recorded, verified, replayed
        compiled(x, tl.tensor([0, 9, 5]))
    for run in (compiled, lambda x, y: loss_of(model(x), y)):
        with pytest.raises(ValueError, match=rf"{loss_name}: target values must be class indices in \[0, 9\]"):
            run(x, tl.tensor([0, bad, 5]))


class _ItemInForward(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(4, 2)

    def forward(self, x: tl.Tensor) -> tl.Tensor:
        y = self.fc(x)
        return y * 2 if y.sum().item() > 0 else y * -1


class _ValuesOutsideOps(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(4, 2)

    def forward(self, x: tl.Tensor) -> tl.Tensor:
        return self.fc(x) + tl.Tensor(x._array[:, :2] * 2)  # read from x's array: invisible to the recorder


class _CountsCalls(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(4, 2)
        self.register_buffer("calls", tl.zeros(1))

    def forward(self, x: tl.Tensor) -> tl.Tensor:
        self.calls._array = self.calls._array + 1  # a buffer changed outside the ops
        return self.fc(x)


@pytest.mark.parametrize(
    ("module", "cause"),
    [
        (_ItemInForward, "item()"),
        (_ValuesOutsideOps, "differed from eager mode"),
        (lambda: nn.Sequential(nn.Linear(4, 4), nn.BatchNorm1d(4)), "batch norm updated its running statistics"),
        (_CountsCalls, "the module changed its buffers"),
    ],
)
def test_what_replay_cannot_represent_runs_eagerly_with_one_warning_naming_the_cause(
    module: Callable[[], nn.Module], cause: str
) -> None:
    tl.manual_seed(0)
    model = module()
    compiled = tl.compile(model)
    rng = np.random.default_rng(0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for _ in range(4):
            x = tl.tensor(rng.standard_normal((3, 4)).astype("float32"))
            tl.manual_seed(1)
            expected = model(x).numpy().copy()
            tl.manual_seed(1)
            np.testing.assert_array_equal(compiled(x).numpy(), expected)
    notes = [str(w.message) for w in caught if issubclass(w.category, CompileWarning)]
    assert len(notes) == 1 and cause in notes[0], notes
    with pytest.raises(CompileError, match="cannot be replayed"):
        strict = tl.compile(module(), fullgraph=True)
        for _ in range(3):
            strict(tl.tensor(rng.standard_normal((3, 4)).astype("float32")))


def test_forward_hooks_and_random_numbers_outside_ops_are_graph_breaks() -> None:
    model = nn.Linear(3, 2)
    model.register_forward_hook(lambda m, i, o: None)
    with pytest.raises(CompileError, match="forward hooks"):
        tl.compile(model, fullgraph=True)(tl.randn(2, 3))

    def noisy(x: tl.Tensor) -> tl.Tensor:
        return x + tl.randn(*x.shape)

    with pytest.raises(CompileError, match="random numbers drawn outside an op"):
        tl.compile(noisy, fullgraph=True)(tl.randn(2, 3))


def test_disable_and_the_eager_backend_return_eager_results_and_the_cache_is_bounded() -> None:
    model = nn.Linear(3, 2)
    assert tl.compile(model, disable=True) is model
    eager = tl.compile(model, backend="eager")
    x = tl.randn(2, 3)
    for _ in range(3):
        np.testing.assert_array_equal(eager(x).numpy(), model(x).numpy())
    assert not eager.compiler.cache
    bounded = tl.compile(model)
    with pytest.warns(CompileWarning, match="cache_size_limit"):
        for n in range(1, 11):
            bounded(tl.randn(n, 3))
    assert len(bounded.compiler.cache) == 8


def test_the_compiled_module_is_pytorchs_optimized_module() -> None:
    model = LeNet5()
    compiled = tl.compile(model)
    assert compiled._orig_mod is model and compiled.conv1 is model.conv1
    assert all(k.startswith("_orig_mod.") for k in compiled.state_dict())
    assert [id(p) for p in compiled.parameters()] == [id(p) for p in model.parameters()]
    compiled.eval()
    assert not model.training
    with pytest.raises(TypeError, match="Module or a function"):
        tl.compile(3)


def _bn_net() -> nn.Module:
    tl.manual_seed(0)
    return nn.Sequential(nn.Linear(4, 6), nn.BatchNorm1d(6), nn.ReLU(), nn.Linear(6, 2))


@pytest.mark.parametrize("functional", [False, True])
def test_a_compiled_function_that_updates_batch_norm_statistics_runs_eagerly_and_updates_them(
    functional: bool,
) -> None:
    # a function, not a module: the compiler has no module whose buffers it could compare, so batch
    # norm itself must say that its update cannot be replayed (a replay once silently skipped it)
    model, reference = _bn_net(), _bn_net()
    running = (tl.zeros(4), tl.ones(4))

    def loss(net: nn.Module, x: tl.Tensor) -> tl.Tensor:
        if functional:
            return F.batch_norm(x, *running, training=True).sum() + net(x).sum()
        return net(x).square().mean()

    compiled = tl.compile(lambda x: loss(model, x))
    rng = np.random.default_rng(0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for _ in range(4):
            x = rng.standard_normal((5, 4)).astype("float32")
            compiled(tl.tensor(x)).backward()
            loss(reference, tl.tensor(x)).backward()
    notes = [str(w.message) for w in caught if issubclass(w.category, CompileWarning)]
    assert len(notes) == 1 and "running statistics" in notes[0], notes
    for key, value in reference.state_dict().items():
        np.testing.assert_array_equal(model.state_dict()[key].numpy(), value.numpy(), err_msg=key)
    assert int(model[1].num_batches_tracked.item()) == 4


def test_a_compiled_batch_norm_in_eval_mode_reads_the_statistics_current_at_each_call() -> None:
    model = _bn_net()
    rng = np.random.default_rng(1)
    model.eval()
    compiled = tl.compile(model)
    x = tl.tensor(rng.standard_normal((3, 4)).astype("float32"))
    for _ in range(3):  # recorded, verified, replayed
        compiled(x)
    model.train()
    model(tl.tensor(rng.standard_normal((8, 4)).astype("float32") * 3 + 1))  # new running statistics
    model.eval()
    with warnings.catch_warnings():
        warnings.simplefilter("error", CompileWarning)  # still replayed, not fallen back to eager mode
        np.testing.assert_allclose(compiled(x).numpy(), model(x).numpy(), rtol=1e-6, atol=1e-6)
