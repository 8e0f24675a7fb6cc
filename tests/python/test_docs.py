"""The recipes of docs/data-model.md run, so they never rot."""

from __future__ import annotations

import doctest
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
