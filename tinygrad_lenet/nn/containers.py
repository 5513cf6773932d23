"""Modules that hold other modules: ``Sequential`` (a pipeline) and ``ModuleList`` (a list)."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any, Iterable, Iterator

from .module import Module


def _check_module(value: Any, container: str) -> None:
    if not isinstance(value, Module):
        raise TypeError(f"{container} holds Modules, got {type(value).__name__}: wrap functions in a Module")


class Sequential(Module):
    """Apply modules one after another; named ``0``, ``1``, ... or by an OrderedDict's keys."""

    def __init__(self, *modules: Module | "OrderedDict[str, Module]") -> None:
        super().__init__()
        named = modules[0].items() if len(modules) == 1 and isinstance(modules[0], OrderedDict) else (
            (str(i), m) for i, m in enumerate(modules)
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

    def append(self, module: Module) -> "ModuleList":
        _check_module(module, "ModuleList")
        setattr(self, str(len(self._modules)), module)
        return self

    def extend(self, modules: Iterable[Module]) -> "ModuleList":
        for module in modules:
            self.append(module)
        return self

    def __getitem__(self, index: int) -> Module:
        return list(self._modules.values())[index]

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules.values())
