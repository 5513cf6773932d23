"""Weight averaging (``optim.swa_utils``) and the ``_foreach_*`` updates behind it: against their formulas,
and (where PyTorch is installed) against PyTorch's ``torch.optim.swa_utils`` step by step."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import tinygrad_lenet as tl
from tinygrad_lenet.optim import swa_utils


def small_net(T: Any) -> Any:
    """A net with parameters and batch-norm buffers (float and the int64 batch count)."""
    T.manual_seed(0)
    return T.nn.Sequential(T.nn.Linear(3, 4), T.nn.BatchNorm1d(4), T.nn.ReLU(), T.nn.Linear(4, 2))


def averaged_path(T: Any, initial: dict[str, np.ndarray], steps: int = 5, **options: Any) -> list[dict[str, Any]]:
    """The averaged model's state after each of ``steps`` updates of a net moved by fixed amounts."""
    net = small_net(T)
    net.load_state_dict({k: T.from_numpy(v.copy()) for k, v in initial.items()})
    average = T.optim.swa_utils.AveragedModel(net, **options)
    rng = np.random.default_rng(1)
    states = []
    for _ in range(steps):
        with T.no_grad():
            for p in net.parameters():
                p.add_(T.from_numpy(rng.standard_normal(tuple(p.shape)).astype(np.float32)))
        net.train()
        net(T.from_numpy(rng.standard_normal((8, 3)).astype(np.float32)))  # moves the batch-norm statistics
        average.update_parameters(net)
        states.append({k: v.detach().numpy().copy() for k, v in average.state_dict().items()})
    return states


def initial_state() -> dict[str, np.ndarray]:
    return {k: v.numpy().copy() for k, v in small_net(tl).state_dict().items()}


def test_the_default_average_is_the_mean_of_every_update() -> None:
    net = tl.nn.Linear(2, 2)
    average = swa_utils.AveragedModel(net)
    seen = []
    for k in range(4):
        with tl.no_grad():
            net.weight.fill_(float(k + 1))
        average.update_parameters(net)
        seen.append(k + 1.0)
        np.testing.assert_allclose(average.module.weight.numpy(), np.full((2, 2), np.mean(seen)), rtol=1e-6)
    assert int(average.n_averaged) == 4
    assert average(tl.ones(1, 2)).shape == (1, 2)  # calling it runs the averaged copy


def test_ema_follows_its_formula_and_leaves_the_model_alone() -> None:
    net = tl.nn.Linear(2, 1)
    average = swa_utils.AveragedModel(net, multi_avg_fn=swa_utils.get_ema_multi_avg_fn(0.8))
    expected = None
    for k in range(5):
        with tl.no_grad():
            net.bias.fill_(float(k))
        average.update_parameters(net)
        expected = float(k) if expected is None else 0.8 * expected + 0.2 * k
        assert net.bias.item() == k
    assert average.module.bias.item() == pytest.approx(expected, rel=1e-6)
    assert average.module.bias is not net.bias


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"use_buffers": True},
        {"multi_avg_fn": "ema"},
        {"avg_fn": "ema"},
        {"avg_fn": "swa"},
        {"multi_avg_fn": "ema", "use_buffers": True},
    ],
    ids=["swa", "swa-buffers", "ema-multi", "ema-one", "swa-one", "ema-multi-buffers"],
)
def test_averaged_model_matches_pytorch(options: dict[str, str]) -> None:
    torch = pytest.importorskip("torch")
    initial = initial_state()
    paths = []
    for T in (tl, torch):
        made = {
            "ema": (T.optim.swa_utils.get_ema_multi_avg_fn(0.7), T.optim.swa_utils.get_ema_avg_fn(0.7)),
            "swa": (T.optim.swa_utils.get_swa_multi_avg_fn(), T.optim.swa_utils.get_swa_avg_fn()),
        }
        chosen = {
            key: (made[value][0] if key == "multi_avg_fn" else made[value][1]) if isinstance(value, str) else value
            for key, value in options.items()
        }
        paths.append(averaged_path(T, initial, **chosen))
    for ours, theirs in zip(*paths, strict=True):
        assert ours.keys() == theirs.keys()
        for key in ours:
            np.testing.assert_allclose(ours[key], theirs[key], rtol=1e-5, atol=1e-6, err_msg=key)


def test_update_bn_recomputes_the_statistics_as_pytorch() -> None:
    torch = pytest.importorskip("torch")
    initial = initial_state()
    batches = [np.random.default_rng(k).standard_normal((6, 3)).astype(np.float32) for k in range(3)]
    results = []
    for T in (tl, torch):
        net = small_net(T)
        net.load_state_dict({k: T.from_numpy(v.copy()) for k, v in initial.items()})
        net.eval()
        loader = [(T.from_numpy(b), T.zeros(6)) for b in batches]
        T.optim.swa_utils.update_bn(loader, net)
        assert not net.training and net[1].momentum == 0.1  # mode and momentum restored
        results.append({k: v.detach().numpy().copy() for k, v in net.state_dict().items()})
    for key in results[0]:
        np.testing.assert_allclose(results[0][key], results[1][key], rtol=1e-5, atol=1e-6, err_msg=key)
    means = np.mean([(b @ initial["0.weight"].T + initial["0.bias"]).mean(0) for b in batches], axis=0)
    np.testing.assert_allclose(results[0]["1.running_mean"], means, rtol=1e-5)
    assert int(results[0]["1.num_batches_tracked"]) == 3


