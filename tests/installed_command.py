"""Running the installed ``tinygrad-lenet`` command as a user would, in a subprocess."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

COMMAND = (
    str(Path(sys.executable).with_name("tinygrad-lenet"))
    if Path(sys.executable).with_name("tinygrad-lenet").exists()
    else shutil.which("tinygrad-lenet")
)


def run(*args: str, cwd: Path, timeout: float = 300, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """``tinygrad-lenet ARGS`` in ``cwd``; its output is a pipe, not a terminal."""
    assert COMMAND is not None, "the tinygrad-lenet command is not installed (pip install -e .)"
    return subprocess.run(
        [COMMAND, *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=timeout,
        env={**os.environ, **(env or {})},
        stdin=subprocess.DEVNULL,
    )


def one_line_error(result: subprocess.CompletedProcess, code: int, *fragments: str) -> str:
    """Assert that the command failed with ``code`` and one line on stderr holding every fragment."""
    err = result.stderr
    assert result.returncode == code, (result.returncode, result.stdout[-2000:], err[-2000:])
    assert "Traceback" not in err and "Warning" not in err, err
    lines = [line for line in err.splitlines() if line.strip()]
    if code == 2:  # argparse: the usage line(s), then one error line
        lines = [line for line in lines if "error:" in line]
    assert len(lines) == 1, err
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
    return lines[0]
