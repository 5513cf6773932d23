"""CharLSTM: the state carried between calls, generate() (shape, seeded draws, top_k, temperature), and its
training losses against the same model written in PyTorch, from the same weights on the same batches (float64)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

import tinygrad_lenet as tl
import tinygrad_lenet.nn.functional as F
from tinygrad_lenet.models import CharLSTM

VOCAB = 11


def tiny(dropout: float = 0.0) -> CharLSTM:
    tl.manual_seed(0)
    return CharLSTM(VOCAB, embedding_dim=5, hidden_size=7, num_layers=2, dropout=dropout).double()


def tokens(*shape: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, VOCAB, size=shape)


def test_forward_shapes_and_state_carried_across_calls() -> None:
    model, idx = tiny(), tl.tensor(tokens(3, 8))
    logits, (h, c) = model(idx)
    assert logits.shape == (3, 8, VOCAB) and h.shape == c.shape == (2, 3, 7)
    first, state = model(idx[:, :5])
    rest, (h2, c2) = model(idx[:, 5:], state)
    np.testing.assert_allclose(tl.cat([first, rest], dim=1).numpy(), logits.numpy(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(h2.numpy(), h.numpy(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(c2.numpy(), c.numpy(), rtol=1e-12, atol=1e-12)


def test_forward_refuses_a_batch_without_time() -> None:
    with pytest.raises(tl.ShapeError, match=r"\(B, T\)"):
        tiny()(tl.tensor(tokens(4)))


def test_generate_is_reproducible_with_a_seed_and_keeps_the_mode() -> None:
    model, prompt = tiny(dropout=0.5), tl.tensor(tokens(2, 3))
    first = model.generate(prompt, 10, generator=tl.Generator().manual_seed(3))
    again = model.generate(prompt, 10, generator=tl.Generator().manual_seed(3))
    assert first.shape == (2, 13) and first.dtype == tl.int64 and model.training
    np.testing.assert_array_equal(first.numpy(), again.numpy())
    np.testing.assert_array_equal(first[:, :3].numpy(), prompt.numpy())
    tl.manual_seed(5)
    seeded = model.generate(prompt, 10).numpy()
    tl.manual_seed(5)
    np.testing.assert_array_equal(model.generate(prompt, 10).numpy(), seeded)


def test_generate_top_1_is_greedy_decoding_carrying_the_state() -> None:
    model, prompt = tiny(), tl.tensor(tokens(2, 4))
    out = model.generate(prompt, 6, temperature=0.7, top_k=1)
    logits, _ = model(prompt)
    idx = prompt
    for _ in range(6):  # greedy by re-reading the whole text each time: the state carried must give the same
        idx = tl.cat([idx, logits[:, -1].argmax(dim=-1, keepdim=True)], dim=1)
        logits, _ = model(idx)
    np.testing.assert_array_equal(out.numpy(), idx.numpy())


def test_generate_top_k_draws_only_the_k_most_likely() -> None:
    model, prompt = tiny(), tl.tensor(tokens(1, 4))
    logits, _ = model(prompt)
    allowed = set(logits[0, -1].topk(3).indices.tolist())
    draws = [
        model.generate(prompt, 1, top_k=3, temperature=5.0, generator=tl.Generator().manual_seed(s)) for s in range(40)
    ]
    assert {int(d[0, -1].item()) for d in draws} <= allowed


def test_generate_refuses_a_bad_temperature_or_top_k() -> None:
    with pytest.raises(ValueError, match="temperature"):
        tiny().generate(tl.tensor(tokens(1, 2)), 1, temperature=0.0)
    with pytest.raises(ValueError, match="top_k"):
        tiny().generate(tl.tensor(tokens(1, 2)), 1, top_k=0)


@pytest.fixture
def torch() -> Iterator[Any]:
    torch = pytest.importorskip("torch", reason="PyTorch is not installed (make parity installs torch==2.13.0)")
    before = torch.get_num_threads()
    torch.set_num_threads(1)  # small ops: OpenMP threads only cost here
    yield torch
    torch.set_num_threads(before)


def test_training_losses_match_pytorch_from_the_same_weights(torch: Any) -> None:
    class TorchCharLSTM(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.embedding = torch.nn.Embedding(VOCAB, 5)
            self.lstm = torch.nn.LSTM(5, 7, num_layers=2, batch_first=True)
            self.head = torch.nn.Linear(7, VOCAB)

        def forward(self, x: Any) -> Any:
            return self.head(self.lstm(self.embedding(x))[0])

    ours = tiny()
    theirs = TorchCharLSTM().double()
    theirs.load_state_dict({k: torch.from_numpy(v.numpy().copy()) for k, v in ours.state_dict().items()})
    our_opt, their_opt = tl.optim.Adam(ours.parameters(), lr=1e-2), torch.optim.Adam(theirs.parameters(), lr=1e-2)
    our_losses, their_losses = [], []
    for step in range(6):
        x, y = tokens(4, 9, seed=step + 1), tokens(4, 9, seed=step + 100)
        loss = F.cross_entropy(ours(tl.tensor(x))[0].reshape(-1, VOCAB), tl.tensor(y).reshape(-1))
        our_opt.zero_grad()
        loss.backward()
        our_opt.step()
        our_losses.append(loss.item())
        loss = torch.nn.functional.cross_entropy(
            theirs(torch.from_numpy(x)).reshape(-1, VOCAB), torch.from_numpy(y).reshape(-1)
        )
        their_opt.zero_grad()
        loss.backward()
        their_opt.step()
        their_losses.append(loss.item())
    assert our_losses[-1] < our_losses[0]
    np.testing.assert_allclose(our_losses, their_losses, rtol=1e-6)
    for name, p in theirs.state_dict().items():
        np.testing.assert_allclose(ours.state_dict()[name].numpy(), p.numpy(), rtol=1e-6, atol=1e-9, err_msg=name)
