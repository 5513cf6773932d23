"""tl.onnx.load: ONNX models made elsewhere run here with our ops, draw, and train; the onnx backend node tests."""

import shutil

import numpy as np
import pytest

import tinygrad_lenet as tl
from tinygrad_lenet import nn

onnx = pytest.importorskip("onnx", reason="the onnx extra is not installed (pip install -e '.[onnx]')")

from tinygrad_lenet.models import create_model  # noqa: E402  # after the importorskip above
from tinygrad_lenet.onnx.conformance import node_test_results  # noqa: E402  # after the importorskip above


@pytest.fixture(scope="module")
def node_tests():
    return node_test_results()


@pytest.mark.slow
def test_every_backend_node_test_of_a_mapped_operator_passes_or_is_refused_by_name(node_tests):
    assert len(node_tests) >= 30
    failed = {case: why for outcome in node_tests.values() for case, why in outcome.failed.items()}
    refused = {case: why for outcome in node_tests.values() for case, why in outcome.refused.items()}
    assert failed == {} and refused == {}
    assert sum(len(o.passed) for o in node_tests.values()) >= 311  # with onnx 1.23.2 (docs/interop.md has the table)
    assert {"Conv", "Gemm", "MaxPool", "AveragePool", "Reshape", "Softmax"} <= set(node_tests)


def test_an_exported_model_loads_back_runs_the_same_and_draws(tmp_path):
    tl.manual_seed(0)
    model = create_model("lenet5-1998")
    path = tl.onnx.export(model, tl.randn(2, 1, 32, 32), tmp_path / "m.onnx")
    loaded = tl.onnx.load(path)
    x = tl.randn(4, 1, 32, 32)
    model.eval()
    np.testing.assert_allclose(loaded(x).numpy(), model(x).numpy(), rtol=1e-5, atol=1e-4)
    # ONNX does not mark what trains: every float initializer becomes a parameter (here also the
    # 1998 model's RBF bitmaps, C3 mask and scaling constants); LeNet-5 has nothing else
    assert sum(p.numel() for p in loaded.parameters()) > 60_000
    lenet5 = create_model("lenet5")
    again = tl.onnx.load(tl.onnx.export(lenet5, tl.randn(1, 1, 32, 32), tmp_path / "l.onnx"))
    assert sum(p.numel() for p in again.parameters()) == sum(p.numel() for p in lenet5.parameters())
    assert sorted(again.parameter_names().values()) == sorted(n for n, _ in lenet5.named_parameters())
    if shutil.which("dot"):
        drawing = tl.viz.draw_graph(loaded(x).sum(), params=loaded)
        assert "Conv2d" in drawing.source and "EuclideanRBF" not in drawing.source  # ONNX's RBF is Sub, Mul, ReduceSum


def test_an_imported_model_fine_tunes(tmp_path):
    tl.manual_seed(0)
    path = tl.onnx.export(create_model("mlp"), tl.randn(2, 1, 28, 28), tmp_path / "mlp.onnx")
    loaded = tl.onnx.load(path)
    optimizer = tl.optim.SGD(loaded.parameters(), lr=0.1)
    x, y = tl.randn(16, 1, 28, 28), tl.randint(0, 10, (16,))
    losses = []
    for _ in range(5):
        loss = nn.functional.cross_entropy(loaded(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    assert losses[-1] < losses[0]
    assert all(p.grad is not None for p in loaded.parameters())


def test_unknown_operators_and_bad_files_are_named(tmp_path):
    from onnx import TensorProto, helper

    node = helper.make_node("Erf", ["x"], ["y"])
    graph = helper.make_graph(
        [node],
        "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2])],
    )
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), str(tmp_path / "erf.onnx"))
    with pytest.raises(NotImplementedError, match="no mapping here for the operator.s. Erf"):
        tl.onnx.load(tmp_path / "erf.onnx")
    (tmp_path / "junk.onnx").write_bytes(b"\x00garbage" * 10)
    with pytest.raises(tl.CheckpointError, match="junk.onnx: not a valid ONNX model"):
        tl.onnx.load(tmp_path / "junk.onnx")
    with pytest.raises(tl.CheckpointError, match="no such ONNX file"):
        tl.onnx.load(tmp_path / "missing.onnx")
    loaded = tl.onnx.load(tl.onnx.export(create_model("softmax"), tl.randn(1, 1, 28, 28), tmp_path / "s.onnx"))
    with pytest.raises(ValueError, match="expected 1 inputs"):
        loaded(tl.randn(1, 1, 28, 28), tl.randn(1))


class TestAModelExportedByPyTorch:
    torch = pytest.importorskip("torch", reason="PyTorch is not installed (pip install torch==2.13.0 for this)")

    def test_a_small_cnn_imports_runs_equal_and_draws(self, tmp_path):
        import warnings

        torch = self.torch
        torch.manual_seed(0)
        net = torch.nn.Sequential(
            torch.nn.Conv2d(1, 4, 3, padding=1),
            torch.nn.ReLU(),
            torch.nn.MaxPool2d(2),
            torch.nn.Conv2d(4, 8, 3),
            torch.nn.Tanh(),
            torch.nn.AvgPool2d(2),
            torch.nn.Flatten(),
            torch.nn.Linear(8 * 6 * 6, 10),
            torch.nn.LogSoftmax(1),
        ).eval()
        x = torch.randn(3, 1, 28, 28)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(
                net,
                (x,),
                str(tmp_path / "cnn.onnx"),
                dynamo=False,
                input_names=["input"],
                output_names=["output"],
                dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}},
            )
        loaded = tl.onnx.load(tmp_path / "cnn.onnx")
        for batch in (3, 7):
            xb = torch.randn(batch, 1, 28, 28)
            np.testing.assert_allclose(
                loaded(tl.tensor(xb.numpy())).numpy(), net(xb).detach().numpy(), rtol=1e-5, atol=1e-5
            )
        if shutil.which("dot"):
            assert "Conv2d" in tl.viz.draw_graph(loaded(tl.tensor(x.numpy())).sum(), params=loaded).source
