"""``tinygrad-lenet bench``: our speed beside PyTorch's, quiet and under load, with the BLAS in use."""

from .runner import run, to_json
from .workloads import WORKLOADS, Workload

__all__ = ["WORKLOADS", "Workload", "run", "to_json"]
