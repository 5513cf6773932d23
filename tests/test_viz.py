"""Graph drawing and model summaries."""

from __future__ import annotations

import os
import shutil
import warnings
from pathlib import Path

import numpy as np
import pytest

import tinygrad_lenet as tl
import tinygrad_lenet.nn.functional as F
from tinygrad_lenet import nn, viz
from tinygrad_lenet.cli import main
from tinygrad_lenet.models import MLP, LeNet5
from tinygrad_lenet.viz.graph import extract


def needs_dot() -> None:
    if shutil.which("dot") is None:
        if os.environ.get("CI"):
            pytest.fail("CI must have Graphviz's dot (.ci/run installs it)")
        pytest.skip("Graphviz's dot is not installed")


def lenet_loss(model: nn.Module, backward: bool = False) -> tl.Tensor:
    tl.manual_seed(0)
    loss = F.cross_entropy(model(tl.randn(2, 1, 32, 32)), tl.tensor([3, 1]))
    if backward:
        loss.backward()
    return loss


def test_a_small_expression_has_the_nodes_and_edges_it_should() -> None:
    a, b, c = (tl.randn(3, requires_grad=True) for _ in range(3))
    graph = extract((a * b + c).sum(), params={"a": a, "b": b, "c": c})
    kinds = sorted((n.kind, n.label.split("\n")[0]) for n in graph.nodes.values())
    assert kinds == [
        ("op", "Add"),
        ("op", "Mul"),
        ("op", "Sum"),
        ("output", "output"),
        ("parameter", "a"),
        ("parameter", "b"),
        ("parameter", "c"),
    ]
    labels = {n.id: n.label.split("\n")[0] for n in graph.nodes.values()}
    assert sorted((labels[s], labels[d]) for s, d in graph.edges) == [
        ("Add", "Sum"),
        ("Mul", "Add"),
        ("Sum", "output"),
        ("a", "Mul"),
        ("b", "Mul"),
        ("c", "Add"),
    ]
    assert graph.edges[next(e for e in graph.edges if labels[e[0]] == "Mul")] == "(3)"
    source = viz.draw_graph((a * b + c).sum(), params={"a": a, "b": b, "c": c}, rankdir="LR").source
    assert "rankdir=LR" in source and "(3) float32" in source and "cluster_legend" in source


def test_lenet5_parameter_names_and_module_clusters() -> None:
    model = LeNet5()
    source = viz.draw_graph(lenet_loss(model), params=model).source
    for name, _ in model.named_parameters():
        assert f'label="{name}' in source, name
    for name in ("conv1", "pool1", "conv2", "pool2", "flatten", "fc1", "fc2", "fc3"):
        assert f"subgraph cluster_{name} " in source
    assert "label=Conv2d" in source and "label=MaxPool2d" in source and "label=Linear" in source


def test_depth_collapses_modules_into_boxes() -> None:
    model = LeNet5()
    graph = viz.draw_graph(lenet_loss(model), params=model, depth=1)
    boxes = [line for line in graph.body if "shape=box3d" in line and "legend" not in line]
    assert len(boxes) == 8
    assert "label=Conv2d" not in graph.source and '"conv1: Conv2d' in graph.source
    assert "out (2, 6, 28, 28)" in graph.source and "48,120 params" in graph.source
    nested = nn.Sequential(nn.Sequential(nn.Linear(4, 3), nn.ReLU()), nn.Linear(3, 2))
    loss = nested(tl.randn(2, 4)).sum()
    depth2 = viz.draw_graph(loss, params=nested, depth=2).source
    assert "subgraph cluster_0 " in depth2 and '"0.0: Linear' in depth2 and '"0.1: ReLU' in depth2
    full = viz.draw_graph(loss, params=nested).source
    assert (
        full.index("subgraph cluster_0 ") < full.index('subgraph "cluster_0.0"') < full.index('subgraph "cluster_0.1"')
    )
    with pytest.raises(ValueError, match="depth must be 1 or more"):
        viz.draw_graph(loss, depth=0)


def test_gradient_norms_after_backward() -> None:
    model = MLP([784, 8, 10])
    loss = F.cross_entropy(model(tl.randn(3, 784)), tl.tensor([1, 2, 3]))
    assert viz.retain_grads(loss) > 3
    loss.backward()
    source = viz.draw_graph(loss, params=model, show_grads=True).source
    norm = np.linalg.norm(model.layers[0].weight.grad.numpy())
    assert f"|grad| {norm:.3g}" in source
    assert source.count("|grad|") >= 4 + 5  # the parameters and the retained intermediate values
    boxes = viz.draw_graph(loss, params=model, show_grads=True, depth=1).source
    assert "|grad| params" in boxes and "|grad| out" in boxes


def test_nan_and_inf_are_drawn_in_red() -> None:
    w = tl.tensor([1.0, 2.0], requires_grad=True)
    x = tl.tensor([-1.0, 4.0], requires_grad=True)
    bad_value = (x.log() * w).sum()  # log(-1) = NaN
    graph = extract(bad_value, params={"w": w, "x": x})
    red = {n.label.split("\n")[0] for n in graph.nodes.values() if n.bad}
    assert red == {"Log", "Mul", "Sum", "output"}
    constant_nan = extract((tl.tensor([-1.0, 4.0]).log() * w).sum())
    assert [n.kind for n in constant_nan.nodes.values() if n.bad and n.kind != "op"] == ["input", "output"]
    source = viz.draw_graph(bad_value, params={"w": w, "x": x}).source
    assert "#ff8080" in source and "legend_bad" in source
    z = tl.tensor([0.0, 1.0], requires_grad=True)
    (z.sqrt() * 1.0).sum().backward()  # finite values, infinite gradient at 0
    grads_only = extract((z.sqrt() * 1.0).sum(), params={"z": z}, show_grads=True)
    assert [n.label.split("\n")[0] for n in grads_only.nodes.values() if n.bad] == ["z"]


