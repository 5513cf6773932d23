"""tl.onnx.export: the file passes onnx.checker and onnxruntime computes what we compute, for every model."""

import numpy as np
import pytest

import tinygrad_lenet as tl
from tinygrad_lenet import nn

onnx = pytest.importorskip("onnx", reason="the onnx extra is not installed (pip install -e '.[onnx]')")
ort = pytest.importorskip("onnxruntime", reason="the onnx extra is not installed (pip install -e '.[onnx]')")

from data_paths import full_mnist_dir  # noqa: E402  # after the importorskip above
from installed_command import run  # noqa: E402  # after the importorskip above

from tinygrad_lenet.models import MODELS, create_model  # noqa: E402  # after the importorskip above

CASES = [
    ("lenet5", {}),
    ("lenet5", {"activation": "tanh"}),
    ("lenet5", {"activation": "sigmoid"}),
    ("lenet5", {"pooling": "avg"}),
    ("lenet5", {"dropout": 0.5}),
    ("lenet5", {"channels": [4, 8]}),
    ("mlp", {}),
    ("mlp", {"sizes": [784, 64, 32, 10], "activation": "tanh"}),
    ("mlp", {"batchnorm": True, "dropout": 0.2}),
    ("softmax", {}),
    ("lenet5-1998", {}),
]


def run_onnx(path, x: np.ndarray) -> np.ndarray:
    return ort.InferenceSession(str(path), providers=["CPUExecutionProvider"]).run(None, {"input": x})[0]


@pytest.mark.parametrize("name, options", CASES, ids=[f"{n}{o or ''}" for n, o in CASES])
def test_onnxruntime_gives_our_outputs_at_any_batch_size(tmp_path, name, options):
    tl.manual_seed(0)
    model = create_model(name, **options)
    size = MODELS[name].input_size
    if any(isinstance(m, nn.BatchNorm1d) for m in model.modules()):  # running statistics that are not the defaults
        model.train()
        model(tl.randn(32, 1, size, size) * 2 + 1)
    path = tl.onnx.export(model, tl.randn(2, 1, size, size), tmp_path / "model.onnx")
    onnx.checker.check_model(onnx.load(str(path)))
    model.eval()
    for batch in (1, 5):
        x = tl.randn(batch, 1, size, size)
        np.testing.assert_allclose(run_onnx(path, x.numpy()), model(x).numpy(), rtol=1e-5, atol=1e-5)


class AttentionBlock(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.norm = nn.LayerNorm(8)
        self.attn = nn.MultiheadAttention(8, 2, batch_first=True)
        self.out = nn.LayerNorm(8, elementwise_affine=False)

    def forward(self, x):
        h = self.norm(x)
        return self.out(x + self.attn(h, h, h, need_weights=False)[0])


def test_layer_norm_and_attention_export_and_load_back(tmp_path):
    tl.manual_seed(0)
    model = AttentionBlock().eval()
    x = tl.randn(2, 5, 8)
    path = tl.onnx.export(model, x, tmp_path / "block.onnx", dynamic_batch=False)
    ops = {node.op_type for node in onnx.load(str(path)).graph.node}
    assert {"LayerNormalization", "Slice", "MatMul", "Softmax"} <= ops
    np.testing.assert_allclose(run_onnx(path, x.numpy()), model(x).numpy(), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(tl.onnx.load(path)(x).numpy(), model(x).numpy(), rtol=1e-5, atol=1e-5)


def test_weights_are_named_initializers_and_nodes_keep_module_names(tmp_path):
    model = create_model("lenet5")
    path = tl.onnx.export(model, tl.randn(1, 1, 32, 32), tmp_path / "lenet5.onnx", dynamic_batch=False)
    proto = onnx.load(str(path))
    names = {init.name for init in proto.graph.initializer}
    assert {n for n, _ in model.named_parameters()} <= names
    assert any(node.name.startswith("LeNet5/conv1/") and node.op_type == "Conv" for node in proto.graph.node)
    assert any(node.name.startswith("LeNet5/fc3/") and node.op_type == "Gemm" for node in proto.graph.node)
    assert proto.opset_import[0].version == 17
    assert [d.dim_value for d in proto.graph.input[0].type.tensor_type.shape.dim] == [1, 1, 32, 32]
    dynamic = onnx.load(str(tl.onnx.export(model, tl.randn(1, 1, 32, 32), tmp_path / "d.onnx")))
    assert dynamic.graph.input[0].type.tensor_type.shape.dim[0].dim_param == "batch"


def test_an_op_without_a_mapping_is_named(tmp_path):
    class Flipper(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.fc = nn.Linear(4, 2)

        def forward(self, x: tl.Tensor) -> tl.Tensor:
            return self.fc(x.flip(1))

    with pytest.raises(NotImplementedError, match="the op Flip has no ONNX mapping"):
        tl.onnx.export(Flipper(), tl.randn(3, 4), tmp_path / "f.onnx")
    assert not (tmp_path / "f.onnx").exists()
    with pytest.raises(TypeError, match="must be an nn.Module"):
        tl.onnx.export(lambda x: x, tl.randn(3, 4), tmp_path / "f.onnx")


def test_a_trained_model_predicts_the_same_on_the_whole_mnist_test_set(tmp_path):
    from tinygrad_lenet.data import MNIST, DataLoader, input_transform
    from tinygrad_lenet.train import fit

    tl.manual_seed(0)
    train_set = MNIST.sample()
    test_set = MNIST(root=full_mnist_dir(), train=False, download=False)
    transform = input_transform(32)
    model = create_model("lenet5")
    fit(
        model,
        DataLoader(train_set, 64, shuffle=True, seed=0, transform=transform),
        DataLoader(MNIST.sample(train=False), 500, transform=transform),
        tl.optim.Adam(model.parameters(), 2e-3),
        epochs=1,
        progress=False,
        log=lambda line: None,
    )
    path = tl.onnx.export(model, transform(test_set.data[:1, None]), tmp_path / "lenet5.onnx")
    images = transform(test_set.data[:, None])
    model.eval()
    with tl.no_grad():
        ours = np.concatenate([model(tl.tensor(images[i : i + 1000])).numpy() for i in range(0, len(images), 1000)])
    theirs = run_onnx(path, images)
    assert len(theirs) == 10_000
    assert (ours.argmax(1) == theirs.argmax(1)).all()
    assert (ours.argmax(1) == test_set.targets).mean() > 0.9


def test_the_export_command(tmp_path):
    out = tmp_path / "m.onnx"
    result = run("export", "--model", "mlp", "--out", str(out), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "wrote" in result.stdout and out.exists()
    x = np.random.default_rng(0).standard_normal((4, 1, 28, 28)).astype(np.float32)
    assert run_onnx(out, x).shape == (4, 10)
