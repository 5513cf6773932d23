"""LBFGS against PyTorch's, loss by loss, on three problems with and without the strong-Wolfe line search; its
state dict both ways; and what it refuses."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import tinygrad_lenet as tl
from tinygrad_lenet import nn, optim

torch = pytest.importorskip("torch", reason="PyTorch is not installed (make parity installs torch==2.13.0)")
STEPS = 5
"""Steps compared: each runs up to 20 iterations, and on the MLP round-off (the order of the sums in matmul and
dot) grows about tenfold a step, to 1e-8 after five steps and 1e-5 after eight."""
SEARCHES = [None, "strong_wolfe"]


def rosenbrock(T: Any) -> tuple[list[Any], Callable[[], Any]]:
    """f(x, y) = (1 - x)^2 + 100 (y - x^2)^2 from (-1.5, 2): a curved valley, the classic quasi-Newton test."""
    xy = T.nn.Parameter(T.tensor(np.array([-1.5, 2.0])))
    return [xy], lambda: (1 - xy[0]) ** 2 + 100 * (xy[1] - xy[0] ** 2) ** 2


def mlp(T: Any) -> tuple[list[Any], Callable[[], Any]]:
    """A 3-8-1 tanh network fitting y = sin(x0) + x1 x2 on 32 points (mean squared error)."""
    rng = np.random.default_rng(1)
    x = rng.standard_normal((32, 3))
    y = (np.sin(x[:, 0]) + x[:, 1] * x[:, 2])[:, None]
    shapes = [(8, 3), (8,), (1, 8), (1,)]
    params = [T.nn.Parameter(T.tensor(rng.standard_normal(s) * 0.5)) for s in shapes]
    w1, b1, w2, b2 = params

    def loss() -> Any:
        hidden = T.tanh(T.tensor(x) @ w1.T + b1)
        return ((hidden @ w2.T + b2 - T.tensor(y)) ** 2).mean()

    return params, loss


def least_squares(T: Any) -> tuple[list[Any], Callable[[], Any]]:
    """min ||A w + b - y||^2 for a 20 x 5 system with noise."""
    rng = np.random.default_rng(2)
    a, y = rng.standard_normal((20, 5)), rng.standard_normal(20)
    w, b = T.nn.Parameter(T.tensor(np.zeros(5))), T.nn.Parameter(T.tensor(np.zeros(1)))
    return [w, b], lambda: ((T.tensor(a) @ w + b - T.tensor(y)) ** 2).sum()


PROBLEMS = {"rosenbrock": rosenbrock, "mlp": mlp, "least_squares": least_squares}


def losses(T: Any, problem: str, steps: int = STEPS, **options: Any) -> tuple[list[float], list[np.ndarray]]:
    """The loss each ``step(closure)`` returns (its first evaluation) and the parameters after the last step."""
    params, loss_fn = PROBLEMS[problem](T)
    opt = T.optim.LBFGS(params, **options)

    def closure() -> Any:
        opt.zero_grad()
        loss = loss_fn()
        loss.backward()
        return loss

    seen = [opt.step(closure).detach().item() for _ in range(steps)]
    return seen, [p.detach().numpy().copy() for p in params]


@pytest.mark.parametrize("line_search_fn", SEARCHES)
@pytest.mark.parametrize("problem", sorted(PROBLEMS))
def test_each_steps_loss_equals_pytorchs(problem: str, line_search_fn: str | None) -> None:
    options = {"line_search_fn": line_search_fn, "lr": 1 if line_search_fn else 0.1}
    theirs, their_params = losses(torch, problem, **options)
    ours, our_params = losses(tl, problem, **options)
    np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=1e-12)
    for mine, their in zip(our_params, their_params):
        np.testing.assert_allclose(mine, their, rtol=1e-6, atol=1e-10)
    assert ours[-1] < ours[0]


def test_strong_wolfe_solves_rosenbrock_and_least_squares() -> None:
    (_, [xy]) = losses(tl, "rosenbrock", steps=10, line_search_fn="strong_wolfe", max_iter=50)
    np.testing.assert_allclose(xy, [1.0, 1.0], atol=1e-5)
    rng = np.random.default_rng(2)
    a, y = rng.standard_normal((20, 5)), rng.standard_normal(20)
    solution = np.linalg.lstsq(np.hstack([a, np.ones((20, 1))]), y, rcond=None)[0]
    (_, [w, b]) = losses(tl, "least_squares", steps=3, line_search_fn="strong_wolfe")
    np.testing.assert_allclose(np.append(w, b), solution, atol=1e-6)


@pytest.mark.parametrize("line_search_fn", SEARCHES)
def test_a_state_dict_pytorch_wrote_loads_and_continues_identically(tmp_path, line_search_fn) -> None:
    options = {"line_search_fn": line_search_fn, "lr": 0.5, "history_size": 4, "max_iter": 3}
    their_params, their_loss = mlp(torch)
    theirs = torch.optim.LBFGS(their_params, **options)

    def closure_for(opt: Any, params: list[Any], loss_fn: Callable[[], Any]) -> Callable[[], Any]:
        def closure() -> Any:
            opt.zero_grad()
            loss = loss_fn()
            loss.backward()
            return loss

        return closure

    for _ in range(3):
        theirs.step(closure_for(theirs, their_params, their_loss))
    torch.save(theirs.state_dict(), tmp_path / "lbfgs.pt")  # lists of tensors, 0-d tensors, None in "al"
    our_params, our_loss = mlp(tl)
    for mine, their in zip(our_params, their_params):
        mine.data = tl.tensor(their.detach().numpy().copy())
    ours = optim.LBFGS(our_params, **options)
    ours.load_state_dict(tl.load(tmp_path / "lbfgs.pt"))
    state = ours.state[our_params[0]]
    their_state = theirs.state[their_params[0]]
    assert (state["n_iter"], state["func_evals"]) == (their_state["n_iter"], their_state["func_evals"])
    assert len(state["old_dirs"]) == len(their_state["old_dirs"]) > 0 and isinstance(state["d"], np.ndarray)
    for _ in range(3):
        theirs.step(closure_for(theirs, their_params, their_loss))
        ours.step(closure_for(ours, our_params, our_loss))
    for mine, their in zip(our_params, their_params):
        np.testing.assert_allclose(mine.numpy(), their.detach().numpy(), rtol=1e-9, atol=1e-12)


def test_its_own_state_dict_is_a_copy_that_resumes_the_same_trajectory(tmp_path) -> None:
    params, loss_fn = least_squares(tl)
    opt = optim.LBFGS(params, lr=0.05, history_size=3, max_iter=4)

    def closure() -> Any:
        opt.zero_grad()
        loss = loss_fn()
        loss.backward()
        return loss

    opt.step(closure)
    saved = opt.state_dict()
    history = [v.copy() for v in saved["state"][0]["old_dirs"]]
    start = [p.numpy().copy() for p in params]
    opt.step(closure)
    assert all(np.array_equal(a, b) for a, b in zip(saved["state"][0]["old_dirs"], history))  # not aliased
    after = [p.numpy().copy() for p in params]
    for p, value in zip(params, start):
        p.data = tl.tensor(value)
    opt.load_state_dict(saved)
    opt.step(closure)
    for p, value in zip(params, after):
        np.testing.assert_array_equal(p.numpy(), value)


def test_what_lbfgs_refuses() -> None:
    w = nn.Parameter(tl.zeros(3, dtype=tl.float64))
    with pytest.raises(TypeError, match="needs a closure"):
        optim.LBFGS([w]).step()
    with pytest.raises(ValueError, match="parameter groups"):
        optim.LBFGS([{"params": [w]}, {"params": [nn.Parameter(tl.zeros(2))]}])
    with pytest.raises(ValueError, match="line_search_fn"):
        optim.LBFGS([w], line_search_fn="backtracking")
    opt = optim.LBFGS([w])
    with pytest.raises(tl.StateDictError, match="another length"):
        opt.load_state_dict(
            {"state": {0: {"d": np.zeros(5), "n_iter": 1}}, "param_groups": opt.state_dict()["param_groups"]}
        )
    assert opt.state == {}
