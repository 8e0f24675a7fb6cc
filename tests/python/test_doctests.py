"""The examples in the docstrings run, so they never rot: every module of the package that has one."""

from __future__ import annotations

import doctest
import importlib
import importlib.util
import pkgutil
from pathlib import Path

import pytest

import accountkpi


def modules_with_examples() -> list[str]:
    """The package's modules (``__main__`` and the compiled core aside) whose source shows an example."""
    found = ["accountkpi"]  # the package itself (walk_packages lists what is below it)
    for info in pkgutil.walk_packages(accountkpi.__path__, "accountkpi."):
        if info.name.endswith("__main__") or info.name.startswith("accountkpi._core"):
            continue
        spec = importlib.util.find_spec(info.name)
        origin = spec.origin if spec else None
        if origin and origin.endswith(".py") and ">>> " in Path(origin).read_text(encoding="utf-8"):
            found.append(info.name)
    return sorted(found)


MODULES = modules_with_examples()


def test_the_modules_known_to_have_examples_are_found() -> None:
    assert {"accountkpi", "accountkpi.book", "accountkpi.kpi", "accountkpi.ltv.beta_geo_fitter"} <= set(
        MODULES
    )


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0
    assert result.failed == 0
