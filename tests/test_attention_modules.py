"""Attention and transformer modules against PyTorch: state_dicts load both ways, outputs and gradients
agree with masks (bool and float), causal masks and padding, a causal self-attention block sees no
future, scaled_dot_product_attention matches, and each module draws as one box at module depth."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="PyTorch is not installed (make parity installs torch==2.13.0)")

import tinygrad_lenet as tl  # noqa: E402  # after the importorskip above
from tinygrad_lenet import nn, viz  # noqa: E402

F = nn.functional
pytestmark = pytest.mark.filterwarnings("ignore:.*(nested|mismatched).*:UserWarning")  # PyTorch's own notes
RNG = np.random.default_rng(0)


def _twins(theirs: Any, ours: nn.Module) -> tuple[Any, nn.Module]:
    """PyTorch's module in float64 and ours with its state_dict loaded (which checks names and shapes)."""
    theirs = theirs.double()
    ours.double().load_state_dict({k: v.detach().numpy().copy() for k, v in theirs.state_dict().items()})
    return theirs, ours


def _inputs(*shapes: tuple[int, ...]) -> list[tuple[Any, tl.Tensor]]:
    arrays = [RNG.standard_normal(s) for s in shapes]
    return [(torch.tensor(a, requires_grad=True), tl.tensor(a, requires_grad=True)) for a in arrays]


def _mask(array: np.ndarray | None) -> tuple[Any, Any]:
    return (None, None) if array is None else (torch.tensor(array), tl.tensor(array))


def _same(theirs: Any, ours: Any, what: str) -> None:
    np.testing.assert_allclose(ours.numpy(), theirs.detach().numpy(), rtol=1e-9, atol=1e-10, err_msg=what)


def _outputs_and_gradients_agree(
    theirs: Any, ours: nn.Module, pairs: list[tuple[Any, tl.Tensor]], **masks: Any
) -> None:
    """Same output and the same gradients of sum(out * w) for every input and parameter."""
    t_out = theirs(*[t for t, _ in pairs], **{k: m[0] for k, m in masks.items()})
    o_out = ours(*[o for _, o in pairs], **{k: m[1] for k, m in masks.items()})
    t_out, o_out = (t_out[0], o_out[0]) if isinstance(t_out, tuple) else (t_out, o_out)
    _same(t_out, o_out, "output")
    w = RNG.standard_normal(tuple(t_out.shape))
    (t_out * torch.tensor(w)).sum().backward()
    (o_out * tl.tensor(w)).sum().backward()
    for i, (t, o) in enumerate(pairs):
        _same(t.grad, o.grad, f"gradient of input {i}")
    mine = dict(ours.named_parameters())
    for name, p in theirs.named_parameters():
        _same(p.grad, mine[name].grad, f"gradient of {name}")


def test_multihead_attention_state_dict_moves_both_ways() -> None:
    for kwargs in ({}, {"kdim": 3, "vdim": 5, "add_bias_kv": True}, {"bias": False, "add_zero_attn": True}):
        theirs, ours = _twins(torch.nn.MultiheadAttention(4, 2, **kwargs), nn.MultiheadAttention(4, 2, **kwargs))
        assert list(ours.state_dict()) == list(theirs.state_dict())
        back = torch.nn.MultiheadAttention(4, 2, **kwargs).double()
        back.load_state_dict({k: torch.tensor(v.numpy()) for k, v in ours.state_dict().items()})


