"""Learning-rate schedules: the lr of each epoch against hand-computed values, and saving them."""

from __future__ import annotations

import math

import pytest

import tinygrad_lenet as tl
from tinygrad_lenet import nn, optim
from tinygrad_lenet.optim import lr_scheduler


def lrs(make, epochs: int, lr: float = 1.0) -> list[float]:
    """The lr in effect at epochs 0..epochs-1 (step() called once at the end of each epoch)."""
    opt = optim.SGD([nn.Parameter(tl.zeros(1))], lr=lr)
    scheduler = make(opt)
    seen = []
    for _ in range(epochs):
        seen.append(opt.param_groups[0]["lr"])
        assert scheduler.get_last_lr() == [seen[-1]]
        scheduler.step()
    return seen


def test_step_lr_decays_every_step_size_epochs() -> None:
    assert lrs(lambda o: lr_scheduler.StepLR(o, step_size=2, gamma=0.1), 5) == pytest.approx([1, 1, 0.1, 0.1, 0.01])
    assert lrs(lambda o: lr_scheduler.StepLR(o, 10, gamma=0.4), 21)[9:12] == pytest.approx([1, 0.4, 0.4])


def test_multistep_exponential_cosine_and_lambda() -> None:
    assert lrs(lambda o: lr_scheduler.MultiStepLR(o, [1, 3], gamma=0.5), 4) == pytest.approx([1, 0.5, 0.5, 0.25])
    assert lrs(lambda o: lr_scheduler.ExponentialLR(o, gamma=0.9), 3) == pytest.approx([1, 0.9, 0.81])
    cosine = lrs(lambda o: lr_scheduler.CosineAnnealingLR(o, T_max=4, eta_min=0.1), 5)
    assert cosine == pytest.approx([0.1 + 0.9 * (1 + math.cos(math.pi * e / 4)) / 2 for e in range(5)])
    assert cosine[-1] == pytest.approx(0.1)
    inverse = lrs(lambda o: lr_scheduler.LambdaLR(o, lambda e: 1 / (1 + 0.5 * e)), 3, lr=0.1)
    assert inverse == pytest.approx([0.1, 0.1 / 1.5, 0.1 / 2])


def test_piecewise_constant_and_the_1998_schedule() -> None:
    assert lrs(lambda o: lr_scheduler.PiecewiseConstantLR(o, [1, 3], [0.3, 0.2, 0.1]), 4) == [0.3, 0.2, 0.2, 0.1]
    paper = lrs(lr_scheduler.PiecewiseConstantLR.lecun1998, 20)
    assert paper == [5e-4] * 2 + [2e-4] * 3 + [1e-4] * 3 + [5e-5] * 4 + [1e-5] * 8
    with pytest.raises(ValueError, match="one value more than milestones"):
        lr_scheduler.PiecewiseConstantLR(optim.SGD([nn.Parameter(tl.zeros(1))]), [1], [0.1])
    with pytest.raises(ValueError, match="increasing"):
        lr_scheduler.PiecewiseConstantLR(optim.SGD([nn.Parameter(tl.zeros(1))]), [3, 1], [0.1, 0.2, 0.3])


def test_each_parameter_group_is_scaled_from_its_own_lr() -> None:
    opt = optim.SGD(
        [{"params": [nn.Parameter(tl.zeros(1))], "lr": 1.0}, {"params": [nn.Parameter(tl.zeros(1))]}], lr=0.1
    )
    scheduler = lr_scheduler.StepLR(opt, 1, gamma=0.5)
    scheduler.step()
    assert scheduler.get_last_lr() == pytest.approx([0.5, 0.05])


def test_scheduler_state_dict_resumes_the_schedule() -> None:
    opt = optim.SGD([nn.Parameter(tl.zeros(1))], lr=1.0)
    scheduler = lr_scheduler.StepLR(opt, 2, gamma=0.1)
    for _ in range(3):
        scheduler.step()
    state = scheduler.state_dict()
    assert state["last_epoch"] == 3 and "optimizer" not in state
    opt2 = optim.SGD([nn.Parameter(tl.zeros(1))], lr=1.0)
    resumed = lr_scheduler.StepLR(opt2, 2, gamma=0.1)
    resumed.load_state_dict(state)
    scheduler.step(), resumed.step()
    assert resumed.get_last_lr() == scheduler.get_last_lr() == pytest.approx([0.01])
    assert "lr_lambda" not in lr_scheduler.LambdaLR(opt2, lambda e: 1.0).state_dict()


def test_scheduler_argument_errors() -> None:
    opt = optim.SGD([nn.Parameter(tl.zeros(1))])
    with pytest.raises(ValueError, match="step_size must be >= 1"):
        lr_scheduler.StepLR(opt, 0)
    with pytest.raises(ValueError, match="T_max must be >= 1"):
        lr_scheduler.CosineAnnealingLR(opt, 0)
    with pytest.raises(TypeError, match="needs an Optimizer"):
        lr_scheduler.StepLR([0.1], 1)
