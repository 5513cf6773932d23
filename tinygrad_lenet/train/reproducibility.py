"""What the numbers of a seeded run depend on besides the seed, recorded in every run's metadata.

The same command with the same seed gives bit-identical results on the same machine with the
same numpy, the same BLAS library and the same number of BLAS threads. With another thread count
a BLAS may add a matrix product's partial sums in another order, which changes the last bits of a
float32 result, and training can amplify those differences over the epochs. OpenBLAS splits a
product's output, not its sums, between threads: on this project's shapes one and two threads
gave bit-identical products (checked with numpy 2 and OpenBLAS 0.3.31), so ``--threads auto``,
which switches between them, does not change a run's numbers there.
"""

from __future__ import annotations

import os
import platform
from typing import Any

import numpy as np


def environment() -> dict[str, Any]:
    """numpy's version, the BLAS libraries numpy uses with their thread counts, and the CPU count."""
    from threadpoolctl import threadpool_info  # loaded on first use: importing the package stays light

    blas = [{key: info.get(key) for key in ("internal_api", "version", "num_threads", "architecture")}
            for info in threadpool_info() if info.get("user_api") == "blas"]
    return {"numpy": np.__version__, "python": platform.python_version(), "cpus": os.cpu_count(), "blas": blas}
