"""LeNet-5 as published in 1998: its layers, parameters, RBF output, criteria and SDLM training."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from installed_command import run

import tinygrad_lenet as tl
from tinygrad_lenet.models import LeNet5_1998, create_model
from tinygrad_lenet.models.lenet5_1998 import C3_TABLE, bitmaps, squash
from tinygrad_lenet.nn.rbf import rbf_map_loss, rbf_simple_loss
from tinygrad_lenet.train.loop import training_sample_loss


@pytest.fixture
def model() -> LeNet5_1998:
    tl.manual_seed(0)
    return LeNet5_1998()


def test_exactly_the_papers_60000_parameters(model: LeNet5_1998) -> None:
    counts = {name: sum(p.numel() for p in layer.parameters()) for name, layer in model.named_children()}
    assert counts == {"c1": 156, "s2": 12, "c3": 1516, "s4": 32, "c5": 48120, "f6": 10164, "output": 0}
    assert model.num_parameters() == 60_000 and create_model("lenet5-1998").num_parameters() == 60_000


def test_c3_connects_only_the_tables_maps(model: LeNet5_1998) -> None:
    full = model.c3.full_weight().numpy()
    for o, inputs in enumerate(C3_TABLE):
        for c in range(6):
            assert (np.abs(full[o, c]).sum() > 0) == (c in inputs)
    assert sorted(len(inputs) for inputs in C3_TABLE) == [3] * 6 + [4] * 9 + [6]


def test_initialisation_is_uniform_within_2_4_over_the_fan_in(model: LeNet5_1998) -> None:
    for weight, fan_in in ((model.c1.weight, 25), (model.c5.weight, 400), (model.f6.weight, 120)):
        w = weight.numpy()
        assert np.abs(w).max() <= 2.4 / fan_in and np.abs(w).max() > 0.9 * 2.4 / fan_in  # 150+ draws fill the range
    assert np.abs(model.s2.weight.numpy()).max() <= 2.4 / 4 and np.abs(model.s4.weight.numpy()).max() <= 2.4 / 4
    c3 = model.c3.weight.numpy()
    first_of_six = sum(len(inputs) for inputs in C3_TABLE[:15])  # map 15 reads all 6 maps: fan-in 150
    assert np.abs(c3[first_of_six:]).max() <= 2.4 / 150 < np.abs(c3[:3]).max() <= 2.4 / 75


def test_the_rbf_centers_are_the_papers_bitmaps_and_a_saved_buffer(model: LeNet5_1998, tmp_path: Path) -> None:
    centers = bitmaps()
    assert centers.shape == (10, 84) and set(np.unique(centers)) == {-1.0, 1.0}
    one = centers[1].reshape(12, 7)
    assert (one[:, 3] == 1)[:10].all() and (one[10:] == -1).all()  # the 1's stem, two empty bottom rows
    assert "output.centers" in model.state_dict() and not any(p is model.output.centers for p in model.parameters())
    assert "c3.placement" not in model.state_dict() and model.double().c3.placement.dtype == np.float64
    model.float()
    tl.save(model.state_dict(), tmp_path / "m.safetensors")
    np.testing.assert_array_equal(tl.load(tmp_path / "m.safetensors")["output.centers"], centers)


def test_scores_are_minus_the_distances_and_the_class_is_the_nearest_bitmap(model: LeNet5_1998) -> None:
    x = tl.randn(3, 1, 32, 32)
    scores = model(x).numpy()
    with tl.no_grad():
        c = model.c5(model.s4(squash(model.c3(model.s2(squash(model.c1(model.scale_input(x))))))))
        f6 = squash(model.f6(squash(c).flatten(1))).numpy()
    distances = ((f6[:, None, :] - bitmaps()[None]) ** 2).sum(-1)
    np.testing.assert_allclose(scores, -distances, rtol=1e-5)
    assert scores.argmax(1).tolist() == distances.argmin(1).tolist()
    with pytest.raises(tl.ShapeError, match=r"\(N, 1, 32, 32\)"):
        model(tl.randn(2, 1, 28, 28))


def test_the_input_is_scaled_to_the_papers_range() -> None:
    pixels = tl.data.input_transform(32)(np.array([[[0, 255] * 14] * 28], np.uint8)[:, None])
    scaled = LeNet5_1998.scale_input(tl.Tensor(pixels)).numpy()
    np.testing.assert_allclose([scaled.min(), scaled.max()], [-0.1, 1.175], atol=1e-5)


def test_the_two_criteria() -> None:
    y = tl.tensor([[1.0, 4.0, 9.0], [2.0, 0.5, 3.0]], dtype=tl.float64)
    t = tl.tensor([0, 2])
    assert rbf_simple_loss(-y, t).item() == pytest.approx((1.0 + 3.0) / 2)
    j = 2.0
    expected = np.mean([row[c] + np.log(np.exp(-j) + np.exp(-row).sum()) for row, c in zip(y.numpy(), [0, 2])])
    assert rbf_map_loss(-y, t, j).item() == pytest.approx(expected)
    with pytest.raises(ValueError, match=r"rbf_map_loss: target values must be class indices in \[0, 2\], found 0..3"):
        rbf_map_loss(-y, tl.tensor([0, 3]))
    with pytest.raises(ValueError, match="found -100..0"):
        rbf_simple_loss(-y, tl.tensor([-100, 0]))
    with pytest.raises(tl.DTypeError, match="rbf_simple_loss: target must hold integer class indices"):
        rbf_simple_loss(-y, tl.tensor([0.0, 1.0]))
    with pytest.raises(ValueError, match="j must be positive"):
        rbf_map_loss(-y, t, 0.0)


def test_sdlm_steps_lr_over_mu_plus_the_curvature(model: LeNet5_1998) -> None:
    x, y = tl.randn(6, 1, 32, 32), tl.tensor([0, 1, 2, 3, 4, 5])
    opt = tl.optim.SDLM(model.parameters(), lr=1e-4, mu=0.02, batch_size=2)
    with pytest.raises(tl.GradError, match="estimate_curvature"):
        rbf_map_loss(model(x), y).backward()
        opt.step()
    opt.estimate_curvature(lambda: rbf_map_loss(model(x), y))
    h = {p: opt.state[p]["h"] for p in model.parameters()}
    assert all(v.min() >= 0 for v in h.values()) and all(p.grad is None for p in model.parameters())
    before = {p: p.numpy().copy() for p in model.parameters()}
    opt.zero_grad()
    rbf_map_loss(model(x), y).backward()
    grads = {p: p.grad.numpy() for p in model.parameters()}
    opt.step()
    for p in model.parameters():
        np.testing.assert_allclose(p.numpy(), before[p] - 1e-4 * 2 / (0.02 + h[p]) * grads[p], rtol=1e-5, atol=1e-8)
    restored = tl.optim.SDLM(LeNet5_1998().parameters(), lr=1e-4)
    restored.load_state_dict(opt.state_dict())
    assert all(np.array_equal(a["h"], b["h"]) for a, b in zip(restored.state.values(), opt.state.values()))


def test_curvature_is_estimated_on_500_random_training_patterns(model: LeNet5_1998) -> None:
    train, _ = tl.data.load_mnist("sample")
    loader = tl.data.DataLoader(train, 16, transform=tl.data.input_transform(32))
    opt = tl.optim.SDLM(model.parameters())
    sample_loss, sizes = training_sample_loss(model, loader, rbf_map_loss), []

    def counted(n: int) -> tl.Tensor:
        sizes.append(n)
        return sample_loss(n)

    opt.before_epoch(counted)  # what fit calls before every pass
    assert sizes == [500] and all("h" in opt.state[p] for p in model.parameters())
    assert sample_loss(500).item() > 0


@pytest.mark.slow
def test_train_command_runs_sdlm_on_the_1998_model(tmp_path: Path) -> None:
    result = run(
        "train",
        "--model",
        "lenet5-1998",
        "--optimizer",
        "sdlm",
        "--loss",
        "rbf-map",
        "--schedule",
        "lecun1998-scaled",
        "--lr",
        "1e-5",
        "--mu",
        "0.05",
        "--batch-size",
        "16",
        "--epochs",
        "1",
        "--data",
        "sample",
        "--no-progress",
        "--out",
        "run",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "SDLM lr 1e-05 mu 0.05;" in result.stdout
    accuracy = float(result.stdout.split("final test accuracy ")[1].split("%")[0])
    assert accuracy > 80, result.stdout  # one pass over the 8,000-digit sample
    predicted = run(
        "eval", "--checkpoint", str(tmp_path / "run" / "best.safetensors"), "--data", "sample", cwd=tmp_path
    )
    assert predicted.returncode == 0, predicted.stderr


def test_resume_keeps_the_runs_mu_unless_a_new_one_is_given(model: LeNet5_1998) -> None:
    from tinygrad_lenet.train.resume import resumed_training_state
    from tinygrad_lenet.train.runs import RunConfig

    saved = tl.optim.create_optimizer("sdlm", model.parameters(), lr=1e-4, mu=0.5)
    state = {"history": [{}], "optimizer": saved.state_dict()}
    config = RunConfig(model="lenet5-1998", optimizer="sdlm", lr=1e-4, mu=0.1)
    kept, _, _ = resumed_training_state(state, config, model, given=set())
    changed, _, _ = resumed_training_state(state, config, model, given={"mu"})
    assert kept.param_groups[0]["mu"] == 0.5 and changed.param_groups[0]["mu"] == 0.1
    with pytest.raises(ValueError, match="mu must be > 0"):
        resumed_training_state(state, RunConfig(optimizer="sdlm", mu=0.0), model, given={"mu"})


def test_summary_counts_c3s_connections_only(model: LeNet5_1998) -> None:
    rows = {row.name: row for row in tl.viz.summary(model, (1, 1, 32, 32)).rows}
    assert rows["c3"].params == 1516 and rows["c3"].macs == 10 * 10 * 60 * 25
    assert rows["c1"].macs == 28 * 28 * 6 * 25 and rows["c5"].macs == 120 * 400


def test_augment_uses_the_papers_kinds_of_distortion() -> None:
    from tinygrad_lenet.data import AUGMENTATION, LECUN1998_DISTORTIONS
    from tinygrad_lenet.models import MODELS

    assert MODELS["lenet5-1998"].augmentation is LECUN1998_DISTORTIONS and "degrees" not in LECUN1998_DISTORTIONS
    steps = tl.data.input_transform(32, True, MODELS["lenet5-1998"].augmentation).transforms
    affine = next(s for s in steps if isinstance(s, tl.data.RandomAffine))
    assert affine.degrees == 0 and affine.shear == 15.0 and MODELS["lenet5"].augmentation is None
    assert AUGMENTATION["degrees"] == 10.0
