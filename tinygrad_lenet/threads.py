"""How many threads numpy's BLAS uses: ``tl.set_num_threads(n)`` / ``tl.get_num_threads()``, PyTorch's names.

Matrix products are the only multi-threaded part of a step here. Two threads are about 1.2x
faster than one on a quiet 2-core machine, but when another program keeps a core busy they
collapse (LeNet-5 training fell to 0.39x of its quiet speed here) while one thread keeps 0.94x
of its own (docs/performance.md). Set one thread when the machine is shared; the default is
numpy's (one per core). threadpoolctl does the work; it is imported on first use.
"""

from __future__ import annotations


def set_num_threads(n: int) -> None:
    """Use ``n`` threads in numpy's BLAS from now on, in this process (``torch.set_num_threads``)."""
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"set_num_threads expects an int >= 1, got {n!r}")
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=n, user_api="blas")


def get_num_threads() -> int:
    """The number of threads numpy's BLAS uses (the largest, if numpy loaded several BLAS libraries)."""
    from threadpoolctl import threadpool_info

    return max((info["num_threads"] for info in threadpool_info() if info.get("user_api") == "blas"), default=1)
