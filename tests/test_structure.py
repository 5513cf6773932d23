"""The shape of the package: a light import without side effects, no import cycle, layers that
import only downwards, models written with the public API, and a wheel with no top-level ``models``."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "tinygrad_lenet"
MODELS = ROOT / "models"  # installs as tinygrad_lenet.models
OPTIONAL_LIBRARIES = ("graphviz", "tqdm", "matplotlib", "safetensors", "PIL", "onnx")

# The layers of docs/design.md, bottom first: a module may import from its own layer and the ones below.
LAYERS: list[tuple[str, ...]] = [
    ("base", "amp"),  # errors, dtypes, dims, random, file_io, module_stack, allocator, devices, threads; autocast
    ("autodiff", "ops"),  # grad_mode, function, engine, second_order; the primitive ops
    ("tensor", "autograd", "serialization"),  # the Tensor and its methods; torch.autograd's names; checkpoints
    ("nn", "optim", "data", "utils", "vision", "distributed", "compiler"),
    ("", "viz", "onnx"),  # "" is the package itself: tinygrad_lenet/__init__.py
    ("models",),
    ("train", "bench", "speedrun"),
    ("cli", "__main__"),
]


def run_python(code: str, cwd: Path = ROOT, env: dict[str, str] | None = None) -> str:
    """Run ``code`` in a fresh interpreter; fail the test with its stderr if it fails."""
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=cwd,
        env={**os.environ, **(env or {})},
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


# --- importing is light and changes nothing --------------------------------------------------------------
def test_import_loads_no_optional_library_and_no_app_layer() -> None:
    out = run_python(f"""
        import sys, json
        import tinygrad_lenet
        app = [["tinygrad_lenet", n] for n in ("viz", "train", "models", "cli", "onnx")]
        print(json.dumps([m for m in sys.modules if m.split(".")[0] in {OPTIONAL_LIBRARIES!r}
                          or m.split(".")[:2] in app]))
    """)
    assert json.loads(out) == []


def test_each_optional_library_loads_when_first_used(tmp_path: Path) -> None:
    out = run_python(f"""
        import sys, json
        import tinygrad_lenet as tl
        seen = {{}}
        loaded = lambda: sorted(m for m in {OPTIONAL_LIBRARIES!r} if m in sys.modules)
        x = tl.tensor([1.0, 2.0], requires_grad=True)
        graph = tl.viz.draw_graph((x * x).sum())
        seen["draw"] = loaded()
        tl.save({{"x": x}}, {str(tmp_path / "x.safetensors")!r})
        seen["save"] = loaded()
        tl.train.plots.plot_confusion_matrix(tl.zeros(2, 2).numpy(), {str(tmp_path / "cm.png")!r})
        seen["plot"] = loaded()
        print(json.dumps(seen))
    """)
    seen = json.loads(out)
    assert seen["draw"] == ["graphviz"]
    assert seen["save"] == ["graphviz", "safetensors"]
    assert "matplotlib" in seen["plot"]


def test_import_changes_no_process_wide_state_and_tune_allocator_is_explicit() -> None:
    out = run_python("""
        import ctypes, json, os, sys, warnings
        import numpy as np
        calls = []
        real_cdll = ctypes.CDLL
        class Spy(real_cdll):
            def __init__(self, *args, **kwargs):
                calls.append(args[0])
                super().__init__(*args, **kwargs)
        ctypes.CDLL = Spy
        state = lambda: repr((np.geterr(), np.get_printoptions(), np.random.get_state()[1][:4], dict(os.environ),
                              list(warnings.filters), sys.getrecursionlimit()))
        before = state()
        import tinygrad_lenet as tl
        tl.viz, tl.train, tl.models
        after = state()
        calls_on_import = list(calls)
        tuned = tl.tune_allocator()
        print(json.dumps({"same": before == after, "on_import": calls_on_import, "tuned": tuned, "calls": calls}))
    """)
    result = json.loads(out)
    assert result["same"] and result["on_import"] == []
    import platform

    glibc = sys.platform == "linux" and platform.libc_ver()[0] == "glibc"
    assert result["tuned"] is glibc
    assert result["calls"] == (["libc.so.6"] if glibc else [])


def test_tune_allocator_can_be_turned_off(monkeypatch: pytest.MonkeyPatch) -> None:
    import tinygrad_lenet as tl

    monkeypatch.setenv("TINYGRAD_LENET_MALLOC_TUNING", "0")
    assert tl.tune_allocator() is False


# --- the import graph -----------------------------------------------------------------------------------
def module_files() -> dict[str, Path]:
    """Every module of the installed package by dotted name (``tinygrad_lenet.ops.conv``)."""
    files = {}
    for base, prefix in ((PACKAGE, "tinygrad_lenet"), (MODELS, "tinygrad_lenet.models")):
        for path in sorted(base.rglob("*.py")):
            parts = list(path.relative_to(base).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            files[".".join([prefix, *parts])] = path
    return files


def _module_level_imports(body: list[ast.stmt]) -> list[ast.Import | ast.ImportFrom]:
    """The imports a module runs when it is imported: not those in functions, nor under TYPE_CHECKING."""
    found: list[ast.Import | ast.ImportFrom] = []
    for node in body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            found.append(node)
        elif isinstance(node, ast.If):
            if not (isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"):
                found += _module_level_imports(node.body) + _module_level_imports(node.orelse)
        elif isinstance(node, ast.Try):
            found += _module_level_imports(node.body)
    return found


def import_graph() -> dict[str, set[str]]:
    """For each module, the package modules its module-level imports load (run when it is imported)."""
    files = module_files()
    graph: dict[str, set[str]] = {}
    for name, path in files.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        targets: set[str] = set()
        for node in _module_level_imports(ast.parse(path.read_text()).body):
            if isinstance(node, ast.Import):
                targets |= {alias.name for alias in node.names}
                continue
            base = package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
            source = ".".join([*base, *([node.module] if node.module else [])])
            for alias in node.names:
                submodule = f"{source}.{alias.name}"
                targets.add(submodule if submodule in files else source)
        graph[name] = {t for t in targets if t in files and t != name}
    return graph


def layer_of(module: str) -> int:
    rest = module.removeprefix("tinygrad_lenet").removeprefix(".")
    first = rest.split(".")[0]
    for i, layer in enumerate(LAYERS):
        if first in layer:
            return i
    raise AssertionError(f"{module} is in no layer of LAYERS: add it there and to docs/design.md")


def test_the_bottom_layers_are_folders() -> None:
    """The package root holds only its public face: every other module lives in a folder named for its layer's part."""
    assert sorted(p.name for p in PACKAGE.glob("*.py")) == ["__init__.py", "__main__.py"]
    assert {layer_of(m) for m in module_files() if m.count(".") == 1 and m != "tinygrad_lenet.__main__"} <= set(
        range(len(LAYERS))
    )


