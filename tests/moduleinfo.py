"""PyTorch's module database (ModuleInfo ``module_db``) run through PyTorch and through tinygrad_lenet.

For each module class both frameworks have, each of its ``module_inputs`` builds the module with PyTorch's
constructor arguments in both, copies PyTorch's parameters and buffers into ours (``load_state_dict``),
runs the forward sample (float64, training mode) and compares outputs and the gradients of sum(out * w)
with respect to the inputs and every parameter, as ``tests/opinfo.py`` does for ops.
"""

from __future__ import annotations

import contextlib
import functools
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import opinfo
import torch
from torch.testing._internal.common_modules import module_db

import tinygrad_lenet as tl

RANDOM = {"Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout", "FeatureAlphaDropout", "RReLU"}


@dataclass
class Outcome:
    """How one module class fared: pass, missing, raises or wrong; ``samples`` is how many ran."""

    name: str
    status: str
    samples: int
    detail: str = ""


def module_infos() -> list[Any]:
    return list(module_db)


def key(info: Any) -> str:
    return f"nn.{info.module_cls.__name__}"


def _remembering(init: Callable[..., None]) -> Callable[..., None]:
    @functools.wraps(init)
    def remember(self: torch.nn.Module, *args: Any, **kwargs: Any) -> None:
        init(self, *args, **kwargs)
        self.__dict__["_made_with"] = (args, kwargs)  # the outermost class's arguments win

    return remember


@contextlib.contextmanager
def _arguments_remembered() -> Iterator[None]:
    """While samples are made, each torch.nn module of a class tl.nn also has keeps the arguments it was made
    with, so that one passed to a constructor (TransformerEncoder's layer) can be made again as ours."""
    classes = [c for c in (getattr(torch.nn, n, None) for n in dir(tl.nn)) if isinstance(c, type)]
    originals = {c: c.__init__ for c in classes if issubclass(c, torch.nn.Module)}
    for cls, init in originals.items():
        cls.__init__ = _remembering(init)  # type: ignore[method-assign]
    try:
        yield
    finally:
        for cls, init in originals.items():
            cls.__init__ = init  # type: ignore[method-assign]


def _ours_modules(obj: Any) -> Any:
    """Constructor arguments with each torch module made again as ours, from the arguments it remembers."""
    if isinstance(obj, torch.nn.Module) and "_made_with" in obj.__dict__:
        args, kwargs = obj.__dict__["_made_with"]
        ours = getattr(tl.nn, type(obj).__name__)
        return ours(*opinfo.to_ours(_ours_modules(args), []), **opinfo.to_ours(_ours_modules(kwargs), []))
    if isinstance(obj, (list, tuple)):
        return type(obj)(_ours_modules(x) for x in obj)
    if isinstance(obj, dict):
        return {k: _ours_modules(v) for k, v in obj.items()}
    return obj


def run(info: Any, max_samples: int | None = None) -> Outcome:
    """Run ``info``'s samples through both frameworks; ``max_samples`` keeps that many, evenly spread
    (the suite's budget: one class, LinearCrossEntropyLoss, has over 800; the ledger runs them all)."""
    name = info.module_cls.__name__
    ours_cls = getattr(tl.nn, name, None)
    if ours_cls is None:
        return Outcome(name, "missing", 0, f"tl.nn has no {name}")
    with warnings.catch_warnings(), _arguments_remembered():
        warnings.simplefilter("ignore")
        samples = info.module_inputs_func(info, device="cpu", dtype=torch.float64, requires_grad=True, training=True)
    if max_samples is not None and len(samples) > max_samples:
        samples = samples[:: -(-len(samples) // max_samples)]
    count = 0
    for index, sample in enumerate(samples):
        if sample.forward_input is None:
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                torch.manual_seed(0)
                theirs_module = info.module_cls(*sample.constructor_input.args, **sample.constructor_input.kwargs)
                theirs_module = theirs_module.to(torch.float64).train()
                theirs = theirs_module(*sample.forward_input.args, **sample.forward_input.kwargs)
            except Exception:
                continue  # a sample PyTorch itself refuses on CPU
            count += 1
            leaves: list[tuple[torch.Tensor, tl.Tensor]] = []
            what = f"sample {index}"
            try:
                ours_module = ours_cls(
                    *opinfo.to_ours(_ours_modules(sample.constructor_input.args), []),
                    **opinfo.to_ours(_ours_modules(sample.constructor_input.kwargs), []),
                ).double()
                ours_module.load_state_dict(
                    {k: v.detach().numpy().copy() for k, v in theirs_module.state_dict().items()}
                )
                params = dict(theirs_module.named_parameters())
                leaves += [(params[k], p) for k, p in ours_module.named_parameters() if k in params]
                args = opinfo.to_ours(sample.forward_input.args, leaves)
                kwargs = opinfo.to_ours(sample.forward_input.kwargs, leaves)
                mine = ours_module.train()(*args, **kwargs)
                random = name in RANDOM
                opinfo.compare(theirs, mine, what, values=not random)
                if not random:
                    opinfo.compare_grads(theirs, mine, leaves, what)
            except opinfo.Mismatch as e:
                return Outcome(name, "wrong", count, str(e))
            except Exception as e:
                return Outcome(name, "raises", count, f"{what}: {type(e).__name__}: {e}"[:300])
    return Outcome(name, "pass", count) if count else Outcome(name, "unsupported", 0, "PyTorch ran no sample")
