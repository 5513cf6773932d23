"""Write the OpInfo ledger (docs/parity.md) from a run of PyTorch's operator database, and keep the list of
deliberate differences (tests/opinfo_differences.py) in step with it.

    python tests/opinfo_ledger.py                      # docs/parity.md
    python tests/opinfo_ledger.py --differences        # also rewrite opinfo_differences.py: every entry that
                                                       # does not pass keeps its reason or gets "not yet: <error>"
    python tests/opinfo_ledger.py --only sin cumsum    # print the outcome of these (and their variants) only

Needs PyTorch (``make parity``). ``tests/test_opinfo.py`` checks the same outcomes on every CI run.
"""

from __future__ import annotations

import argparse
import collections
import pprint
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import opinfo  # noqa: E402  # found through the path above
from opinfo_differences import DIFFERENCES  # noqa: E402  # found through the path above

NOT_YET = "not yet:"


def outcomes() -> list[opinfo.Outcome]:
    ops = opinfo.in_scope_opinfos()
    try:
        from tqdm import tqdm

        ops = tqdm(ops, desc="OpInfos", unit="op")
    except ImportError:
        pass
    return [opinfo.run(op) for op in ops]


def ledger(results: list[opinfo.Outcome]) -> str:
    import torch

    counts = collections.Counter(r.status for r in results)
    passing = counts["pass"]
    lines = [
        "# PyTorch parity: the operator database",
        "",
        "Every entry of PyTorch's own operator test database (`op_db` in",
        "`torch.testing._internal.common_methods_invocations`) named as a `torch` function, a `Tensor` method or",
        "`nn.functional.*` runs its sample inputs through PyTorch and through tinygrad_lenet (float64, with",
        "gradients): same shapes, dtypes, values and gradients, both spellings where PyTorch has both",
        "(`tests/opinfo.py`). fft, linalg, special, masked, sparse and private ops are out of scope for now.",
        "`tests/test_opinfo.py` runs it in CI; `python tests/opinfo_ledger.py` rewrites this page.",
        "",
        f"PyTorch {torch.__version__}: **{passing} of {len(results)} in-scope OpInfos pass all their samples"
        f" ({100 * passing / len(results):.1f}%)**; "
        + ", ".join(f"{n} {status}" for status, n in sorted(counts.items()) if status != "pass")
        + ".",
        "",
        "A status other than pass is a difference: its reason says whether it is deliberate or not done yet.",
        "",
        "| OpInfo | status | samples | reason |",
        "| --- | --- | --- | --- |",
    ]
    for r in sorted(results, key=lambda r: r.key):
        reason = DIFFERENCES.get(r.key, "") if r.status != "pass" else ""
        reason = reason.replace("|", "\\|")
        lines.append(f"| `{r.key}` | {r.status} | {r.samples} | {reason} |")
    return "\n".join(lines) + "\n" + optimizers() + modules()


def modules() -> str:
    """The module database's table (tests/moduleinfo.py, checked by tests/test_moduleinfo.py)."""
    import moduleinfo
    from test_moduleinfo import DIFFERENCES as MODULE_DIFFERENCES
    from test_moduleinfo import NOT_HERE as MODULES_NOT_HERE

    results = [moduleinfo.run(info) for info in moduleinfo.module_infos()]
    passing = sum(r.status == "pass" for r in results)
    missing = [r.name for r in results if r.status == "missing"]
    lines = [
        "",
        "## Modules: the module database",
        "",
        "Each module class of PyTorch's `module_db` that tinygrad_lenet has is built with PyTorch's constructor",
        "arguments, given PyTorch's weights, and run on its samples (float64, training mode): same outputs and",
        f"gradients (`tests/moduleinfo.py`). **{passing} of {len(results)} module classes pass**;"
        f" {len(results) - passing - len(missing)} here differ; {len(missing)} are not here.",
        "",
        "| module | status | samples | reason |",
        "| --- | --- | --- | --- |",
    ]
    lines += [
        f"| `nn.{r.name}` | {r.status} | {r.samples} | {MODULE_DIFFERENCES.get(r.name, '')} |"
        for r in results
        if r.status != "missing"
    ]
    if missing:
        lines += [
            "",
            "Not here: " + ", ".join(f"`nn.{name}` ({MODULES_NOT_HERE.get(name, '')})" for name in sorted(missing)),
        ]
    return "\n".join(lines) + "\n"


def optimizers() -> str:
    """The optimizer database's table (tests/optiminfo.py, checked by tests/test_optiminfo.py)."""
    import optiminfo
    from test_optiminfo import NOT_HERE

    results = [optiminfo.run(info) for info in optiminfo.optimizer_infos()]
    passing = sum(r.status == "pass" for r in results)
    here = sum(r.status != "missing" for r in results)
    lines = [
        "",
        "## Optimizers: the optimizer database",
        "",
        "Each optimizer of PyTorch's `optim_db` that tinygrad_lenet has runs every hyperparameter set PyTorch tests",
        "(weight decay, maximize, amsgrad, nesterov, a tensor lr, ...) for five steps beside PyTorch's: the",
        f"parameters must agree to rtol 1e-9 (`tests/optiminfo.py`). **{passing} of the {here} optimizers here pass"
        f" all their inputs**; {len(results) - here} of PyTorch's are not here.",
        "",
        "| optimizer | status | inputs | reason |",
        "| --- | --- | --- | --- |",
    ]
    lines += [f"| `{r.name}` | {r.status} | {r.inputs} | {NOT_HERE.get(r.name, '')} |" for r in results]
    return "\n".join(lines) + "\n"


def differences(results: list[opinfo.Outcome]) -> dict[str, str]:
    """Each entry that does not pass, with its kept deliberate reason or "not yet: <what happened>"."""
    entries = {}
    for r in sorted(results, key=lambda r: r.key):
        if r.status == "pass":
            continue
        kept = DIFFERENCES.get(r.key)
        entries[r.key] = kept if kept and not kept.startswith(NOT_YET) else f"{NOT_YET} {r.status}: {r.detail}"[:160]
    return entries


def write_differences(entries: dict[str, str]) -> None:
    path = HERE / "opinfo_differences.py"
    body = pprint.pformat(entries, width=116, sort_dicts=False)
    path.write_text(
        '"""The in-scope OpInfos that do not pass, each with its one-line reason (see tests/opinfo.py).\n\n'
        'A reason starting "not yet:" is work to do; any other is a deliberate difference. An entry that\n'
        "starts passing fails tests/test_opinfo.py until it is removed from here\n"
        "(python tests/opinfo_ledger.py --differences).\n"
        '"""\n\n'
        f"DIFFERENCES: dict[str, str] = {body}\n"
    )
    subprocess.run([sys.executable, "-m", "ruff", "format", "--quiet", str(path)], check=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--differences", action="store_true", help="also rewrite tests/opinfo_differences.py")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="print these OpInfos' outcomes (names or prefixes)")
    args = parser.parse_args()
    if args.only:
        for op in opinfo.in_scope_opinfos():
            if any(opinfo.key(op) == n or opinfo.key(op).startswith(n + ".") for n in args.only):
                r = opinfo.run(op)
                print(f"{r.key}: {r.status} ({r.samples} samples) {r.detail}")
        return
    results = outcomes()
    if args.differences:
        entries = differences(results)
        write_differences(entries)
        DIFFERENCES.clear()
        DIFFERENCES.update(entries)
    (HERE.parent / "docs" / "parity.md").write_text(ledger(results))
    counts = collections.Counter(r.status for r in results)
    print(f"{counts['pass']} of {len(results)} pass; " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))


if __name__ == "__main__":
    main()
