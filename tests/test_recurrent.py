"""RNN, LSTM, GRU and their cells against PyTorch: the same weights (load_state_dict), the same outputs and
the same gradients of the input, the initial states and every parameter; state_dict keys, repr, dropout."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import tinygrad_lenet as tl
from tinygrad_lenet.base.errors import DTypeError, ShapeError

torch = pytest.importorskip("torch", reason="PyTorch is not installed (make parity installs torch==2.13.0)")


def _flat(out: Any) -> list[Any]:
    return [t for o in out for t in _flat(o)] if isinstance(out, tuple) else [out]


def _same(name: str, args: tuple, kwargs: dict, inputs: list[np.ndarray], pack: Any = None) -> None:
    """Build both modules with the same weights, run them on ``inputs`` (passed as ``pack(*inputs)``) in
    float64, and compare every output and the gradients of sum(out * v) for the inputs and parameters."""
    torch.manual_seed(0)
    theirs = getattr(torch.nn, name)(*args, **kwargs).double()
    ours = getattr(tl.nn, name)(*args, **kwargs).double()
    ours.load_state_dict({k: v.detach().numpy().copy() for k, v in theirs.state_dict().items()})
    assert list(ours.state_dict()) == list(theirs.state_dict())
    t_in = [torch.tensor(a, requires_grad=True) for a in inputs]
    o_in = [tl.tensor(a, requires_grad=True) for a in inputs]
    pack = pack or (lambda *xs: xs)
    t_out, o_out = _flat(theirs(*pack(*t_in))), _flat(ours(*pack(*o_in)))
    rng = np.random.default_rng(1)
    weights = [rng.standard_normal(tuple(t.shape)) for t in t_out]
    sum(((t * torch.tensor(w)).sum() for t, w in zip(t_out, weights)), torch.zeros((), dtype=torch.float64)).backward()
    sum((o * tl.tensor(w)).sum() for o, w in zip(o_out, weights)).backward()
    for t, o in zip(t_out, o_out):
        np.testing.assert_allclose(o.numpy(), t.detach().numpy(), rtol=1e-10, atol=1e-12)
    for t, o in zip(t_in, o_in):
        np.testing.assert_allclose(o.grad.numpy(), t.grad.numpy(), rtol=1e-9, atol=1e-11)
    t_params = dict(theirs.named_parameters())
    for key, p in ours.named_parameters():
        np.testing.assert_allclose(p.grad.numpy(), t_params[key].grad.numpy(), rtol=1e-9, atol=1e-11, err_msg=key)


CONFIGS = [
    dict(num_layers=2, bidirectional=True, batch_first=True),
    dict(num_layers=3, bidirectional=False, batch_first=False, bias=False),
    dict(num_layers=2, bidirectional=True, batch_first=False),
]


@pytest.mark.parametrize("config", CONFIGS)
@pytest.mark.parametrize("name", ["RNN", "GRU", "LSTM", "RNN-relu", "LSTM-proj"])
def test_layers_match_pytorch_with_initial_states(name: str, config: dict) -> None:
    rng = np.random.default_rng(0)
    kind, _, variant = name.partition("-")
    kwargs = {**config, **({"nonlinearity": "relu"} if variant == "relu" else {})}
    kwargs |= {"proj_size": 2} if variant == "proj" else {}
    layers, directions, width = config["num_layers"], 1 + config["bidirectional"], 2 if variant == "proj" else 4
    x = rng.standard_normal((3, 5, 3) if config["batch_first"] else (5, 3, 3))
    h0 = rng.standard_normal((layers * directions, 3, width))
    if kind == "LSTM":
        c0 = rng.standard_normal((layers * directions, 3, 4))
        _same(kind, (3, 4), kwargs, [x, h0, c0], pack=lambda x, h, c: (x, (h, c)))
    else:
        _same(kind, (3, 4), kwargs, [x, h0])


@pytest.mark.parametrize("name", ["RNN", "GRU", "LSTM"])
def test_layers_match_pytorch_unbatched_without_states(name: str) -> None:
    _same(name, (2, 3, 2), {"bidirectional": True}, [np.random.default_rng(2).standard_normal((4, 2))])


@pytest.mark.parametrize("name", ["RNNCell", "GRUCell", "LSTMCell"])
@pytest.mark.parametrize("bias", [True, False])
def test_cells_match_pytorch(name: str, bias: bool) -> None:
    rng = np.random.default_rng(3)
    x, h, c = rng.standard_normal((4, 3)), rng.standard_normal((4, 5)), rng.standard_normal((4, 5))
    if name == "LSTMCell":
        _same(name, (3, 5, bias), {}, [x, h, c], pack=lambda x, h, c: (x, (h, c)))
    else:
        _same(name, (3, 5, bias), {}, [x, h])
    _same(name, (3, 5, bias), {}, [x])


def test_relu_cell_matches_pytorch() -> None:
    rng = np.random.default_rng(4)
    _same("RNNCell", (3, 5), {"nonlinearity": "relu"}, [rng.standard_normal((4, 3)), rng.standard_normal((4, 5))])


@pytest.mark.parametrize(
    "name, args, kwargs",
    [
        ("LSTM", (3, 4), dict(num_layers=2, bidirectional=True, batch_first=True, dropout=0.5, bias=False)),
        ("LSTM", (3, 4), dict(proj_size=2)),
        ("GRU", (3, 4), {}),
        ("RNN", (3, 4), dict(nonlinearity="relu")),
        ("RNNCell", (3, 4), dict(nonlinearity="relu", bias=False)),
        ("LSTMCell", (3, 4), {}),
    ],
)
def test_repr_parameters_and_initialisation_as_pytorch(name: str, args: tuple, kwargs: dict) -> None:
    theirs, ours = getattr(torch.nn, name)(*args, **kwargs), getattr(tl.nn, name)(*args, **kwargs)
    assert repr(ours) == repr(theirs)
    shapes = {k: tuple(v.shape) for k, v in theirs.named_parameters()}
    assert {k: v.shape for k, v in ours.named_parameters()} == shapes
    assert list(dict(ours.named_parameters())) == list(shapes)
    bound = 1 / np.sqrt(args[1])
    for p in ours.parameters():
        assert p.dtype == np.float32 and np.abs(p.numpy()).max() <= bound


def test_dropout_between_layers_changes_training_only() -> None:
    model = tl.nn.LSTM(3, 8, num_layers=3, dropout=0.5, batch_first=True)
    x = tl.randn(2, 5, 3)
    out, (h, c) = model(x)
    assert out.shape == (2, 5, 8) and h.shape == c.shape == (3, 2, 8)
    tl.manual_seed(1)
    first = model(x)[0].numpy()
    assert not np.allclose(first, model(x)[0].numpy())  # a new mask each call
    model.eval()
    np.testing.assert_array_equal(model(x)[0].numpy(), model(x)[0].numpy())


def test_float32_training_step_reaches_every_parameter() -> None:
    model = tl.nn.GRU(3, 4, num_layers=2, bidirectional=True)
    out, h = model(tl.randn(6, 2, 3))
    (out.sum() + h.sum()).backward()
    assert out.dtype == np.float32 and all(p.grad is not None for p in model.parameters())


def test_clear_errors() -> None:
    lstm = tl.nn.LSTM(3, 4, num_layers=2)
    with pytest.raises(ShapeError, match="input_size=3"):
        lstm(tl.randn(5, 2, 7))
    with pytest.raises(ShapeError, match=r"expected hidden size \(2, 2, 4\)"):
        lstm(tl.randn(5, 2, 3), (tl.zeros(1, 2, 4), tl.zeros(2, 2, 4)))
    with pytest.raises(ShapeError, match="2D or 3D"):
        lstm(tl.randn(5))
    with pytest.raises(DTypeError, match="dtype"):
        lstm(tl.randn(5, 2, 3).double())
    with pytest.raises(ValueError, match="hidden_size must be greater than zero"):
        tl.nn.GRU(10, 0)
    with pytest.raises(ValueError, match="proj_size"):
        tl.nn.LSTM(3, 4, proj_size=4)
    with pytest.raises(ShapeError, match="inconsistent input_size: got 11 expected 10"):
        tl.nn.GRUCell(10, 20)(tl.randn(3, 11))
    with pytest.raises(ShapeError, match="batch size 3 doesn't match hidden0 batch size 5"):
        tl.nn.RNNCell(10, 20)(tl.randn(3, 10), tl.randn(5, 20))


TR = torch.nn.utils.rnn
R = tl.nn.utils.rnn


@pytest.mark.parametrize("name, kwargs", [("LSTM", {"num_layers": 2}), ("GRU", {}), ("RNN", {"nonlinearity": "relu"})])
@pytest.mark.parametrize("lengths", [[5, 3, 3, 2], [3, 5, 2, 3]])
def test_packed_batches_match_pytorch(name: str, kwargs: dict, lengths: list[int]) -> None:
    """Bidirectional over a packed batch, sorted or not, with initial states: the padded outputs, the
    final states and the gradients of the padded input and of every parameter."""
    rng = np.random.default_rng(5)
    x, h0, c0 = rng.standard_normal((5, 4, 3)), rng.standard_normal((4, 4, 4)), rng.standard_normal((4, 4, 4))
    sort = lengths == sorted(lengths, reverse=True)

    def pack(lib: Any, rnn: Any) -> Any:
        def run(x: Any, h: Any, c: Any) -> tuple:
            out, hx = (x, (h, c)) if name == "LSTM" else (x, h)
            packed = rnn.pack_padded_sequence(out, lengths, enforce_sorted=sort)
            output, final = lib(packed, hx)
            return (rnn.pad_packed_sequence(output, batch_first=True)[0], final)

        return run

    torch.manual_seed(0)
    theirs = getattr(torch.nn, name)(3, 4, bidirectional=True, **kwargs).double()
    ours = getattr(tl.nn, name)(3, 4, bidirectional=True, **kwargs).double()
    ours.load_state_dict({k: v.detach().numpy().copy() for k, v in theirs.state_dict().items()})
    layers = kwargs.get("num_layers", 1)
    inputs = [x, h0[: 2 * layers], c0[: 2 * layers]]
    t_in, o_in = (
        [torch.tensor(a, requires_grad=True) for a in inputs],
        [tl.tensor(a, requires_grad=True) for a in inputs],
    )
    t_out, o_out = _flat(pack(theirs, TR)(*t_in)), _flat(pack(ours, R)(*o_in))
    for t, o in zip(t_out, o_out):
        np.testing.assert_allclose(o.numpy(), t.detach().numpy(), rtol=1e-10, atol=1e-12)
    sum(t.sum() for t in t_out).backward()
    sum(o.sum() for o in o_out).backward()
    np.testing.assert_allclose(o_in[0].grad.numpy(), t_in[0].grad.numpy(), rtol=1e-9, atol=1e-11)
    t_params = dict(theirs.named_parameters())
    for key, p in ours.named_parameters():
        np.testing.assert_allclose(p.grad.numpy(), t_params[key].grad.numpy(), rtol=1e-9, atol=1e-11, err_msg=key)


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("side", ["right", "left"])
def test_pad_sequence_as_pytorch(batch_first: bool, side: str) -> None:
    rng = np.random.default_rng(6)
    arrays = [rng.standard_normal((n, 2)) for n in (2, 4, 1)]
    ours = R.pad_sequence([tl.tensor(a) for a in arrays], batch_first, -1.0, side)
    theirs = TR.pad_sequence([torch.tensor(a) for a in arrays], batch_first, -1.0, side)
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


def test_pack_and_unpack_sequences_as_pytorch() -> None:
    rng = np.random.default_rng(7)
    arrays = [rng.standard_normal((n, 2)) for n in (2, 4, 1)]
    ours = R.pack_sequence([tl.tensor(a) for a in arrays], enforce_sorted=False)
    theirs = TR.pack_sequence([torch.tensor(a) for a in arrays], enforce_sorted=False)
    for field in ("data", "batch_sizes", "sorted_indices", "unsorted_indices"):
        np.testing.assert_array_equal(getattr(ours, field).numpy(), getattr(theirs, field).numpy())
    for back, a in zip(R.unpack_sequence(ours), arrays):
        np.testing.assert_array_equal(back.numpy(), a)
    with pytest.raises(ValueError, match="decreasing order"):
        R.pack_sequence([tl.tensor(a) for a in arrays])


@pytest.mark.parametrize("name", ["RNN", "LSTM", "GRU", "LSTMCell"])
def test_each_recurrent_module_draws_as_one_box(name: str) -> None:
    """At module depth a recurrent layer is one box, its sequence op inside it (tl.viz.draw_graph)."""
    child = getattr(tl.nn, name)(4, 6)
    model = tl.nn.ModuleDict({"block": child})
    out = child(tl.randn(5, 3, 4) if name != "LSTMCell" else tl.randn(3, 4))
    loss = out[0].sum()
    source = tl.viz.draw_graph(loss, params=model, depth=1).source
    boxes = [line for line in source.splitlines() if "shape=box3d" in line and "legend" not in line]
    assert len(boxes) == 1 and f'"block: {name}' in source, source
