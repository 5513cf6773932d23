"""Modules that hold other modules or parameters: ``Sequential`` (a pipeline), ``ModuleList``, ``ModuleDict``,
``ParameterList``."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Iterator
from typing import Any

from .module import Module, Parameter


def _check_module(value: Any, container: str) -> None:
    if not isinstance(value, Module):
        raise TypeError(f"{container} holds Modules, got {type(value).__name__}: wrap functions in a Module")


class Sequential(Module):
    """Apply modules one after another; named ``0``, ``1``, ... or by an OrderedDict's keys."""

    def __init__(self, *modules: Module | OrderedDict[str, Module]) -> None:
        super().__init__()
        named = (
            modules[0].items()
            if len(modules) == 1 and isinstance(modules[0], OrderedDict)
            else ((str(i), m) for i, m in enumerate(modules))
        )
        for name, module in named:
            _check_module(module, "Sequential")
            setattr(self, name, module)

    def __getitem__(self, index: int | slice) -> Any:
        items = list(self._modules.values())
        if isinstance(index, slice):
            return Sequential(*items[index])
        return items[index]

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules.values())

    def forward(self, x: Any) -> Any:
        for module in self._modules.values():
            x = module(x)
        return x


class ModuleList(Module):
    """A list of modules whose parameters the parent module sees (a plain list would hide them)."""

    def __init__(self, modules: Iterable[Module] = ()) -> None:
        super().__init__()
        self.extend(modules)

    def append(self, module: Module) -> ModuleList:
        """Add ``module`` at the end (its name is its index) and return the list."""
        _check_module(module, "ModuleList")
        setattr(self, str(len(self._modules)), module)
        return self

    def extend(self, modules: Iterable[Module]) -> ModuleList:
        """Append each of ``modules`` and return the list."""
        for module in modules:
            self.append(module)
        return self

    def __getitem__(self, index: int) -> Module:
        return list(self._modules.values())[index]

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules.values())


class ModuleDict(Module):
    """Modules by name, registered so the parent sees their parameters: ``self.heads = ModuleDict({...})``."""

    def __init__(self, modules: dict[str, Module] | Iterable[tuple[str, Module]] | None = None) -> None:
        super().__init__()
        if modules is not None:
            self.update(modules)

    def update(self, modules: dict[str, Module] | Iterable[tuple[str, Module]]) -> None:
        """Add (or replace) the modules of a dict or of (name, module) pairs."""
        for name, module in modules.items() if isinstance(modules, dict) else modules:
            self[name] = module

    def __setitem__(self, name: str, module: Module) -> None:
        _check_module(module, "ModuleDict")
        setattr(self, name, module)

    def __getitem__(self, name: str) -> Module:
        return self._modules[name]

    def __delitem__(self, name: str) -> None:
        del self._modules[name]

    def __contains__(self, name: object) -> bool:
        return name in self._modules

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[str]:
        return iter(self._modules)

    def keys(self) -> Iterable[str]:
        """The names, in insertion order."""
        return self._modules.keys()

    def values(self) -> Iterable[Module]:
        """The modules, in insertion order."""
        return self._modules.values()

    def items(self) -> Iterable[tuple[str, Module]]:
        """The (name, module) pairs, in insertion order."""
        return self._modules.items()


class ParameterList(Module):
    """A list of parameters the parent module sees, named ``0``, ``1``, ... in its state dict."""

    def __init__(self, values: Iterable[Any] = ()) -> None:
        super().__init__()
        for value in values:
            self.append(value)

    def append(self, value: Any) -> ParameterList:
        """Add ``value`` at the end (wrapped in a ``Parameter`` if it is not one) and return the list."""
        setattr(self, str(len(self._parameters)), value if isinstance(value, Parameter) else Parameter(value))
        return self

    def __getitem__(self, index: int) -> Parameter:
        return list(self)[index]

    def __len__(self) -> int:
        return len(self._parameters)

    def __iter__(self) -> Iterator[Parameter]:
        return (p for p in self._parameters.values() if p is not None)
