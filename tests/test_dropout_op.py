"""The Dropout and AlphaDropout ops: the mask drawn inside the op, in the input's memory layout.

Gradients are checked numerically (float64, central differences) with the mask fixed by
reseeding the package's generator before every evaluation, and against the saved mask."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import arrays, leaf, nonempty_shapes
from test_second_order import check_exact

import tinygrad_lenet as tl
import tinygrad_lenet.nn.functional as F
from tinygrad_lenet.base.random import generator
from tinygrad_lenet.nn.activation import ALPHA_PRIME
from tinygrad_lenet.ops.dropout import AlphaDropout, Dropout


def batch_innermost(n: int, c: int, h: int, w: int, seed: int = 0) -> np.ndarray:
    """An (N, C, H, W) view of a C-contiguous (C, H, W, N) array: what a convolution hands on."""
    return np.random.default_rng(seed).standard_normal((c, h, w, n)).astype(np.float32).transpose(3, 0, 1, 2)


DROPOUTS = {
    "dropout": lambda x: F.dropout(x, 0.4),
    "dropout1d": lambda x: F.dropout1d(x.reshape(x.shape[0], -1, 1), 0.4).reshape(x.shape),
    "channels": lambda x: Dropout.apply(x, p=0.4, mask_shape=x.shape[:1] + (1,) * (x.ndim - 1)),
    "alpha_dropout": lambda x: F.alpha_dropout(x, 0.4, training=True),
    "feature_alpha_dropout": lambda x: F.feature_alpha_dropout(x.reshape(x.shape[0], -1), 0.4, training=True),
}


@pytest.mark.parametrize("name", sorted(DROPOUTS))
@given(data=st.data(), shape=nonempty_shapes)
def test_gradient_with_the_mask_fixed_by_the_seed(name: str, data: st.DataObject, shape: tuple[int, ...]) -> None:
    def fn(x: tl.Tensor) -> tl.Tensor:
        tl.manual_seed(0)  # the same mask at every evaluation
        return DROPOUTS[name](x)

    assert tl.gradcheck(fn, [leaf(data.draw(arrays(shape)))])


@pytest.mark.parametrize("layout", ["batch-innermost", "contiguous", "strided"])
def test_backward_is_the_gradient_times_the_saved_mask_in_the_inputs_layout(layout: str) -> None:
    x = batch_innermost(8, 3, 4, 5).astype(np.float64)
    x = {"batch-innermost": x, "contiguous": np.ascontiguousarray(x), "strided": x[:, :, ::2]}[layout]
    t = leaf(x)
    y = F.dropout(t, 0.3)
    (keep,) = y.grad_fn.saved_tensors
    g = np.random.default_rng(1).standard_normal(x.shape)  # C-ordered, whatever x's layout
    y.backward(tl.Tensor(g))
    np.testing.assert_array_equal(y.numpy(), x * np.where(keep, 1 / 0.7, 0.0))
    np.testing.assert_array_equal(t.grad.numpy(), g * np.where(keep, 1 / 0.7, 0.0))
    if layout != "strided":
        assert y.numpy().strides == x.strides and t.grad.numpy().strides == x.strides


def test_the_mask_of_a_batch_innermost_input_is_made_in_its_layout_with_the_right_statistics() -> None:
    x = batch_innermost(64, 64, 12, 12)
    tl.manual_seed(0)
    y = Dropout.apply(tl.Tensor(x, requires_grad=True), p=0.25, mask_shape=x.shape)
    (keep,) = y.grad_fn.saved_tensors
    assert y.numpy().strides == x.strides and keep.strides == tuple(s // x.itemsize for s in x.strides)
    assert y.dtype == np.float32 and abs(keep.mean() - 0.75) < 0.005
    np.testing.assert_array_equal(y.numpy(), np.where(keep, x * np.float32(1 / 0.75), np.float32(0.0)))
    # drawn in memory order: the same numbers as random(size) laid out as (C, H, W, N)
    tl.manual_seed(0)
    drawn = generator().random(x.size).reshape(64, 12, 12, 64).transpose(3, 0, 1, 2)
    np.testing.assert_array_equal(keep, drawn >= 0.25)


def test_a_contiguous_input_draws_the_numbers_of_random_of_its_shape() -> None:
    tl.manual_seed(7)
    expected = generator().random((5, 6)) >= 0.5
    tl.manual_seed(7)
    np.testing.assert_array_equal(F.dropout(tl.ones(5, 6).double(), 0.5).numpy() != 0, expected)


def test_manual_seed_reproduces_the_output_and_eval_or_p_0_return_the_input() -> None:
    x = tl.Tensor(batch_innermost(4, 3, 5, 5), requires_grad=True)
    outputs = []
    for _ in range(2):
        tl.manual_seed(3)
        outputs.append(F.dropout(x, 0.5).numpy())
    np.testing.assert_array_equal(outputs[0], outputs[1])
    assert F.dropout(x, 0.5, training=False) is x and F.dropout(x, 0.0) is x
    assert F.dropout2d(x, 0.5, training=False) is x and F.alpha_dropout(x, 0.5) is x
    assert (F.dropout(x, 1.0).numpy() == 0).all() and (F.alpha_dropout(x, 1.0, training=True).numpy() == 0).all()


def test_channel_masks_drop_whole_channels_and_the_alpha_op_keeps_mean_and_variance() -> None:
    tl.manual_seed(0)
    y = F.dropout2d(tl.Tensor(batch_innermost(64, 32, 3, 3) + 5.0), 0.5).numpy()
    dropped = (y == 0).reshape(64, 32, -1)
    assert (dropped.all(axis=2) | ~dropped.any(axis=2)).all() and 0.4 < dropped.mean() < 0.6
    tl.manual_seed(0)
    z = AlphaDropout.apply(tl.randn(200_000).double(), p=0.2, mask_shape=(200_000,), saturation=ALPHA_PRIME).numpy()
    assert abs(z.mean()) < 0.01 and abs(z.std() - 1.0) < 0.01


def test_the_second_order_rule_is_exact() -> None:
    rng = np.random.default_rng(0)

    def loss(a: tl.Tensor) -> tl.Tensor:
        tl.manual_seed(0)
        return (F.dropout(a * 2.0, 0.5) ** 2).sum() * 0.5 + F.alpha_dropout(a, 0.3, training=True).sum()

    check_exact(loss, [rng.normal(size=(2, 3, 4))])


def test_export_refuses_dropout_in_training_mode(tmp_path: Path) -> None:
    pytest.importorskip("onnx")

    class AlwaysDrops(tl.nn.Module):
        def forward(self, x: tl.Tensor) -> tl.Tensor:
            return F.dropout(x, 0.5, training=True)

    path = tmp_path / "d.onnx"
    with pytest.raises(NotImplementedError, match="the op Dropout draws a random mask at every call"):
        tl.onnx.export(AlwaysDrops(), tl.randn(3, 4), path)
    assert not path.exists()
