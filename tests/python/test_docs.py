"""The recipes of docs/data-model.md run, so they never rot."""

from __future__ import annotations

import doctest
import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_getting_your_data_in_recipes() -> None:
    pytest.importorskip("duckdb")
    pytest.importorskip("polars")
    result = doctest.testfile(
        str(DOCS / "data-model.md"),
        module_relative=False,
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
    )
    assert result.attempted >= 15
    assert result.failed == 0


def test_readme_links_resolve() -> None:
    """The README's relative links (to the docs' pages and the notebooks) name files that exist."""
    readme = DOCS.parent / "README.md"
    links = re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", readme.read_text(encoding="utf-8"))
    relative = [link for link in links if "://" not in link]
    assert len(relative) >= 10
    missing = [link for link in relative if not (DOCS.parent / link).exists()]
    assert not missing
