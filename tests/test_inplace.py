"""In-place changes as in PyTorch: add_ and friends, += that changes the tensor itself, x[i] = v,
.data sharing memory, the leaf rule, and the version counter that stops a silently wrong gradient."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import arrays, leaf, nonempty_shapes

import tinygrad_lenet as tl
from tinygrad_lenet import nn


def test_a_hand_written_sgd_step_inside_no_grad_updates_the_parameters() -> None:
    """The silent failure: `p -= lr * p.grad` used to rebind p to a new tensor and train nothing."""
    tl.manual_seed(0)
    model = nn.Linear(3, 1)
    x, y = tl.randn(16, 3), tl.randn(16, 1)
    losses = []
    for _ in range(20):
        loss = ((model(x) - y) ** 2).mean()
        losses.append(loss.item())
        model.zero_grad()
        loss.backward()
        with tl.no_grad():
            for p in model.parameters():
                p -= 0.1 * p.grad
    assert losses[-1] < 0.7 * losses[0]
    assert [p is q for p, q in zip(model.parameters(), [model.weight, model.bias])] == [True, True]


def test_every_reference_and_view_sees_an_in_place_change() -> None:
    x = tl.zeros(2, 3)
    alias, row, array = x, x[0], x.numpy()
    x += 1
    x[1, 2] = 7.0
    x.mul_(2).add_(tl.ones(3), alpha=0.5)
    assert alias is x and x.tolist() == [[2.5, 2.5, 2.5], [2.5, 2.5, 14.5]]
    assert row.tolist() == [2.5, 2.5, 2.5] and array[1, 2] == 14.5
    assert x.sub_(0.5).div_(2).tolist() == [[1.0, 1.0, 1.0], [1.0, 1.0, 7.0]]
    assert x.clamp_(max=3.0).max().item() == 3.0 and x.zero_().sum().item() == 0.0


def test_setitem_follows_numpy_indexing() -> None:
    reference = np.arange(12.0).reshape(3, 4)
    x = tl.tensor(reference)
    for index, value in (
        (1, 9.0),
        ((slice(None), 2), [1.0, 2.0, 3.0]),
        (np.array([True, False, True]), -1.0),
        (tl.tensor([0, 2]), tl.tensor([5.0, 6.0, 7.0, 8.0])),
    ):
        x[index] = value
        reference[index.numpy() if isinstance(index, tl.Tensor) else index] = (
            value.numpy() if isinstance(value, tl.Tensor) else value
        )
        np.testing.assert_array_equal(x.numpy(), reference)
    x[x > 6] = 0.0
    reference[reference > 6] = 0.0
    np.testing.assert_array_equal(x.numpy(), reference)
    with pytest.raises(IndexError, match=r"does not fit a tensor of shape \(3, 4\)"):
        x[5] = 1.0


def test_data_is_a_tensor_sharing_memory_outside_the_graph() -> None:
    p = nn.Parameter(tl.zeros(3))
    p.data.fill_(0.01)
    p.data.add_(tl.ones(3))
    p.data -= 0.5
    np.testing.assert_allclose(p.numpy(), [0.51, 0.51, 0.51], rtol=1e-6)
    assert isinstance(p.data, tl.Tensor) and not p.data.requires_grad and p.requires_grad
    p.data = tl.tensor([1.0, 2.0, 3.0])
    assert p.tolist() == [1.0, 2.0, 3.0] and p.requires_grad


def test_a_leaf_that_requires_grad_cannot_change_in_place_outside_no_grad() -> None:
    w = tl.ones(3, requires_grad=True)
    for change in (
        lambda: w.add_(1),
        lambda: w.__iadd__(1),
        lambda: w.__setitem__(0, 2.0),
        lambda: w.fill_(0),
        lambda: w.normal_(),
    ):
        with pytest.raises(tl.GradError, match="a leaf tensor that requires grad cannot be changed in place"):
            change()
    with tl.no_grad():
        w.add_(1)
        w.uniform_(-0.1, 0.1)
    assert w.abs().max().item() <= 0.1 and w.requires_grad and w.is_leaf


def test_the_version_counter_refuses_a_gradient_from_changed_saved_values() -> None:
    w = tl.tensor([1.0, 2.0], requires_grad=True)
    x = tl.tensor([3.0, 4.0])
    product = (w * x).sum()  # Mul saved x for dL/dw = x
    total = (w + x).sum()  # Add saved nothing: changing x does not matter to its gradient
    with tl.no_grad():
        x.add_(1)
    with pytest.raises(tl.GradError, match=r"backward through Mul: its input 1 \(shape \(2,\)\) was changed in place"):
        product.backward()
    total.backward()
    assert w.grad.tolist() == [1.0, 1.0]


def test_in_place_changes_inside_a_recorded_graph_have_exact_gradients() -> None:
    a = tl.tensor([1.0, 2.0, 3.0], requires_grad=True)
    b = a * 2
    b += 1
    b[0] = 5.0
    b.mul_(a)  # b = (2a + 1) * a except b[0] = 5 * a[0]
    b.sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), [5.0, 4 * 2 + 1, 4 * 3 + 1])
    c = tl.zeros(3)
    c += a  # a tensor that did not require grad takes part in the graph from now on
    c.sum().backward()
    assert c.requires_grad and not c.is_leaf


def test_masked_fill_copy_and_dtype_rules() -> None:
    x = tl.tensor([[1.0, -2.0], [3.0, -4.0]], requires_grad=True)
    y = x.masked_fill(x < 0, 0.0)
    y.sum().backward()
    assert y.tolist() == [[1.0, 0.0], [3.0, 0.0]] and x.grad.tolist() == [[1.0, 0.0], [1.0, 0.0]]
    with pytest.raises(tl.DTypeError, match="the mask must be a bool tensor"):
        x.masked_fill(tl.tensor([1, 0]), 0.0)
    z = tl.zeros(2, 3)
    z.copy_(tl.tensor([1, 2, 3]))  # broadcast, cast from int64
    assert z.tolist() == [[1.0, 2.0, 3.0]] * 2 and z.dtype == tl.float32
    z.masked_fill_(z > 1, -1.0)
    assert z.tolist() == [[1.0, -1.0, -1.0]] * 2
    counts = tl.tensor([1, 2])
    with pytest.raises(tl.DTypeError, match="a float32 result cannot be written into a int64 tensor in place"):
        counts += 0.5
    with pytest.raises(tl.ShapeError, match=r"the result has shape \(2, 2\).*shape \(2,\) in place"):
        counts.add_(tl.tensor([[1], [2]]))
    empty = tl.Tensor(np.full(3, np.nan, dtype=np.float32))
    assert empty.fill_(2.0).tolist() == [2.0, 2.0, 2.0]  # NaN left in memory does not leak through fill_


def test_random_fills_come_from_the_seeded_generator() -> None:
    tl.manual_seed(3)
    first = tl.zeros(1000).normal_(2.0, 0.5).numpy().copy()
    tl.manual_seed(3)
    again = tl.zeros(1000).normal_(2.0, 0.5).numpy()
    np.testing.assert_array_equal(first, again)
    assert abs(first.mean() - 2.0) < 0.1 and abs(first.std() - 0.5) < 0.05
    u = tl.zeros(1000, dtype=tl.float64).uniform_(-1.0, 3.0)
    assert u.dtype == tl.float64 and -1.0 <= u.min().item() and u.max().item() < 3.0


@given(data=st.data(), shape=nonempty_shapes)
def test_setitem_gradient(data: st.DataObject, shape: tuple[int, ...]) -> None:
    """SetItem's backward: the written places take their gradient from v, the others from x."""
    x = data.draw(arrays(shape))
    position = tuple(data.draw(st.integers(0, n - 1)) for n in shape[:1])
    v = data.draw(arrays(shape[1:]))

    def fn(a: tl.Tensor, b: tl.Tensor) -> tl.Tensor:
        out = a * 1.0
        out[position] = b
        return out * out

    assert tl.gradcheck(fn, [leaf(x), leaf(v)])