OLD_FLAT_MODULES = (
    "errors",
    "dtypes",
    "dims",
    "random",
    "file_io",
    "module_stack",
    "allocator",
    "devices",
    "threads",
    "grad_mode",
    "function",
    "engine",
    "second_order",
    "tensor_math",
    "tensor_movement",
    "tensor_inplace",
    "tensor_autograd",
    "factories",
    "tensor_functions",
    "gradcheck",
    "checkpoint",
    "torch_checkpoint",
)  # the modules of layers 0-2 that were files in the package root (tensor and autograd kept their paths)


def test_the_old_flat_module_paths_still_import_the_moved_modules() -> None:
    """Code written before layers 0-2 moved into folders keeps working: each old path is the moved module itself."""
    out = run_python("""
        import importlib, json
        import tinygrad_lenet
        from tinygrad_lenet.function import Function, Grads
        from tinygrad_lenet import threads
        old_names = tinygrad_lenet._MOVED_MODULES
        pairs = {old: importlib.import_module("tinygrad_lenet." + old).__name__ for old in old_names}
        print(json.dumps({"pairs": pairs, "function": Function is tinygrad_lenet.Function,
                          "threads": threads.__name__}))
    """)
    result = json.loads(out)
    assert result["pairs"] == {old: f"tinygrad_lenet.{new}" for old, new in _moved_modules().items()}
    assert (
        sorted(result["pairs"]) == sorted(OLD_FLAT_MODULES)
        and result["function"]
        and result["threads"] == "tinygrad_lenet.base.threads"
    )


def _moved_modules() -> dict[str, str]:
    import tinygrad_lenet

    return dict(tinygrad_lenet._MOVED_MODULES)


def test_no_import_cycle() -> None:
    graph = import_graph()
    state: dict[str, str] = {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = "open"
        for target in sorted(graph[node]):
            if state.get(target) == "open":
                cycle = path[path.index(target) :] + [target] if target in path else [node, target]
                raise AssertionError("import cycle: " + " -> ".join(cycle))
            if target not in state:
                visit(target, [*path, target])
        state[node] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])


def test_every_module_imports_only_from_its_layer_and_below() -> None:
    upward = [
        f"{source} (layer {layer_of(source)}) imports {target} (layer {layer_of(target)})"
        for source, targets in import_graph().items()
        for target in targets
        if layer_of(target) > layer_of(source)
    ]
    assert upward == []


