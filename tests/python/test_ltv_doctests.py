"""The docstring examples of every module of accountkpi.ltv run (test_doctests.py runs the package only)."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "accountkpi.ltv._base",
    "accountkpi.ltv._book",
    "accountkpi.ltv.beta_geo_beta_binom_fitter",
    "accountkpi.ltv.beta_geo_fitter",
    "accountkpi.ltv.evaluation",
    "accountkpi.ltv.gamma_gamma_fitter",
    "accountkpi.ltv.generate_data",
    "accountkpi.ltv.intervals",
    "accountkpi.ltv.modified_beta_geo_fitter",
    "accountkpi.ltv.plotting",
    "accountkpi.ltv.shifted_beta_geo_fitter",
    "accountkpi.ltv.utils",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0
    assert result.failed == 0
