"""The type stubs of the compiled module match it (regenerate with `bash .ci/generate-stubs`)."""

from __future__ import annotations

import filecmp
import subprocess
import sys
from pathlib import Path

import pytest

import accountkpi

pytest.importorskip("pybind11_stubgen")


def test_stubs_do_not_drift(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pybind11_stubgen",
            "accountkpi._core",
            "-o",
            str(tmp_path),
            "--numpy-array-remove-parameters",
        ],
        check=True,
        capture_output=True,
    )
    fresh = tmp_path / "accountkpi" / "_core"
    shipped = Path(accountkpi.__file__).parent / "_core"
    names = sorted(p.name for p in fresh.glob("*.pyi"))
    assert names == sorted(p.name for p in shipped.glob("*.pyi"))
    _, mismatch, errors = filecmp.cmpfiles(fresh, shipped, names, shallow=False)
    assert not mismatch and not errors, f"stale stubs {mismatch}: run bash .ci/generate-stubs"
    assert (Path(accountkpi.__file__).parent / "py.typed").exists()
