"""``Module``, the base class of every layer and model, and ``Parameter``, its trainable tensors.

Assigning a Parameter or a Module to an attribute of a Module registers it, so that
``parameters()``, ``state_dict()``, ``train()``/``eval()`` and ``zero_grad()`` reach every part of a
model without any bookkeeping in user code, exactly as in PyTorch.
"""

from __future__ import annotations

import inspect
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from typing import Any, NamedTuple, TypeVar

import numpy as np

from ..autodiff.engine import clear_grads
from ..base import dtypes
from ..base.devices import check_device, dtype_of_to
from ..base.errors import StateDictError
from ..base.module_stack import MODULE_STACK
from ..base.recording import note_graph_break
from ..tensor.tensor import Tensor

ForwardHook = Callable[["Module", tuple, Any], None]
T = TypeVar("T", bound=Tensor)


_TAKES_TENSORS: dict[type, bool] = {}


def _takes_tensors(cls: type[Module]) -> bool:
    """Whether ``cls.forward`` declares its first input a Tensor (looked up once per class)."""
    takes = _TAKES_TENSORS.get(cls)
    if takes is None:
        first = list(inspect.signature(cls.forward).parameters.values())[1:2]
        takes = _TAKES_TENSORS[cls] = bool(first) and "Tensor" in str(first[0].annotation)
    return takes


class Parameter(Tensor):
    """A Tensor that a Module registers as trainable; it requires grad unless told otherwise."""

    __slots__ = ()

    def __init__(self, data: Any, requires_grad: bool = True) -> None:
        super().__init__(data._array if isinstance(data, Tensor) else data, requires_grad=requires_grad)

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()


class UninitializedParameter(Parameter):
    """A lazy module's parameter before its shape is known: it holds no values until ``materialize``
    (called by the module's first forward, or by ``load_state_dict``) gives it a shape and makes it a
    plain ``Parameter``, the same object, as ``torch.nn.parameter.UninitializedParameter``."""

    __slots__ = ()

    def __init__(self, requires_grad: bool = True, device: Any = None, dtype: Any = None) -> None:
        check_device(device or "cpu")
        super().__init__(
            np.empty((0,), dtype=dtypes.DEFAULT_FLOAT if dtype is None else dtypes.to_dtype(dtype)), requires_grad
        )

    def materialize(self, shape: tuple[int, ...]) -> None:
        """Give the parameter ``shape`` (its values uninitialised) and make it a plain ``Parameter``."""
        self._array = np.empty(shape, dtype=self._array.dtype)
        self.__class__ = Parameter  # type: ignore[assignment]  # becomes what it stood for, as PyTorch's

    def __repr__(self) -> str:
        return "<UninitializedParameter>"


class RemovableHandle:
    """What ``register_forward_hook`` returns: ``handle.remove()`` unregisters the hook."""

    _next_id = 0

    def __init__(self, hooks: OrderedDict[int, ForwardHook]) -> None:
        self.hooks, self.id = hooks, RemovableHandle._next_id
        RemovableHandle._next_id += 1

    def remove(self) -> None:
        self.hooks.pop(self.id, None)


class IncompatibleKeys(NamedTuple):
    """What ``load_state_dict(strict=False)`` returns: the keys it did not match."""

    missing_keys: list[str]
    unexpected_keys: list[str]


