"""Sphinx configuration of accountkpi's site: ``python -m sphinx -W -b html docs build/docs``.

The pages are the Markdown files beside this one (MyST), the notebooks of ``examples/`` with their stored
outputs (myst-nb, never executed here), the Python API from the docstrings (autodoc, autosummary, napoleon)
and the C++ API from the headers' Doxygen comments (doxygen, then Breathe). ``_ext/generate.py`` writes the
pages that come from the library itself (the KPI table, the API pages, the gallery) into ``generated/``
before the build reads anything.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_ext"))

import accountkpi  # noqa: E402

project = "accountkpi"
author = "the accountkpi developers"
copyright = "the accountkpi developers"
release = version = accountkpi.__version__

extensions = [
    "myst_nb",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.napoleon",
    "sphinx.ext.intersphinx",
    "breathe",
    "generate",
]

exclude_patterns = ["_build", "Thumbs.db", ".DS_Store", "_ext", "Doxyfile", "requirements.txt"]
templates_path = ["_templates"]
root_doc = "index"
html_theme = "alabaster"
html_title = f"accountkpi {release}"
html_static_path: list[str] = []

# Markdown: the pages are written for a code host too; headings get anchors so that kpis.md#nrr resolves.
myst_enable_extensions = ["dollarmath", "colon_fence", "deflist"]
myst_heading_anchors = 3
# The notebooks are stored executed (examples/make_notebooks.py; the freshness test checks them): show those.
nb_execution_mode = "off"
nb_merge_streams = True

# Python API: every name of each module's __all__, numpy-style docstrings.
autosummary_generate = True
autosummary_ignore_module_all = False
autosummary_imported_members = False
autodoc_default_options = {
    "members": True,
    "undoc-members": True,
    "imported-members": True,
    "show-inheritance": True,
}
autodoc_typehints = "none"
autodoc_member_order = "bysource"
napoleon_google_docstring = False
napoleon_numpy_docstring = True
napoleon_use_rtype = False
napoleon_use_ivar = True  # a dataclass's "Attributes" section, not a second entry beside its field
napoleon_preprocess_types = True
# The package's names are re-exported from their modules: a bare "Book" in a docstring means the package's.
napoleon_type_aliases = {
    **{
        name: f"~accountkpi.{name}"
        for name in ("Book", "Period", "Scope", "ValidationError", "DataCoverageWarning")
    },
    "Backtest": "~accountkpi.health_backtest.Backtest",
    "RetentionUplift": "~accountkpi.whatif.RetentionUplift",
    "ShiftedBetaGeoFitter": "~accountkpi.ltv.ShiftedBetaGeoFitter",
}
# References are checked (nitpicky): a cross-reference that resolves to nothing fails the -W build on the
# pages generate.checked() names: the guides, the notebooks, the gallery, the KPI table and the API pages of
# generate.NITPICKY_API. The other API pages and the C++ pages are not checked yet.
nitpicky = True
# Types of other libraries (the site has no intersphinx inventories: it builds offline) and numpydoc's words.
nitpick_ignore = [
    ("py:class", name)
    for name in (
        *("DataFrame", "Series", "Axes", "timedelta"),
        *("array-like", "date-like", "sequence", "iterable", "mapping"),
    )
]
# Breathe links a class's #include line to doxygen's page of the header (label "<name>_8hpp"): the site has
# the areas' pages instead.
nitpick_ignore_regex = [("ref", r".*_8hpp")]
intersphinx_mapping: dict[str, tuple[str, str | None]] = {}

# C++ API: doxygen's XML of include/accountkpi, one Breathe project per area (generate.py runs doxygen).
breathe_default_project = "core"
breathe_projects: dict[str, str] = {}
breathe_domain_by_extension = {"hpp": "cpp"}
breathe_default_members = ("members",)
# Breathe declares the namespaces (``accountkpi``, ``accountkpi::kpi``, ...) again on every area's page, and
# Sphinx's C++ domain reports each repetition as a duplicate. Each header is on one area's page only
# (generate.py), so no class, function or constant can be declared twice: only namespaces repeat.
suppress_warnings = ["duplicate_declaration.cpp"]
