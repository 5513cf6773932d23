"""PyTorch's optimizer database as the parity suite: every optimizer here follows PyTorch's on each OptimizerInfo input.

One test per OptimizerInfo (``tests/optiminfo.py``): an optimizer tinygrad_lenet has must match PyTorch's
parameters after five steps for every hyperparameter set PyTorch tests; one it does not have is listed in
``NOT_HERE`` with its reason (and must still be missing, so the list stays true). Skips without PyTorch.
"""

from __future__ import annotations

import pytest

pytest.importorskip("torch", reason="PyTorch is not installed (make parity installs torch==2.13.0)")
pytest.importorskip("expecttest", reason="PyTorch's test database needs expecttest (make parity installs it)")

import optiminfo  # after the importorskip above

NOT_HERE = {
    "SparseAdam": "deliberate: sparse gradients do not exist here (tensors are dense numpy arrays)",
}
INFOS = {info.optim_cls.__name__: info for info in optiminfo.optimizer_infos()}


@pytest.mark.parametrize("name", sorted(INFOS))
def test_optimizer_info(name: str) -> None:
    outcome = optiminfo.run(INFOS[name])
    if name in NOT_HERE:
        assert outcome.status == "missing", f"{name} exists now: remove it from NOT_HERE"
    else:
        assert outcome.status == "pass", f"{name}: {outcome.status}: {outcome.detail}"
