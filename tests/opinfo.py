"""PyTorch's operator database (OpInfo ``op_db``) run through PyTorch and through tinygrad_lenet.

Each in-scope OpInfo (named as a ``torch`` function, a Tensor method or ``nn.functional.*``) gives
sample inputs (float64 when the op supports it, with ``requires_grad`` when it supports autograd).
Every sample runs under PyTorch and, converted to tinygrad_lenet tensors, under ours, called the
same way: ``tl.<name>(...)``, ``tl.nn.functional.<name>(...)`` or ``input.<name>(...)``; where
PyTorch also has the method spelling of a function, that runs too. Outputs must agree in shape,
dtype and value (float: rtol 1e-6, atol 1e-7, NaN where PyTorch has NaN); with autograd, the
gradients of ``sum(output * w)`` (w fixed random weights) with respect to every input that requires
grad must agree too. Random ops are compared by shape and dtype only.

``run(opinfo)`` returns one :class:`Outcome`; ``tests/test_opinfo.py`` checks every outcome against
the ledger of deliberate differences (``opinfo_differences.py``), and ``tests/opinfo_ledger.py``
writes docs/parity.md from the outcomes.
"""

from __future__ import annotations

import inspect
import types
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from torch.testing._internal.common_methods_invocations import op_db

import tinygrad_lenet as tl

OUT_OF_SCOPE = ("fft.", "linalg.", "special.", "masked.", "sparse.", "_refs.", "signal.", "torch.")
"""Families the issue leaves for later: fft, linalg, special, masked, sparse and private ops."""

RANDOM = {
    "bernoulli",
    "multinomial",
    "normal",
    "poisson",
    "rand_like",
    "randn",
    "randn_like",
    "randint",
    "randint_like",
    "uniform",
    "cauchy",
    "exponential",
    "geometric",
    "log_normal",
    "empty",
    "empty_like",
    "new_empty",
    "new_empty_strided",
    "empty_strided",
    "empty_permuted",
    "nn.functional.dropout",
    "nn.functional.dropout2d",
    "nn.functional.dropout3d",
    "nn.functional.alpha_dropout",
    "nn.functional.feature_alpha_dropout",
    "nn.functional.rrelu",
    "nn.functional.gumbel_softmax",
    "nn.functional.multi_head_attention_forward",  # its sample drops out (dropout_p=0.5, training=True)
    "nn.functional.fractional_max_pool2d",
    "nn.functional.fractional_max_pool3d",
    "svd_lowrank",
    "pca_lowrank",
}
"""Ops whose values depend on a random generator (or are uninitialised): compared by shape and dtype."""

RTOL, ATOL = 1e-6, 1e-7


def in_scope(opinfo: Any) -> bool:
    """Named as a torch function, a Tensor method or nn.functional.*; not fft/linalg/special/masked/sparse/private."""
    name = opinfo.name
    if name.startswith(OUT_OF_SCOPE) or name.startswith("_"):
        return False
    return name.startswith("nn.functional.") or hasattr(torch, name) or hasattr(torch.Tensor, name)


def key(opinfo: Any) -> str:
    """``name`` or ``name.variant``: one entry of the ledger."""
    return f"{opinfo.name}.{opinfo.variant_test_name}" if opinfo.variant_test_name else opinfo.name


def in_scope_opinfos() -> list[Any]:
    return [o for o in op_db if in_scope(o)]


@dataclass
class Outcome:
    """How one OpInfo fared: ``status`` is pass, missing, raises, wrong or unsupported (PyTorch ran no sample)."""

    key: str
    status: str
    samples: int
    detail: str = ""


class Mismatch(Exception):
    """Ours ran but gave another shape, dtype, value or gradient than PyTorch."""


# --- converting PyTorch's sample arguments to ours ------------------------------------------------------


def _tl_dtype(dtype: torch.dtype) -> Any:
    name = str(dtype).removeprefix("torch.")
    return getattr(tl, name, name)


