"""The bundled text, the character tokenizer, the split by position and the batches of contexts."""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad_lenet as tl
from tinygrad_lenet.data import TEXTS, CharTokenizer, get_batch, load_text, split_text


@pytest.fixture(scope="module")
def text() -> str:
    return load_text("pride_and_prejudice")


def test_the_bundled_text_is_the_whole_novel(text: str) -> None:
    assert TEXTS == ("pride_and_prejudice",)
    assert len(text) == 684_768 and text.startswith("PRIDE AND PREJUDICE")
    assert text.isascii() and len(set(text)) == 75  # data/text/README.md


def test_an_unknown_text_names_the_bundled_ones() -> None:
    with pytest.raises(ValueError, match="pride_and_prejudice"):
        load_text("hamlet")


def test_tokenizer_round_trips_and_numbers_characters_in_sorted_order(text: str) -> None:
    tokenizer = CharTokenizer(text)
    assert tokenizer.vocab_size == 75 and tokenizer.chars == sorted(tokenizer.chars)
    ids = tokenizer.encode(text[:1000])
    assert ids.dtype == np.int64 and ids.shape == (1000,)
    assert tokenizer.decode(ids) == tokenizer.decode(tl.tensor(ids)) == tokenizer.decode(ids.tolist()) == text[:1000]
    assert tokenizer.encode("\n").tolist() == [0] and repr(tokenizer) == "CharTokenizer(vocab_size=75)"


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda t: t.encode("caf\u00e9"), "outside the vocabulary"),
        (lambda t: t.decode([0, 3]), r"\[0, 3\)"),
        (lambda t: t.decode([-1]), "token ids"),
        (lambda t: CharTokenizer(""), "empty"),
    ],
)
def test_tokenizer_errors(call, message) -> None:
    with pytest.raises(ValueError, match=message):
        call(CharTokenizer("abc"))


def test_split_is_by_position() -> None:
    ids = np.arange(100)
    train, val = split_text(ids)
    assert train.tolist() == list(range(90)) and val.tolist() == list(range(90, 100))
    assert [len(part) for part in split_text(ids, 0.25)] == [75, 25]
    with pytest.raises(ValueError, match="val_fraction"):
        split_text(ids, 1.0)


def test_batches_are_contexts_and_next_tokens() -> None:
    ids = np.arange(50, dtype=np.int64)
    x, y = get_batch(ids, 8, 5, generator=tl.Generator().manual_seed(0))
    assert x.shape == y.shape == (8, 5) and x.dtype == y.dtype == tl.int64
    rows = x.numpy()
    assert (np.diff(rows, axis=1) == 1).all() and (y.numpy() == rows + 1).all()  # windows, shifted by one
    assert rows.min() >= 0 and y.numpy().max() <= 49


def test_batches_are_reproducible_from_a_seed() -> None:
    ids = np.arange(1000)
    first = [get_batch(ids, 4, 16, generator=g)[0].numpy() for g in [tl.Generator().manual_seed(3)] * 2]
    again = [get_batch(ids, 4, 16, generator=g)[0].numpy() for g in [tl.Generator().manual_seed(3)] * 2]
    assert np.array_equal(first[0], again[0]) and np.array_equal(first[1], again[1])
    assert not np.array_equal(first[0], first[1])  # the stream moves on
    tl.manual_seed(5)
    a = get_batch(ids, 4, 16)[0].numpy()
    tl.manual_seed(5)
    assert np.array_equal(a, get_batch(ids, 4, 16)[0].numpy())


def test_batch_errors() -> None:
    with pytest.raises(ValueError, match="too few"):
        get_batch(np.arange(8), 2, 8)
    with pytest.raises(ValueError, match=">= 1"):
        get_batch(np.arange(8), 0, 4)
