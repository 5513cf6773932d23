"""The strong-Wolfe line search LBFGS uses: bracket a step length along a direction, then zoom in on it."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

Evaluate = Callable[[float], tuple[float, np.ndarray]]
"""f(x + t d) and its gradient at x + t d, for a step length t."""


def cubic_minimum(
    x1: float, f1: float, g1: float, x2: float, f2: float, g2: float, bounds: tuple[float, float] | None = None
) -> float:
    """The minimiser, clipped to ``bounds`` (default: between x1 and x2), of the cubic through (x1, f1) and
    (x2, f2) with slopes g1 and g2; the middle of the bounds when that cubic has no minimum.

    With d1 = g1 + g2 - 3 (f1 - f2) / (x1 - x2) and d2 = sqrt(d1^2 - g1 g2), and x2 the larger point, the
    minimiser is x2 - (x2 - x1) (g2 + d2 - d1) / (g2 - g1 + 2 d2) (Nocedal & Wright, eq. 3.59).
    """
    low, high = bounds if bounds is not None else (min(x1, x2), max(x1, x2))
    d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2)
    d2_squared = d1**2 - g1 * g2
    if d2_squared < 0:
        return (low + high) / 2.0
    d2 = math.sqrt(d2_squared)
    if x1 <= x2:
        position = x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
    else:
        position = x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2))
    return min(max(position, low), high)


def strong_wolfe(
    evaluate: Evaluate,
    t: float,
    d: np.ndarray,
    f: float,
    g: np.ndarray,
    gtd: float,
    c1: float = 1e-4,
    c2: float = 0.9,
    tolerance_change: float = 1e-9,
    max_ls: int = 25,
) -> tuple[float, np.ndarray, float, int]:
    """A step length t along ``d`` from the point where the loss is ``f``, its gradient ``g`` and the slope
    ``gtd`` = g . d, meeting the strong Wolfe conditions

        f(t) <= f + c1 t gtd           (sufficient decrease)
        |f'(t)| <= -c2 gtd              (the slope has flattened enough)

    First steps grow (by cubic extrapolation, at most 10 times) until a bracket [t_lo, t_hi] must hold such a
    point; then cubic interpolation zooms into the bracket, keeping away from its ends. At most ``max_ls``
    evaluations after the first; stops when the bracket is shorter than ``tolerance_change`` in the largest
    coordinate of d. Returns (loss, gradient, t, evaluations) at the best point found (Nocedal & Wright,
    algorithms 3.5 and 3.6; the arithmetic and every decision are those of PyTorch's LBFGS, so the two agree).
    """
    d_norm = float(np.abs(d).max())
    f_new, g_new = evaluate(t)
    evaluations = 1
    gtd_new = float(np.dot(g_new, d))
    t_prev, f_prev, g_prev, gtd_prev = 0.0, f, g, gtd
    done = False
    ls_iter = 0
    while ls_iter < max_ls:
        no_decrease = f_new > (f + c1 * t * gtd) or (ls_iter > 1 and f_new >= f_prev)
        if not no_decrease and abs(gtd_new) <= -c2 * gtd:  # t meets both conditions
            bracket, bracket_f, bracket_g, bracket_gtd = [t], [f_new], [g_new], [gtd_new]
            done = True
            break
        if no_decrease or gtd_new >= 0:  # a point meeting them lies between t_prev and t
            bracket, bracket_f = [t_prev, t], [f_prev, f_new]
            bracket_g, bracket_gtd = [g_prev, g_new], [gtd_prev, gtd_new]
            break
        step = cubic_minimum(t_prev, f_prev, gtd_prev, t, f_new, gtd_new, bounds=(t + 0.01 * (t - t_prev), t * 10))
        t_prev, f_prev, g_prev, gtd_prev = t, f_new, g_new, gtd_new
        t = step
        f_new, g_new = evaluate(t)
        evaluations += 1
        gtd_new = float(np.dot(g_new, d))
        ls_iter += 1
    if ls_iter == max_ls:  # no bracket: the last step and the start
        bracket, bracket_f, bracket_g, bracket_gtd = [0.0, t], [f, f_new], [g, g_new], [gtd, gtd_new]

    insufficient_progress = False
    low, high = (0, 1) if bracket_f[0] <= bracket_f[-1] else (1, 0)
    while not done and ls_iter < max_ls:
        if abs(bracket[1] - bracket[0]) * d_norm < tolerance_change:
            break
        t = cubic_minimum(bracket[0], bracket_f[0], bracket_gtd[0], bracket[1], bracket_f[1], bracket_gtd[1])
        # a trial too near an end of the bracket twice running (or outside it) moves to 10% of its length inside
        margin = 0.1 * (max(bracket) - min(bracket))
        if min(max(bracket) - t, t - min(bracket)) < margin:
            if insufficient_progress or t >= max(bracket) or t <= min(bracket):
                t = max(bracket) - margin if abs(t - max(bracket)) < abs(t - min(bracket)) else min(bracket) + margin
                insufficient_progress = False
            else:
                insufficient_progress = True
        else:
            insufficient_progress = False
        f_new, g_new = evaluate(t)
        evaluations += 1
        gtd_new = float(np.dot(g_new, d))
        ls_iter += 1
        if f_new > (f + c1 * t * gtd) or f_new >= bracket_f[low]:  # not a decrease: the new high end
            bracket[high], bracket_f[high], bracket_g[high], bracket_gtd[high] = t, f_new, g_new, gtd_new
            low, high = (0, 1) if bracket_f[0] <= bracket_f[1] else (1, 0)
        else:
            if abs(gtd_new) <= -c2 * gtd:
                done = True
            elif gtd_new * (bracket[high] - bracket[low]) >= 0:  # the old low end becomes the high end
                bracket[high], bracket_f[high] = bracket[low], bracket_f[low]
                bracket_g[high], bracket_gtd[high] = bracket_g[low], bracket_gtd[low]
            bracket[low], bracket_f[low], bracket_g[low], bracket_gtd[low] = t, f_new, g_new, gtd_new
    return bracket_f[low], bracket_g[low], bracket[low], evaluations
