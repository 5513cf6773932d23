"""Every public name has a docstring, and every public module a page of the API reference (docs/api)."""

import dataclasses
import importlib
import inspect
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
API = ROOT / "docs" / "api"
# the modules whose names users import; each has __all__ (or, nn.init, its public functions)
PUBLIC_MODULES = [
    "tinygrad_lenet",
    "tinygrad_lenet.autograd",
    "tinygrad_lenet.bench",
    "tinygrad_lenet.cli",
    "tinygrad_lenet.compiler",
    "tinygrad_lenet.data",
    "tinygrad_lenet.distributed",
    "tinygrad_lenet.models",
    "tinygrad_lenet.nn",
    "tinygrad_lenet.nn.functional",
    "tinygrad_lenet.nn.init",
    "tinygrad_lenet.onnx",
    "tinygrad_lenet.optim",
    "tinygrad_lenet.optim.lr_scheduler",
    "tinygrad_lenet.train",
    "tinygrad_lenet.vision",
    "tinygrad_lenet.viz",
]


def documented_modules() -> set[str]:
    """The modules the API pages render (``::: name``); the models folder is read as ``models``."""
    names = set()
    for page in API.glob("*.md"):
        for name in re.findall(r"^::: ([\w.]+)", page.read_text(), flags=re.MULTILINE):
            names.add("tinygrad_lenet.models" if name == "models" else name.split(".Tensor")[0])
    return names


def public_names(module_name: str) -> list[str]:
    module = importlib.import_module(module_name)
    if hasattr(module, "__all__"):
        return list(module.__all__)
    return [
        k for k, v in vars(module).items() if not k.startswith("_") and getattr(v, "__module__", None) == module_name
    ]


def undocumented(module_name: str) -> list[str]:
    """Public functions, classes, and public methods and properties of those classes, without a docstring
    (a method overriding a documented one inherits its docstring, as ``inspect.getdoc`` and the site show it)."""
    module = importlib.import_module(module_name)
    missing = []
    for name in public_names(module_name):
        obj = getattr(module, name)
        if inspect.ismodule(obj) or not (inspect.isclass(obj) or callable(obj)):
            continue
        if not inspect.getdoc(obj):
            missing.append(name)
        if not inspect.isclass(obj):
            continue
        fields = {f.name for f in dataclasses.fields(obj)} if dataclasses.is_dataclass(obj) else set()
        for attribute in dir(obj):
            if attribute.startswith("_") or attribute in fields:
                continue
            static = inspect.getattr_static(obj, attribute)
            owner = next(c for c in obj.__mro__ if attribute in vars(c))
            if owner.__module__ == "builtins" or not (
                callable(static) or isinstance(static, (property, classmethod, staticmethod))
            ):
                continue
            doc = static.__doc__ if isinstance(static, property) else inspect.getdoc(getattr(obj, attribute))
            if not doc:
                missing.append(f"{name}.{attribute}")
    return missing


def test_every_public_module_has_an_api_page():
    assert set(PUBLIC_MODULES) <= documented_modules()


@pytest.mark.parametrize("module_name", PUBLIC_MODULES)
def test_every_public_name_has_a_docstring(module_name):
    assert undocumented(module_name) == []


def test_every_api_page_is_in_the_navigation():
    nav = (ROOT / "mkdocs.yml").read_text()
    assert all(f"api/{page.name}" in nav for page in API.glob("*.md"))


def test_every_docs_page_is_in_the_navigation():
    nav = (ROOT / "mkdocs.yml").read_text()
    pages = [p.relative_to(ROOT / "docs").as_posix() for p in (ROOT / "docs").glob("*.md")]
    assert [p for p in pages if p not in nav] == []


SITE = ROOT / "site"


@pytest.mark.skipif(not (SITE / "api").is_dir(), reason="the site is not built here (make docs builds it into site/)")
@pytest.mark.parametrize("module_name", PUBLIC_MODULES)
def test_every_public_name_renders_in_the_built_api_reference(module_name):
    rendered = "".join(p.read_text() for p in (SITE / "api").glob("*/index.html"))
    shown = "models" if module_name == "tinygrad_lenet.models" else module_name
    for name in public_names(module_name):
        obj = getattr(importlib.import_module(module_name), name)
        if inspect.ismodule(obj):
            continue
        where = f"{getattr(obj, '__module__', '')}.{getattr(obj, '__qualname__', '')}"  # a name that shadows a module
        assert f'id="{shown}.{name}"' in rendered or f'id="{where}"' in rendered, (
            f"{shown}.{name} is not in the built API reference"
        )
