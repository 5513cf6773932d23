"""Adamax, NAdam, amsgrad, maximize and the schedulers PyTorch code uses: against hand-derived values,
and (where PyTorch is installed) against PyTorch step by step."""

from __future__ import annotations

import math

import numpy as np
import pytest

import tinygrad_lenet as tl
from tinygrad_lenet import nn, optim
from tinygrad_lenet.optim import lr_scheduler as S

WEIGHTS = [1.0, 2.0, 3.0, 4.0]


def trajectory(T, name: str, steps: int = 6, **options) -> np.ndarray:
    """Parameters after each step of minimising sum(w (p - step)^2), in float64."""
    p = T.nn.Parameter(T.tensor([1.0, -2.0, 0.5, 3.0], dtype=T.float64))
    opt = getattr(T.optim, name)([p], **options)
    path = []
    for step in range(steps):
        opt.zero_grad()
        ((p - step) ** 2 * T.tensor(WEIGHTS, dtype=T.float64)).sum().backward()
        opt.step()
        path.append(p.detach().numpy().copy())
    return np.array(path)


def gradients(p: np.ndarray, step: int) -> np.ndarray:
    return 2 * np.array(WEIGHTS) * (p - step)


def test_adamax_nadam_and_amsgrad_follow_their_formulas() -> None:
    p, m, u = np.array([1.0, -2.0, 0.5, 3.0]), np.zeros(4), np.zeros(4)
    expected = []
    for t in range(1, 7):
        g = gradients(p, t - 1)
        m, u = 0.9 * m + 0.1 * g, np.maximum(0.999 * u, np.abs(g) + 1e-8)
        p = p - 2e-3 / (1 - 0.9**t) * m / u
        expected.append(p)
    np.testing.assert_allclose(trajectory(tl, "Adamax"), expected, rtol=1e-12)
    p, m, v, product = np.array([1.0, -2.0, 0.5, 3.0]), np.zeros(4), np.zeros(4), 1.0
    expected = []
    for t in range(1, 7):
        g = gradients(p, t - 1)
        mu, mu_next = (0.9 * (1 - 0.5 * 0.96 ** (k * 4e-3)) for k in (t, t + 1))
        product *= mu
        m, v = 0.9 * m + 0.1 * g, 0.999 * v + 0.001 * g * g
        d = np.sqrt(v / (1 - 0.999**t)) + 1e-8
        p = p - 2e-3 * (1 - mu) / (1 - product) * g / d - 2e-3 * mu_next / (1 - product * mu_next) * m / d
        expected.append(p)
    np.testing.assert_allclose(trajectory(tl, "NAdam"), expected, rtol=1e-12)
    p, m, v, vmax = np.array([1.0, -2.0, 0.5, 3.0]), np.zeros(4), np.zeros(4), np.zeros(4)
    expected = []
    for t in range(1, 7):
        g = gradients(p, t - 1)
        m, v = 0.9 * m + 0.1 * g, 0.999 * v + 0.001 * g * g
        vmax = np.maximum(vmax, v)
        p = p - 0.1 / (1 - 0.9**t) * m / (np.sqrt(vmax) / math.sqrt(1 - 0.999**t) + 1e-8)
        expected.append(p)
    np.testing.assert_allclose(trajectory(tl, "Adam", lr=0.1, amsgrad=True), expected, rtol=1e-12)


