"""PyTorch's operator database as the parity suite: each in-scope OpInfo passes, or is listed with its reason.

One test per OpInfo (``tests/opinfo.py`` runs its samples under both frameworks). An entry listed in
``opinfo_differences.py`` must still differ (so the list never hides an op that now works); any other must pass
every sample. Skips without PyTorch; CI installs it.
"""

from __future__ import annotations

import pytest

pytest.importorskip("torch", reason="PyTorch is not installed (make parity installs torch==2.13.0)")
pytest.importorskip("expecttest", reason="PyTorch's test database needs expecttest (make parity installs it)")

import opinfo  # after the importorskip above
from opinfo_differences import DIFFERENCES  # after the importorskip above

OPINFOS = {opinfo.key(o): o for o in opinfo.in_scope_opinfos()}


def test_the_differences_list_names_only_in_scope_opinfos() -> None:
    assert sorted(set(DIFFERENCES) - set(OPINFOS)) == []


@pytest.mark.parametrize("name", sorted(OPINFOS))
def test_opinfo(name: str) -> None:
    outcome = opinfo.run(OPINFOS[name])
    if name in DIFFERENCES:
        assert outcome.status != "pass", f"{name} now passes: remove it from tests/opinfo_differences.py"
    else:
        assert outcome.status == "pass", f"{name}: {outcome.status}: {outcome.detail}"