@pytest.mark.slow
def test_each_module_imports_alone_and_in_any_order() -> None:
    """Fresh module state for each trial; the package's __init__ is bypassed for the order trials
    (a stub package), so the modules' own imports are what is tested, not __init__'s order. Through the
    real __init__, only the modules it does not import itself are tried one by one (importing one it
    does is importing the package, tried once)."""
    modules = sorted(m for m in module_files() if m != "tinygrad_lenet.__main__")  # a script: running it trains
    out = run_python(f"""
        import importlib, json, random, sys, types
        modules = {modules!r}
        def clear():
            for name in [m for m in sys.modules if m == "tinygrad_lenet" or m.startswith("tinygrad_lenet.")]:
                del sys.modules[name]
        def stub():
            clear()
            package = types.ModuleType("tinygrad_lenet")
            package.__path__ = [{str(PACKAGE)!r}, {str(ROOT)!r}]  # the second for models/ (tinygrad_lenet.models)
            sys.modules["tinygrad_lenet"] = package
        failures = []
        def attempt(label, names):
            try:
                for name in names:
                    importlib.import_module(name)
            except Exception as e:
                failures.append(f"{{label}}: {{name}}: {{type(e).__name__}}: {{e}}")
        clear()
        attempt("the package", ["tinygrad_lenet"])
        by_init = {{m for m in sys.modules if m.startswith("tinygrad_lenet.")}}
        for name in modules:
            if name not in by_init:  # one __init__ imports is imported alone exactly as the package is: tried above
                clear()
                attempt("alone", [name])
            stub()
            attempt("alone, bypassing __init__", [name])
        orders = [modules, modules[::-1]] + [random.Random(seed).sample(modules, len(modules)) for seed in range(5)]
        for i, order in enumerate(orders):
            stub()
            attempt(f"order {{i}}", order)
        print(json.dumps({{"failures": failures, "trials": 2 * len(modules) + len(orders)}}))
    """)
    result = json.loads(out)
    assert result["failures"] == [] and result["trials"] > 100


# --- models/ uses the public API only ---------------------------------------------------------------------
PUBLIC_MODULES = {
    "tinygrad_lenet",
    "tinygrad_lenet.nn",
    "tinygrad_lenet.nn.functional",
    "tinygrad_lenet.nn.init",
    "tinygrad_lenet.optim",
    "tinygrad_lenet.optim.lr_scheduler",
    "tinygrad_lenet.data",
}


def private_uses(path: Path) -> list[str]:
    """What a file of models/ reaches of tinygrad_lenet that is not public: a private module, a
    ``_name`` imported from it, or a ``_name`` attribute of it."""
    tree = ast.parse(path.read_text())
    aliases: set[str] = set()
    problems = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "tinygrad_lenet":
                    if alias.name not in PUBLIC_MODULES:
                        problems.append(f"line {node.lineno}: import {alias.name}")
                    aliases.add(alias.asname or alias.name.split(".")[0])
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                continue  # from .lenet5 import ...: the models' own files
            if (node.module or "").split(".")[0] != "tinygrad_lenet":
                continue
            if node.module not in PUBLIC_MODULES:
                problems.append(f"line {node.lineno}: from {node.module} import ...")
            for alias in node.names:
                if alias.name.startswith("_"):
                    problems.append(f"line {node.lineno}: from {node.module} import {alias.name}")
                aliases.add(alias.asname or alias.name)
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__"):
            if isinstance(node.value, ast.Name) and node.value.id in aliases:
                problems.append(f"line {node.lineno}: {node.value.id}.{node.attr}")
    return problems


def test_models_use_the_public_api_only() -> None:
    problems = {path.name: private_uses(path) for path in sorted(MODELS.glob("*.py"))}
    assert {name: found for name, found in problems.items() if found} == {}


def test_the_private_use_check_finds_what_it_looks_for(tmp_path: Path) -> None:
    sample = tmp_path / "bad.py"
    sample.write_text(
        "import tinygrad_lenet as tl\nfrom tinygrad_lenet.tensor import Tensor\n"
        "from tinygrad_lenet import _hidden\nx = tl._make\nfrom .lenet5 import LeNet5\n"
    )
    assert private_uses(sample) == [
        "line 2: from tinygrad_lenet.tensor import ...",
        "line 3: from tinygrad_lenet import _hidden",
        "line 4: tl._make",
    ]


# --- the installed wheel --------------------------------------------------------------------------------------
@pytest.mark.slow
def test_the_wheel_installs_models_inside_the_package_only(tmp_path: Path) -> None:
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(tmp_path), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert build.returncode == 0, build.stderr
    wheel = next(tmp_path.glob("*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert {n.split("/")[0] for n in names} == {"tinygrad_lenet", wheel.name.split("-py3")[0] + ".dist-info"}
    assert "tinygrad_lenet/models/lenet5.py" in names and "tinygrad_lenet/models/registry.py" in names
    site, elsewhere = tmp_path / "site", tmp_path / "elsewhere"
    zipfile.ZipFile(wheel).extractall(site)
    elsewhere.mkdir()
    env = {"PYTHONPATH": str(site), "TQDM_DISABLE": "1"}
    out = run_python(
        f"""
        import tinygrad_lenet
        assert tinygrad_lenet.__file__.startswith({str(site)!r}), tinygrad_lenet.__file__
        from tinygrad_lenet.models import LeNet5
        print(LeNet5().num_parameters())
        try:
            import models
        except ModuleNotFoundError:
            print("no top-level models")
    """,
        cwd=elsewhere,
        env=env,
    )
    assert out.split() == ["61706", "no", "top-level", "models"]
    train = subprocess.run(
        [
            sys.executable,
            "-m",
            "tinygrad_lenet",
            "train",
            "--model",
            "lenet5",
            "--epochs",
            "1",
            "--data",
            "sample",
            "--no-progress",
            "--out",
            "run",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=elsewhere,
        env={**os.environ, **env},
    )
    assert train.returncode == 0, train.stderr
    assert "final test accuracy" in train.stdout and (elsewhere / "run" / "last.safetensors").exists()
