"""The import contract (pyproject.toml, [tool.importlinter]) reads `from . import _core` as an import of the
package root, and ignores imports of the root for that reason: this test keeps that exception to the core."""

import ast
from pathlib import Path

import accountkpi

PACKAGE = Path(accountkpi.__file__).parent


def _root_imports(source: str, depth: int) -> list[str]:
    """The names a module at ``depth`` below the package (0 for accountkpi/x.py) takes from the package
    root: ``from . import x`` (``from .. import x`` one level down), ``from accountkpi import x``, and
    ``import accountkpi``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.split(".")[0] == "accountkpi"]
        elif isinstance(node, ast.ImportFrom):
            if (node.level == 0 and node.module == "accountkpi") or (
                node.level == depth + 1 and not node.module
            ):
                found += [a.name for a in node.names]
    return found


def test_the_check_finds_root_imports() -> None:
    assert _root_imports("from . import _core, kpi", 0) == ["_core", "kpi"]
    assert _root_imports("def f():\n    from .. import book\n", 1) == ["book"]
    assert _root_imports("import accountkpi.tiers\nfrom accountkpi import health", 0) == [
        "accountkpi.tiers",
        "health",
    ]
    assert _root_imports("from .kpi import KPIS\nfrom . import _core\nfrom .._core import ltv", 1) == []


def test_modules_take_only_the_core_from_the_package_root() -> None:
    modules = [p for p in PACKAGE.rglob("*.py") if p != PACKAGE / "__init__.py"]
    assert len(modules) > 30
    found = {
        str(p.relative_to(PACKAGE)): set(
            _root_imports(p.read_text(encoding="utf-8"), len(p.relative_to(PACKAGE).parts) - 1)
        )
        for p in modules
    }
    assert found["kpi.py"] == {"_core"}
    assert {m: names for m, names in found.items() if names - {"_core"}} == {}
