"""Products: einsum and what is written with it (dot, inner, outer, tensordot, kron, trace, cross), the
add-and-multiply family, block_diag, meshgrid, cartesian_prod and combinations: forward against numpy,
clear errors, and gradcheck over generated shapes and memory layouts."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import arrays, leaf

import tinygrad_lenet as tl
from tinygrad_lenet.base.errors import ShapeError

sides = st.integers(1, 3)

EINSUM = [
    # equation, operand shapes (sizes named by letters: i=2, j=3, k=4; 1 broadcasts)
    ("ij,jk->ik", [(2, 3), (3, 4)]),
    ("ij,jk", [(2, 3), (3, 4)]),
    ("i,i->", [(3,), (3,)]),
    ("ii->i", [(3, 3)]),
    ("iij->j", [(2, 2, 3)]),
    ("ij->", [(2, 3)]),
    ("ij->ji", [(2, 3)]),
    ("...ij,...jk->...ik", [(2, 2, 3), (3, 4)]),
    ("bi,bj->bij", [(1, 2), (4, 3)]),
    ("ij,jk,kl->il", [(2, 3), (3, 4), (4, 2)]),
    ("ba,ab", [(3, 2), (2, 3)]),
]


@settings(max_examples=4, deadline=None)
@pytest.mark.parametrize(("equation", "shapes"), EINSUM)
@given(data=st.data())
def test_einsum_forward_and_gradient(equation: str, shapes: list[tuple[int, ...]], data: st.DataObject) -> None:
    values = [data.draw(arrays(shape)) for shape in shapes]
    out = tl.einsum(equation, *[tl.Tensor(v) for v in values])
    broadcast = [np.broadcast_to(v, (4, 2)) if v.shape == (1, 2) else v for v in values]
    np.testing.assert_allclose(out.numpy(), np.einsum(equation, *broadcast), rtol=1e-12, atol=1e-12)
    assert tl.gradcheck(lambda *ts: tl.einsum(equation, list(ts)), [leaf(v) for v in values])


@settings(max_examples=8, deadline=None)
@given(data=st.data(), n=sides, m=sides, p=sides)
def test_matrix_and_vector_products(data: st.DataObject, n: int, m: int, p: int) -> None:
    a, b = data.draw(arrays((n, m))), data.draw(arrays((m, p)))
    u, v, w = data.draw(arrays((m,))), data.draw(arrays((m,))), data.draw(arrays((n,)))
    c = data.draw(arrays((n, p)))
    np.testing.assert_allclose(tl.dot(tl.Tensor(u), tl.Tensor(v)).numpy(), u @ v)
    np.testing.assert_allclose(tl.Tensor(a).mv(tl.Tensor(u)).numpy(), a @ u)
    np.testing.assert_allclose(tl.outer(tl.Tensor(w), tl.Tensor(u)).numpy(), np.outer(w, u))
    np.testing.assert_allclose(tl.inner(tl.Tensor(a), tl.Tensor(b.T)).numpy(), np.inner(a, b.T))
    np.testing.assert_allclose(
        tl.addmm(tl.Tensor(c), tl.Tensor(a), tl.Tensor(b), beta=0.5, alpha=2).numpy(), 0.5 * c + 2 * a @ b
    )
    np.testing.assert_allclose(tl.addr(tl.Tensor(c), tl.Tensor(w), tl.Tensor(c[0])).numpy(), c + np.outer(w, c[0]))
    assert tl.gradcheck(lambda x, y, z: tl.addmm(x, y, z, alpha=2, beta=-1), [leaf(c), leaf(a), leaf(b)])
    assert tl.gradcheck(lambda x, y, z: x.addmv(y, z, beta=3), [leaf(w), leaf(a), leaf(u)])
    assert tl.gradcheck(lambda x, y: tl.inner(x, y), [leaf(a), leaf(b.T)])


@settings(max_examples=6, deadline=None)
@given(data=st.data(), batch=sides, n=sides, m=sides, p=sides)
def test_batched_products(data: st.DataObject, batch: int, n: int, m: int, p: int) -> None:
    a, b = data.draw(arrays((batch, n, m))), data.draw(arrays((batch, m, p)))
    c = data.draw(arrays((n, p)))
    np.testing.assert_allclose(tl.bmm(tl.Tensor(a), tl.Tensor(b)).numpy(), a @ b)
    np.testing.assert_allclose(tl.addbmm(tl.Tensor(c), tl.Tensor(a), tl.Tensor(b)).numpy(), c + (a @ b).sum(0))
    np.testing.assert_allclose(tl.Tensor(c).baddbmm(tl.Tensor(a), tl.Tensor(b), alpha=0.5).numpy(), c + 0.5 * a @ b)
    assert tl.gradcheck(lambda x, y, z: tl.baddbmm(x, y, z, beta=2), [leaf(c), leaf(a), leaf(b)])
    assert tl.gradcheck(lambda x, y, z: x.addbmm(y, z), [leaf(c), leaf(a), leaf(b)])


@settings(max_examples=6, deadline=None)
@given(data=st.data(), n=sides, m=sides)
def test_tensordot_kron_trace_cross(data: st.DataObject, n: int, m: int) -> None:
    a, b = data.draw(arrays((n, m, 2))), data.draw(arrays((m, 2, 3)))
    np.testing.assert_allclose(tl.tensordot(tl.Tensor(a), tl.Tensor(b), 2).numpy(), np.tensordot(a, b, 2))
    pairs = ([1], [0])
    c = data.draw(arrays((2, n)))
    np.testing.assert_allclose(tl.Tensor(b).tensordot(tl.Tensor(c), pairs).numpy(), np.tensordot(b, c, ([1], [0])))
    x, y = data.draw(arrays((n, m))), data.draw(arrays((m, 2)))
    np.testing.assert_allclose(tl.kron(tl.Tensor(x), tl.Tensor(y)).numpy(), np.kron(x, y))
    np.testing.assert_allclose(tl.Tensor(x).trace().numpy(), np.trace(x))
    u, v = data.draw(arrays((n, 3))), data.draw(arrays((3,)))
    np.testing.assert_allclose(tl.cross(tl.Tensor(u), tl.Tensor(v), dim=-1).numpy(), np.cross(u, v), atol=1e-12)
    assert tl.gradcheck(lambda s, t: tl.tensordot(s, t, 2), [leaf(a), leaf(b)])
    assert tl.gradcheck(tl.kron, [leaf(x), leaf(y)])
    assert tl.gradcheck(lambda s: s.trace(), [leaf(x)])
    assert tl.gradcheck(lambda s, t: s.cross(t), [leaf(u), leaf(v)])


@settings(max_examples=6, deadline=None)
@given(data=st.data(), n=sides, m=sides)
def test_block_diag_meshgrid_cartesian_prod_combinations(data: st.DataObject, n: int, m: int) -> None:
    a, b, c = data.draw(arrays((n, m))), data.draw(arrays((m,))), data.draw(arrays(()))
    out = tl.block_diag(tl.Tensor(a), tl.Tensor(b), tl.Tensor(c))
    expected = np.zeros((n + 2, 2 * m + 1))
    expected[:n, :m], expected[n, m : 2 * m], expected[n + 1, 2 * m] = a, b, c
    np.testing.assert_array_equal(out.numpy(), expected)
    gx, gy = tl.meshgrid(tl.Tensor(b), tl.Tensor(a[:, 0]), indexing="xy")
    ex, ey = np.meshgrid(b, a[:, 0], indexing="xy")
    np.testing.assert_array_equal(gx.numpy(), ex)
    np.testing.assert_array_equal(gy.numpy(), ey)
    rows = tl.cartesian_prod(tl.Tensor(b), tl.Tensor(a[:, 0])).numpy()
    np.testing.assert_array_equal(rows, [[p, q] for p in b for q in a[:, 0]])
    pairs = tl.combinations(tl.Tensor(b), with_replacement=True).numpy()
    assert pairs.shape == (m * (m + 1) // 2, 2)
    assert tl.gradcheck(lambda s, t, u: tl.block_diag(s, t, u), [leaf(a), leaf(b), leaf(c)])
    assert tl.gradcheck(lambda s, t: tl.cartesian_prod(s, t), [leaf(b), leaf(a[:, 0].copy())])
    assert tl.gradcheck(lambda s: tl.combinations(s, r=2), [leaf(b)])


def test_einsum_implicit_output_and_list_form() -> None:
    a = tl.tensor(np.arange(6.0).reshape(2, 3))
    assert tl.einsum("ij->", [a]).item() == 15.0
    assert tl.einsum("ji", a).shape == (3, 2)  # implicit: labels in alphabetical order
    assert tl.einsum("i...->...", a).tolist() == [3.0, 5.0, 7.0]
    assert tl.combinations(tl.tensor([1, 2, 3]), r=0).shape == (0,)
    assert tl.combinations(tl.tensor([1, 2]), r=3).shape == (0, 3)


def test_products_refuse_bad_shapes_clearly() -> None:
    with pytest.raises(ShapeError, match="size 3 in one operand and 2"):
        tl.einsum("ij,jk->ik", tl.ones(2, 2), tl.ones(3, 2))
    with pytest.raises(ValueError, match="names 2 operand"):
        tl.einsum("ij,jk->ik", tl.ones(2, 2))
    with pytest.raises(ShapeError, match="dot: other must be 1-D"):
        tl.dot(tl.ones(2), tl.ones(2, 2))
    with pytest.raises(ShapeError, match="same size"):
        tl.dot(tl.ones(2), tl.ones(3))
    with pytest.raises(ShapeError, match="batch"):
        tl.bmm(tl.ones(2, 2, 2), tl.ones(3, 2, 2))
    with pytest.raises(ShapeError, match="size 3"):
        tl.cross(tl.ones(2, 2), tl.ones(2, 2), dim=1)
