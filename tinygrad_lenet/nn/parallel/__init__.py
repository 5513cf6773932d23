"""``torch.nn.parallel``'s place, so that ``import tinygrad_lenet.nn.parallel`` works: its wrappers
(``DataParallel``, ``DistributedDataParallel``) come with a distributed backend; see
:func:`tinygrad_lenet.distributed.is_available` (False for now)."""

from __future__ import annotations

__all__: list[str] = []
