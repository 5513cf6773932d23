"""The flat step of the elementwise optimizers (``foreach``): the same bits as the per-parameter loop.

Each optimizer and a set of its hyperparameters runs five steps twice on the same parameters and gradients,
once flat (the default) and once with ``foreach=False``; parameters and state must be equal bit for bit
(``np.array_equal``), in float32 and float64, with two parameter groups of different lr, a non-contiguous
parameter, a parameter without a gradient in one step, and the flat run's state saved and loaded, reloaded
in place or replaced by user code half-way.
"""

from __future__ import annotations

import copy
import inspect
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import tinygrad_lenet as tl
from tinygrad_lenet import nn, optim
from tinygrad_lenet.optim.flat import FLAT_MAX_MEAN_SIZE

STEPS = 5
SHAPES = [(3, 4), (4,), (2, 3, 2), (), (5, 1)]
"""The parameters' shapes; the first is a transposed (non-contiguous) array, the second has no gradient at step 2,
and the first three form one group, the others a second group with its own lr."""

CASES: list[tuple[type[optim.Optimizer], dict[str, Any]]] = [
    (optim.SGD, {"lr": 0.1}),
    (optim.SGD, {"lr": 0.1, "momentum": 0.9}),
    (optim.SGD, {"lr": 0.1, "momentum": 0.9, "nesterov": True, "weight_decay": 0.01}),
    (optim.SGD, {"lr": 0.1, "momentum": 0.8, "dampening": 0.3, "weight_decay": 0.1, "maximize": True}),
    (optim.Adam, {"lr": 0.01}),
    (optim.Adam, {"lr": 0.01, "weight_decay": 0.1, "amsgrad": True}),
    (optim.Adam, {"lr": 0.01, "betas": (0.8, 0.9), "eps": 1e-3, "maximize": True}),
    (optim.AdamW, {"lr": 0.01}),
    (optim.AdamW, {"lr": 0.01, "weight_decay": 0.1, "amsgrad": True}),
    (optim.Adadelta, {}),
    (optim.Adadelta, {"lr": 0.5, "rho": 0.8, "weight_decay": 0.1, "maximize": True}),
    (optim.RMSprop, {"lr": 0.01}),
    (optim.RMSprop, {"lr": 0.01, "centered": True}),
    (optim.RMSprop, {"lr": 0.01, "momentum": 0.9, "centered": True, "weight_decay": 0.1}),
    (optim.Adagrad, {"lr": 0.1}),
    (optim.Adagrad, {"lr": 0.1, "lr_decay": 0.1, "weight_decay": 0.1, "initial_accumulator_value": 0.1}),
]
IDS = [f"{cls.__name__}-{'-'.join(f'{k}={v}' for k, v in options.items()) or 'defaults'}" for cls, options in CASES]


def make_params(dtypes: list[Any]) -> list[nn.Parameter]:
    """Parameters of SHAPES (dtypes in turn), the first a transposed view of a contiguous array."""
    rng = np.random.default_rng(0)
    params = []
    for i, shape in enumerate(SHAPES):
        dtype = dtypes[i % len(dtypes)]
        params.append(nn.Parameter(tl.tensor(rng.standard_normal(shape).astype(dtype))))
    params[0]._array = np.ascontiguousarray(params[0]._array.T).T
    assert not params[0]._array.flags.c_contiguous
    return params


def groups(params: list[nn.Parameter]) -> list[dict[str, Any]]:
    return [{"params": params[:3]}, {"params": params[3:], "lr": 0.03}]


def set_grads(params: list[nn.Parameter], step: int) -> None:
    rng = np.random.default_rng(100 + step)
    for i, p in enumerate(params):
        grad = rng.standard_normal(p.shape).astype(p.dtype)
        p.grad = None if (i == 1 and step == 2) else tl.tensor(grad)


