"""Keep numpy's large temporary arrays on the heap, which makes training about twice as fast.

A training step allocates and frees many arrays of a few megabytes (im2col columns, gradients).
glibc's malloc serves allocations above its mmap threshold (128 KiB at first) with fresh pages
from the kernel and returns them on free, so every such array costs page faults when it is
first written. Raising the threshold to 32 MiB (and trimming the heap only above 128 MiB) lets
those arrays reuse memory instead: LeNet-5 trains at ~9,500 instead of ~4,600 images/s on the
development machine (``python benchmarks/bench_lenet.py --allocator``). The price is that the
process may keep up to a few hundred MiB of freed memory for reuse.

It changes the whole process, so it is never a side effect of ``import tinygrad_lenet``: call
``tinygrad_lenet.tune_allocator()`` once, before training. The ``tinygrad-lenet`` command,
``train.fit`` and the benchmarks call it for you. It acts on Linux with glibc only; set the
environment variable ``TINYGRAD_LENET_MALLOC_TUNING=0`` to leave the allocator alone.
"""

from __future__ import annotations

import ctypes
import os
import platform
import sys

M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 32 * 1024 * 1024  # the largest value glibc accepts on 64-bit systems
TRIM_THRESHOLD = 128 * 1024 * 1024
ENV_VAR = "TINYGRAD_LENET_MALLOC_TUNING"


def tune_allocator() -> bool:
    """Raise glibc's mmap and trim thresholds for this process; True if applied, False if turned
    off by ``TINYGRAD_LENET_MALLOC_TUNING=0`` or not on glibc. Calling it again is harmless.

    >>> import tinygrad_lenet as tl
    >>> tuned = tl.tune_allocator()   # once, before your own training loop
    """
    if os.environ.get(ENV_VAR, "1") == "0" or sys.platform != "linux" or platform.libc_ver()[0] != "glibc":
        return False
    try:
        libc = ctypes.CDLL("libc.so.6")
        return bool(libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD) and libc.mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD))
    except (OSError, AttributeError):
        return False