@pytest.mark.parametrize("name", ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adadelta", "Adamax", "NAdam"])
def test_maximize_climbs_what_the_default_descends(name: str) -> None:
    p = nn.Parameter(tl.tensor([0.5, -1.0], dtype=tl.float64))
    q = nn.Parameter(tl.tensor([0.5, -1.0], dtype=tl.float64))
    up, down = getattr(optim, name)([p], lr=0.05, maximize=True), getattr(optim, name)([q], lr=0.05)
    for _ in range(5):
        for opt, param, sign in ((up, p, -1.0), (down, q, 1.0)):
            opt.zero_grad()
            ((param**2).sum() * sign).backward()
            opt.step()
    np.testing.assert_allclose(p.numpy(), q.numpy(), rtol=1e-12)


def lrs(
    scheduler_of, steps: int, lr: float = 0.1, metrics: list[float] | None = None, optimizer: str = "SGD", **options
) -> list[float]:
    opt = getattr(optim, optimizer)([nn.Parameter(tl.zeros(2))], lr=lr, **options)
    scheduler = scheduler_of(opt)
    seen = [opt.param_groups[0]["lr"]]
    for i in range(steps):
        opt.step()
        scheduler.step(metrics[i]) if metrics else scheduler.step()
        seen.append(opt.param_groups[0]["lr"])
    return seen


def test_warm_up_restarts_and_sequences() -> None:
    assert lrs(lambda o: S.LinearLR(o, 0.25, 1.0, 3), 5) == pytest.approx([0.025, 0.05, 0.075, 0.1, 0.1, 0.1])
    cosine = lambda t, period: 0.1 * (1 + math.cos(math.pi * t / period)) / 2  # noqa: E731
    restarts = lrs(lambda o: S.CosineAnnealingWarmRestarts(o, T_0=2, T_mult=2), 8)
    assert restarts == pytest.approx(
        [
            cosine(0, 2),
            cosine(1, 2),
            cosine(0, 4),
            cosine(1, 4),
            cosine(2, 4),
            cosine(3, 4),
            cosine(0, 8),
            cosine(1, 8),
            cosine(2, 8),
        ]
    )
    sequence = lrs(lambda o: S.SequentialLR(o, [S.LinearLR(o, 0.5, 1.0, 2), S.StepLR(o, 2, 0.5)], milestones=[3]), 6)
    assert sequence == pytest.approx([0.05, 0.075, 0.1, 0.1, 0.1, 0.05, 0.05])


def test_one_cycle_rises_then_anneals_and_cycles_momentum() -> None:
    opt = optim.SGD([nn.Parameter(tl.zeros(2))], lr=0.1, momentum=0.9)
    scheduler = S.OneCycleLR(opt, max_lr=1.0, total_steps=10, pct_start=0.3)
    seen = [(opt.param_groups[0]["lr"], opt.param_groups[0]["momentum"])]
    for _ in range(9):
        opt.step()
        scheduler.step()
        seen.append((opt.param_groups[0]["lr"], opt.param_groups[0]["momentum"]))
    lr, momentum = zip(*seen)
    assert lr[0] == pytest.approx(0.04) and lr[2] == pytest.approx(1.0) and lr[-1] == pytest.approx(0.04 / 1e4)
    assert (
        momentum[0] == pytest.approx(0.95)
        and momentum[2] == pytest.approx(0.85)
        and momentum[-1] == pytest.approx(0.95)
    )
    assert all(a < b for a, b in zip(lr[:2], lr[1:3])) and all(a > b for a, b in zip(lr[2:-1], lr[3:]))
    scheduler.step()  # the scheduler's step after the 10th batch, as a training loop makes it (PyTorch allows it)
    with pytest.raises(ValueError, match="tried to step 11 times; the specified number of total steps is 10"):
        scheduler.step()
    adam = optim.Adam([nn.Parameter(tl.zeros(2))])
    S.OneCycleLR(adam, 0.01, epochs=2, steps_per_epoch=5)
    assert adam.param_groups[0]["betas"][0] == pytest.approx(0.95)


def test_reduce_on_plateau_waits_then_cuts() -> None:
    metrics = [5, 4, 4, 4, 4, 4, 3, 3, 3, 3, 3, 3]
    seen = lrs(
        lambda o: S.ReduceLROnPlateau(o, patience=2, cooldown=1, factor=0.5), len(metrics), lr=1.0, metrics=metrics
    )
    # best 4 at epoch 2; epochs 3, 4, 5 do not improve: the 3rd bad one (> patience 2) halves the lr; epoch 6 is the
    # cooldown; 3 improves at epoch 7; epochs 8, 9, 10 do not: halved again at epoch 10
    assert seen == [1.0, 1.0, 1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25]
    maximising = lrs(lambda o: S.ReduceLROnPlateau(o, mode="max", patience=0, min_lr=0.3), 3, lr=1.0, metrics=[1, 1, 1])
    assert maximising == [1.0, 1.0, 0.3, 0.3]


def test_equal_to_pytorch_step_by_step() -> None:
    torch = pytest.importorskip("torch", reason="PyTorch is not installed (make parity installs torch==2.13.0)")
    for name, options in (
        ("Adamax", {}),
        ("NAdam", {"weight_decay": 0.1}),
        ("Adam", {"amsgrad": True}),
        ("AdamW", {"amsgrad": True}),
        ("SGD", {"lr": 0.1, "maximize": True}),
        ("RMSprop", {"maximize": True}),
        ("Adadelta", {"weight_decay": 0.1}),
    ):
        np.testing.assert_allclose(
            trajectory(tl, name, **options), trajectory(torch, name, **options), rtol=1e-9, err_msg=name
        )
    for build, steps, metrics in (
        (lambda M, o: M.optim.lr_scheduler.LinearLR(o, 0.25, 1.0, 4), 8, None),
        (lambda M, o: M.optim.lr_scheduler.CosineAnnealingWarmRestarts(o, 3, 2, 0.001), 20, None),
        (lambda M, o: M.optim.lr_scheduler.OneCycleLR(o, 1.0, total_steps=20), 20, None),
        (
            lambda M, o: M.optim.lr_scheduler.ReduceLROnPlateau(o, patience=2, cooldown=1),
            12,
            [5, 4, 4, 4, 4, 4, 3, 3, 3, 3, 3, 3],
        ),
        (
            lambda M, o: M.optim.lr_scheduler.SequentialLR(
                o,
                [M.optim.lr_scheduler.LinearLR(o, 0.1, 1.0, 3), M.optim.lr_scheduler.StepLR(o, 2, 0.5)],
                milestones=[4],
            ),
            12,
            None,
        ),
    ):
        seen = []
        for M in (tl, torch):
            opt = M.optim.SGD([M.nn.Parameter(M.zeros(2))], lr=0.1, momentum=0.9)
            scheduler = build(M, opt)
            path = []
            for i in range(steps):
                opt.step()
                scheduler.step(metrics[i]) if metrics else scheduler.step()
                path.append((opt.param_groups[0]["lr"], opt.param_groups[0]["momentum"]))
            seen.append(path)
        np.testing.assert_allclose(seen[0], seen[1], rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize(
    ("name", "options"),
    [
        ("Adam", {"lr": 0.01}),
        ("SGD", {"lr": 0.1, "momentum": 0.9}),
        ("RMSprop", {"lr": 0.01}),
        ("RAdam", {"lr": 0.01, "weight_decay": 0.1}),
        ("ASGD", {"lr": 0.05, "t0": 1}),
        ("Rprop", {"lr": 0.01}),
        ("Adafactor", {"lr": 0.01}),
        ("Muon", {"lr": 0.02}),
    ],
)
def test_an_optimizer_state_dict_pytorch_wrote_loads_and_continues_identically(tmp_path, name, options) -> None:
    torch = pytest.importorskip("torch", reason="PyTorch is not installed (make parity installs torch==2.13.0)")
    start = np.random.default_rng(0).standard_normal((3, 2))
    target = np.random.default_rng(1).standard_normal((3, 2))

    def steps(M, param, opt, n):
        for _ in range(n):
            opt.zero_grad()
            ((param - M.tensor(target)) ** 2).sum().backward()
            opt.step()

    theirs = torch.nn.Parameter(torch.tensor(start))
    their_opt = getattr(torch.optim, name)([theirs], **options)
    steps(torch, theirs, their_opt, 3)
    torch.save(their_opt.state_dict(), tmp_path / "opt.pt")  # with foreach, fused, differentiable, 0-d step tensors
    ours = nn.Parameter(tl.tensor(theirs.detach().numpy().copy()))
    our_opt = getattr(optim, name)([ours], **options)
    our_opt.load_state_dict(tl.load(tmp_path / "opt.pt"))
    steps(torch, theirs, their_opt, 3)
    steps(tl, ours, our_opt, 3)
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-12)