class Module:
    """Base class of layers and models: subclass it, assign layers in ``__init__``, write ``forward``.

    >>> class Net(Module):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.fc = Linear(4, 2)
    ...     def forward(self, x):
    ...         return self.fc(x).relu()
    """

    training: bool
    _parameters: OrderedDict[str, Parameter | None]
    _buffers: OrderedDict[str, Tensor | None]

    def __init__(self) -> None:
        object.__setattr__(self, "_parameters", OrderedDict())
        object.__setattr__(self, "_buffers", OrderedDict())
        object.__setattr__(self, "_non_persistent_buffers_set", set())
        object.__setattr__(self, "_modules", OrderedDict())
        object.__setattr__(self, "_forward_hooks", OrderedDict())
        object.__setattr__(self, "training", True)

    # --- registration -------------------------------------------------------------------------
    def __setattr__(self, name: str, value: Any) -> None:
        if "_parameters" not in self.__dict__:
            raise AttributeError(f"{type(self).__name__}: call super().__init__() before assigning attributes")
        if isinstance(value, (Parameter, Module)):
            # the other registries forget the name; its own keeps the name's place (model.conv1 = ... stays first)
            target: dict[str, Any] = self._parameters if isinstance(value, Parameter) else self._modules
            self.__dict__.pop(name, None)
            for registry in (self._parameters, self._buffers, self._modules):
                if registry is not target:
                    registry.pop(name, None)
            target[name] = value
        elif name in self._buffers:
            self._buffers[name] = value
        elif name in self._parameters and value is None:
            self._parameters[name] = None
        else:
            object.__setattr__(self, name, value)

    def __getattr__(self, name: str) -> Any:
        for registry in ("_parameters", "_buffers", "_modules"):
            found = self.__dict__.get(registry, {})
            if name in found:
                return found[name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __delattr__(self, name: str) -> None:
        for registry in (self._parameters, self._buffers, self._modules):
            if name in registry:
                del registry[name]
                self._non_persistent_buffers_set.discard(name)
                return
        object.__delattr__(self, name)

    def register_buffer(self, name: str, tensor: Tensor | None, persistent: bool = True) -> None:
        """A tensor that belongs to the module but is not trained, such as BatchNorm's running
        statistics: saved in ``state_dict`` and converted by ``to``/``double``. With
        ``persistent=False`` it is converted but not saved (a constant the module rebuilds), as
        in PyTorch."""
        self.__dict__.pop(name, None)
        self._buffers[name] = tensor
        if persistent:
            self._non_persistent_buffers_set.discard(name)
        else:
            self._non_persistent_buffers_set.add(name)

    def register_parameter(self, name: str, param: Parameter | None) -> None:
        """Register ``param`` (or None, for an absent optional parameter such as a bias)."""
        self.__dict__.pop(name, None)
        self._parameters[name] = param

    # --- calling ------------------------------------------------------------------------------
    def forward(self, *args: Any, **kwargs: Any) -> Any:
        """The computation the module does, written by each subclass; call the module (``model(x)``),
        not ``forward``, so that hooks and module names in drawings apply."""
        raise NotImplementedError(f"{type(self).__name__} must define forward()")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """``forward(*args, **kwargs)`` and the forward hooks. A numpy array given to a module whose
        ``forward`` declares a Tensor input (every layer and model here) is refused, naming the module,
        rather than failing deep inside it; a module declaring other inputs (an ``OnnxModule`` takes
        arrays too) gets what it is given."""
        if _takes_tensors(type(self)):
            for arg in args:
                if isinstance(arg, np.ndarray):
                    raise TypeError(
                        f"{type(self).__name__}: expected a Tensor, got numpy.ndarray: wrap it with tl.tensor(...)"
                    )
        if self._forward_hooks:
            note_graph_break(f"{type(self).__name__} has forward hooks (Python code on each call)")
        outer = MODULE_STACK.running
        MODULE_STACK.running = outer + (self,)
        try:
            output = self.forward(*args, **kwargs)
        finally:
            MODULE_STACK.running = outer
        if self._forward_hooks:
            for hook in list(self._forward_hooks.values()):
                hook(self, args, output)
        return output

    def register_forward_hook(self, hook: ForwardHook) -> RemovableHandle:
        """Call ``hook(module, inputs, output)`` after every forward; ``.remove()`` the handle to stop."""
        handle = RemovableHandle(self._forward_hooks)
        self._forward_hooks[handle.id] = hook
        return handle

    # --- walking the tree ------------------------------------------------------------------------
    def named_modules(self, prefix: str = "") -> Iterator[tuple[str, Module]]:
        """This module and every sub-module, depth first, with dotted names (``features.0``)."""
        stack: list[tuple[str, Module]] = [(prefix, self)]
        seen: set[int] = set()
        while stack:
            name, module = stack.pop()
            if id(module) in seen:
                continue
            seen.add(id(module))
            yield name, module
            children = [(f"{name}.{k}" if name else k, m) for k, m in module._modules.items() if m is not None]
            stack.extend(reversed(children))

    def modules(self) -> Iterator[Module]:
        """The module itself and every submodule, depth first."""
        return (m for _, m in self.named_modules())

    def named_children(self) -> Iterator[tuple[str, Module]]:
        """(name, module) pairs of the direct submodules."""
        return ((k, m) for k, m in self._modules.items() if m is not None)

    def children(self) -> Iterator[Module]:
        """The direct submodules."""
        return (m for _, m in self.named_children())

    def _named_members(
        self, registry: Callable[[Module], Mapping[str, T | None]], recurse: bool
    ) -> Iterator[tuple[str, T]]:
        """The members ``registry`` gives of each module (this one, and its submodules when ``recurse``),
        each once, with its dotted name."""
        seen: set[int] = set()
        modules = self.named_modules() if recurse else iter([("", self)])
        for prefix, module in modules:
            for name, value in registry(module).items():
                if value is None or id(value) in seen:
                    continue
                seen.add(id(value))
                yield (f"{prefix}.{name}" if prefix else name), value

    def named_parameters(self, recurse: bool = True) -> Iterator[tuple[str, Parameter]]:
        """Every parameter with its dotted name (``conv1.weight``), each once."""
        return self._named_members(lambda m: m._parameters, recurse)

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        """The trainable parameters (each once, even if shared), the submodules' too when ``recurse``:
        what an optimizer takes."""
        return (p for _, p in self.named_parameters(recurse))

    def named_buffers(self, recurse: bool = True) -> Iterator[tuple[str, Tensor]]:
        """(dotted name, buffer) pairs, the submodules' too when ``recurse``."""
        return self._named_members(lambda m: m._buffers, recurse)

    def buffers(self, recurse: bool = True) -> Iterator[Tensor]:
        """The module's buffers (tensors saved with it that are not trained, e.g. running means), its
        submodules' too when ``recurse``."""
        return (b for _, b in self.named_buffers(recurse))

    def num_parameters(self, trainable_only: bool = False) -> int:
        """How many numbers the model learns (LeNet-5: 61,706)."""
        return sum(p.numel() for p in self.parameters() if p.requires_grad or not trainable_only)

    # --- modes and gradients -----------------------------------------------------------------------
    def train(self, mode: bool = True) -> Module:
        """Training mode (the default): Dropout drops, BatchNorm uses batch statistics."""
        for module in self.modules():
            object.__setattr__(module, "training", mode)
        return self

    def eval(self) -> Module:
        """Evaluation mode: Dropout passes through, BatchNorm uses its running statistics."""
        return self.train(False)

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Clear every parameter's ``.grad`` (to None, or to zeros with ``set_to_none=False``)."""
        clear_grads(self.parameters(), set_to_none)

    def requires_grad_(self, requires_grad: bool = True) -> Module:
        """Set ``requires_grad`` on every parameter (``False`` freezes the module); returns the module."""
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    def apply(self, fn: Callable[[Module], None]) -> Module:
        """Call ``fn`` on every sub-module and then on this one (e.g. to initialise weights)."""
        for module in reversed(list(self.modules())):
            fn(module)
        return self

    def to(self, *args: Any, **kwargs: Any) -> Module:
        """Convert every floating parameter and buffer to a dtype, in place; a device must be the
        CPU (``model.to(device)`` returns the model), as PyTorch's ``Module.to``."""
        target = dtype_of_to(args, kwargs)
        if target is None:
            return self
        for tensor in [*self.parameters(), *self.buffers()]:
            if tensor.dtype.kind == "f":
                tensor._array = tensor._array.astype(target)
                tensor.grad = None
        return self

    def cpu(self) -> Module:
        """The module itself: everything here already lives in the CPU's memory (PyTorch-compatible no-op)."""
        return self

    def float(self) -> Module:
        """Convert every parameter and floating-point buffer to float32, in place; returns the module."""
        return self.to(np.float32)

    def double(self) -> Module:
        """Convert every parameter and floating-point buffer to float64, in place; returns the module."""
        return self.to(np.float64)

    # --- state -----------------------------------------------------------------------------------
    def _state_tensors(self) -> OrderedDict[str, Tensor]:
        """Every parameter and persistent buffer under its state-dict key, in PyTorch's order: each
        module's parameters, then its buffers, modules depth first."""
        tensors: OrderedDict[str, Tensor] = OrderedDict()
        for prefix, module in self.named_modules():
            buffers = [(n, b) for n, b in module._buffers.items() if n not in module._non_persistent_buffers_set]
            for name, value in [*module._parameters.items(), *buffers]:
                if value is not None:
                    tensors[f"{prefix}.{name}" if prefix else name] = value
        return tensors

    def state_dict(self) -> OrderedDict[str, Tensor]:
        """Every parameter and buffer as a tensor (detached, not requiring grad), under PyTorch's key names.

        They are copies (PyTorch's share memory with the parameters): training on afterwards does not change a
        state dict you kept, so no ``copy.deepcopy`` is needed to keep the best weights.
        """
        return OrderedDict((key, Tensor(np.array(t._array, copy=True))) for key, t in self._state_tensors().items())

    def load_state_dict(self, state_dict: Mapping[str, Any], strict: bool = True) -> IncompatibleKeys:
        """Copy values into the parameters and buffers, after checking that all of them fit.

        Every missing or unexpected key (with ``strict=True``) and every shape mismatch is named
        in one ``StateDictError``; nothing is changed unless everything fits.
        """
        own = self._state_tensors()
        missing = [k for k in own if k not in state_dict]
        unexpected = [k for k in state_dict if k not in own]
        problems = []
        if strict:
            problems += [f"missing key {k!r} (expected shape {own[k].shape})" for k in missing]
            problems += [f"unexpected key {k!r}" for k in unexpected]
        arrays = {}
        for key, value in state_dict.items():
            if key not in own:
                continue
            array = np.asarray(value._array if isinstance(value, Tensor) else value)
            if array.shape != own[key].shape and not isinstance(own[key], UninitializedParameter):
                problems.append(f"{key!r} has shape {array.shape} but the model expects {own[key].shape}")
            arrays[key] = array
        if problems:
            raise StateDictError(
                f"load_state_dict into {type(self).__name__} failed, nothing was changed:\n  " + "\n  ".join(problems)
            )
        for key, array in arrays.items():
            target = own[key]
            if isinstance(target, UninitializedParameter):
                target.materialize(array.shape)
            target._array = array.astype(target.dtype, copy=True)
        return IncompatibleKeys(missing, unexpected)

    # --- printing ---------------------------------------------------------------------------------
    def extra_repr(self) -> str:
        """The arguments shown between the parentheses of this module's repr."""
        return ""

    def __repr__(self) -> str:
        extra = self.extra_repr().split("\n") if self.extra_repr() else []
        children = [f"({name}): " + repr(m).replace("\n", "\n  ") for name, m in self.named_children()]
        if not children and len(extra) <= 1:
            return f"{type(self).__name__}({''.join(extra)})"
        return f"{type(self).__name__}(\n" + "".join(f"  {line}\n" for line in extra + children) + ")"
