"""Every Python example in README.md and docs/ runs as written."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BLOCKS = [
    pytest.param(textwrap.dedent(code), id=f"{path.name}#{i}")  # dedented: a block may sit in a list item
    for path in DOCS
    for i, (_, code) in enumerate(re.findall(r"^( *)```python\n(.*?)^\1```", path.read_text(), re.S | re.M))
]


@pytest.mark.parametrize("code", BLOCKS)
def test_python_example_runs(code: str) -> None:
    exec(compile(code, "<doc example>", "exec"), {"__name__": "__doc_example__"})
