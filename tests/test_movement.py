"""Movement ops: reshape, permute, squeeze/unsqueeze, expand, indexing, pad, cat, stack."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import arrays, leaf, nonempty_shapes, shapes

import tinygrad_lenet as tl
import tinygrad_lenet.nn.functional as F


def weighted(fn):
    """Multiply the output by itself so that the gradient depends on where each element went."""
    return lambda *xs: fn(*xs) * fn(*xs)


@given(data=st.data(), shape=shapes)
def test_reshape_and_flatten(data: st.DataObject, shape) -> None:
    x = data.draw(arrays(shape))
    target = tuple(reversed(shape)) + (1,)
    np.testing.assert_array_equal(tl.Tensor(x).reshape(target).numpy(), x.reshape(target))
    np.testing.assert_array_equal(tl.Tensor(x).view(-1).numpy(), x.reshape(-1))
    assert tl.gradcheck(weighted(lambda t: t.reshape(target)), [leaf(x)])
    assert tl.gradcheck(weighted(lambda t: t.flatten()), [leaf(x)])
    if x.ndim >= 2:
        assert tl.Tensor(x).flatten(1).shape == (shape[0], int(np.prod(shape[1:])))


@given(data=st.data(), shape=nonempty_shapes)
def test_permute_transpose_and_T(data: st.DataObject, shape) -> None:
    x = data.draw(arrays(shape))
    order = tuple(data.draw(st.permutations(range(x.ndim))))
    np.testing.assert_array_equal(tl.Tensor(x).permute(order).numpy(), np.transpose(x, order))
    np.testing.assert_array_equal(tl.Tensor(x).T.numpy(), x.T)
    np.testing.assert_array_equal(tl.Tensor(x).transpose(0, -1).numpy(), np.swapaxes(x, 0, -1))
    assert tl.gradcheck(weighted(lambda t: t.permute(*order) + t.permute(*order) * 2), [leaf(x)])
    assert tl.gradcheck(weighted(lambda t: t.transpose(0, -1)), [leaf(x)])


@given(data=st.data(), shape=shapes)
def test_squeeze_unsqueeze(data: st.DataObject, shape) -> None:
    x = data.draw(arrays(shape))
    dim = data.draw(st.integers(-x.ndim - 1, x.ndim))
    assert tl.Tensor(x).unsqueeze(dim).shape == np.expand_dims(x, dim).shape
    assert tl.Tensor(x).squeeze().shape == np.squeeze(x).shape
    assert tl.gradcheck(weighted(lambda t: t.unsqueeze(dim).squeeze()), [leaf(x)])
    if x.ndim:
        d = data.draw(st.integers(0, x.ndim - 1))
        expected = np.squeeze(x, d).shape if x.shape[d] == 1 else x.shape
        assert tl.Tensor(x).squeeze(d).shape == expected


@given(data=st.data(), shape=shapes, lead=st.integers(0, 2))
def test_expand_sums_the_gradient_over_copies(data: st.DataObject, shape, lead: int) -> None:
    x = data.draw(arrays(tuple(1 if i % 2 else s for i, s in enumerate(shape))))
    target = (2,) * lead + tuple(3 if s == 1 else s for s in x.shape)
    out = tl.Tensor(x).expand(*target)
    np.testing.assert_array_equal(out.numpy(), np.broadcast_to(x, target))
    assert tl.gradcheck(weighted(lambda t: t.expand(target)), [leaf(x)])
    keep = (-1,) * x.ndim
    assert tl.Tensor(x).expand(*((2,) * lead + keep)).shape == (2,) * lead + x.shape


INDEXES = [
    1,
    -1,
    slice(None, None, 2),
    (Ellipsis, 0),
    (None, slice(1, None)),
    (slice(None), None, 0),
    np.array([0, 0, 1]),
    [1, 0, 1, 1],
    (np.array([0, 1]), np.array([1, 1])),
]


@pytest.mark.parametrize("index", INDEXES, ids=repr)
@given(data=st.data())
def test_getitem_forward_and_gradient(index, data: st.DataObject) -> None:
    x = data.draw(arrays((2, 3, 2)))
    np.testing.assert_array_equal(tl.Tensor(x)[index].numpy(), x[index])
    assert tl.gradcheck(weighted(lambda t: t[index]), [leaf(x)])


def test_getitem_accumulates_repeated_indices_and_takes_masks_and_tensors() -> None:
    x = tl.tensor([1.0, 2.0, 3.0], requires_grad=True)
    x[[0, 0, 2, 0]].sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [3.0, 0.0, 1.0])
    x.grad = None
    mask = x > 1.5
    x[mask].sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 1.0, 1.0])
    assert x[tl.tensor([2, 1])].tolist() == [3.0, 2.0]
    assert [t.item() for t in x] == [1.0, 2.0, 3.0]


def test_bad_index_names_the_shape() -> None:
    with pytest.raises(IndexError, match=r"does not fit a tensor of shape \(3,\)"):
        tl.zeros(3)[5]


@given(data=st.data(), shape=nonempty_shapes)
def test_pad(data: st.DataObject, shape) -> None:
    x = data.draw(arrays(shape))
    widths = tuple(data.draw(st.integers(0, 2)) for _ in range(2 * min(x.ndim, 2)))
    out = F.pad(tl.Tensor(x), widths, value=0.5)
    pairs = [(widths[i], widths[i + 1]) for i in range(0, len(widths), 2)][::-1]
    expected = np.pad(x, [(0, 0)] * (x.ndim - len(pairs)) + pairs, constant_values=0.5)
    np.testing.assert_array_equal(out.numpy(), expected)
    assert tl.gradcheck(weighted(lambda t: F.pad(t, widths)), [leaf(x)])


@given(data=st.data(), shape=nonempty_shapes, count=st.integers(1, 3))
def test_cat_and_stack(data: st.DataObject, shape, count: int) -> None:
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    parts = [
        data.draw(arrays(shape[: dim % len(shape)] + (i + 1,) + shape[dim % len(shape) + 1 :])) for i in range(count)
    ]
    np.testing.assert_array_equal(tl.cat([tl.Tensor(p) for p in parts], dim).numpy(), np.concatenate(parts, dim))
    assert tl.gradcheck(weighted(lambda *ts: tl.cat(ts, dim)), [leaf(p) for p in parts])
    same = [data.draw(arrays(shape)) for _ in range(count)]
    sdim = data.draw(st.integers(-len(shape) - 1, len(shape)))
    np.testing.assert_array_equal(tl.stack([tl.Tensor(p) for p in same], sdim).numpy(), np.stack(same, sdim))
    assert tl.gradcheck(weighted(lambda *ts: tl.stack(ts, sdim)), [leaf(p) for p in same])


def test_shape_errors_name_the_shapes() -> None:
    x = tl.zeros(3, 4)
    with pytest.raises(
        tl.ShapeError, match=r"reshape: cannot view a tensor of shape \(3, 4\) \(12 elements\) as \(5,\)"
    ):
        x.reshape(5)
    with pytest.raises(tl.ShapeError, match=r"expand: cannot expand shape \(3, 4\) to \(3, 5\)"):
        x.expand(3, 5)
    with pytest.raises(tl.ShapeError, match="must agree in every dim except dim 0"):
        tl.cat([x, tl.zeros(3, 5)])
    with pytest.raises(tl.ShapeError, match="same shape"):
        tl.stack([x, tl.zeros(4, 3)])
    with pytest.raises(ValueError, match="not a permutation"):
        x.permute(0, 0)
    with pytest.raises(ValueError, match="non-empty"):
        tl.cat([])
    with pytest.raises(ValueError, match="pad: mode must be one of"):
        F.pad(x, (1, 1), mode="mirror")
    with pytest.raises(ValueError, match="even number"):
        F.pad(x, (1,))
    with pytest.raises(tl.ShapeError, match="fewer dims"):
        x.expand(4)
    with pytest.raises(ValueError, match="start_dim"):
        x.flatten(1, 0)
