"""``tl.compile``: record a model's or function's call once, replay it as planned numpy kernels.

``capture.py`` records the primitive ops of one eager call; ``program.py`` lowers them to kernels
(``kernels.py``, and the pool-blocked convolution of ``conv_pool.py``) and runs them forward and
backward; ``compiled.py`` is the public ``compile`` with its signature cache and eager fallback.
docs/performance.md explains the design with its measurements.
"""

from __future__ import annotations

from .compiled import CompiledModule, CompileError, CompileWarning, compile

__all__ = ["CompileError", "CompileWarning", "CompiledModule", "compile"]
