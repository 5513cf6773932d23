"""The notebook tutorials in docs/tutorials run top to bottom in a Jupyter kernel, and show what they promise.

They are jupytext "percent" files (docs/design.md); the docs build (mkdocs-jupyter) executes
them too and renders their outputs into the site.
"""

import re
import tempfile
from pathlib import Path

import pytest

jupytext = pytest.importorskip("jupytext", reason="the docs extra is not installed (pip install -e '.[docs]')")
nbclient = pytest.importorskip("nbclient", reason="the docs extra is not installed (pip install -e '.[docs]')")
pytest.importorskip("ipykernel", reason="the docs extra is not installed (pip install -e '.[docs]')")

TUTORIALS = Path(__file__).resolve().parent.parent / "docs" / "tutorials"
NAMES = sorted(p.stem for p in TUTORIALS.glob("*.py"))


def run(name: str):
    notebook = jupytext.read(TUTORIALS / f"{name}.py")
    with tempfile.TemporaryDirectory() as folder:
        nbclient.NotebookClient(
            notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": folder}}
        ).execute()
    return notebook


def outputs(notebook, mime: str) -> list[str]:
    return [
        out["data"][mime]
        for cell in notebook.cells
        if cell.cell_type == "code"
        for out in cell.get("outputs", [])
        if mime in out.get("data", {})
    ]


def stdout(notebook) -> str:
    return "".join(
        out.get("text", "") for cell in notebook.cells for out in cell.get("outputs", []) if out.get("name") == "stdout"
    )


def test_every_tutorial_is_in_the_site_navigation():
    nav = (TUTORIALS.parent.parent / "mkdocs.yml").read_text()
    assert NAMES and all(f"tutorials/{name}.py" in nav for name in NAMES)


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_tutorial_runs_without_errors(name):
    notebook = run(name)
    errors = [out for cell in notebook.cells for out in cell.get("outputs", []) if out.get("output_type") == "error"]
    assert not errors
    streams = "".join(
        out.get("text", "") for cell in notebook.cells for out in cell.get("outputs", []) if out.get("name") == "stderr"
    )
    assert "Warning" not in streams and "Traceback" not in streams, streams
    if name == "autograd_from_scratch":
        assert any("<svg" in svg for svg in outputs(notebook, "image/svg+xml"))  # draw_graph shows inline
        pages = [h for h in outputs(notebook, "text/html") if h.startswith("<iframe srcdoc=")]
        assert len(pages) == 2 and all("type=&quot;range&quot;" in page for page in pages)  # backward_steps' slider
    if name == "train_lenet5":
        assert len(outputs(notebook, "image/png")) == 5  # curves, filters, feature maps, confusion, mistakes
        assert outputs(notebook, "image/svg+xml")  # the graph at module depth
    if name == "compare_optimizers":
        assert outputs(notebook, "image/png")
    if name == "attention_step_by_step":
        assert len(outputs(notebook, "image/png")) == 2  # the heatmaps: the hand-built head, nn.MultiheadAttention's
        assert any("<svg" in svg for svg in outputs(notebook, "image/svg+xml"))  # the head's graph
        assert any(h.startswith("<iframe srcdoc=") for h in outputs(notebook, "text/html"))  # its backward steps
        printed = stdout(notebook)
        differences = re.findall(r"max \|difference\| from .*: (\S+)", printed)  # ours; PyTorch's when installed
        assert differences and all(float(d) < 1e-6 for d in differences), differences
        assert "masked weights (above the diagonal): 15, largest 0.0" in printed
        assert "gradient at the masked scores: largest |value| 0.0" in printed
    if name == "how_a_compiler_works":
        assert any("Conv2d+Relu+MaxPool2d" in svg for svg in outputs(notebook, "image/svg+xml"))  # draw_plan
        assert len(outputs(notebook, "image/png")) == 1  # W' of conv1
        printed = stdout(notebook)
        assert "6 kernels for 12 recorded ops" in printed and "ext0 is model.conv1.weight: True" in printed
        # compiled vs eager output, blocked vs eager conv1, gradients and parameters after training
        differences = re.findall(r"max \|difference\| .*: (\S+)", printed)
        assert len(differences) == 4 and all(float(d) < 1e-4 for d in differences), differences
        assert "1 CompileWarning in 3 calls" in printed and "runs eagerly: item()" in printed
        assert "CompileError: tl.compile(fullgraph=True)" in printed
        assert re.search(r"compiled: +[\d,]+ img/s", printed)