def reload_into_a_new_optimizer(opt: optim.Optimizer, build: Callable[[], optim.Optimizer]) -> optim.Optimizer:
    saved = opt.state_dict()
    fresh = build()
    fresh.load_state_dict(saved)
    return fresh


def reload_in_place(opt: optim.Optimizer, build: Callable[[], optim.Optimizer]) -> optim.Optimizer:
    opt.load_state_dict(opt.state_dict())
    return opt


def replace_state_arrays(opt: optim.Optimizer, build: Callable[[], optim.Optimizer]) -> optim.Optimizer:
    for state in opt.state.values():
        for name, entry in state.items():
            if isinstance(entry, np.ndarray):
                state[name] = entry.copy()
    return opt


EVENTS = {
    "plain": None,
    "state_dict-into-new": reload_into_a_new_optimizer,
    "load_state_dict-in-place": reload_in_place,
    "state-arrays-replaced": replace_state_arrays,
}


def run(
    cls: type[optim.Optimizer],
    options: dict[str, Any],
    dtypes: list[Any],
    foreach: bool | None,
    event: Callable[[optim.Optimizer, Callable[[], optim.Optimizer]], optim.Optimizer] | None = None,
) -> tuple[list[np.ndarray], dict[str, Any]]:
    """The parameters and state dict after STEPS steps; ``event`` acts on the optimizer before step 3."""
    params = make_params(dtypes)

    def build() -> optim.Optimizer:
        return cls(groups(params), **options, foreach=foreach)

    opt = build()
    for step in range(STEPS):
        if step == 3 and event is not None:
            opt = event(opt, build)
        set_grads(params, step)
        opt.step()
    assert not params[0]._array.flags.c_contiguous, "the step replaced the parameter's array"
    return [p._array for p in params], opt.state_dict()


def assert_same_bits(flat: tuple[list[np.ndarray], dict[str, Any]], loop: tuple[list[np.ndarray], dict[str, Any]]):
    for a, b in zip(flat[0], loop[0]):
        assert a.dtype == b.dtype and np.array_equal(a, b)
    assert flat[1]["state"].keys() == loop[1]["state"].keys()
    for i, state in loop[1]["state"].items():
        mine = flat[1]["state"][i]
        assert mine.keys() == state.keys()
        for name, entry in state.items():
            if isinstance(entry, np.ndarray):
                assert mine[name].dtype == entry.dtype and np.array_equal(mine[name], entry), (i, name)
            else:
                assert type(mine[name]) is type(entry) and mine[name] == entry, (i, name)


@pytest.mark.parametrize("event", list(EVENTS))
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize(("cls", "options"), CASES, ids=IDS)
def test_flat_and_loop_give_the_same_bits(cls, options, dtype, event) -> None:
    loop = run(cls, options, [dtype], foreach=False)
    assert_same_bits(run(cls, options, [dtype], foreach=None, event=EVENTS[event]), loop)
    assert_same_bits(run(cls, options, [dtype], foreach=True), loop)
    if "fused" in inspect.signature(cls).parameters:
        assert_same_bits(run(cls, {**options, "fused": True}, [dtype], foreach=None), loop)


@pytest.mark.parametrize(("cls", "options"), CASES, ids=IDS)
def test_a_group_mixing_float32_and_float64_gets_an_arena_per_dtype(cls, options) -> None:
    dtypes = [np.float32, np.float64]
    assert_same_bits(run(cls, options, dtypes, foreach=None), run(cls, options, dtypes, foreach=False))


def shared_base(opt: optim.Optimizer, name: str) -> set[int]:
    """The ids of the arrays the state entries ``name`` are views of (None for arrays of their own)."""
    return {id(state[name].base) if state[name].base is not None else None for state in opt.state.values()}


