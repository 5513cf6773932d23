"""F.ctc_loss and nn.CTCLoss: the forward against a brute-force sum over every alignment, the hand-written backward
by finite differences (float64, through a log_softmax, in varied layouts), the argument forms and the errors."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import arrays, leaf

import tinygrad_lenet as tl
import tinygrad_lenet.nn.functional as F
from tinygrad_lenet import nn
from tinygrad_lenet.base.errors import ShapeError


def brute_force_nll(log_probs: np.ndarray, target: list[int], blank: int) -> float:
    """-log of the summed probability of every frame-wise path that collapses (merge repeats, drop blanks) to target."""
    frames, classes = log_probs.shape
    total = 0.0
    for path in itertools.product(range(classes), repeat=frames):
        merged = [c for i, c in enumerate(path) if i == 0 or c != path[i - 1]]
        if [c for c in merged if c != blank] == target:
            total += np.exp(sum(log_probs[t, c] for t, c in enumerate(path)))
    return -np.log(total) if total else np.inf


@st.composite
def problems(draw: st.DrawFn) -> tuple[np.ndarray, list[list[int]], list[int], int]:
    """(T, N, C) logits in a drawn layout, one target per sample, the frames of each, and the blank."""
    frames, batch, classes = draw(st.integers(1, 5)), draw(st.integers(1, 3)), draw(st.integers(2, 4))
    blank = draw(st.integers(0, classes - 1))
    labels = [c for c in range(classes) if c != blank]
    inputs = [draw(st.integers(1, frames)) for _ in range(batch)]
    targets = [draw(st.lists(st.sampled_from(labels), max_size=n)) for n in inputs]
    return draw(arrays((frames, batch, classes))), targets, inputs, blank


def padded(targets: list[list[int]], blank: int) -> tl.Tensor:
    width = max([len(t) for t in targets] + [1])
    return tl.tensor(np.array([t + [blank] * (width - len(t)) for t in targets], dtype=np.int64))


@settings(max_examples=20, deadline=None)
@given(problems())
def test_the_loss_is_minus_the_log_of_the_summed_alignments(problem: tuple) -> None:
    logits, targets, inputs, blank = problem
    log_probs = tl.tensor(logits).log_softmax(2)
    losses = F.ctc_loss(log_probs, padded(targets, blank), inputs, [len(t) for t in targets], blank, "none")
    expected = [brute_force_nll(log_probs.numpy()[: inputs[n], n], targets[n], blank) for n in range(len(targets))]
    np.testing.assert_allclose(losses.numpy(), expected, rtol=1e-10)


@settings(max_examples=20, deadline=None)
@given(problems(), st.sampled_from(["none", "sum", "mean"]))
def test_gradient_through_log_softmax_matches_finite_differences(problem: tuple, reduction: str) -> None:
    logits, targets, inputs, blank = problem
    labels, lengths = padded(targets, blank), [len(t) for t in targets]
    assert tl.gradcheck(
        lambda x: F.ctc_loss(x.log_softmax(2), labels, inputs, lengths, blank, reduction, zero_infinity=True),
        [leaf(logits)],
    )


def test_target_forms_and_unbatched_input_agree() -> None:
    log_probs = tl.randn(6, 2, 4, dtype=tl.float64).log_softmax(2)
    per_sample = F.ctc_loss(log_probs, tl.tensor([[1, 2, 0], [3, 3, 1]]), [6, 5], [2, 3], reduction="none")
    concatenated = F.ctc_loss(
        log_probs, tl.tensor([1, 2, 3, 3, 1]), tl.tensor([6, 5]), tl.tensor([2, 3]), reduction="none"
    )
    np.testing.assert_allclose(per_sample.numpy(), concatenated.numpy())
    single = F.ctc_loss(log_probs[:, 1], tl.tensor([3, 3, 1]), 5, 3, reduction="none")
    assert single.shape == () and np.isclose(single.item(), per_sample.numpy()[1])
    mean = nn.CTCLoss()(log_probs, tl.tensor([[1, 2, 0], [3, 3, 1]]), [6, 5], [2, 3])
    assert np.isclose(mean.item(), (per_sample.numpy() / [2, 3]).mean())


def test_an_impossible_alignment_is_infinite_unless_zero_infinity() -> None:
    log_probs = tl.randn(2, 1, 3, dtype=tl.float64, requires_grad=True)
    target = tl.tensor([[1, 1]])  # two equal labels need a blank between them: 3 frames
    assert np.isinf(F.ctc_loss(log_probs.log_softmax(2), target, [2], [2], reduction="sum").item())
    loss = nn.CTCLoss(zero_infinity=True, reduction="sum")(log_probs.log_softmax(2), target, [2], [2])
    loss.backward()
    assert loss.item() == 0.0 and not np.any(log_probs.grad.numpy())


def test_wrong_arguments_say_what_was_expected() -> None:
    log_probs = tl.randn(4, 2, 3).log_softmax(2)
    with pytest.raises(ShapeError, match=r"\(T, N, C\) or \(T, C\)"):
        F.ctc_loss(tl.randn(4, 2, 3, 1), tl.tensor([[1], [2]]), [4, 4], [1, 1])
    with pytest.raises(ShapeError, match="input_lengths must hold 2 integers"):
        F.ctc_loss(log_probs, tl.tensor([[1], [2]]), [4], [1, 1])
    with pytest.raises(ValueError, match="at most the 4 frames"):
        F.ctc_loss(log_probs, tl.tensor([[1], [2]]), [5, 4], [1, 1])
    with pytest.raises(ValueError, match="other than blank"):
        F.ctc_loss(log_probs, tl.tensor([[0], [2]]), [4, 4], [1, 1])
    with pytest.raises(ShapeError, match="sum\\(target_lengths\\) = 3"):
        F.ctc_loss(log_probs, tl.tensor([1, 2]), [4, 4], [1, 2])
