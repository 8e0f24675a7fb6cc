"""The examples in the docstrings run, so they never rot."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "accountkpi",
    "accountkpi._dates",
    "accountkpi.book",
    "accountkpi.bridge",
    "accountkpi.kpi",
    "accountkpi.concentration",
    "accountkpi.datasets",
    "accountkpi.ltv",
    "accountkpi.tiers",
    "accountkpi.tiers_priority",
    "accountkpi.health",
    "accountkpi.health_backtest",
    "accountkpi.whatif",
    "accountkpi.plot",
    "accountkpi.plot_backtest",
    "accountkpi.plot_bridge",
    "accountkpi.report",
    "accountkpi.report_bridge",
    "accountkpi.report_format",
    "accountkpi.renewals",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0
    assert result.failed == 0