def test_the_flat_step_is_the_default_and_foreach_false_is_the_loop() -> None:
    params = make_params([np.float32])
    flat, loop = optim.Adam(params), optim.Adam(params, foreach=False)
    set_grads(params, 0)
    flat.step()
    arenas = shared_base(flat, "exp_avg")
    assert len(arenas) == 1 and None not in arenas, "every exp_avg is a view of one flat array"
    assert next(iter(flat.state.values()))["exp_avg"].base.size == sum(p.numel() for p in params)
    loop.step()
    assert shared_base(loop, "exp_avg") == {None}
    assert flat.defaults["foreach"] is None and flat.defaults["fused"] is None
    assert loop.param_groups[0]["foreach"] is False
    assert "foreach: None" in repr(flat)


def test_by_default_groups_of_large_parameters_take_the_loop_and_foreach_true_forces_the_flat_step() -> None:
    """Above FLAT_MAX_MEAN_SIZE elements a parameter on average, gathering and scattering cost more than the
    per-parameter calls the flat step saves (the MLP's training step ran 20% slower flat)."""
    big = [nn.Parameter(tl.randn(300, 200)), nn.Parameter(tl.randn(200))]  # 30,100 on average
    assert sum(p.numel() for p in big) / len(big) <= FLAT_MAX_MEAN_SIZE
    bigger = [nn.Parameter(tl.randn(300, 300)), nn.Parameter(tl.randn(300))]  # 45,150 on average
    for params, default in ((big, "flat"), (bigger, "loop")):
        chosen, forced = optim.Adam(params), optim.Adam(params, foreach=True)
        for p in params:
            p.grad = tl.randn(*p.shape)
        chosen.step()
        forced.step()
        assert (shared_base(chosen, "exp_avg") == {None}) == (default == "loop")
        assert len(shared_base(forced, "exp_avg")) == 1 and None not in shared_base(forced, "exp_avg")


def test_a_parameter_that_missed_a_step_gets_an_arena_of_its_own_step_count() -> None:
    params = make_params([np.float64])
    opt = optim.Adam(params)
    for step in range(4):
        set_grads(params, step)
        opt.step()
    steps = [opt.state[p]["step"] for p in params]
    assert steps == [4, 3, 4, 4, 4]
    assert len(shared_base(opt, "exp_avg")) == 2  # one arena at step 4, one at step 3


def test_a_gradient_of_another_dtype_falls_back_to_the_loop_with_the_same_bits() -> None:
    def trajectory(foreach: bool | None) -> np.ndarray:
        p = nn.Parameter(tl.tensor(np.linspace(-1, 1, 6, dtype=np.float32)))
        q = nn.Parameter(tl.tensor(np.ones(3, dtype=np.float32)))
        opt = optim.Adam([p, q], lr=0.1, weight_decay=0.1, foreach=foreach)
        for step in range(3):
            p.grad = tl.tensor(np.full(6, 0.3 + step, dtype=np.float64))  # float64 gradient of a float32 parameter
            q.grad = tl.tensor(np.full(3, 0.7 - step, dtype=np.float32))
            opt.step()
        return np.concatenate([p._array, q._array])

    assert np.array_equal(trajectory(None), trajectory(False))


@pytest.mark.parametrize(("cls", "options"), CASES, ids=IDS)
def test_parameters_sharing_memory_step_as_in_the_loop(cls, options) -> None:
    def trajectory(foreach: bool | None) -> list[np.ndarray]:
        first = nn.Parameter(tl.tensor(np.linspace(-1, 1, 6)))
        params = [first, nn.Parameter(first.detach()), nn.Parameter(tl.ones(2)), nn.Parameter(tl.ones(3))]
        params[3]._array = params[2]._array[:1].reshape(1)  # a view into another parameter
        opt = cls(params, **options, foreach=foreach)
        for step in range(3):
            set_grads(params, step)
            opt.step()
        return [p._array for p in params]

    for a, b in zip(trajectory(None), trajectory(False)):
        assert np.array_equal(a, b)


