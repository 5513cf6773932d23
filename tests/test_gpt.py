"""models/gpt.py: shapes, the tied weight, generate(), and training step by step equal to nanoGPT's
model in PyTorch from the same weights (examples/gpt_torch.py; skipped without torch)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import tinygrad_lenet as tl
from tinygrad_lenet.models import GPT, GPTConfig

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
TINY = GPTConfig(vocab_size=11, block_size=8, n_layer=2, n_head=2, n_embd=16)


def tiny(**changes: object) -> GPT:
    tl.manual_seed(0)
    return GPT(GPTConfig(**{**TINY.__dict__, **changes}))


def test_logits_and_loss_shapes() -> None:
    model = tiny()
    idx = tl.randint(0, 11, (3, 8))
    logits, loss = model(idx)
    assert logits.shape == (3, 8, 11) and loss is None
    logits, loss = model(idx, tl.randint(0, 11, (3, 8)))
    assert loss.shape == () and abs(loss.item() - np.log(11)) < 0.2  # near-uniform at initialisation
    loss.backward()
    assert all(p.grad is not None for p in model.parameters())


def test_the_token_embedding_and_the_head_share_one_parameter() -> None:
    model = tiny()
    assert model.lm_head.weight is model.transformer.wte.weight
    assert sum(p is model.lm_head.weight for p in model.parameters()) == 1
    assert {"lm_head.weight", "transformer.wte.weight"} <= set(model.state_dict())
    # 176 + 128 (embeddings) + 2 x 3,280 (blocks) + 32 (ln_f); the head adds none
    assert sum(p.numel() for p in model.parameters()) == 6_896


def test_residual_projections_start_smaller() -> None:
    model = GPT(GPTConfig(vocab_size=50, block_size=16, n_layer=8, n_head=4, n_embd=128))
    std = {name: p.numpy().std() for name, p in model.named_parameters()}
    assert abs(std["transformer.h.0.attn.c_attn.weight"] - 0.02) < 0.002
    assert abs(std["transformer.h.0.mlp.c_proj.weight"] - 0.02 / 4) < 0.0005  # 0.02 / sqrt(2 * 8)
    assert not model.transformer.h[0].attn.c_attn.bias.numpy().any()


@pytest.mark.parametrize(
    "changes, message",
    [({"n_embd": 15}, "multiple of n_head"), ({"dropout": 1.0}, "dropout")],
)
def test_config_errors(changes: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        tiny(**changes)


def test_a_context_longer_than_block_size_is_refused() -> None:
    with pytest.raises(tl.ShapeError, match="block_size 8"):
        tiny()(tl.zeros(1, 9, dtype=tl.int64))


def test_generate_extends_past_block_size_reproducibly() -> None:
    model = tiny().eval()
    prompt = tl.tensor([[1, 2, 3], [4, 5, 6]])
    first = model.generate(prompt, 12, generator=tl.Generator().manual_seed(7))
    again = model.generate(prompt, 12, generator=tl.Generator().manual_seed(7))
    assert first.shape == (2, 15) and first.dtype == tl.int64 and tl.equal(first, again)
    assert tl.equal(first[:, :3], prompt) and first.min().item() >= 0 and first.max().item() < 11
    assert first.grad_fn is None


def test_top_k_1_is_greedy_and_top_k_limits_the_choices() -> None:
    model = tiny().eval()
    prompt = tl.tensor([[1, 2, 3]])
    greedy = model.generate(prompt, 1, top_k=1, temperature=0.5)
    assert greedy[0, -1].item() == model(prompt)[0][0, -1].argmax().item()
    allowed = set(tl.topk(model(prompt)[0][0, -1], 3).indices.tolist())
    drawn = {
        model.generate(prompt, 1, top_k=3, generator=tl.Generator().manual_seed(s))[0, -1].item() for s in range(40)
    }
    assert drawn <= allowed and len(drawn) > 1
    with pytest.raises(ValueError, match="temperature"):
        model.generate(prompt, 1, temperature=0.0)
    with pytest.raises(ValueError, match="top_k"):
        model.generate(prompt, 1, top_k=0)


def test_training_matches_pytorch_step_by_step() -> None:
    """Same weights, batches and AdamW (nanoGPT's groups, clipping) in float64: equal losses."""
    torch = pytest.importorskip("torch", reason="PyTorch is not installed (make parity installs torch==2.13.0)")
    sys.path.insert(0, str(EXAMPLES))
    from gpt_torch import torch_copy
    from train_gpt import draw_batches, evaluate, make_optimizer, train_step

    ours = tiny().double()
    theirs = torch_copy(ours, TINY)
    assert list(theirs.state_dict()) == list(ours.state_dict())
    batches = draw_batches(np.arange(200) % 11, 6, seed=0, batch_size=4, block_size=8)
    optimizers = make_optimizer(tl, ours, 1e-2), make_optimizer(torch, theirs, 1e-2)
    for batch in batches[:5]:
        losses = [train_step(T, m, o, batch) for T, m, o in zip((tl, torch), (ours, theirs), optimizers)]
        assert losses[0] == pytest.approx(losses[1], rel=1e-9)
    assert evaluate(tl, ours, batches[5:]) == pytest.approx(evaluate(torch, theirs, batches[5:]), rel=1e-9)
    for name, tensor in theirs.state_dict().items():
        np.testing.assert_allclose(ours.state_dict()[name].numpy(), tensor.numpy(), rtol=1e-7, atol=1e-9)


@pytest.mark.slow
def test_the_example_trains_and_samples() -> None:
    path = os.pathsep.join(p for p in (str(EXAMPLES.parent), os.environ.get("PYTHONPATH")) if p)
    result = subprocess.run(
        [sys.executable, str(EXAMPLES / "train_gpt.py"), "--steps", "4", "--eval-every", "2"],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONPATH": path, "TQDM_DISABLE": "1"},
    )
    assert result.returncode == 0, result.stderr
    losses = [float(v) for v in re.findall(r"val loss (\d+\.\d+)", result.stdout)]
    assert len(losses) == 2 and losses[1] < losses[0] < 4.4 and "sample:" in result.stdout
