"""PyTorch's module database as the parity suite: each module class here passes, or is listed with its reason.

One test per ModuleInfo (``tests/moduleinfo.py``). Module classes missing here are the sequence-models issue's
work (LayerNorm, RNN/LSTM/GRU, MultiheadAttention, Transformer, ...): the test checks they are still
missing, so the count in docs/parity.md stays true. Skips without PyTorch.
"""

from __future__ import annotations

import pytest

pytest.importorskip("torch", reason="PyTorch is not installed (make parity installs torch==2.13.0)")
pytest.importorskip("expecttest", reason="PyTorch's test database needs expecttest (make parity installs it)")

import moduleinfo  # after the importorskip above

DIFFERENCES = {}
INFOS = {info.module_cls.__name__: info for info in moduleinfo.module_infos()}


@pytest.mark.parametrize("name", sorted(INFOS))
def test_module_info(name: str) -> None:
    outcome = moduleinfo.run(INFOS[name])
    if name in DIFFERENCES:
        assert outcome.status not in ("pass", "missing"), f"{name} is now {outcome.status}: update DIFFERENCES"
    elif outcome.status != "missing":
        assert outcome.status == "pass", f"{name}: {outcome.status}: {outcome.detail}"
