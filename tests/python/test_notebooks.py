"""The example notebooks run from top to bottom, and their stored outputs are the ones a fresh run gives.

The notebooks are stored executed (examples/make_notebooks.py) so that a reader sees their tables and charts
without running anything; a notebook whose stored outputs differ from a fresh run is stale and fails here.
Compared: the text of every output (streams, ``text/plain``, ``text/html``, errors) with memory addresses and
timings blanked, consecutive prints as one text; for images only that there is one and its type (PNG bytes
vary with the Matplotlib build).
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
NOTEBOOKS = sorted(EXAMPLES.glob("*.ipynb"))
TEXT = ("text/plain", "text/html", "text/markdown", "text/latex")
_VOLATILE = [
    (re.compile(r"0x[0-9a-fA-F]+"), "0x…"),  # memory addresses in reprs
    (re.compile(r"\b\d+(\.\d+)?\s?(s|ms|µs|us|ns|sec|seconds)\b"), "<time>"),  # timings
]


def _text(value: str | list[str]) -> str:
    text = "".join(value) if isinstance(value, list) else value
    for pattern, blank in _VOLATILE:
        text = pattern.sub(blank, text)
    return text


def outputs(nb: nbformat.NotebookNode) -> list[list[tuple[str, ...]]]:
    """What a reader sees of each code cell's outputs, in a form two runs of a current notebook share."""
    cells = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        seen: list[tuple[str, ...]] = []
        for out in cell.get("outputs", []):
            kind = out.output_type
            if kind == "stream":  # consecutive prints are one text however the kernel flushed them
                if seen and seen[-1][:2] == (kind, out.name):
                    seen[-1] = (kind, out.name, seen[-1][2] + _text(out.text))
                else:
                    seen.append((kind, out.name, _text(out.text)))
            elif kind == "error":
                seen.append((kind, out.ename, _text(out.evalue)))
            else:
                data = out.get("data", {})
                seen.append(
                    (kind, *(f"{m}: {_text(data[m]) if m in TEXT else '<data>'}" for m in sorted(data)))
                )
        cells.append(seen)
    return cells


def stale_cells(stored: nbformat.NotebookNode, fresh: nbformat.NotebookNode) -> list[str]:
    """The code cells whose stored outputs differ from a fresh run's, each with its first lines of source."""
    sources = [c.source for c in stored.cells if c.cell_type == "code"]
    old, new = outputs(stored), outputs(fresh)
    if len(old) != len(new):
        return [f"{len(old)} code cells stored, {len(new)} run"]
    return [
        f"cell {i} ({(sources[i].splitlines() or [''])[0]!r}): stored {a!r:.300}, fresh {b!r:.300}"
        for i, (a, b) in enumerate(zip(old, new, strict=True))
        if a != b
    ]


def test_there_are_notebooks() -> None:
    assert len(NOTEBOOKS) >= 4
    assert EXAMPLES / "04_crm_export_to_quarterly_review.ipynb" in NOTEBOOKS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_is_stored_with_outputs_and_a_chart(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.get("outputs") or c.source.rstrip().endswith(";") for c in code[:1]), (
        "stored without outputs"
    )
    data = [o.get("data", {}) for c in code for o in c.get("outputs", [])]
    assert any("image/png" in d for d in data), "no chart"
    assert any("text/html" in d for d in data), "no table"
    assert all(c.get("id") for c in nb.cells), "cells need ids"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_and_its_outputs_are_current(path: Path) -> None:
    stored = nbformat.read(path, as_version=4)
    fresh = copy.deepcopy(stored)
    client = nbclient.NotebookClient(
        fresh, timeout=300, kernel_name="python3", resources={"metadata": {"path": EXAMPLES}}
    )
    client.execute()
    errors = [o for c in fresh.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors
    stale = stale_cells(stored, fresh)
    assert not stale, (
        f"{path.name}: stored outputs are stale; run `python examples/make_notebooks.py {path.name[:2]}`:\n"
        + "\n".join(stale)
    )


def test_the_freshness_check_fails_on_stale_outputs() -> None:
    stored = nbformat.read(NOTEBOOKS[0], as_version=4)
    assert stale_cells(stored, copy.deepcopy(stored)) == []
    table = next(
        (c, o)
        for c in stored.cells
        if c.cell_type == "code"
        for o in c.outputs
        if "text/html" in o.get("data", {})
    )
    stale = copy.deepcopy(stored)
    changed = next(c for c in stale.cells if c.id == table[0].id)
    out = next(o for o in changed.outputs if "text/html" in o.get("data", {}))
    out.data["text/html"] = out.data["text/html"].replace("<td>", "<td>9", 1)  # a figure changed in a table
    assert len(stale_cells(stale, stored)) == 1
    without_chart = copy.deepcopy(stored)
    for cell in without_chart.cells:
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.outputs if "image/png" not in o.get("data", {})]
    assert stale_cells(without_chart, stored)  # a chart that a fresh run draws is missing
    moved = copy.deepcopy(stored)
    for cell in moved.cells:
        for o in cell.get("outputs", []):
            if "image/png" in o.get("data", {}):
                o.data["image/png"] = o.data["image/png"][::-1]  # other bytes, same chart: not stale
            if "text/plain" in o.get("data", {}):
                o.data["text/plain"] = re.sub("0x[0-9a-f]+", "0xdeadbeef", o.data["text/plain"])
    assert stale_cells(moved, stored) == []
