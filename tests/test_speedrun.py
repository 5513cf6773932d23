"""``tinygrad-lenet speedrun``: its recipes, data, weight average, the race against PyTorch, and the command."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import tinygrad_lenet as tl
from tinygrad_lenet.cli import main
from tinygrad_lenet.data import MNIST_MEAN, MNIST_STD, input_transform
from tinygrad_lenet.speedrun import RECIPES, recipe_for, train, warmed_ema
from tinygrad_lenet.speedrun.data import NORMALIZED, Batches, Split, load_split
from tinygrad_lenet.speedrun.parallel import check_procs
from tinygrad_lenet.speedrun.race import Outcome, initial_weights
from tinygrad_lenet.speedrun.recipes import GENTLE
from tinygrad_lenet.speedrun.runner import final_line


def small_split(train: int = 256, evaluated: int = 200) -> Split:
    """The first digits of the bundled sample: ``train`` to train on, ``evaluated`` of its test set."""
    full = load_split("sample", log=lambda _: None)
    return replace(
        full,
        train_images=full.train_images[:train],
        train_labels=full.train_labels[:train],
        eval_images=full.eval_images[:evaluated],
        eval_labels=full.eval_labels[:evaluated],
    )


def test_a_target_picks_the_first_recipe_that_aims_as_high() -> None:
    assert recipe_for(0.99).name == "fast"
    assert recipe_for(0.992).name == "augmented"
    assert recipe_for(0.995).name == "augmented"
    assert recipe_for(0.996).name == "ceiling"
    assert recipe_for(0.999).name == "ceiling"
    ceiling = RECIPES["ceiling"]
    assert ceiling.with_epochs(3).epochs == 3 and ceiling.with_epochs(None) is ceiling
    assert ceiling.with_epochs(30).clean_epochs == ceiling.clean_epochs // 2  # the same share undistorted
    settings = ceiling.settings()
    assert all(part in settings for part in ("undistorted", "padded", "label smoothing", "weight EMA", "OneCycleLR"))


def test_the_validation_split_is_held_out_of_training_and_fixed() -> None:
    test = load_split("sample", log=lambda _: None)
    split = load_split("sample", validation=True, log=lambda _: None)
    assert split.evaluation == "validation" and test.evaluation == "test"
    assert len(split.train_labels) + len(split.eval_labels) == len(test.train_labels)
    assert len(split.eval_labels) == len(test.train_labels) // 6
    inputs = split.eval_inputs(0, len(split.eval_labels))
    assert inputs.shape == (len(split.eval_labels), 1, 32, 32) and inputs.dtype == np.float32
    # no held-out digit is trained on: every training row is one of the full set's rows not held out
    rows = {image.tobytes() for image in split.train_images}
    held = [i for i, image in enumerate(test.train_images) if image.tobytes() not in rows]
    assert len(held) >= len(split.eval_labels) - 5  # (the sample may repeat an image or two)
    again = load_split("sample", validation=True, log=lambda _: None)
    np.testing.assert_array_equal(again.eval_labels, split.eval_labels)


def test_batches_repeat_with_their_seed_drop_the_last_partial_batch_and_distort() -> None:
    split = small_split(train=300)
    plain = list(Batches(split, 64, seed=3, augmentation=None).epoch())
    assert len(plain) == 4 and all(x.shape == (64, 1, 32, 32) and x.dtype == np.float32 for x, _ in plain)
    again = list(Batches(split, 64, seed=3, augmentation=None).epoch())
    assert all(np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1]) for a, b in zip(plain, again, strict=True))
    other = next(Batches(split, 64, seed=4, augmentation=None).epoch())
    assert not np.array_equal(other[1], plain[0][1])
    distorted = next(Batches(split, 64, seed=3, augmentation=GENTLE).epoch())
    np.testing.assert_array_equal(distorted[1], plain[0][1])  # same digits, same order
    assert not np.allclose(distorted[0], plain[0][0])
    clean = list(Batches(split, 64, seed=3, augmentation=GENTLE).epoch(distort=False))
    assert all(np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1]) for a, b in zip(plain, clean, strict=True))
    with pytest.raises(ValueError, match="batch size 400 is larger than the 300"):
        Batches(split, 400, seed=0, augmentation=None)


@pytest.mark.parametrize(
    "augmentation, elastic, padded",
    [(None, None, False), (GENTLE, None, False), (GENTLE, (34.0, 4.0), False), (GENTLE, (34.0, 4.0), True)],
)
def test_a_part_of_every_batch_is_those_rows_of_the_whole_batch(
    augmentation: dict | None, elastic: Any, padded: bool
) -> None:
    split = small_split(train=300)
    whole = list(Batches(split, 64, 3, augmentation, elastic, padded=padded).epoch())
    halves = [list(Batches(split, 64, 3, augmentation, elastic, part, padded).epoch()) for part in ((0, 24), (24, 64))]
    assert len(whole) == len(halves[0]) == len(halves[1]) == 4
    for (x, y), (x0, y0), (x1, y1) in zip(whole, *halves, strict=True):
        assert len(y0) == 24 and len(y1) == 40
        np.testing.assert_array_equal(np.concatenate([x0, x1]), x)
        np.testing.assert_array_equal(np.concatenate([y0, y1]), y)


def test_distortions_of_the_padded_digit_keep_strokes_the_digits_square_would_cut_off() -> None:
    frames = np.zeros((64, 28, 28), np.uint8)  # ink on the outermost ring of pixels only
    frames[:, [0, -1], :] = frames[:, :, [0, -1]] = 255
    split = Split(frames, np.zeros(64, np.int64), frames[:1], np.zeros(1, np.int64), "test")
    shifts = {"translate": (0.05, 0.05)}  # up to 1.4 pixels of the 28, 1.6 of the 32: within the 2 of padding

    def ink(padded: bool) -> np.ndarray:
        inputs, _ = next(Batches(split, 64, seed=0, augmentation=shifts, padded=padded).epoch())
        assert inputs.shape == (64, 1, 32, 32)
        return (inputs * MNIST_STD + MNIST_MEAN).sum(axis=(1, 2, 3))

    frame = 4 * 27.0
    np.testing.assert_allclose(ink(padded=True), frame, rtol=1e-4)  # a bilinear shift moves ink, keeps all of it
    assert np.all(ink(padded=False) < frame - 0.1)  # shifted across the square's edge, part of the frame is lost
    undistorted = next(Batches(split, 64, seed=0, augmentation=shifts, padded=True).epoch(distort=False))[0]
    np.testing.assert_array_equal(undistorted, NORMALIZED(frames[:, None]))


def test_undistorted_inputs_by_table_are_the_input_transforms_numbers() -> None:
    digits = np.random.default_rng(0).integers(0, 256, (5, 1, 28, 28), dtype=np.uint8)
    digits[0] = np.arange(28 * 28).reshape(28, 28) % 256  # every pixel value
    np.testing.assert_array_equal(NORMALIZED(digits), input_transform(32)(digits))


def test_the_weight_average_follows_its_formula_with_warm_up() -> None:
    tl.manual_seed(0)
    model = tl.nn.Linear(3, 2)
    average = tl.optim.swa_utils.AveragedModel(model, multi_avg_fn=warmed_ema(tl, 0.9))
    expected = None
    for n in range(12):
        with tl.no_grad():
            model.weight.add_(tl.ones(2, 3) * (n + 1))
        average.update_parameters(model)
        d = min(0.9, (1 + n) / (10 + n))
        expected = model.weight.numpy().copy() if expected is None else d * expected + (1 - d) * model.weight.numpy()
    assert int(average.n_averaged) == 12
    np.testing.assert_allclose(average.module.weight.numpy(), expected, rtol=1e-6)


def test_the_weight_average_of_a_batch_norm_model_averages_its_statistics_and_copies_its_count() -> None:
    tl.manual_seed(0)
    model = tl.nn.Sequential(tl.nn.Linear(3, 4), tl.nn.BatchNorm1d(4))
    average = tl.optim.swa_utils.AveragedModel(model, multi_avg_fn=warmed_ema(tl, 0.9), use_buffers=True)
    expected = None
    for n in range(5):
        model(tl.randn(8, 3))  # training mode: the running statistics and the count move on
        average.update_parameters(model)
        d = min(0.9, (1 + n) / (10 + n))
        mean = model[1].running_mean.numpy().copy()
        expected = mean if expected is None else d * expected + (1 - d) * mean
    np.testing.assert_allclose(average.module[1].running_mean.numpy(), expected, rtol=1e-6)
    assert int(average.module[1].num_batches_tracked) == int(model[1].num_batches_tracked) == 5


def test_a_run_stops_at_the_first_evaluation_that_reaches_the_target() -> None:
    recipe = replace(RECIPES["fast"], epochs=2, batch_size=32, eval_from=0.5, eval_every=0.25)
    split = small_split(train=1024)
    stopped = train(tl, recipe, 0, 0.5, lambda: split, progress=False)
    whole = train(tl, recipe, 0, None, lambda: split, progress=False)
    assert stopped.reached and stopped.accuracy >= 0.5 and stopped.epochs < 2
    assert all(a < 0.5 for _, a, _ in stopped.evaluations[:-1])
    assert [e for e, _, _ in stopped.evaluations][:2] == [0.5, 0.75]
    assert whole.reached and whole.epochs == 2 and len(whole.evaluations) == 1
    never = train(tl, recipe, 0, 0.999, lambda: split, progress=False)
    assert not never.reached and never.epochs == 2 and "not reached" in never.summary(0.999)


def test_the_last_clean_epochs_train_on_the_digits_undistorted(monkeypatch: pytest.MonkeyPatch) -> None:
    distorted: list[bool] = []
    epoch = Batches.epoch

    def recorded(self: Batches, distort: bool = True) -> Any:
        distorted.append(distort)
        return epoch(self, distort)

    monkeypatch.setattr(Batches, "epoch", recorded)
    recipe = replace(RECIPES["ceiling"], epochs=3, clean_epochs=1, batch_size=64)
    train(tl, recipe, 0, None, lambda: small_split(), progress=False)
    assert distorted == [True, True, False]


def test_ours_and_pytorch_train_the_same_steps_from_the_same_weights() -> None:
    torch = pytest.importorskip("torch")
    recipe = replace(RECIPES["ceiling"], epochs=1, batch_size=32, eval_from=1.0)  # distortions, smoothing, EMA
    split = small_split(train=192)
    initial = initial_weights(tl, 5)
    ours = train(tl, recipe, 5, None, lambda: split, initial, progress=False)
    theirs = train(torch, recipe, 5, None, lambda: split, initial, progress=False)
    assert ours.state is not None and theirs.state is not None and ours.state.keys() == theirs.state.keys()
    for key, value in ours.state.items():
        np.testing.assert_allclose(value, theirs.state[key], rtol=1e-4, atol=1e-5, err_msg=key)
    assert abs(ours.accuracy - theirs.accuracy) <= 0.01


def outcome(seed: int, seconds: float, accuracy: float, reached: bool = True) -> Outcome:
    return Outcome("x", seed, seconds, 2.0 + seed / 10, accuracy, reached, [(2.0, accuracy, seconds)])


def test_the_last_line_gives_medians_and_the_ratio_or_what_failed() -> None:
    ours = [outcome(0, 10.0, 0.991), outcome(1, 14.0, 0.990), outcome(2, 12.0, 0.992)]
    torch = [outcome(0, 15.0, 0.990), outcome(1, 13.0, 0.991), outcome(2, 20.0, 0.990)]
    line = final_line({"tinygrad_lenet": ours, "torch": torch}, 0.99, "test")
    assert line == "target 99.00%: ours 12.0 s (2.1 epochs), PyTorch 15.0 s (2.1 epochs): 1.25x"
    assert final_line({"tinygrad_lenet": ours}, 0.99, "validation").startswith("target 99.00% (validation set): ours")
    ours[1] = outcome(1, 30.0, 0.98, reached=False)
    assert "NOT reached by ours with seed(s) 1" in final_line({"tinygrad_lenet": ours}, 0.99, "test")
    whole = final_line({"tinygrad_lenet": [outcome(0, 9, 0.996), outcome(1, 9, 0.9962)]}, None, "test")
    assert "mean 99.61% (range 99.60%-99.62%, 2 seeds)" in whole


def test_the_command_prints_the_race_writes_json_and_checkpoints_eval_reads(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    report, saved = tmp_path / "report.json", tmp_path / "weights"
    argv = ["speedrun", "--data", "sample", "--target", "0.5", "--seeds", "0", "--epochs", "1", "--no-torch"]
    assert main([*argv, "--no-progress", "--json", str(report), "--save", str(saved)]) == 0
    out = capsys.readouterr().out
    assert "recipe fast: 1 epochs" in out and out.strip().splitlines()[-1].startswith("target 50.00%: ours ")
    figures = json.loads(report.read_text())
    assert figures["target"] == 0.5 and figures["runs"]["tinygrad_lenet"][0]["reached"]
    checkpoint = saved / "speedrun-fast-seed0.safetensors"
    assert figures["saved"] == [str(checkpoint)]
    assert main(["eval", "--checkpoint", str(checkpoint), "--data", "sample"]) == 0
    assert "accuracy" in capsys.readouterr().out


@pytest.mark.parametrize("bad", ["1.5", "99", "0", "x"])
def test_a_target_that_is_not_a_fraction_is_a_usage_error(bad: str, capsys: pytest.CaptureFixture) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["speedrun", "--target", bad])
    assert stop.value.code == 2
    assert "expected an accuracy as a fraction between 0 and 1" in capsys.readouterr().err


def test_the_number_of_processes_is_checked_before_anything_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    import tinygrad_lenet.distributed

    fast = RECIPES["fast"]
    check_procs(1, fast)  # one process needs nothing more
    with pytest.raises(ValueError, match="--procs must be at least 1, got 0"):
        check_procs(0, fast)
    monkeypatch.setattr(tinygrad_lenet.distributed, "is_available", lambda: True)
    with pytest.raises(ValueError, match="batches of 128 cannot be shared equally by 3 ranks"):
        check_procs(3, fast)
    check_procs(4, fast)
    monkeypatch.setattr(tinygrad_lenet.distributed, "is_available", lambda: False)
    with pytest.raises(ValueError, match="--procs 2 needs mpi4py and an MPI: pip install mpi4py mpich"):
        check_procs(2, fast)