def to_ours(obj: Any, leaves: list[tuple[torch.Tensor, tl.Tensor]]) -> Any:
    """PyTorch's argument structure with each tensor a tinygrad_lenet tensor (same values, dtype, requires_grad)."""
    if isinstance(obj, torch.Tensor):
        for theirs, ours in leaves:  # the same tensor passed twice is one leaf, as in PyTorch
            if theirs is obj:
                return ours
        array = _torch_array(obj).copy(order="K")  # keeps a transposed layout transposed
        ours = tl.Tensor(array, requires_grad=obj.requires_grad)
        if obj.requires_grad:
            leaves.append((obj, ours))
        return ours
    if isinstance(obj, torch.dtype):
        return _tl_dtype(obj)
    if isinstance(obj, torch.device):
        return str(obj)
    if isinstance(obj, torch.Size):
        return tuple(obj)
    if isinstance(obj, torch.memory_format):
        return getattr(tl, str(obj).removeprefix("torch."), str(obj))
    if isinstance(obj, list):
        return [to_ours(x, leaves) for x in obj]
    if isinstance(obj, tuple):
        return tuple(to_ours(x, leaves) for x in obj)
    if isinstance(obj, dict):
        return {k: to_ours(v, leaves) for k, v in obj.items()}
    if isinstance(obj, torch.nn.Module) and hasattr(tl.nn, type(obj).__name__):
        return _ours_module(obj)
    if callable(obj) and getattr(obj, "__module__", "") and str(getattr(obj, "__module__", "")).startswith("torch"):
        return _ours_by_name(obj)
    return obj


STORED_AS = {"p": "norm"}
"""Constructor arguments a PyTorch module keeps under another attribute name (PairwiseDistance's p)."""


def _ours_module(module: torch.nn.Module) -> Any:
    """Our module of the same class as a parameterless PyTorch ``module`` passed as an argument (the
    distance of triplet_margin_with_distance_loss), built from the attributes its constructor set."""
    ours = getattr(tl.nn, type(module).__name__)
    names = [n for n in inspect.signature(ours).parameters if hasattr(module, STORED_AS.get(n, n))]
    return ours(**{n: getattr(module, STORED_AS.get(n, n)) for n in names})


def _ours_by_name(fn: Any) -> Any:
    """A torch callable passed as an argument (an activation, a reduction) -> ours of the same name."""
    name = getattr(fn, "__name__", "")
    module = str(getattr(fn, "__module__", ""))
    place = tl.nn.functional if "functional" in module else tl
    return getattr(place, name, None) or getattr(tl.nn.functional, name, fn)  # F.gelu is torch._C._nn.gelu


