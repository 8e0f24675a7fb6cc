from __future__ import annotations

import subprocess
import sys

import pandas as pd

import accountkpi as ak


def test_demo_book_is_deterministic() -> None:
    a = ak.datasets.demo_book(seed=3, accounts=40, years=1)
    b = ak.datasets.demo_book(seed=3, accounts=40, years=1)
    c = ak.datasets.demo_book(seed=4, accounts=40, years=1)
    pd.testing.assert_frame_equal(a.table("revenue"), b.table("revenue"))
    assert not a.table("revenue")["amount"].equals(c.table("revenue")["amount"])


def test_demo_book_scales(demo: ak.Book) -> None:
    small = ak.datasets.demo_book(accounts=50, years=1)
    assert small.n_accounts == 50
    bigger = ak.datasets.demo_book(accounts=50, years=1, lines_per_month=3)
    assert bigger.rows("revenue") > 2.5 * small.rows("revenue")
    assert demo.n_accounts == 300
    assert set(demo.table_names) == {
        "accounts",
        "managers",
        "assignments",
        "projects",
        "revenue",
        "interactions",
        "requests",
        "surveys",
        "targets",
    }


def test_cli_summary_on_the_demo() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "accountkpi", "summary", "--demo"], capture_output=True, text=True, check=True
    ).stdout
    assert "300 accounts" in out
    assert "by year" in out and "retention_rate" in out


def test_cli_reports_bad_csv_as_a_list(tmp_path) -> None:
    (tmp_path / "accounts.csv").write_text("account_id\nA\n")
    (tmp_path / "revenue.csv").write_text("account_id,date,amount\nB,2024-01-01,1\n")
    run = subprocess.run(
        [sys.executable, "-m", "accountkpi", "summary", "--data", str(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 2
    assert "revenue row 0, column account_id: unknown account id 'B'" in run.stderr
    assert "Traceback" not in run.stderr
