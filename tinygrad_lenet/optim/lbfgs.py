"""L-BFGS: quasi-Newton steps from a short history of gradient changes, driven by a closure."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from ..autodiff.grad_mode import enable_grad
from ..base.errors import StateDictError
from ..tensor.tensor import Tensor
from .line_search import strong_wolfe
from .optimizer import Optimizer

LINE_SEARCHES = (None, "strong_wolfe")
VECTOR_STATE = frozenset({"d", "prev_flat_grad", "old_dirs", "old_stps"})
"""State entries that are (lists of) vectors as long as all parameters together; the others are numbers."""


def _saved_value(name: str, value: Any, dtype: np.dtype) -> Any:
    """A saved LBFGS state entry as this optimizer keeps it: vectors as arrays of the parameters' dtype,
    the rest (counts, t, H_diag, prev_loss, ro, al) as numbers, lists as lists (None stays None)."""
    if isinstance(value, (list, tuple)):
        return [_saved_value(name, v, dtype) for v in value]
    if isinstance(value, Tensor):
        value = value._array
    if name in VECTOR_STATE:
        return np.array(value, dtype=dtype, copy=True)
    if isinstance(value, (np.ndarray, np.generic)):
        value = value.item()
    return int(value) if name in ("func_evals", "n_iter") else value


class LBFGS(Optimizer):
    """PyTorch's L-BFGS (Nocedal, 1980; Liu & Nocedal, 1989), with its optional strong-Wolfe line search.

    All parameters are treated as one flat vector x with gradient g. Each ``step(closure)`` runs up to
    ``max_iter`` iterations (and ``max_eval`` loss evaluations) of

        s = x_k - x_(k-1),  y = g_k - g_(k-1),  kept (the last ``history_size`` pairs) when y . s > 1e-10
        d = -H g,  H the inverse-Hessian estimate from the pairs, started from (y . s / y . y) I
               (the two-loop recursion; d = -g at the very first iteration)
        x <- x + t d,  t = lr (the first iteration of all: min(1, 1 / sum|g|) lr), or the step the
               strong-Wolfe line search finds starting from that t

    and stops early when max|g| <= ``tolerance_grad``, when the slope g . d > -``tolerance_change``, when
    max|t d| or the change of the loss is below ``tolerance_change``. The ``closure`` clears the gradients,
    computes the loss, calls ``backward()`` and returns the loss; a step calls it many times and returns
    the loss of its first call. One parameter group only; the state (the history, the last direction d and
    step t, the iteration and evaluation counts) is kept under the first parameter, as in PyTorch.
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1,
        max_iter: int = 20,
        max_eval: int | None = None,
        tolerance_grad: float = 1e-7,
        tolerance_change: float = 1e-9,
        history_size: int = 100,
        line_search_fn: str | None = None,
    ) -> None:
        super().__init__(
            params,
            dict(
                lr=lr,
                max_iter=max_iter,
                max_eval=max_iter * 5 // 4 if max_eval is None else max_eval,
                tolerance_grad=tolerance_grad,
                tolerance_change=tolerance_change,
                history_size=history_size,
                line_search_fn=line_search_fn,
            ),
        )
        self._params: list[Tensor] = self.param_groups[0]["params"]

    def add_param_group(self, group: dict[str, Any]) -> None:
        """The one parameter group (LBFGS treats all parameters as one vector: a second group is refused)."""
        if self.param_groups:
            raise ValueError("LBFGS doesn't support per-parameter options (parameter groups): give it one list")
        super().add_param_group(group)

    def check_hyperparameters(self, group: dict[str, Any]) -> None:
        super().check_hyperparameters(group)
        if group["line_search_fn"] not in LINE_SEARCHES:
            raise ValueError(f"LBFGS: line_search_fn must be None or 'strong_wolfe', got {group['line_search_fn']!r}")
        if group["max_iter"] < 1 or group["max_eval"] < 1 or group["history_size"] < 1:
            raise ValueError(
                f"LBFGS: max_iter, max_eval and history_size must be >= 1, got {group['max_iter']}, "
                f"{group['max_eval']} and {group['history_size']}"
            )

    # --- the parameters as one flat vector ---------------------------------------------------------
    def _flat_grad(self) -> np.ndarray:
        return np.concatenate(
            [np.zeros(p.numel(), p.dtype) if p.grad is None else p.grad._array.ravel() for p in self._params]
        )

    def _move(self, t: float, d: np.ndarray) -> None:
        """x <- x + t d."""
        offset = 0
        for p in self._params:
            p._array += t * d[offset : offset + p.numel()].reshape(p.shape)
            p._version += 1
            offset += p.numel()

    def _set(self, arrays: list[np.ndarray]) -> None:
        for p, a in zip(self._params, arrays):
            p._array[...] = a
            p._version += 1

    def _evaluate(self, closure: Callable[[], Tensor]) -> tuple[Tensor, float, np.ndarray]:
        with enable_grad():
            loss = closure()
        return loss, float(loss), self._flat_grad()

    # --- saving and resuming --------------------------------------------------------------------------
    def state_dict(self) -> dict[str, Any]:
        """As ``Optimizer.state_dict``, with the history lists copied too."""
        saved = super().state_dict()
        saved["state"] = copy.deepcopy(saved["state"])
        return saved

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore what ``state_dict()`` (or PyTorch's LBFGS) saved; vectors of the wrong length are refused
        with a ``StateDictError`` and nothing changes."""
        size = sum(p.numel() for p in self._params)
        dtype = self._params[0].dtype
        entries = state_dict.get("state", {}) if isinstance(state_dict, dict) else {}
        state, problems = {}, []
        for key, entry in entries.items():
            if int(key) != 0:
                problems.append(f"state for parameter {key}, but LBFGS keeps all its state under parameter 0")
                continue
            state = {name: _saved_value(name, value, dtype) for name, value in entry.items()}
        for name in sorted(VECTOR_STATE & set(state)):
            vectors = state[name] if isinstance(state[name], list) else [state[name]]
            if any(v.shape != (size,) for v in vectors):
                problems.append(f"state {name!r} holds vectors of another length than the {size} parameters")
        if problems:
            raise StateDictError("LBFGS.load_state_dict failed, nothing was changed:\n  " + "\n  ".join(problems))
        super().load_state_dict({**state_dict, "state": {}})
        self.state = {self._params[0]: state} if state else {}

    # --- the step ------------------------------------------------------------------------------------
    def step(self, closure: Callable[[], Tensor] | None = None) -> Tensor:
        """Run up to ``max_iter`` L-BFGS iterations; ``closure`` (required) re-evaluates the loss and its
        gradients. Returns the loss of the closure's first call."""
        if closure is None:
            raise TypeError(
                "LBFGS.step needs a closure that clears the gradients, computes the loss, "
                "calls backward() and returns the loss"
            )
        group = self.param_groups[0]
        lr, max_iter, max_eval = group["lr"], group["max_iter"], group["max_eval"]
        tolerance_grad, tolerance_change = group["tolerance_grad"], group["tolerance_change"]
        state = self.state.setdefault(self._params[0], {})
        state.setdefault("func_evals", 0)
        state.setdefault("n_iter", 0)

        first_loss, loss, flat_grad = self._evaluate(closure)
        evaluations = 1
        state["func_evals"] += 1
        if np.abs(flat_grad).max() <= tolerance_grad:
            return first_loss
        history: Any = (state.get("old_dirs"), state.get("old_stps"), state.get("ro"))
        d: Any = state.get("d")
        t: Any = state.get("t")
        h_diag: Any = state.get("H_diag")
        prev_flat_grad: Any = state.get("prev_flat_grad")
        prev_loss: Any = state.get("prev_loss")

        n_iter = 0
        while n_iter < max_iter:
            n_iter += 1
            state["n_iter"] += 1
            if state["n_iter"] == 1:
                d, history, h_diag = -flat_grad, ([], [], []), 1.0
            else:
                scale = self._remember(flat_grad - prev_flat_grad, d * t, history, group["history_size"])
                h_diag = h_diag if scale is None else scale
                d = self._direction(state, flat_grad, history, h_diag, group["history_size"])
            prev_flat_grad, prev_loss = flat_grad.copy(), loss
            t = min(1.0, 1.0 / float(np.abs(flat_grad).sum())) * lr if state["n_iter"] == 1 else lr
            gtd = float(np.dot(flat_grad, d))
            if gtd > -tolerance_change:  # not a descent direction any more
                break

            evals_now = 0
            if group["line_search_fn"] == "strong_wolfe":
                start = [p._array.copy() for p in self._params]

                def along(step: float, start: list[np.ndarray] = start, d: np.ndarray = d) -> tuple[float, np.ndarray]:
                    self._move(step, d)
                    _, value, grad = self._evaluate(closure)
                    self._set(start)
                    return value, grad

                loss, flat_grad, t, evals_now = strong_wolfe(
                    along, t, d, loss, flat_grad, gtd, max_ls=max_eval - evaluations
                )
                self._move(t, d)
                converged = np.abs(flat_grad).max() <= tolerance_grad
            else:
                self._move(t, d)
                converged = False
                if n_iter != max_iter:  # the last iteration's loss is not needed (it would cost an evaluation)
                    _, loss, flat_grad = self._evaluate(closure)
                    converged = np.abs(flat_grad).max() <= tolerance_grad
                    evals_now = 1
            evaluations += evals_now
            state["func_evals"] += evals_now

            if n_iter == max_iter or evaluations >= max_eval or converged:
                break
            if np.abs(d * t).max() <= tolerance_change or abs(loss - prev_loss) < tolerance_change:
                break  # no progress
        state.update(
            d=d,
            t=t,
            old_dirs=history[0],
            old_stps=history[1],
            ro=history[2],
            H_diag=h_diag,
            prev_flat_grad=prev_flat_grad,
            prev_loss=prev_loss,
        )
        return first_loss

    @staticmethod
    def _remember(
        y: np.ndarray, s: np.ndarray, history: tuple[list[np.ndarray], list[np.ndarray], list[float]], size: int
    ) -> float | None:
        """Keep the pair (s, y) = (the step, the change of gradient) in the history (old_dirs, old_stps, ro)
        when its curvature y . s is positive enough, dropping the oldest pair beyond ``size``; returns the new
        scale y . s / y . y of the initial inverse Hessian, or None when the pair was not kept."""
        ys = float(np.dot(y, s))
        if ys <= 1e-10:
            return None
        old_dirs, old_stps, ro = history
        if len(old_dirs) == size:
            del old_dirs[0], old_stps[0], ro[0]
        old_dirs.append(y)
        old_stps.append(s)
        ro.append(1.0 / ys)
        return ys / float(np.dot(y, y))

    @staticmethod
    def _direction(
        state: dict[str, Any],
        flat_grad: np.ndarray,
        history: tuple[list[np.ndarray], list[np.ndarray], list[float]],
        h_diag: float,
        size: int,
    ) -> np.ndarray:
        """-H g by the two-loop recursion over the history (Nocedal & Wright, algorithm 7.4), with
        H_0 = h_diag I; the first loop's coefficients are kept in ``state["al"]`` as PyTorch keeps them."""
        old_dirs, old_stps, ro = history
        al = state.setdefault("al", [None] * size)
        q = -flat_grad
        for i in range(len(old_dirs) - 1, -1, -1):
            al[i] = float(np.dot(old_stps[i], q)) * ro[i]
            q -= al[i] * old_dirs[i]
        r = q * h_diag
        for i in range(len(old_dirs)):
            be_i = float(np.dot(old_dirs[i], r)) * ro[i]
            r += (al[i] - be_i) * old_stps[i]
        return r
