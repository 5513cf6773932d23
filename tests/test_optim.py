"""Optimizers: steps against hand-derived values, parameter groups, validation, exact resume."""

from __future__ import annotations

import math

import numpy as np
import pytest

import tinygrad_lenet as tl
from tinygrad_lenet import nn, optim

GRADS = [2.0, 1.0, -0.5]  # the gradient fed at each step, the same for every optimizer


def run(make_optimizer, steps: int = 3, start: float = 1.0) -> list[float]:
    """Values of a one-element parameter after each step, with the gradients of GRADS."""
    p = nn.Parameter(tl.tensor([start], dtype=tl.float64))
    opt = make_optimizer([p])
    values = []
    for g in GRADS[:steps]:
        p.grad = tl.tensor([g], dtype=tl.float64)
        opt.step()
        values.append(p.item())
    return values


def test_sgd_plain_and_weight_decay() -> None:
    assert run(lambda ps: optim.SGD(ps, lr=0.1)) == pytest.approx([0.8, 0.7, 0.75])
    # g1 = 2 + 0.1*1 = 2.1 -> p = 0.79; g2 = 1 + 0.079 = 1.079 -> p = 0.6821
    assert run(lambda ps: optim.SGD(ps, lr=0.1, weight_decay=0.1), 2) == pytest.approx([0.79, 0.6821])


def test_sgd_momentum_dampening_and_nesterov() -> None:
    # b1 = 2 -> p = 0.8; b2 = 0.9*2 + 1 = 2.8 -> p = 0.52; b3 = 0.9*2.8 - 0.5 = 2.02 -> p = 0.318
    assert run(lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9)) == pytest.approx([0.8, 0.52, 0.318])
    # dampening 0.5: b1 = 2 (first step is not dampened) -> 0.8; b2 = 1.8 + 0.5 = 2.3 -> 0.57
    assert run(lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9, dampening=0.5), 2) == pytest.approx([0.8, 0.57])
    # nesterov: step uses g + 0.9 b: 2 + 1.8 = 3.8 -> 0.62; b2 = 2.8, 1 + 2.52 = 3.52 -> 0.268
    assert run(lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9, nesterov=True), 2) == pytest.approx([0.62, 0.268])


def test_adam_bias_correction_and_weight_decay() -> None:
    # step 1: m = 0.2, v = 0.004; m^ = 2, v^ = 4 -> p = 1 - 0.1 * 2 / (2 + 1e-8)
    # step 2: m = 0.28, v = 0.004996; m^ = 0.28/0.19, v^ = 0.004996/0.001999
    m_hat, v_hat = 0.28 / 0.19, 0.004996 / (1 - 0.999**2)
    expected2 = 1 - 0.1 * 2 / (2 + 1e-8) - 0.1 * m_hat / (math.sqrt(v_hat) + 1e-8)
    assert run(lambda ps: optim.Adam(ps, lr=0.1), 2) == pytest.approx([1 - 0.1 * 2 / (2 + 1e-8), expected2], rel=1e-12)
    # weight decay folds 0.5 * p = 0.5 into the first gradient: g = 2.5, and Adam's first step is lr * sign
    assert run(lambda ps: optim.Adam(ps, lr=0.1, weight_decay=0.5), 1) == pytest.approx([0.9], rel=1e-7)


def test_adamw_decouples_weight_decay() -> None:
    # p shrinks by (1 - lr * wd) = 0.95 first, then the Adam step of ~lr * sign(g) = 0.1
    assert run(lambda ps: optim.AdamW(ps, lr=0.1, weight_decay=0.5), 1) == pytest.approx([0.95 - 0.1], rel=1e-7)
    assert optim.AdamW([nn.Parameter(tl.zeros(1))]).param_groups[0]["weight_decay"] == 0.01


def test_rmsprop_plain_momentum_and_centered() -> None:
    # s1 = 0.01 * 4 = 0.04 -> p = 1 - 0.01 * 2 / (0.2 + 1e-8)
    s1, s2 = 0.04, 0.99 * 0.04 + 0.01 * 1
    p1 = 1 - 0.01 * 2 / (math.sqrt(s1) + 1e-8)
    p2 = p1 - 0.01 * 1 / (math.sqrt(s2) + 1e-8)
    assert run(lambda ps: optim.RMSprop(ps), 2) == pytest.approx([p1, p2], rel=1e-12)
    # momentum 0.5: b1 = 2/(0.2 + eps) (about 10) -> p = 1 - 0.01 b1; b2 = 0.5 b1 + 1/(sqrt(s2) + eps)
    b1 = 2 / (0.2 + 1e-8)
    b2 = 0.5 * b1 + 1 / (math.sqrt(s2) + 1e-8)
    expected = [1 - 0.01 * b1, 1 - 0.01 * b1 - 0.01 * b2]
    assert run(lambda ps: optim.RMSprop(ps, lr=0.01, momentum=0.5), 2) == pytest.approx(expected, rel=1e-12)
    # centered: a1 = 0.02, d1 = sqrt(0.04 - 0.0004)
    assert run(lambda ps: optim.RMSprop(ps, centered=True), 1) == pytest.approx([1 - 0.02 / (math.sqrt(0.0396) + 1e-8)])