def test_changing_a_parameter_shape_rebuilds_the_arena() -> None:
    p = nn.Parameter(tl.tensor(np.ones(4)))
    opt = optim.SGD([p], lr=0.5)
    p.grad = tl.tensor(np.ones(4))
    opt.step()
    p._array, p.grad = np.ones(6), tl.tensor(np.arange(6.0))
    opt.step()
    assert np.array_equal(p._array, 1 - 0.5 * np.arange(6.0))


def test_a_deep_copy_steps_on_its_own_state() -> None:
    params = make_params([np.float64])
    opt = optim.Adam(params, lr=0.1)
    set_grads(params, 0)
    opt.step()
    twin = copy.deepcopy(opt)
    twin_params = twin._all_params()
    for step in (1, 3):
        set_grads(params, step)
        set_grads(twin_params, step)
        opt.step()
        twin.step()
    for p, q in zip(params, twin_params):
        assert np.array_equal(p._array, q._array)
        assert np.array_equal(opt.state[p]["exp_avg"], twin.state[q]["exp_avg"])


def test_writing_into_a_state_array_changes_the_flat_step() -> None:
    p, q = nn.Parameter(tl.tensor(np.ones(2))), nn.Parameter(tl.tensor(np.ones(3)))
    opt = optim.SGD([p, q], lr=1.0, momentum=0.5)
    for _ in range(2):
        p.grad, q.grad = tl.tensor(np.ones(2)), tl.tensor(np.ones(3))
        if opt.state:
            opt.state[q]["momentum_buffer"][...] = 10.0  # in place: the view of the arena
        opt.step()
    assert np.array_equal(q._array, np.full(3, 1 - 1 - (0.5 * 10 + 1)))
    assert np.array_equal(p._array, np.full(2, 1 - 1 - 1.5))


@pytest.mark.parametrize(
    ("options", "error", "match"),
    [
        ({"foreach": True, "fused": True}, ValueError, "cannot be `True` together"),
        ({"foreach": "yes"}, TypeError, "foreach must be None, True or False"),
        ({"fused": 1}, TypeError, "fused must be None, True or False"),
    ],
)
def test_bad_flags_are_refused(options: dict[str, Any], error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        optim.Adam([nn.Parameter(tl.zeros(2))], **options)


def test_state_dicts_keep_the_flags_and_older_ones_without_them_load() -> None:
    p = nn.Parameter(tl.zeros(2))
    saved = optim.SGD([p], lr=0.1, foreach=False).state_dict()
    assert saved["param_groups"][0]["foreach"] is False and saved["param_groups"][0]["fused"] is None
    opt = optim.SGD([p], lr=0.1)
    opt.load_state_dict(saved)
    assert opt.param_groups[0]["foreach"] is False
    older = {**saved, "param_groups": [{k: v for k, v in saved["param_groups"][0].items() if k != "foreach"}]}
    opt = optim.SGD([p], lr=0.1, foreach=True)
    opt.load_state_dict(older)
    assert opt.param_groups[0]["foreach"] is True


@pytest.mark.parametrize("name", ["SGD", "Adam", "AdamW", "Adadelta", "RMSprop", "Adagrad"])
def test_the_flags_are_pytorchs(name: str) -> None:
    torch = pytest.importorskip("torch", reason="PyTorch is not installed (make parity installs torch==2.13.0)")
    flags = {"foreach", "fused"}
    theirs = {k: v for k, v in inspect.signature(getattr(torch.optim, name)).parameters.items() if k in flags}
    ours = {k: v for k, v in inspect.signature(getattr(optim, name)).parameters.items() if k in flags}
    assert {k: v.default for k, v in ours.items()} == {k: v.default for k, v in theirs.items()}
    their_groups = getattr(torch.optim, name)([torch.nn.Parameter(torch.zeros(2))]).param_groups[0]
    our_groups = getattr(optim, name)([nn.Parameter(tl.zeros(2))]).param_groups[0]
    assert {k: our_groups[k] for k in ours} == {k: their_groups[k] for k in theirs}
