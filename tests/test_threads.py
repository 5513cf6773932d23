"""BLAS threads: a fixed count, and the governor of set_num_threads("auto") that measures which count is faster."""

from __future__ import annotations

import pytest

import tinygrad_lenet as tl
from tinygrad_lenet.base import threads


@pytest.fixture(autouse=True)
def restore_threads():
    before = tl.get_num_threads()
    yield
    tl.set_num_threads(before)
    assert threads.governor() is None


def test_set_num_threads_limits_numpys_blas_in_this_process() -> None:
    tl.set_num_threads(1)
    assert tl.get_num_threads() == 1 and threads.governor() is None
    with pytest.raises(ValueError, match="expects an int >= 1 or 'auto'"):
        tl.set_num_threads(0)
    with pytest.raises(ValueError, match="expects an int >= 1 or 'auto'"):
        tl.set_num_threads("fast")


class FakeMachine:
    """A clock whose steps take ``seconds[n]`` with n BLAS threads: the governor's view of load."""

    def __init__(self, governor: threads.ThreadGovernor, seconds: dict[int, float]) -> None:
        self.governor, self.seconds, self.now = governor, seconds, 0.0

    def perf_counter(self) -> float:
        return self.now

    def run(self, steps: int) -> list[int]:
        """Run ``steps`` steps; the thread count each ran with."""
        used = []
        for _ in range(steps):
            used.append(self.governor.active)
            self.now += self.seconds[self.governor.active]
            self.governor.step_done()
        return used


def test_the_governor_keeps_the_faster_count_and_follows_a_change_of_load(monkeypatch: pytest.MonkeyPatch) -> None:
    governor = threads.ThreadGovernor(counts=(1, 2), period=10, trial=3, max_period=40)
    machine = FakeMachine(governor, {1: 0.010, 2: 0.008})  # quiet: two threads are faster
    monkeypatch.setattr(threads.time, "perf_counter", machine.perf_counter)
    machine.run(100)
    assert governor.current == 2 and tl.get_num_threads() == 2
    assert governor.period == 40  # the choice stood every time: trials grew rare
    machine.seconds = {1: 0.010, 2: 0.030}  # another program took a core: two threads collapse
    used = machine.run(80)
    assert governor.current == 1 and tl.get_num_threads() == 1
    assert used[-30:].count(2) <= 3  # once noticed, at most one short trial of the slow count
    machine.seconds = {1: 0.010, 2: 0.008}  # quiet again
    machine.run(100)
    assert governor.current == 2 and [best for best, _ in governor.decisions].count(1) >= 1


def test_auto_is_driven_by_optimizer_steps() -> None:
    tl.set_num_threads("auto")
    governor = threads.governor()
    assert governor is not None
    w = tl.zeros(3, requires_grad=True)
    opt = tl.optim.SGD([w], lr=0.1)
    for _ in range(governor.trial + 2):
        (w * w).sum().backward()
        opt.step()
    assert governor.trying is not None or governor.decisions  # the first trial has begun
    assert tl.get_num_threads() == governor.active