def test_adagrad_with_lr_decay_and_initial_accumulator() -> None:
    # s1 = 4 -> p = 1 - 0.1 * 2 / 2 = 0.9; s2 = 5, lr2 = 0.1 / (1 + 0.5) -> p = 0.9 - (0.1/1.5) / sqrt(5)
    p1 = 1 - 0.1 * 2 / (2 + 1e-10)
    expected = [p1, p1 - (0.1 / 1.5) * 1 / (math.sqrt(5) + 1e-10)]
    assert run(lambda ps: optim.Adagrad(ps, lr=0.1, lr_decay=0.5), 2) == pytest.approx(expected, rel=1e-12)
    assert run(lambda ps: optim.Adagrad(ps, lr=0.1, initial_accumulator_value=5.0), 1) == pytest.approx([1 - 0.2 / 3])


def test_parameters_without_grad_are_skipped_and_groups_have_their_own_lr() -> None:
    a, b, c = (nn.Parameter(tl.ones(2)) for _ in range(3))
    opt = optim.SGD([{"params": [a]}, {"params": [b, c], "lr": 1.0}], lr=0.1, momentum=0.9)
    a.grad, b.grad = tl.ones(2), tl.ones(2)
    opt.step()
    np.testing.assert_allclose(a.numpy(), 0.9)
    np.testing.assert_allclose(b.numpy(), 0.0)
    np.testing.assert_allclose(c.numpy(), 1.0)
    assert c not in opt.state and opt.param_groups[1]["momentum"] == 0.9
    opt.zero_grad()
    assert a.grad is None and b.grad is None
    a.grad = tl.ones(2)
    opt.zero_grad(set_to_none=False)
    assert a.grad.tolist() == [0.0, 0.0]


def test_step_with_closure_returns_the_loss() -> None:
    p = nn.Parameter(tl.tensor([3.0]))
    opt = optim.SGD([p], lr=0.5)

    def closure() -> tl.Tensor:
        opt.zero_grad()
        loss = (p * p).sum()
        loss.backward()
        return loss

    assert opt.step(closure).item() == 9.0 and p.item() == 0.0


def test_invalid_hyperparameters_and_parameters_are_reported() -> None:
    p = [nn.Parameter(tl.zeros(1))]
    for make, message in (
        (lambda: optim.SGD(p, lr=-1), "invalid learning rate"),
        (lambda: optim.SGD(p, momentum=-1), "invalid momentum"),
        (lambda: optim.SGD(p, nesterov=True), "nesterov momentum needs momentum > 0"),
        (lambda: optim.SGD(p, weight_decay=-1), "invalid weight_decay"),
        (lambda: optim.Adam(p, betas=(0.9, 1.0)), "betas must be two numbers"),
        (lambda: optim.Adam(p, eps=-1), "invalid eps"),
        (lambda: optim.RMSprop(p, alpha=2), "need 0 <= alpha <= 1"),
        (lambda: optim.Adagrad(p, lr_decay=-1), "must be >= 0"),
        (lambda: optim.SGD([]), "empty parameter list"),
        (lambda: optim.SGD([p[0] * 2]), "only optimize leaf tensors"),
        (lambda: optim.SGD([p[0], p[0]]), "more than one parameter group"),
    ):
        with pytest.raises(ValueError, match=message):
            make()
    with pytest.raises(TypeError, match="optimizes Tensors"):
        optim.SGD([np.zeros(2)])


def train_steps(model: nn.Module, opt: optim.Optimizer, steps: int, seed: int) -> list[float]:
    rng = np.random.default_rng(seed)
    losses = []
    for _ in range(steps):
        x = tl.Tensor(rng.standard_normal((8, 4)).astype(np.float32))
        y = tl.Tensor(rng.integers(0, 3, 8))
        opt.zero_grad()
        loss = nn.functional.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses


