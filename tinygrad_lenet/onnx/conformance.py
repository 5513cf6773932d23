"""The ONNX project's own backend node tests, run through ``tl.onnx.load`` for every operator we map.

The ``onnx`` package generates each test case (a one-node model, inputs, expected outputs, and
tolerances) with ``onnx.backend.test.case.node.collect_testcases``. A case counts as passed when
every output matches within its tolerances, as refused when the importer declines it with a
``NotImplementedError`` naming what is not supported, and as failed otherwise.

    python -m tinygrad_lenet.onnx.conformance      # the table of docs/interop.md
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from .import_table import IMPORTERS
from .importer import OnnxModule

if TYPE_CHECKING:
    from onnx.backend.test.case.test_case import TestCase


@dataclass
class Outcome:
    """The node tests of one operator (or combination of operators, as a case may use several)."""

    passed: list[str] = field(default_factory=list)
    refused: dict[str, str] = field(default_factory=dict)  # case -> the importer's reason
    failed: dict[str, str] = field(default_factory=dict)  # case -> what went wrong

    @property
    def total(self) -> int:
        return len(self.passed) + len(self.refused) + len(self.failed)


def run_case(case: TestCase) -> tuple[str, str]:
    """("passed" | "refused" | "failed", detail) for one backend test case."""
    if case.model is None or case.data_sets is None:
        return "failed", "the case has no model or no data sets (not a node test)"
    try:
        module = OnnxModule(case.model)
        for inputs, expected in case.data_sets:
            got = module(*inputs)
            pairs = list(zip(got if isinstance(got, tuple) else (got,), expected))
            while pairs:
                ours, theirs = pairs.pop()
                if isinstance(theirs, list):  # a sequence: compare element by element
                    if not isinstance(ours, list) or len(ours) != len(theirs):
                        return "failed", f"a sequence of {len(theirs)} tensors expected"
                    pairs += list(zip(ours, theirs))
                    continue
                ours = ours.numpy()
                if ours.shape != theirs.shape:
                    return "failed", f"shape {ours.shape}, expected {theirs.shape}"
                if not np.allclose(ours, theirs, rtol=case.rtol, atol=case.atol, equal_nan=True):
                    return "failed", f"largest difference {np.max(np.abs(ours - theirs.astype(ours.dtype)))}"
    except NotImplementedError as e:
        return "refused", str(e)
    except Exception as e:
        return "failed", f"{type(e).__name__}: {e}"
    return "passed", ""


def node_test_results() -> dict[str, Outcome]:
    """Every backend node test whose operators are all in ``IMPORTERS``, run, grouped by operator(s)."""
    from onnx.backend.test.case.node import collect_testcases

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the generators divide by zero on purpose (reductions of empty tensors)
        cases = collect_testcases(None)
    results: dict[str, Outcome] = {}
    for case in cases:
        if case.model is None:  # node tests all carry their one-node model
            continue
        ops = sorted({node.op_type for node in case.model.graph.node})
        if not set(ops) <= set(IMPORTERS):
            continue
        outcome = results.setdefault(" + ".join(ops), Outcome())
        status, detail = run_case(case)
        if status == "passed":
            outcome.passed.append(case.name)
        else:
            getattr(outcome, status)[case.name] = detail
    return results


def table(results: dict[str, Outcome]) -> str:
    """The results as a Markdown table, with a line per refused case."""
    lines = ["| operator(s) | passed | refused | failed |", "| --- | --- | --- | --- |"]
    lines += [
        f"| {ops} | {len(o.passed)}/{o.total} | {len(o.refused)} | {len(o.failed)} |"
        for ops, o in sorted(results.items())
    ]
    passed, total = sum(len(o.passed) for o in results.values()), sum(o.total for o in results.values())
    lines.append(
        f"| **all** | **{passed}/{total}** | {sum(len(o.refused) for o in results.values())} | "
        f"{sum(len(o.failed) for o in results.values())} |"
    )
    lines += ["", "Refused:"] + [
        f"- `{case}`: {reason}" for o in results.values() for case, reason in o.refused.items()
    ]
    lines += [f"- FAILED `{case}`: {why}" for o in results.values() for case, why in o.failed.items()]
    return "\n".join(lines)


if __name__ == "__main__":
    print(table(node_test_results()))
