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
        "units",
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


def test_the_demo_organisation(demo: ak.Book) -> None:
    """The three placements of the issue: a sales department with the closers and one farmer, an account-
    management unit under the head of accounting, a client unit for a client, reporting to the owner."""
    chart = demo.org_chart().set_index("manager_id")
    units = demo.table("units").set_index("unit_id")
    assert units["kind"].astype(str).tolist() == ["sales_department", "account_management", "client_unit"]
    sales = chart[chart["unit_id"] == "U-SALES"]
    assert (sales["role"].astype(str) == "farmer").sum() == 1
    assert set(sales["role"].astype(str)) == {"farmer", "closer", "head"}
    assert chart.loc["H01", "depth"] == 0 and chart.loc["H01", "team_size"] == len(chart)
    assert set(chart.loc[chart["unit_id"] == "U-CLIENT", "reports_to"]) == {"H01"}
    assert chart.loc["H03", "role"] == "head" and chart.loc["H03", "unit_id"] == "U-AM"
    # The owner's team is the whole book (every account has an owner all along in the demo).
    whole = demo.kpis("2025Q2", kpis=["revenue", "nrr", "churn_rate"]).iloc[0]
    top = demo.kpis("2025Q2", by="team", kpis=["revenue", "nrr", "churn_rate"]).set_index("team").loc["H01"]
    for k in ["revenue", "nrr", "churn_rate"]:
        assert top[k] == whole[k], k


def test_cli_kpis_by_team() -> None:
    args = ["kpis", "--demo", "--by", "team", "--kpis", "revenue", "--period", "2025Q1"]
    out = subprocess.run(
        [sys.executable, "-m", "accountkpi", *args],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    lines = out.splitlines()
    assert lines[0] == "team,period,revenue"
    assert any(line.startswith("H01,") for line in lines)


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
