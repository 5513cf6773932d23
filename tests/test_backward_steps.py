"""viz.backward_steps: one frame per node in the engine's order, the gradients on the edges, the page."""

import html
import re
import shutil

import numpy as np
import pytest

import tinygrad_lenet as tl
from tinygrad_lenet import nn
from tinygrad_lenet.viz.steps import describe, rule

pytestmark = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")


def text(frame) -> str:
    """A frame's drawing with Graphviz's character escapes (&#45; for -) undone."""
    return html.unescape(frame.svg)


def small_graph():
    x = tl.tensor([2.0, 3.0], requires_grad=True)
    w = tl.tensor(0.5, requires_grad=True)
    return x, w, (x * w).log().sum()


def test_one_frame_per_node_in_engine_order_with_its_rule():
    x, w, loss = small_graph()
    steps = tl.viz.backward_steps(loss, params={"x": x, "w": w})
    assert len(steps) == 5
    assert [f.title for f in steps][1:4] == ["step 1 of 3: Sum", "step 2 of 3: Log", "step 3 of 3: Mul"]
    assert steps[2].rule == "d log(x)/dx = 1/x."
    assert steps[3].rule == "d(ab)/da = b, d(ab)/db = a."
    assert steps[0].title.startswith("start") and steps[-1].title.startswith("done")


def test_edges_carry_the_gradients_computed_so_far():
    x, w, loss = small_graph()
    steps = tl.viz.backward_steps(loss, params={"x": x, "w": w})
    from_log = describe(np.array([1.0, 2 / 3]))  # d/d(xw) log(xw) = 1/(xw)
    assert from_log not in text(steps[1]) and from_log in text(steps[2]) and from_log in text(steps[3])
    assert describe(np.array([0.5, 1 / 3])) in text(steps[3])  # dL/dx = w / (xw)
    assert "grad 4" in text(steps[3])  # dL/dw = sum(x / (xw)) = 2 * 2
    assert ".grad += [0.5, 0.3333]" in text(steps[-1])
    assert steps[3].svg.count("gold") == 1  # the node being processed is highlighted, and only it


def test_changes_no_grad_and_keeps_the_graph():
    x, w, loss = small_graph()
    tl.viz.backward_steps(loss)
    assert x.grad is None and w.grad is None
    loss.backward()
    np.testing.assert_allclose(x.grad.numpy(), [0.5, 1 / 3], rtol=1e-6)
    np.testing.assert_allclose(w.grad.numpy(), 4.0, rtol=1e-6)


def test_a_model_shared_input_and_large_gradients():
    tl.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 3), nn.Tanh(), nn.Linear(3, 2))
    x = tl.randn(5, 4)
    loss = (model(x) * model(x)).mean()  # the model used twice: its weights get two gradients
    steps = tl.viz.backward_steps(loss, params=model)
    assert "cluster_0" in steps[1].svg or "0: Linear" in steps[1].svg
    assert re.search(r"grad \(5, 2\) \|g\| [\d.]+", text(steps[-1]))
    assert "0.weight" in text(steps[-1])


def test_describe_small_and_large():
    assert describe(np.array(0.25)) == "grad 0.25"
    assert describe(np.array([0.5, -1.0])) == "grad [0.5, -1]"
    assert describe(np.array([[1 / 3, 2.0], [3.0, 4.0]])) == "grad [[0.3333, 2], [3, 4]]"
    assert describe(np.ones((3, 4))) == "grad (3, 4) |g| 3.46"


def test_rule_falls_back_to_a_note_when_backward_has_no_docstring():
    class Bare(tl.Function):
        def forward(self, x):
            return x

        def backward(self, g):
            return (g,)

    out = Bare.apply(tl.tensor([1.0], requires_grad=True))
    assert rule(out.grad_fn) == "Bare: no rule text (its backward has no docstring)"


def test_bad_input_gets_clear_errors():
    with pytest.raises(tl.GradError, match="leaf tensor"):
        tl.viz.backward_steps(tl.tensor([1.0], requires_grad=True))
    with pytest.raises(tl.GradError, match=r"backward_steps\(\) without `gradient` works only on a one-element"):
        tl.viz.backward_steps(tl.tensor([1.0, 2.0], requires_grad=True) * 2)
    with pytest.raises(TypeError, match="must be a Tensor"):
        tl.viz.backward_steps(np.ones(2))
    x = tl.tensor([1.0], requires_grad=True)
    y = x
    for _ in range(20):
        y = y * 1.5
    with pytest.raises(ValueError, match="more than max_nodes=10"):
        tl.viz.backward_steps(y.sum(), max_nodes=10)


def test_with_an_explicit_gradient():
    x = tl.tensor([1.0, 2.0], requires_grad=True)
    steps = tl.viz.backward_steps(x * 3, gradient=np.array([1.0, -1.0]))
    assert ".grad += [3, -3]" in text(steps[-1])


def test_html_page_is_self_contained_with_a_slider(tmp_path):
    _, _, loss = small_graph()
    steps = tl.viz.backward_steps(loss)
    path = steps.save_html(tmp_path / "steps.html")
    page = path.read_text()
    assert page.count('class="frame"') == 5
    assert 'type="range" id="step" min="0" max="4"' in page
    assert "ArrowRight" in page and "ArrowLeft" in page
    assert not re.search(r"""(src|href)=["']https?:""", page)  # nothing fetched from the network
    inline = steps._repr_html_()
    assert inline.startswith("<iframe srcdoc=") and "&lt;svg" in inline