def test_bad_arguments_are_refused_with_what_was_wrong() -> None:
    net = tl.nn.Linear(2, 2)
    with pytest.raises(AssertionError, match="Only one of avg_fn and multi_avg_fn"):
        swa_utils.AveragedModel(net, avg_fn=swa_utils.get_swa_avg_fn(), multi_avg_fn=swa_utils.get_swa_multi_avg_fn())
    with pytest.raises(ValueError, match=r"decay value 1.5"):
        swa_utils.get_ema_multi_avg_fn(1.5)
    with pytest.raises(TypeError, match="expected a Module"):
        swa_utils.AveragedModel(np.zeros(3))  # type: ignore[arg-type]
    with pytest.raises(RuntimeError, match="CPU only"):
        swa_utils.AveragedModel(net, device="cuda")
    average = swa_utils.AveragedModel(net)
    with pytest.raises(ValueError, match="pass the model this AveragedModel was made from"):
        average.update_parameters(tl.nn.Sequential(tl.nn.Linear(2, 2), tl.nn.Linear(2, 2)))


@pytest.mark.parametrize("weight", [0.25, 0.75, 1.0])
def test_foreach_lerp_mul_and_add_match_pytorch(weight: float) -> None:
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    starts = [rng.standard_normal(shape).astype(np.float32) for shape in [(3,), (2, 4), ()]]
    ends = [rng.standard_normal(a.shape).astype(np.float32) for a in starts]
    results = []
    for T in (tl, torch):
        a = [T.from_numpy(x.copy()) for x in starts]
        b = [T.from_numpy(x.copy()) for x in ends]
        T._foreach_lerp_(a, b, weight)
        T._foreach_mul_(a, [2.0, 3.0, 0.5])
        T._foreach_add_(a, b, alpha=-0.5)
        T._foreach_add_(a, 1.5)
        results.append([x.numpy().copy() for x in a])
    for ours, theirs in zip(*results, strict=True):
        np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=1e-7)


def test_foreach_updates_keep_the_in_place_rules() -> None:
    p = tl.nn.Parameter(tl.zeros(3))
    version = p._version
    with tl.no_grad():
        tl._foreach_lerp_([p], [tl.ones(3)], 0.5)
    np.testing.assert_array_equal(p.numpy(), [0.5, 0.5, 0.5])
    assert p._version == version + 1  # an op that saved the old values will refuse its backward
    with pytest.raises(tl.GradError, match="leaf tensor that requires grad"):
        tl._foreach_lerp_([p], [tl.ones(3)], 0.5)  # outside no_grad, as PyTorch
    with pytest.raises(ValueError, match="same number of tensors"):
        tl._foreach_lerp_([tl.zeros(2)], [tl.ones(2), tl.ones(2)], 0.5)
    with pytest.raises(ValueError, match="at least one tensor"):
        tl._foreach_mul_([], 2.0)
    counts = tl.tensor([1, 2])
    tl._foreach_add_([counts], 3)  # integer tensors take the tensor's own in-place method
    np.testing.assert_array_equal(counts.numpy(), [4, 5])


@pytest.mark.parametrize(("strategy", "anneal_epochs"), [("cos", 3), ("linear", 4), ("cos", 0)])
def test_swalr_anneals_to_the_swa_lr_as_pytorch(strategy: str, anneal_epochs: int) -> None:
    torch = pytest.importorskip("torch")
    paths = []
    for T in (tl, torch):
        p = T.nn.Parameter(T.zeros(2))
        optimizer = T.optim.SGD([p], lr=0.1)
        decay = T.optim.lr_scheduler.StepLR(optimizer, 2, gamma=0.5)
        lrs = []
        for _ in range(3):  # another schedule moves the lr before the SWA phase starts
            optimizer.step()
            decay.step()
        swa = T.optim.swa_utils.SWALR(optimizer, swa_lr=0.01, anneal_epochs=anneal_epochs, anneal_strategy=strategy)
        for _ in range(7):
            lrs.append(optimizer.param_groups[0]["lr"])
            optimizer.step()
            swa.step()
        paths.append(lrs + swa.get_last_lr())
    np.testing.assert_allclose(paths[0], paths[1], rtol=1e-12)
    assert paths[0][-1] == pytest.approx(0.01)


def test_swalr_refuses_bad_settings() -> None:
    optimizer = tl.optim.SGD([tl.nn.Parameter(tl.zeros(2))], lr=0.1)
    with pytest.raises(ValueError, match="anneal_strategy"):
        swa_utils.SWALR(optimizer, 0.01, anneal_strategy="step")
    with pytest.raises(ValueError, match="anneal_epochs"):
        swa_utils.SWALR(optimizer, 0.01, anneal_epochs=-1)
    with pytest.raises(ValueError, match="same length as optimizer.param_groups"):
        swa_utils.SWALR(optimizer, [0.01, 0.02])
