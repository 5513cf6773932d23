"""The autograd engine: deep graphs, accumulation, retained graphs, grad modes, anomaly mode."""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad_lenet as tl


def test_backward_through_a_chain_of_100000_ops() -> None:
    x = tl.tensor(1.0, requires_grad=True)
    y = x
    for _ in range(100_000):
        y = y * 1.0
    y.backward()
    assert x.grad.item() == 1.0


def test_leaf_grads_accumulate_across_backward_calls() -> None:
    x = tl.tensor([1.0, 2.0], requires_grad=True)
    (x * 3).sum().backward()
    (x * x).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [3 + 2, 3 + 4])


def test_a_tensor_used_twice_gets_both_contributions() -> None:
    x = tl.tensor(3.0, requires_grad=True)
    y = x * x + x  # dy/dx = 2x + 1
    z = y * y  # dz/dx = 2y (2x + 1)
    z.backward()
    assert x.grad.item() == 2 * 12 * 7


def test_leaf_grads_do_not_share_memory() -> None:
    a = tl.tensor([1.0], requires_grad=True)
    b = tl.tensor([1.0], requires_grad=True)
    (a + b).sum().backward()
    a.grad.data += 5
    assert b.grad.item() == 1.0


def test_non_leaf_keeps_grad_only_when_retained() -> None:
    x = tl.tensor([1.0, 2.0], requires_grad=True)
    h = x * 2
    g = x * 3
    h.retain_grad()
    (h * g).sum().backward()
    np.testing.assert_array_equal(h.grad.numpy(), g.numpy())
    assert g.grad is None
    assert not h.is_leaf and x.is_leaf
    with pytest.raises(tl.GradError, match="does not require grad"):
        tl.tensor([1.0]).retain_grad()


def test_second_backward_through_a_released_graph_raises() -> None:
    x = tl.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    y.backward()
    with pytest.raises(tl.GradError, match="second time.*retain_graph=True"):
        y.backward()


def test_retain_graph_allows_a_second_backward() -> None:
    x = tl.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    np.testing.assert_array_equal(x.grad.numpy(), [4.0, 8.0])


def test_backward_errors() -> None:
    with pytest.raises(tl.GradError, match="does not require grad"):
        tl.tensor([1.0, 2.0]).sum().backward()
    x = tl.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(tl.GradError, match=r"one-element tensor, this one has shape \(2,\)"):
        (x * 2).backward()
    with pytest.raises(tl.ShapeError, match=r"gradient has shape \(3,\) but the tensor has shape \(2,\)"):
        (x * 2).backward(np.ones(3))


def test_backward_with_an_explicit_gradient_and_on_a_leaf() -> None:
    x = tl.tensor([1.0, 2.0], requires_grad=True)
    (x * x).backward(tl.tensor([1.0, 0.5]))
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 2.0])
    leaf = tl.tensor(2.0, requires_grad=True)
    leaf.backward()
    assert leaf.grad.item() == 1.0


def test_no_grad_records_nothing_and_restores() -> None:
    x = tl.tensor([1.0], requires_grad=True)
    with tl.no_grad():
        y = x * 2
        assert not tl.is_grad_enabled()
        with tl.enable_grad():
            z = x * 2
    assert tl.is_grad_enabled()
    assert not y.requires_grad and y.grad_fn is None
    assert z.requires_grad and z.grad_fn is not None


def test_no_grad_as_a_decorator() -> None:
    @tl.no_grad()
    def predict(t: tl.Tensor) -> tl.Tensor:
        return t * 2

    out = predict(tl.tensor([1.0], requires_grad=True))
    assert not out.requires_grad and tl.is_grad_enabled()


def test_grad_fn_has_a_readable_name() -> None:
    x = tl.tensor([1.0], requires_grad=True)
    y = (x @ tl.tensor([[2.0]])).relu()
    assert y.grad_fn.name == "Relu" and repr(y.grad_fn) == "<ReluBackward>"
    assert y.grad_fn.parents[0].grad_fn.name == "Matmul"
    assert "grad_fn=<ReluBackward>" in repr(y)


def test_detect_anomaly_names_the_op_and_the_user_line_in_forward() -> None:
    x = tl.tensor([-1.0, 1.0], requires_grad=True)
    with tl.detect_anomaly():
        with pytest.raises(tl.AnomalyError, match=r"Sqrt produced NaN in its forward pass.*test_autograd.py:\d+"):
            x.sqrt()
    assert np.isnan(x.sqrt().numpy()[0])  # outside the context nothing is checked


def test_detect_anomaly_catches_a_nan_born_in_backward() -> None:
    x = tl.tensor([0.0, 1.0], requires_grad=True)
    with tl.detect_anomaly():
        y = x.sqrt()  # finite forward (0, 1), but d sqrt/dx = inf at 0, and 0 * inf = nan below
        loss = (y * tl.tensor([0.0, 1.0])).sum()
        with pytest.raises(tl.AnomalyError, match=r"Sqrt produced (NaN|Inf) in its backward pass.*test_autograd.py"):
            loss.backward()


def test_detect_anomaly_restores_the_previous_mode() -> None:
    from tinygrad_lenet.autodiff.grad_mode import STATE

    with tl.detect_anomaly():
        assert STATE.anomaly
    assert not STATE.anomaly


def test_a_float32_network_stays_float32_at_every_node() -> None:
    import tinygrad_lenet.nn.functional as F
    from tinygrad_lenet.autodiff.engine import topological_order

    x = tl.randn(2, 1, 12, 12)
    w = tl.randn(4, 1, 3, 3, requires_grad=True)
    fc = tl.randn(10, 100, requires_grad=True)
    h = F.avg_pool2d(F.max_pool2d(F.conv2d(x, w, padding=1).sigmoid(), 2), 1).flatten(1)[:, :100]
    logits = (h @ fc.T).tanh() / 2.0 - 1
    loss = F.cross_entropy(logits, tl.tensor([1, 2])) + F.mse_loss(logits.softmax(1), tl.zeros(2, 10)) + logits.var()
    for node in topological_order(loss.grad_fn):
        floats = [p for p in node.parents if p.is_floating_point()]  # (cross_entropy's class indices are int64)
        assert floats and all(p.dtype == tl.float32 for p in floats), node.name
    loss.backward()
    assert loss.dtype == w.grad.dtype == fc.grad.dtype == tl.float32


def test_callbacks_queued_during_backward_run_once_every_grad_is_filled_and_are_dropped_if_it_fails() -> None:
    from tinygrad_lenet.autodiff.engine import queue_callback

    w = tl.tensor([1.0, 2.0], requires_grad=True)
    seen: list[list[float]] = []
    y = (w * w).sum()
    y.register_hook(lambda g: queue_callback(lambda: seen.append(w.grad.tolist())))
    y.backward()
    assert seen == [[2.0, 4.0]]  # after .grad was written, once

    z = (w * 3).sum()
    z.register_hook(lambda g: queue_callback(lambda: seen.append(["not run"])))
    z.grad_fn.parents[0].grad_fn.backward = lambda grad: 1 / 0  # the pass fails after the callback was queued
    with pytest.raises(ZeroDivisionError):
        z.backward()
    (w * 1).sum().backward()  # a later pass does not run the dropped callback
    assert seen == [[2.0, 4.0]]