def _seeded(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    tl.manual_seed(42)
    return fn(*args, **kwargs)


def _ours_lambda(op: Any) -> Callable[..., Any]:
    """An OpInfo's lambda (``lambda x: x.T``, ``lambda tensors, eq: torch.einsum(eq, tensors)``) with torch -> ours."""
    names = dict(op.__globals__)
    names.update(torch=tl, F=tl.nn.functional, wrapper_set_seed=_seeded)
    closure = None
    if op.__closure__:
        closure = tuple(types.CellType(to_ours(c.cell_contents, [])) for c in op.__closure__)
    return types.FunctionType(op.__code__, names, op.__name__, op.__defaults__, closure)


def _resolve(path: str, root: Any) -> Any:
    for part in path.split("."):
        root = getattr(root, part)
    return root


def spellings(opinfo: Any) -> dict[str, Callable[..., Any]]:
    """Our callables for this OpInfo, by spelling (function / method); AttributeError names what is missing."""
    name, op = opinfo.name, opinfo.op
    if isinstance(op, types.LambdaType) and op.__name__ == "<lambda>":
        return {"lambda": _ours_lambda(op)}
    found: dict[str, Callable[..., Any]] = {}
    if name.startswith("nn.functional."):
        found["function"] = _resolve(name.removeprefix("nn.functional."), tl.nn.functional)
        return found
    if hasattr(torch, name) and op is getattr(torch, name):
        found["function"] = _resolve(name, tl)
    method = opinfo.method_variant
    if method is not None or not found:
        if not hasattr(tl.Tensor, name):
            raise AttributeError(f"'Tensor' object has no attribute {name!r}")
        found["method"] = lambda input, *args, **kwargs: getattr(input, name)(*args, **kwargs)
    return found


# --- comparing -----------------------------------------------------------------------------------------


def _torch_array(x: torch.Tensor) -> np.ndarray:
    """A PyTorch tensor's values: zeros for its ZeroTensor gradients, float32 for bfloat16 (numpy has none)."""
    x = x.detach()
    if x._is_zerotensor():
        return np.zeros(tuple(x.shape), dtype=str(x.dtype).removeprefix("torch."))
    if x.dtype == torch.bfloat16:
        return x.float().numpy()
    return x.numpy()


def _dtype_name(x: Any) -> str:
    return str(x.dtype).removeprefix("torch.") if isinstance(x, torch.Tensor) else np.dtype(x.dtype).name


def _flat(out: Any) -> Iterator[Any]:
    if isinstance(out, (list, tuple)) and not isinstance(out, (torch.Size, tl.Size)):
        for x in out:
            yield from _flat(x)
    else:
        yield out


def _array(x: Any) -> np.ndarray:
    if isinstance(x, tl.Tensor):
        array = np.asarray(x.detach().numpy())
        return array.astype(np.float32) if array.dtype.name == "bfloat16" else array
    return _torch_array(x) if isinstance(x, torch.Tensor) else np.asarray(x)


def compare(theirs: Any, ours: Any, what: str, values: bool = True) -> None:
    t_items, o_items = list(_flat(theirs)), list(_flat(ours))
    if len(t_items) != len(o_items):
        raise Mismatch(f"{what}: PyTorch gives {len(t_items)} outputs, ours {len(o_items)}")
    for i, (t, o) in enumerate(zip(t_items, o_items)):
        label = f"{what}[{i}]" if len(t_items) > 1 else what
        if t is None or o is None:
            if (t is None) != (o is None):
                raise Mismatch(f"{label}: PyTorch gives {t!r}, ours {o!r}")
            continue
        if isinstance(t, torch.Tensor) != isinstance(o, tl.Tensor):
            raise Mismatch(f"{label}: PyTorch gives a {type(t).__name__}, ours a {type(o).__name__}")
        a, b = _array(t), _array(o)
        if a.shape != b.shape:
            raise Mismatch(f"{label}: shape {tuple(b.shape)}, PyTorch {tuple(a.shape)}")
        if isinstance(t, torch.Tensor) and _dtype_name(t) != _dtype_name(o):
            raise Mismatch(f"{label}: dtype {_dtype_name(o)}, PyTorch {_dtype_name(t)}")
        if not values:
            continue
        if a.dtype.kind in "fc":
            ok = np.allclose(b, a, rtol=RTOL, atol=ATOL, equal_nan=True)
        else:
            ok = np.array_equal(a, b)
        if not ok:
            raise Mismatch(
                f"{label}: values differ (max |diff| {np.nanmax(np.abs(b.astype(float) - a.astype(float)))})"
            )


def _weights(out: torch.Tensor, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal(tuple(out.shape))


def compare_grads(t_out: Any, o_out: Any, leaves: list[tuple[torch.Tensor, tl.Tensor]], what: str) -> None:
    """The gradients of sum(output_i * w_i) over the float outputs that require grad, for every input leaf."""
    pairs = [
        (t, o)
        for t, o in zip(_flat(t_out), _flat(o_out))
        if isinstance(t, torch.Tensor) and t.requires_grad and t.dtype.is_floating_point
    ]
    if not pairs or not leaves:
        return
    weights = [_weights(t, i) for i, (t, _) in enumerate(pairs)]
    t_loss = sum((t * torch.from_numpy(w)).sum() for (t, _), w in zip(pairs, weights))
    t_grads = torch.autograd.grad(t_loss, [leaf for leaf, _ in leaves], allow_unused=True, retain_graph=True)
    for _, o in pairs:
        if not isinstance(o, tl.Tensor) or not o.requires_grad:
            raise Mismatch(f"{what}: ours does not require grad where PyTorch's output does")
    o_loss = None
    for (_, o), w in zip(pairs, weights):
        term = (o * tl.tensor(w)).sum()
        o_loss = term if o_loss is None else o_loss + term
    assert o_loss is not None
    o_loss.backward()
    for i, ((_, ours), g) in enumerate(zip(leaves, t_grads)):
        theirs = g if g is not None else None
        mine = ours.grad
        if theirs is None:
            if mine is not None and np.any(_array(mine) != 0):
                raise Mismatch(f"{what} gradient of input {i}: PyTorch has none, ours is nonzero")
            continue
        if mine is None:
            if np.any(_array(theirs) != 0):
                raise Mismatch(f"{what} gradient of input {i}: ours is missing")
            continue
        compare(theirs, mine, f"{what} gradient of input {i}")


# --- running -------------------------------------------------------------------------------------------


def sample_dtype(opinfo: Any) -> torch.dtype | None:
    dtypes = opinfo.supported_dtypes("cpu")
    for dtype in (torch.float64, torch.int64, torch.bool, torch.float32, torch.int32, torch.uint8):
        if dtype in dtypes:
            return dtype
    return None


def _call(fn: Callable[..., Any], sample: Any) -> Any:
    return fn(sample.input, *sample.args, **sample.kwargs)


def run(opinfo: Any) -> Outcome:
    """Run every sample of one OpInfo under both frameworks; the first difference decides the outcome."""
    name = key(opinfo)
    dtype = sample_dtype(opinfo)
    if dtype is None:
        return Outcome(name, "unsupported", 0, "no float64, int64 or bool samples in PyTorch")
    try:
        ours = spellings(opinfo)
    except AttributeError as e:
        return Outcome(name, "missing", 0, str(e))
    grad = opinfo.supports_autograd and dtype.is_floating_point
    count = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.manual_seed(0)
        samples = list(opinfo.sample_inputs("cpu", dtype, requires_grad=grad))
    for index, sample in enumerate(samples):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                torch.manual_seed(0)
                theirs = _call(opinfo.op, sample)
            except Exception:
                continue  # a sample PyTorch itself refuses on CPU
        count += 1
        random = opinfo.name in RANDOM or bool(sample.kwargs.get("dropout_p"))  # attention dropout draws too
        for spelling, fn in ours.items():
            leaves: list[tuple[torch.Tensor, tl.Tensor]] = []
            what = f"sample {index} ({spelling})"
            try:
                converted = types.SimpleNamespace(
                    input=to_ours(sample.input, leaves),
                    args=to_ours(sample.args, leaves),
                    kwargs=to_ours(sample.kwargs, leaves),
                )
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    mine = _call(fn, converted)
                    compare(theirs, mine, what, values=not random)
                    if grad and not random:
                        compare_grads(theirs, mine, leaves, what)
            except Mismatch as e:
                return Outcome(name, "wrong", count, f"{e}; {_describe(sample)}")
            except Exception as e:
                return Outcome(name, "raises", count, f"{what}: {type(e).__name__}: {e}; {_describe(sample)}"[:400])
    if count == 0:
        return Outcome(name, "unsupported", 0, "PyTorch ran none of its samples on CPU")
    return Outcome(name, "pass", count)


def _describe(sample: Any) -> str:
    def short(x: Any) -> str:
        if isinstance(x, torch.Tensor):
            return f"tensor{tuple(x.shape)}:{str(x.dtype).removeprefix('torch.')}"
        if isinstance(x, (list, tuple)):
            return "[" + ", ".join(short(v) for v in x) + "]"
        return repr(x)

    kwargs = ", ".join(f"{k}={short(v)}" for k, v in sample.kwargs.items())
    return f"input {short(sample.input)}, args {short(sample.args)}, kwargs {{{kwargs}}}"


__all__ = ["Outcome", "in_scope_opinfos", "key", "run"]
