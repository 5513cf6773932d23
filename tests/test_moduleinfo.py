"""PyTorch's module database as the parity suite: each module class passes, or is listed with its reason.

One test per ModuleInfo (``tests/moduleinfo.py``): a class must pass every sample (at most ``MAX_SAMPLES``
of them, evenly spread), unless it is listed in ``NOT_HERE`` (and is still missing) or in ``DIFFERENCES``
(and still differs), so the count in docs/parity.md stays true. Skips without PyTorch.
"""

from __future__ import annotations

import pytest

pytest.importorskip("torch", reason="PyTorch is not installed (make parity installs torch==2.13.0)")
pytest.importorskip("expecttest", reason="PyTorch's test database needs expecttest (make parity installs it)")

import moduleinfo  # after the importorskip above

NOT_HERE: dict[str, str] = {}
"""Classes of module_db that tinygrad_lenet does not have, with the reason."""
DIFFERENCES: dict[str, str] = {}
"""Classes that exist but differ from PyTorch on some sample, with the reason."""
MAX_SAMPLES = 100
INFOS = {info.module_cls.__name__: info for info in moduleinfo.module_infos()}


@pytest.mark.parametrize("name", sorted(INFOS))
def test_module_info(name: str) -> None:
    outcome = moduleinfo.run(INFOS[name], MAX_SAMPLES)
    if name in NOT_HERE:
        assert outcome.status == "missing", f"{name} exists now: remove it from NOT_HERE"
    elif name in DIFFERENCES:
        assert outcome.status not in ("pass", "missing"), f"{name} is now {outcome.status}: update DIFFERENCES"
    else:
        assert outcome.status == "pass", f"{name}: {outcome.status}: {outcome.detail}"