OPTIMIZERS = {
    "sgd_nesterov": lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9, nesterov=True, weight_decay=1e-3),
    "adam": lambda ps: optim.Adam(ps, lr=1e-2, weight_decay=1e-3),
    "adamw": lambda ps: optim.AdamW(ps, lr=1e-2),
    "rmsprop": lambda ps: optim.RMSprop(ps, lr=1e-2, momentum=0.5, centered=True),
    "adagrad": lambda ps: optim.Adagrad(ps, lr=0.1, lr_decay=0.01),
    "radam": lambda ps: optim.RAdam(ps, lr=1e-2, weight_decay=1e-3, decoupled_weight_decay=True),
    "asgd": lambda ps: optim.ASGD(ps, lr=0.05, t0=1),
    "rprop": lambda ps: optim.Rprop(ps, lr=1e-3),
    "adafactor": lambda ps: optim.Adafactor(ps, lr=1e-2, weight_decay=1e-3),
}


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_resume_from_a_saved_state_follows_the_identical_trajectory(name: str, tmp_path) -> None:
    def make_model() -> nn.Module:
        return nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 3))

    tl.manual_seed(0)
    model = make_model()
    opt = OPTIMIZERS[name](model.parameters())
    train_steps(model, opt, 3, seed=1)
    tl.save({"model": model.state_dict(), "optimizer": opt.state_dict()}, tmp_path / "ckpt.safetensors")
    continued = train_steps(model, opt, 3, seed=2)

    resumed_model = make_model()
    resumed_opt = OPTIMIZERS[name](resumed_model.parameters())
    checkpoint = tl.load(tmp_path / "ckpt.safetensors")
    resumed_model.load_state_dict(checkpoint["model"])
    resumed_opt.load_state_dict(checkpoint["optimizer"])
    assert train_steps(resumed_model, resumed_opt, 3, seed=2) == continued
    for a, b in zip(model.parameters(), resumed_model.parameters()):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_optimizer_state_dict_uses_indices_and_copies() -> None:
    a, b = nn.Parameter(tl.ones(2)), nn.Parameter(tl.ones(3))
    opt = optim.Adam([a, b], lr=0.1)
    a.grad = tl.ones(2)
    opt.step()
    state = opt.state_dict()
    assert state["param_groups"][0]["params"] == [0, 1] and list(state["state"]) == [0]
    assert state["state"][0]["step"] == 1
    state["state"][0]["exp_avg"] += 100
    assert opt.state[a]["exp_avg"].max() < 1
    assert "lr: 0.1" in repr(opt)


def test_optimizer_load_state_dict_rejects_mismatches_without_changing_anything() -> None:
    a, b = nn.Parameter(tl.ones(2)), nn.Parameter(tl.ones(3))
    opt = optim.Adam([a, b], lr=0.1)
    other = optim.Adam([nn.Parameter(tl.ones(4))], lr=0.5)
    other.param_groups[0]["params"][0].grad = tl.ones(4)
    other.step()
    with pytest.raises(tl.StateDictError, match="group 0 has 1 parameters, this optimizer's has 2"):
        opt.load_state_dict(other.state_dict())
    bad = optim.Adam([nn.Parameter(tl.ones(5)), nn.Parameter(tl.ones(3))], lr=0.5)
    bad.param_groups[0]["params"][0].grad = tl.ones(5)
    bad.step()
    with pytest.raises(
        tl.StateDictError, match=r"state 'exp_avg' of parameter 0 has shape \(5,\), the parameter \(2,\)"
    ):
        opt.load_state_dict(bad.state_dict())
    with pytest.raises(tl.StateDictError, match="must have 'state' and 'param_groups'"):
        opt.load_state_dict({"lr": 1})
    assert opt.param_groups[0]["lr"] == 0.1 and not opt.state


def test_radam_asgd_rprop_adafactor_and_muon_refuse_what_pytorch_refuses() -> None:
    w, b = nn.Parameter(tl.zeros(3, 2)), nn.Parameter(tl.zeros(3))
    with pytest.raises(ValueError, match="2-D parameters"):
        optim.Muon([w, b])
    with pytest.raises(ValueError, match="adjust_lr_fn"):
        optim.Muon([w], adjust_lr_fn="sqrt")
    with pytest.raises(ValueError, match="etas"):
        optim.Rprop([w], etas=(1.5, 1.2))
    with pytest.raises(ValueError, match="beta2_decay"):
        optim.Adafactor([w], beta2_decay=0.5)
    with pytest.raises(ValueError, match="clipping threshold"):
        optim.Adafactor([w], d=0.5)
    with pytest.raises(ValueError, match="betas"):
        optim.RAdam([w], betas=(0.9, 1.0))
    with pytest.raises(TypeError, match="lambd must be a number"):
        optim.ASGD([w], lambd="0.1")
    adafactor = optim.Adafactor([w, b])
    w.grad, b.grad = tl.ones(3, 2), tl.ones(3)
    adafactor.step()
    assert {k: v.shape for k, v in adafactor.state[w].items() if k != "step"} == {"row_var": (3, 1), "col_var": (1, 2)}
    assert adafactor.state[b]["variance"].shape == (3,)
    saved = adafactor.state_dict()
    saved["state"][0]["row_var"] = np.zeros((3, 2))
    with pytest.raises(
        tl.StateDictError, match=r"'row_var' of parameter 0 has shape \(3, 2\).*\(so this entry \(3, 1\)\)"
    ):
        adafactor.load_state_dict(saved)