def test_a_100000_op_chain_draws_without_recursion_and_big_graphs_warn() -> None:
    x = tl.tensor(1.0, requires_grad=True)
    y = x
    for _ in range(100_000):
        y = y * 1.0
    source = viz.draw_graph(y, collapse=True).source
    assert "Mul x100,000" in source
    z = x
    for _ in range(400):
        z = z.exp().log()
    with pytest.warns(UserWarning, match="the graph has .* nodes; for a readable picture pass depth=1"):
        viz.draw_graph(z)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert "Exp" in viz.draw_graph(z, collapse=True, max_nodes=2000).source


def test_drawing_a_graph_under_construction_and_a_model_without_backward() -> None:
    model = LeNet5()
    h = model.conv1(tl.randn(1, 1, 32, 32))
    graph = extract(h, params=model)
    assert sorted(n.label.split("\n")[0] for n in graph.nodes.values() if n.kind == "op") == ["Conv2d"]
    drawing = viz.draw_model(model, (1, 1, 32, 32), depth=1)
    assert '"fc3: Linear' in drawing.source and all(p.grad is None for p in model.parameters())
    leaf = extract(tl.tensor([1.0]))
    assert [n.kind for n in leaf.nodes.values()] == ["output"]
    with pytest.raises(TypeError, match="params must be a Module or a dict"):
        extract(h, params=[1, 2])


def test_render_svg_png_and_dot(tmp_path: Path) -> None:
    needs_dot()
    a = tl.randn(2, requires_grad=True)
    graph = viz.draw_graph((a * a).sum(), params={"a": a})
    svg = viz.render(graph, tmp_path / "expr.svg")
    assert "<svg" in svg.read_text() and (tmp_path / "expr.dot").read_text() == graph.source
    assert viz.render(graph, tmp_path / "expr.png").read_bytes()[:4] == b"\x89PNG"
    assert viz.render(graph, tmp_path / "only", format="dot").suffix == ".dot"
    with pytest.raises(ValueError, match="unknown format 'gif'"):
        viz.render(graph, tmp_path / "expr.gif")


def test_missing_dot_gives_one_clear_message_and_keeps_the_source(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    a = tl.randn(2, requires_grad=True)
    with pytest.raises(
        tl.GraphvizNotFound, match=r"not installed.*apt-get install graphviz.*brew install graphviz.*dot -Tsvg"
    ):
        viz.render(viz.draw_graph((a * a).sum()), tmp_path / "g.svg")
    assert (tmp_path / "g.dot").exists() and not (tmp_path / "g.svg").exists()
    assert main(["graph", "--model", "softmax", "--out", str(tmp_path / "cli.svg")]) == 1
    assert (tmp_path / "cli.dot").exists()


def test_summary_of_lenet5() -> None:
    table = viz.summary(LeNet5(), (1, 1, 32, 32))
    assert table.total_params == 61_706 and table.total_macs == 416_520
    shapes = [(r.name, r.output_shape) for r in table.rows]
    assert shapes == [
        ("conv1", (1, 6, 28, 28)),
        ("pool1", (1, 6, 14, 14)),
        ("conv2", (1, 16, 10, 10)),
        ("pool2", (1, 16, 5, 5)),
        ("flatten", (1, 400)),
        ("fc1", (1, 120)),
        ("fc2", (1, 84)),
        ("fc3", (1, 10)),
    ]
    text = str(table)
    assert "61,706" in text and "0.42 M" in text and "parameters 241.0 KiB" in text


def test_graph_and_summary_commands(tmp_path: Path, capsys) -> None:
    needs_dot()
    assert main(["graph", "--model", "lenet5", "--depth", "1", "--grads", "--out", str(tmp_path / "lenet5.svg")]) == 0
    assert "<svg" in (tmp_path / "lenet5.svg").read_text() and "|grad| params" in (tmp_path / "lenet5.dot").read_text()
    assert main(["summary", "--model", "lenet5"]) == 0
    assert "total parameters: 61,706" in capsys.readouterr().out


def test_repeated_identical_blocks_collapse_with_a_count() -> None:
    blocks = [nn.Sequential(nn.Linear(4, 4), nn.ReLU()) for _ in range(10)]
    model = nn.Sequential(nn.Linear(8, 4), *blocks, nn.Linear(4, 2))
    out = model(tl.randn(3, 8)).sum()
    boxes = [
        line
        for line in viz.draw_graph(out, params=model, depth=1, collapse=True).body
        if "shape=box3d" in line and "legend" not in line
    ]
    assert len(boxes) == 3
    assert (
        "1 .. 10: Sequential x10" in boxes[1] and "20 params each" in boxes[1] and "20 ops" in boxes[1]
    )  # Linear and ReLU, 10 times
    different = nn.Sequential(nn.Linear(4, 4), nn.Linear(4, 3), nn.Linear(3, 3))
    source = viz.draw_graph(different(tl.randn(1, 4)).sum(), params=different, depth=1, collapse=True).source
    assert source.count("shape=box3d") == 3 + 1  # nothing identical in a row (+1: the legend entry)
