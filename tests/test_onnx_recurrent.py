"""Recurrent layers through ONNX: onnxruntime computes what we compute (at another batch size too), and
``tl.onnx.load`` reads the file back to the same outputs."""

import numpy as np
import pytest

import tinygrad_lenet as tl
from tinygrad_lenet import nn

onnx = pytest.importorskip("onnx", reason="the onnx extra is not installed (pip install -e '.[onnx]')")
ort = pytest.importorskip("onnxruntime", reason="the onnx extra is not installed (pip install -e '.[onnx]')")


class Tagger(nn.Module):
    """A recurrent layer, then a linear head on the last step's output plus the final hidden state."""

    def __init__(self, kind: str, **options) -> None:
        super().__init__()
        self.rnn = getattr(nn, kind)(3, 5, batch_first=True, **options)
        self.head = nn.Linear(5 * (2 if options.get("bidirectional") else 1), 2)

    def forward(self, x: tl.Tensor) -> tl.Tensor:
        output, state = self.rnn(x)
        h_n, c_n = state if isinstance(state, tuple) else (state, state)
        return self.head(output[:, -1]) + (h_n[-1] * c_n[0]).sum(1, keepdim=True)


CASES = [
    ("LSTM", {}),
    ("LSTM", {"num_layers": 2, "bidirectional": True}),
    ("GRU", {"bias": False}),
    ("GRU", {"num_layers": 2, "bidirectional": True}),
    ("RNN", {"nonlinearity": "relu"}),
    ("RNN", {"num_layers": 2, "bidirectional": True, "bias": False}),
]


@pytest.mark.parametrize("kind, options", CASES, ids=[f"{k}{o or ''}" for k, o in CASES])
def test_recurrent_models_export_run_in_onnxruntime_and_load_back(tmp_path, kind, options) -> None:
    tl.manual_seed(0)
    model = Tagger(kind, **options).eval()
    path = tl.onnx.export(model, tl.randn(4, 6, 3), tmp_path / "model.onnx")
    x = tl.randn(7, 6, 3)  # another batch size: it stays free
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    expected = model(x).numpy()
    np.testing.assert_allclose(session.run(None, {"input": x.numpy()})[0], expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(tl.onnx.load(path)(x).numpy(), expected, rtol=1e-6, atol=1e-7)


def test_what_onnx_cannot_hold_is_refused_by_name(tmp_path) -> None:
    class Projected(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.lstm = nn.LSTM(3, 4, proj_size=2)

        def forward(self, x: tl.Tensor) -> tl.Tensor:
            return self.lstm(x)[0]

    with pytest.raises(NotImplementedError, match="proj_size"):
        tl.onnx.export(Projected(), tl.randn(5, 2, 3), tmp_path / "p.onnx")
