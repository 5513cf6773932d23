"""How many threads numpy's BLAS uses: ``tl.set_num_threads(n)`` / ``tl.get_num_threads()``, PyTorch's names.

Matrix products are the only multi-threaded part of a step here. Two threads are about 1.2x
faster than one on a quiet 2-core machine, but when another program keeps a core busy they
collapse (LeNet-5 training fell to 0.39x of its quiet speed here) while one thread keeps 0.94x
of its own (docs/performance.md). So the right count depends on the machine's load, which
changes while a run goes on.

``tl.set_num_threads("auto")`` lets a ``ThreadGovernor`` choose it by measuring: every
optimizer step tells it how long the step took; now and then it tries the other thread count
for a few steps and keeps whichever ran faster. The default is numpy's (one per core).
threadpoolctl does the work; it is imported on first use.
"""

from __future__ import annotations

import os
import statistics
import time
from typing import Any, Literal

_GOVERNOR: ThreadGovernor | None = None


def _blas_controllers() -> list[Any]:
    """threadpoolctl's controllers of the BLAS libraries numpy loaded (switching one costs ~1 µs)."""
    import numpy  # noqa: F401  (numpy loads its BLAS on import; threadpoolctl finds only loaded libraries)
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController().select(user_api="blas").lib_controllers


class ThreadGovernor:
    """Picks the BLAS thread count that makes training steps fastest, as the load changes.

    Steps are timed from one ``step_done()`` to the next. After ``settle`` steps at the current
    count, the governor runs ``trial`` steps at the other count and compares the medians; it keeps
    the faster count. When the choice stands, the next trial waits twice as long (up to
    ``max_period`` steps), so a steady machine pays almost nothing; when it flips, the period
    starts short again, so a machine that became busy (or quiet) is noticed within ``period``
    steps. On a single core there is nothing to choose and the governor stays at 1.
    """

    def __init__(
        self, counts: tuple[int, ...] | None = None, period: int = 25, trial: int = 3, max_period: int = 200
    ) -> None:
        self.controllers = _blas_controllers()
        cores = os.cpu_count() or 1
        self.counts = counts or ((1, cores) if cores > 1 else (1,))
        self.period, self.first_period, self.max_period, self.trial = period, period, max_period, trial
        self.current = self.counts[-1]
        self.trying: int | None = None
        self.timings: dict[int, list[float]] = {n: [] for n in self.counts}
        self.steps_left = trial + 1  # the first trial, once the current count has ``trial`` timed steps
        self.last: float | None = None
        self.decisions: list[tuple[int, dict[int, float]]] = []  # (count chosen, median seconds per count)
        self._apply(self.current)

    def _apply(self, n: int) -> None:
        for controller in self.controllers:
            controller.set_num_threads(n)

    @property
    def active(self) -> int:
        """The thread count the BLAS runs with right now."""
        return self.current if self.trying is None else self.trying

    def step_done(self) -> None:
        """Record the step that just ended; start or finish a trial when it is time."""
        now = time.perf_counter()
        if self.last is not None:
            samples = self.timings[self.active]
            samples.append(now - self.last)
            del samples[: -self.trial]
        self.last = now
        self.steps_left -= 1
        if self.steps_left > 0 or len(self.counts) == 1:
            return
        if self.trying is None:
            self.trying = next(n for n in self.counts if n != self.current)
            self.timings[self.trying] = []
            self.steps_left = self.trial
            self._apply(self.trying)
            return
        medians = {n: statistics.median(t) for n, t in self.timings.items() if t}
        best = min(medians, key=medians.__getitem__)
        self.period = self.first_period if best != self.current else min(2 * self.period, self.max_period)
        self.current, self.trying, self.steps_left = best, None, self.period
        self.decisions.append((best, medians))
        self._apply(best)


def set_num_threads(n: int | Literal["auto"]) -> None:
    """Use ``n`` threads in numpy's BLAS from now on, in this process (``torch.set_num_threads``).

    ``"auto"`` measures instead: each ``optimizer.step()`` reports its step time to a
    ``ThreadGovernor``, which keeps whichever of one thread and one per core runs faster now.
    """
    global _GOVERNOR
    if n == "auto":
        _GOVERNOR = ThreadGovernor()
        return
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"set_num_threads expects an int >= 1 or 'auto', got {n!r}")
    _GOVERNOR = None
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=n, user_api="blas")


def get_num_threads() -> int:
    """The number of threads numpy's BLAS uses (the largest, if numpy loaded several BLAS libraries)."""
    from threadpoolctl import threadpool_info

    return max((info["num_threads"] for info in threadpool_info() if info.get("user_api") == "blas"), default=1)


def governor() -> ThreadGovernor | None:
    """The governor of ``set_num_threads("auto")``, or None when the thread count is fixed."""
    return _GOVERNOR


def step_done() -> None:
    """Called by ``Optimizer.step``: times the step for the governor (nothing when there is none)."""
    if _GOVERNOR is not None:
        _GOVERNOR.step_done()
