"""Shared test settings: hypothesis runs derandomized (same examples every run) and unhurried; the
slow end-to-end tests run first; TINYGRAD_LENET_REQUIRE_TORCH=1 (set by .ci/run) makes a missing
PyTorch an error instead of skipping the tests that compare with it."""

from __future__ import annotations

import importlib.util
import os

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "default",
    max_examples=int(os.environ.get("HYPOTHESIS_MAX_EXAMPLES", "100")),
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile("default")


def pytest_configure(config: pytest.Config) -> None:
    if os.environ.get("TINYGRAD_LENET_REQUIRE_TORCH") == "1" and importlib.util.find_spec("torch") is None:
        raise pytest.UsageError(
            "TINYGRAD_LENET_REQUIRE_TORCH=1 but PyTorch is not installed (make parity installs torch==2.13.0)"
        )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The tests marked slow first, in their order, then the others: with pytest-xdist the long
    ones are shared out among the workers at the start instead of ending up last on one of them."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)
