"""What the numbers of a seeded run depend on besides the seed, recorded in every run's metadata.

The same command with the same seed gives bit-identical results on the same machine with the
same numpy, the same BLAS library and the same number of BLAS threads. With another thread count
a BLAS may add a matrix product's partial sums in another order, which changes the last bits of a
float32 result, and training can amplify those differences over the epochs. With OpenBLAS
0.3.31 here, LeNet-5's products at batch 64 came out bit-identical with one and two threads,
but softmax regression's at batch 500 (500 x 784 by 784 x 10) did not. So ``--threads auto``,
which switches thread counts by measured speed, gives up bit-identical reruns and resumes; the
default keeps one fixed count.
"""

from __future__ import annotations

import os
import platform
from typing import Any

import numpy as np


def environment() -> dict[str, Any]:
    """numpy's version, the BLAS libraries numpy uses with their thread counts, and the CPU count."""
    from threadpoolctl import threadpool_info  # loaded on first use: importing the package stays light

    blas = [
        {key: info.get(key) for key in ("internal_api", "version", "num_threads", "architecture")}
        for info in threadpool_info()
        if info.get("user_api") == "blas"
    ]
    return {"numpy": np.__version__, "python": platform.python_version(), "cpus": os.cpu_count(), "blas": blas}