@pytest.mark.parametrize("need_weights", [True, False])
@pytest.mark.parametrize(
    "case", ["plain", "bool masks", "float masks", "3-d mask", "causal", "kdim", "batch_first", "unbatched"]
)
def test_multihead_attention_matches_pytorch(case: str, need_weights: bool) -> None:
    kwargs: dict[str, Any] = {"kdim": 3, "vdim": 5} if case == "kdim" else {}
    kwargs["batch_first"] = case == "batch_first"
    theirs, ours = _twins(torch.nn.MultiheadAttention(4, 2, **kwargs), nn.MultiheadAttention(4, 2, **kwargs))
    length, source, batch = 3, 5, 2
    shapes = [(batch, length, 4), (batch, source, 4), (batch, source, 4)] if kwargs["batch_first"] else None
    shapes = shapes or [
        (length, batch, 4),
        (source, batch, kwargs.get("kdim", 4)),
        (source, batch, kwargs.get("vdim", 4)),
    ]
    if case == "unbatched":
        shapes = [(length, 4), (source, 4), (source, 4)]
    pairs = _inputs(*shapes)
    padding = np.zeros((batch, source), dtype=bool)
    padding[0, -2:] = True
    attn = RNG.random((length, source)) > 0.7
    attn[:, 0] = False  # every query may attend somewhere
    masks: dict[str, Any] = {"need_weights": (need_weights, need_weights)}
    if case == "bool masks":
        masks |= {"key_padding_mask": _mask(padding), "attn_mask": _mask(attn)}
    elif case == "float masks":
        masks |= {
            "key_padding_mask": _mask(np.where(padding, -np.inf, 0.0)),
            "attn_mask": _mask(RNG.random(attn.shape)),
        }
    elif case == "3-d mask":
        masks |= {
            "attn_mask": _mask(RNG.random((batch * 2, length, source)) > 0.8),
            "average_attn_weights": (False,) * 2,
        }
    elif case == "causal":
        pairs = _inputs((length, batch, 4))
        pairs = [pairs[0]] * 3  # self-attention
        causal = np.triu(np.full((length, length), -np.inf), 1)
        masks |= {"attn_mask": _mask(causal), "is_causal": (True, True)}
    _outputs_and_gradients_agree(theirs, ours, pairs, **masks)
    if need_weights:
        t_w = theirs(*[t for t, _ in pairs], **{k: m[0] for k, m in masks.items()})[1]
        o_w = ours(*[o for _, o in pairs], **{k: m[1] for k, m in masks.items()})[1]
        _same(t_w, o_w, "attention weights")


def test_query_that_may_attend_nowhere() -> None:
    """NaN weights with need_weights (PyTorch's softmax), zeros without (its scaled_dot_product_attention)."""
    theirs, ours = _twins(torch.nn.MultiheadAttention(4, 2), nn.MultiheadAttention(4, 2))
    pairs = _inputs((3, 1, 4))
    mask = np.zeros((3, 3), dtype=bool)
    mask[1] = True
    for need in (True, False):
        t = theirs(*[pairs[0][0]] * 3, attn_mask=torch.tensor(mask), need_weights=need)[0]
        o = ours(*[pairs[0][1]] * 3, attn_mask=tl.tensor(mask), need_weights=need)[0]
        assert np.isnan(o.numpy()[1]).all() == need
        _same(t, o, f"need_weights={need}")


def test_multihead_attention_dropout_keeps_shapes_and_scale() -> None:
    tl.manual_seed(0)
    mha = nn.MultiheadAttention(8, 2, dropout=0.5).double()
    x = tl.randn(16, 4, 8, dtype=tl.float64)
    out, weights = mha(x, x, x, average_attn_weights=False)
    assert out.shape == (16, 4, 8) and weights is not None and weights.shape == (4, 2, 16, 16)
    w = weights.numpy()
    assert 0.4 < (w == 0).mean() < 0.6 and abs(w.sum(-1).mean() - 1.0) < 0.1  # 1/(1-p) keeps the mean row sum
    mha.eval()
    _, kept = mha(x, x, x)
    assert kept is not None and np.allclose(kept.numpy().sum(-1), 1.0)


def _encoder_pair(norm_first: bool, activation: str = "relu") -> tuple[Any, nn.Module]:
    args = (8, 2, 16, 0.0, activation, 1e-5, True, norm_first)
    theirs = torch.nn.TransformerEncoder(
        torch.nn.TransformerEncoderLayer(*args), 2, torch.nn.LayerNorm(8), enable_nested_tensor=False
    )
    return _twins(theirs, nn.TransformerEncoder(nn.TransformerEncoderLayer(*args), 2, nn.LayerNorm(8)))


@pytest.mark.parametrize("norm_first", [False, True])
def test_encoder_with_causal_and_padding_masks(norm_first: bool) -> None:
    theirs, ours = _encoder_pair(norm_first, "gelu")
    padding = np.zeros((3, 6), dtype=bool)
    padding[1, 4:] = True
    causal = nn.Transformer.generate_square_subsequent_mask(6, dtype=tl.float64).numpy()
    masks = {"mask": _mask(causal), "src_key_padding_mask": _mask(padding)}
    _outputs_and_gradients_agree(theirs, ours, _inputs((3, 6, 8)), **masks)


