"""Writes the site's pages that come from the library itself, before Sphinx reads the sources.

- ``generated/kpi-table.md``: the KPI definitions table, from the core's registry (``kpi.kpi_table()``);
- ``generated/examples/*.ipynb``: copies of the notebooks of ``examples/`` (stored with their outputs);
- ``generated/gallery.md`` and its PNGs: the charts of ``accountkpi.plot`` (``gallery.py``);
- ``generated/cpp/<area>.md``: the C++ API, one page per area of ``include/accountkpi`` (``book``, ``kpi``,
  ``ltv``, ...), from doxygen's XML of its headers read by Breathe (``docs/Doxyfile``).
"""

from __future__ import annotations

import importlib
import inspect
import os
import pkgutil
import re
import subprocess
from pathlib import Path
from typing import Any

import gallery
from sphinx.application import Sphinx
from sphinx.pycode import ModuleAnalyzer
from sphinx.util import logging
from sphinx.util.nodes import get_node_source

import accountkpi as ak

logger = logging.getLogger(__name__)

DOCS = Path(__file__).resolve().parents[1]
ROOT = DOCS.parent
GENERATED = DOCS / "generated"


def _write(path: Path, text: str) -> None:
    """Writes ``text`` unless the file already holds it (so that Sphinx rebuilds only what changed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def escape_bars(  # noqa: PLR0917 - the signature of Sphinx's autodoc-process-docstring event
    app: Sphinx, what: str, name: str, obj: object, options: object, lines: list[str]
) -> None:
    """Set sizes written ``|S|`` in the docstrings (plain text for ``help()``) are not reST substitutions."""
    for i, line in enumerate(lines):
        parts = re.split(r"(``.*?``)", line)
        lines[i] = "".join(
            part
            if part.startswith("``")
            else re.sub(r"(?<![\\`])\|([^|\s`][^|`]*?)\|(?![_`])", r"\\|\1\\|", part)
            for part in parts
        )


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def kpi_table() -> str:
    """The KPI definitions table, from the core's KPI registry (``accountkpi.kpi.kpi_table()``)."""
    table = ak.kpi.kpi_table()
    rows = [
        "# KPI definitions table",
        "",
        f"The {len(table)} KPIs the engine computes, in its order, from the C++ core's KPI registry",
        "(`accountkpi.kpi.kpi_table()`). The formulas, variants and edge cases are explained in",
        "[the KPI reference](../kpis.md).",
        "",
        "| KPI | Definition | Formula | Unit | Higher is better | Level | Options |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name, row in table.iterrows():
        options = ", ".join(f"`{o}`" for o in row["options"])
        rows.append(
            f"| {{py:func}}`{name} <accountkpi.kpi.{name}>` | {_cell(row['definition'])} | "
            f"`{_cell(row['formula'])}` | {row['unit']} | {'yes' if row['higher_is_better'] else 'no'} | "
            f"{row['level']} | {options} |"
        )
    return "\n".join(rows) + "\n"


def public_modules() -> list[str]:
    """``accountkpi`` and every module of it with no underscore in its dotted name."""
    modules = pkgutil.walk_packages(ak.__path__, "accountkpi.")
    return ["accountkpi", *sorted(m.name for m in modules if "._" not in m.name)]


def data_of() -> dict[str, list[str]]:
    """Per public module, the constants of its ``__all__`` that autodoc's ``automodule`` leaves out (those
    without a ``#:`` comment in the module itself, such as a table re-exported from a private module)."""
    out = {}
    for module in public_modules():
        m = importlib.import_module(module)
        commented = {name for (_, name) in ModuleAnalyzer.for_module(module).find_attr_docs()}
        out[module] = [
            name
            for name in getattr(m, "__all__", [])
            if not name.startswith("__")
            and name not in commented
            and not any(f(getattr(m, name)) for f in (inspect.ismodule, inspect.isclass, callable))
        ]
    return out


def type_docstring(  # noqa: PLR0917 - the signature of Sphinx's autodoc-process-docstring event
    app: Sphinx, what: str, name: str, obj: object, options: object, lines: list[str]
) -> None:
    """A constant without a comment of its own shows no docstring, rather than that of its type (``dict``)."""
    if what == "data" and lines and type(obj).__doc__ and lines[0] == type(obj).__doc__.splitlines()[0]:
        lines.clear()


#: The API pages whose cross-references are checked (nitpicky), beside every page outside generated/api and
#: generated/cpp; the other API pages are to follow.
NITPICKY_API = (
    "accountkpi.bridge",
    "accountkpi.cli",
    "accountkpi.compare",
    "accountkpi.concentration",
    "accountkpi.health",
    "accountkpi.health_backtest",
    "accountkpi.ltv.plotting",
    "accountkpi.plot",
    "accountkpi.plot_backtest",
    "accountkpi.plot_bridge",
    "accountkpi.renewals",
    "accountkpi.report",
    "accountkpi.report_backtest",
    "accountkpi.report_bridge",
    "accountkpi.report_format",
    "accountkpi.whatif",
)


def checked(doc: str) -> bool:
    """Whether the cross-references of page ``doc`` are checked."""
    folder, _, name = doc.rpartition("/")
    if folder == "generated/api":
        return name in NITPICKY_API
    return folder != "generated/cpp"


def loose_reference(app: Sphinx, domain: Any, node: Any) -> bool | None:
    """Silences a reference that resolves to nothing on a page not checked yet (True: handled). Breathe's
    references carry no page of their own: theirs is the file they were read from."""
    doc = node.get("refdoc") or app.env.path2doc(get_node_source(node)) or ""
    return None if checked(doc) else True


def check_api(app: Sphinx, env: Any) -> None:
    """Every name of every public module's ``__all__`` has its entry in the API reference (else a warning)."""
    documented = set(env.domaindata["py"]["objects"])
    for module in public_modules():
        names = getattr(importlib.import_module(module), "__all__", [])
        for name in names:
            if not name.startswith("__") and f"{module}.{name}" not in documented:
                logger.warning("API reference: %s.%s (in its __all__) is not documented", module, name)


def api_page() -> str:
    """The Python API page: an autosummary of every public module (no underscore in its dotted name)."""
    names = public_modules()
    return "\n".join(
        [
            "# Python API",
            "",
            "Every public module of `accountkpi` (no underscore in its name), each with the names of its",
            "`__all__`, from the docstrings. The package's own names (`Book`, `Period`, `Scope`, ...) are",
            "the ones of its modules.",
            "",
            "```{eval-rst}",
            ".. autosummary::",
            "   :toctree: api",
            "",
            *(f"   {name}" for name in names),
            "```",
            "",
        ]
    )


def notebooks() -> None:
    """Copies the stored notebooks of examples/ into the site (the build never executes them)."""
    target = GENERATED / "examples"
    target.mkdir(parents=True, exist_ok=True)
    stored = sorted((ROOT / "examples").glob("*.ipynb"))
    for old in target.glob("*.ipynb"):
        if old.name not in {p.name for p in stored}:
            old.unlink()
    for path in stored:
        _write(target / path.name, path.read_text(encoding="utf-8"))


INCLUDE = ROOT / "include" / "accountkpi"


def cpp_areas() -> dict[str, list[Path]]:
    """The public headers by area: those of ``include/accountkpi/<area>/`` (the umbrella ``<area>.hpp``
    beside the folder includes them), and ``core`` for the other headers at the top; ``detail`` folders
    hold no public API."""
    areas = {
        d.name: sorted(h for h in d.rglob("*.hpp") if "detail" not in h.relative_to(INCLUDE).parts)
        for d in sorted(INCLUDE.iterdir())
        if d.is_dir() and d.name != "detail"
    }
    umbrellas = {f"{area}.hpp" for area in areas} | {"accountkpi.hpp"}
    areas["core"] = [h for h in sorted(INCLUDE.glob("*.hpp")) if h.name not in umbrellas]
    return areas


def _brief(header: Path) -> str:
    """The first sentence of a header's ``/// \\file`` comment."""
    lines = header.read_text(encoding="utf-8").splitlines()
    start = lines.index("/// \\file") + 1 if "/// \\file" in lines else len(lines)
    text = []
    for line in lines[start:]:
        if not line.startswith("///") or line.strip() == "///":
            break
        text.append(line[3:].strip())
    paragraph = " ".join(text)
    first = re.match(r"(.+?[.])(\s+[A-Z(`]|$)", paragraph)  # its first sentence
    return first.group(1) if first else paragraph


def cpp_page(area: str, headers: list[Path]) -> str:
    """The C++ API page of one area: its headers with their briefs, then the declarations of its namespaces
    from the headers' Doxygen comments (Breathe; public members only, as the headers promise them)."""
    umbrella = INCLUDE / f"{area}.hpp"
    if umbrella.exists():
        intro = [_brief(umbrella), "", f"`#include <accountkpi/{area}.hpp>` includes these headers:"]
    else:
        intro = ["The headers outside the areas, each included by `accountkpi/accountkpi.hpp`:"]
    listed = [f"- `{h.relative_to(INCLUDE.parent).as_posix()}`: {_brief(h)}" for h in headers]
    return "\n".join(
        [
            f"# C++ API: {area}",
            "",
            *intro,
            "",
            *listed,
            "",
            "```{doxygennamespace} accountkpi",
            f":project: {area}",
            ":members:",
            ":undoc-members:",
            "```",
            "",
        ]
    )


def doxygen(app: Sphinx) -> None:
    """Runs doxygen on the public headers of each area into the build's doctrees folder, writes each area's
    page, and points Breathe at the XML (one project per area: a header's name is unique within its area,
    as Breathe's ``doxygenfile`` needs, not across areas: ``book/book.hpp`` and ``ltv/book.hpp``)."""
    root = Path(app.doctreedir).parent / "doxygen"
    areas = cpp_areas()
    target = GENERATED / "cpp"
    target.mkdir(parents=True, exist_ok=True)
    for old in target.glob("*.md"):
        if old.stem not in areas:
            old.unlink()
    projects = {}
    for area, headers in areas.items():
        out = root / area
        out.mkdir(parents=True, exist_ok=True)
        inputs = " ".join(h.relative_to(ROOT).as_posix() for h in headers)
        config = (DOCS / "Doxyfile").read_text(
            encoding="utf-8"
        ) + f"\nINPUT = {inputs}\nOUTPUT_DIRECTORY = {out}\n"
        subprocess.run(["doxygen", "-"], input=config, text=True, cwd=ROOT, check=True, env={**os.environ})
        projects[area] = str(out / "xml")
        _write(target / f"{area}.md", cpp_page(area, headers))
    app.config.breathe_projects = projects


def generate(app: Sphinx, config: object) -> None:
    _write(GENERATED / "kpi-table.md", kpi_table())
    _write(GENERATED / "api.md", api_page())
    app.config.autosummary_context = {"data_of": data_of()}
    _write(GENERATED / "gallery.md", gallery.write(GENERATED / "gallery"))
    notebooks()
    doxygen(app)


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("config-inited", generate)  # before Sphinx lists the sources
    app.connect("autodoc-process-docstring", escape_bars)
    app.connect("autodoc-process-docstring", type_docstring)
    app.connect("env-check-consistency", check_api)
    app.connect("warn-missing-reference", loose_reference, priority=400)  # before the std domain's own
    return {"parallel_read_safe": True, "parallel_write_safe": True}