def test_transformer_eval_matches_pytorch_with_all_masks() -> None:
    kwargs = {"d_model": 8, "nhead": 2, "num_encoder_layers": 2, "num_decoder_layers": 2, "dim_feedforward": 16}
    theirs, ours = _twins(torch.nn.Transformer(**kwargs), nn.Transformer(**kwargs))
    assert list(ours.state_dict()) == list(theirs.state_dict())
    theirs.eval(), ours.eval()
    (src_t, src_o), (tgt_t, tgt_o) = _inputs((5, 2, 8), (4, 2, 8))
    tgt_mask = nn.Transformer.generate_square_subsequent_mask(4)
    assert tgt_mask.dtype == tl.float32 and tgt_mask.numpy()[0, 1] == -np.inf and tgt_mask.numpy()[1, 0] == 0
    padding = np.zeros((2, 5), dtype=bool)
    padding[0, 3:] = True
    with torch.no_grad():  # PyTorch's fast path
        t = theirs(
            src_t, tgt_t, tgt_mask=torch.tensor(tgt_mask.numpy()).double(), src_key_padding_mask=torch.tensor(padding)
        )
    o = ours(src_o, tgt_o, tgt_mask=tgt_mask.double(), src_key_padding_mask=tl.tensor(padding))
    _same(t, o, "Transformer in eval")


def test_encoder_eval_matches_pytorchs_fast_path_where_not_padded() -> None:
    """PyTorch's eval fast path packs a padded batch into a nested tensor and gives 0 at the padded
    positions (before the final norm); the unpadded positions are the same math."""
    args = (8, 2, 16, 0.0, "relu", 1e-5, True, False)
    theirs = torch.nn.TransformerEncoder(torch.nn.TransformerEncoderLayer(*args), 2, torch.nn.LayerNorm(8))
    theirs, ours = _twins(theirs, nn.TransformerEncoder(nn.TransformerEncoderLayer(*args), 2, nn.LayerNorm(8)))
    theirs.eval(), ours.eval()
    ((x_t, x_o),) = _inputs((3, 6, 8))
    padding = np.zeros((3, 6), dtype=bool)
    padding[1, 4:] = True
    with torch.no_grad():
        t = theirs(x_t, src_key_padding_mask=torch.tensor(padding))
    o = ours(x_o, src_key_padding_mask=tl.tensor(padding))
    _same(t[~torch.tensor(padding)], tl.tensor(o.numpy()[~padding]), "unpadded positions")
    np.testing.assert_array_equal(t[1, 4:].numpy(), 0.0)


def test_decoder_layer_trains_like_pytorch() -> None:
    args = (8, 2, 16, 0.0, "relu", 1e-5, False, False, False)
    theirs, ours = _twins(torch.nn.TransformerDecoderLayer(*args), nn.TransformerDecoderLayer(*args))
    causal = np.triu(np.ones((4, 4), dtype=bool), 1)
    memory_padding = np.zeros((2, 5), dtype=bool)
    memory_padding[1, -1] = True
    masks = {"tgt_mask": _mask(causal), "memory_key_padding_mask": _mask(memory_padding)}
    _outputs_and_gradients_agree(theirs, ours, _inputs((4, 2, 8), (5, 2, 8)), **masks)


class CausalBlock(nn.Module):
    """A decoder-only (GPT-style) block: pre-norm causal self-attention and an MLP, each residual."""

    def __init__(self, d: int, heads: int) -> None:
        super().__init__()
        self.ln1, self.ln2 = nn.LayerNorm(d), nn.LayerNorm(d)
        self.attn = nn.MultiheadAttention(d, heads, batch_first=True)
        self.mlp = nn.Sequential(nn.Linear(d, 4 * d), nn.GELU(), nn.Linear(4 * d, d))

    def forward(self, x: tl.Tensor) -> tl.Tensor:
        causal = nn.Transformer.generate_square_subsequent_mask(x.shape[1], dtype=x.dtype)
        h = self.ln1(x)
        x = x + self.attn(h, h, h, attn_mask=causal, need_weights=False, is_causal=True)[0]
        return x + self.mlp(self.ln2(x))


def test_causal_block_sees_no_future_and_matches_sdpa() -> None:
    block = CausalBlock(8, 2).double()
    x = tl.randn(2, 5, 8, dtype=tl.float64, requires_grad=True)
    block(x)[:, 2].sum().backward()
    assert x.grad is not None
    g = np.abs(x.grad.numpy()).sum((0, 2))
    assert (g[:3] > 0).all() and (g[3:] == 0).all()  # position 2 depends on positions 0..2 only
    h = block.ln1(x)
    q, k, v = F.linear(h, block.attn.in_proj_weight, block.attn.in_proj_bias).chunk(3, -1)
    heads = [t.reshape(2, 5, 2, 4).transpose(1, 2) for t in (q, k, v)]
    attended = F.scaled_dot_product_attention(*heads, is_causal=True).transpose(1, 2).reshape(2, 5, 8)
    expected = F.linear(attended, block.attn.out_proj.weight, block.attn.out_proj.bias)
    _same(
        torch.tensor(expected.numpy()),
        block.attn(h, h, h, attn_mask=tl.tensor(np.triu(np.ones((5, 5), bool), 1)))[0],
        "causal",
    )


@pytest.mark.parametrize("case", ["bool mask", "float mask", "causal", "scale", "gqa", "row masked out", "3-d"])
def test_scaled_dot_product_attention_matches_pytorch(case: str) -> None:
    q_shape, kv_shape = ((2, 4, 3, 6), (2, 2 if case == "gqa" else 4, 5, 6))
    if case == "3-d":
        q_shape, kv_shape = (4, 3, 6), (4, 5, 6)
    pairs = _inputs(q_shape, kv_shape, kv_shape)
    mask = RNG.random((3, 5)) > 0.4
    mask[:, 0] = True
    kwargs: dict[str, Any] = {
        "bool mask": {"attn_mask": _mask(mask)},
        "float mask": {"attn_mask": _mask(RNG.standard_normal((2, 1, 3, 5)))},
        "causal": {"is_causal": (True, True)},
        "scale": {"scale": (0.3, 0.3)},
        "gqa": {"enable_gqa": (True, True)},
        "row masked out": {"attn_mask": _mask(np.where(np.arange(3)[:, None] == 1, False, mask))},
        "3-d": {"attn_mask": _mask(mask)},
    }[case]
    t = torch.nn.functional.scaled_dot_product_attention(*[t for t, _ in pairs], **{k: v[0] for k, v in kwargs.items()})
    o = F.scaled_dot_product_attention(*[o for _, o in pairs], **{k: v[1] for k, v in kwargs.items()})
    _same(t, o, case)
    w = RNG.standard_normal(tuple(t.shape))
    (t * torch.tensor(w)).sum().backward()
    (o * tl.tensor(w)).sum().backward()
    for i, (a, b) in enumerate(pairs):
        _same(a.grad, b.grad, f"{case}: gradient of input {i}")


def test_scaled_dot_product_attention_dropout_and_errors() -> None:
    tl.manual_seed(0)
    q = tl.ones(1, 200, 4, dtype=tl.float64)
    out = F.scaled_dot_product_attention(q, q, tl.ones(1, 200, 4, dtype=tl.float64), dropout_p=0.25)
    assert out.shape == (1, 200, 4) and abs(out.numpy().mean() - 1.0) < 0.05  # kept weights scaled by 1/(1-p)
    with pytest.raises(tl.DTypeError, match="attn_mask must be bool or floating"):
        F.scaled_dot_product_attention(q, q, q, attn_mask=tl.ones(200, 200, dtype=tl.int64))
    with pytest.raises(tl.ShapeError, match=r"must broadcast to the scores \(\.\.\., 200, 200\)"):
        F.scaled_dot_product_attention(q, q, q, attn_mask=tl.ones(3, 200, dtype=tl.bool))


@pytest.mark.parametrize(
    "name",
    ["LayerNorm", "RMSNorm", "MultiheadAttention", "TransformerEncoder", "TransformerDecoderLayer", "Transformer"],
)
def test_each_module_draws_as_one_box(name: str) -> None:
    d = 8
    x = tl.randn(3, 2, d)
    child = {
        "LayerNorm": lambda: nn.LayerNorm(d),
        "RMSNorm": lambda: nn.RMSNorm(d),
        "MultiheadAttention": lambda: nn.MultiheadAttention(d, 2),
        "TransformerEncoder": lambda: nn.TransformerEncoder(nn.TransformerEncoderLayer(d, 2, 16), 2),
        "TransformerDecoderLayer": lambda: nn.TransformerDecoderLayer(d, 2, 16),
        "Transformer": lambda: nn.Transformer(d, 2, 1, 1, 16),
    }[name]()
    model = nn.ModuleDict({"block": child})
    args = (
        (x, x)
        if name in ("TransformerDecoderLayer", "Transformer")
        else (x, x, x)
        if name == "MultiheadAttention"
        else (x,)
    )
    out = child(*args)
    loss = (out[0] if isinstance(out, tuple) else out).sum()
    source = viz.draw_graph(loss, params=model, depth=1).source
    boxes = [line for line in source.splitlines() if "shape=box3d" in line and "legend" not in line]
    assert len(boxes) == 1 and f'"block: {name}' in source, source
