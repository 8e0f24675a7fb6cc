"""Project KPIs (issue 16): backlog and the value-weighted renewal rate, against values computed by hand."""

from __future__ import annotations

import math

import pandas as pd
import pytest

import accountkpi as ak

Q1, Q2 = ak.Period("2024Q1"), ak.Period("2024Q2")


@pytest.fixture(scope="module")
def book() -> ak.Book:
    accounts = pd.DataFrame({"account_id": ["A", "B"], "acquired_on": ["2023-01-01", "2023-01-01"]})
    projects = pd.DataFrame(
        [
            ("P1", "A", "Cloud", "new", "fixed", "2023-12-01", "2024-06-30", 1000.0),
            ("P2", "A", "Data", "upsell", "hour", "2024-01-05", None, 200.0),
            ("P3", "A", "Cloud", "upsell", "month", "2024-02-01", "2025-01-31", 1200.0),
            ("P4", "B", "Data", "cross_sell", "fixed", "2024-04-02", None, 500.0),
            ("P5", "A", "Cloud", "new", "fixed", "2023-06-01", "2024-03-15", 400.0),
            ("P6", "B", "Cloud", "new", "day", "2023-01-01", "2024-03-31", 300.0),
            ("P7", "B", "Data", "renewal", "fixed", "2024-03-20", None, 420.0),
        ],
        columns=["project_id", "account_id", "service_line", "kind", "billing", "signed_on", "end", "value"],
    )
    revenue = pd.DataFrame(
        [
            ("A", "P1", "2024-01-10", 100.0, 60.0, None, None),
            ("A", "P1", "2024-03-15", 200.0, 90.0, None, None),
            ("A", "P2", "2024-02-01", 250.0, 200.0, 2.5, "hour"),
            ("A", "P3", "2024-03-01", 100.0, 0.0, 1.0, "month"),
            ("A", "P5", "2024-01-05", 100.0, 0.0, None, None),
            ("A", "P1", "2024-04-10", 500.0, 0.0, None, None),
        ],
        columns=["account_id", "project_id", "date", "amount", "cost", "units", "unit"],
    )
    return ak.Book.from_frames(accounts=accounts, projects=projects, revenue=revenue)


def test_backlog_by_hand(book: ak.Book) -> None:
    # End of Q1: P1 1000 - 300 = 700; P2 200 - 250 < 0 -> 0; P3 1200 - 100 = 1100; P4 not signed yet;
    # P5 and P6 finished (P6 on the last day, 2024-03-31); P7 420 unbilled. 700 + 1100 + 420 = 2220
    assert ak.kpi.backlog(book, Q1) == 2220
    # End of Q2: P1 finished on 2024-06-30; P3 1100 + P4 500 + P7 420
    assert ak.kpi.backlog(book, Q2) == 2020
    assert ak.kpi.backlog(book, "2022") == 0  # nothing signed: 0, not NaN
    t = book.kpis([Q1, Q2], by="service_line", kpis="backlog").set_index(["service_line", "period"])[
        "backlog"
    ]
    assert t[("Cloud", "2024Q1")] == 700 + 1100 and t[("Data", "2024Q1")] == 420
    assert t[("Cloud", "2024Q2")] == 1100 and t[("Data", "2024Q2")] == 500 + 420
    a = book.kpis(Q1, by="account", kpis="backlog").set_index("account_id")["backlog"]
    assert a["A"] == 700 + 1100 and a["B"] == 420


def test_renewal_rate_by_count_and_by_value(book: ak.Book) -> None:
    # Due in Q1: P5 (400) and P6 (300); renewal signed in Q1: P7 (420)
    assert ak.kpi.renewal_rate(book, Q1) == pytest.approx(1 / 2)
    assert ak.kpi.renewal_rate(book, Q1, weight="value") == pytest.approx(420 / 700)
    assert book.kpis(Q1, kpis="renewal_rate", renewal_weight="value")["renewal_rate"].iloc[
        0
    ] == pytest.approx(420 / 700)
    assert math.isnan(ak.kpi.renewal_rate(book, "2022", weight="value"))  # nothing due
    with pytest.raises(ValueError, match="renewal_weight"):
        ak.kpi.renewal_rate(book, Q1, weight="amount")


def test_project_status_by_hand(book: ak.Book) -> None:
    s = book.project_status("2024-04-01").set_index("project_id")
    assert sorted(s.index) == ["P1", "P2", "P3", "P5", "P6", "P7"]  # P4 is signed on 2024-04-02
    # P1: billed 100 + 200 before April, at cost 60 + 90: burn 0.3, margin 150 / 300, backlog 1000 - 300
    assert (s.loc["P1", "billed"], s.loc["P1", "burn"], s.loc["P1", "backlog"]) == (300, 0.3, 700)
    assert s.loc["P1", "margin"] == pytest.approx(0.5) and s.loc["P1", "days_to_end"] == 90  # -> 2024-06-30
    # P2: 2.5 hours for 250 at cost 200: 100 an hour, burn 1.25 (over its 200), no backlog, margin 0.2
    assert (s.loc["P2", "effective_rate"], s.loc["P2", "burn"], s.loc["P2", "backlog"]) == (100, 1.25, 0)
    assert s.loc["P2", "margin"] == pytest.approx(0.2) and math.isnan(s.loc["P2", "days_to_end"])
    assert s.loc["P3", "effective_rate"] == 100 and s.loc["P3", "backlog"] == 1100  # one month billed
    # P5 and P6 ended in Q1: no backlog, whatever is left unbilled; P7: nothing billed, no rate, no margin
    assert s.loc["P5", "backlog"] == 0 and s.loc["P6", "backlog"] == 0 and s.loc["P6", "days_to_end"] == -1
    assert s.loc["P7", "backlog"] == 420 and math.isnan(s.loc["P7", "margin"])
    assert math.isnan(s.loc["P7", "effective_rate"]) and math.isnan(s.loc["P1", "effective_rate"])
    # Per project, the backlog KPI at the end of Q1: 700 + 1100 + 420
    assert s["backlog"].sum() == ak.kpi.backlog(book, Q1) == 2220


def test_renewals_pipeline_by_hand(book: ak.Book) -> None:
    # Ending in [2024-03-01, 2024-05-30): P5 (2024-03-15) and P6 (2024-03-31); P1 ends 2024-06-30, later.
    due = book.renewals("2024-03-01", within="90D")
    assert due["project_id"].tolist() == ["P5", "P6"]
    p5 = due.iloc[0]
    assert p5["account_id"] == "A" and p5["days_to_end"] == 14  # 2024-03-01 -> 2024-03-15
    assert p5["value"] == 400 and p5["billed"] == 100 and p5["burn"] == pytest.approx(100 / 400)
    assert p5["margin"] == 1  # billed 100 at no cost
    p6 = due.iloc[1]
    assert p6["billed"] == 0 and p6["burn"] == 0 and math.isnan(p6["margin"])  # nothing billed: undefined
    assert p6["days_to_end"] == 30
    # Billed counts the lines before as_of only: P1's 2024-03-15 line is after 2024-03-01.
    later = book.renewals("2024-03-01", within=200).set_index("project_id")
    assert later.loc["P1", "billed"] == 100 and later.loc["P1", "burn"] == pytest.approx(0.1)
    assert later.loc["P1", "margin"] == pytest.approx(0.4)  # (100 - 60) / 100
    assert set(later.index) == {"P1", "P5", "P6"}  # P3 ends 2025-01-31, beyond 200 days; P2, P4, P7 never
    with pytest.raises(ValueError, match="at least one day"):
        book.renewals("2024-03-01", within="0D")


def test_renewals_on_the_demo_book(demo: ak.Book) -> None:
    due = demo.renewals("2025-01-01")
    assert len(due) > 0
    assert (due["days_to_end"].between(0, 89)).all()
    assert due["end"].is_monotonic_increasing
    assert due["reasons"].notna().any()


def test_kpis_by_project(book: ak.Book) -> None:
    t = book.kpis(Q1, by="project", kpis=["revenue", "gross_margin", "backlog", "deals", "nrr"])
    t = t.set_index("project_id")
    assert t.loc["P1", "revenue"] == 300 and t.loc["P1", "backlog"] == 700
    assert t.loc["P1", "gross_margin"] == pytest.approx((300 - 150) / 300)  # costs 60 + 90
    assert t.loc["P2", "gross_margin"] == pytest.approx((250 - 200) / 250) and t.loc["P2", "backlog"] == 0
    assert t.loc["P3", "backlog"] == 1100 and t.loc["P7", "backlog"] == 420
    assert t.loc[["P2", "P3", "P7"], "deals"].tolist() == [1, 1, 1]  # signed in Q1
    assert t["nrr"].isna().all()  # a per-account KPI: undefined by project
    assert "P4" not in t.index  # signed in Q2
    assert t["revenue"].sum() == ak.kpi.revenue(book, Q1)
    with pytest.raises(ValueError, match="project"):
        book.revenue_bridge(Q1, by="project")


def test_cli_kpis_by_project(tmp_path) -> None:
    import subprocess
    import sys

    out = tmp_path / "p.csv"
    args = ["kpis", "--demo", "--period", "2024Q4", "--by", "project", "--kpis", "revenue,backlog"]
    run = subprocess.run(
        [sys.executable, "-m", "accountkpi", *args, "--out", str(out)], capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    t = pd.read_csv(out)
    assert list(t.columns) == ["project_id", "period", "revenue", "backlog"]
    assert len(t) > 100 and (t["backlog"] >= 0).all()


def test_mrr_and_arr_of_month_billed_projects(book: ak.Book) -> None:
    # P3 (month-billed): 1200 over 2024-02-01 .. 2025-01-31, 366 days -> 12 whole months: 100 a month
    assert ak.kpi.mrr(book, Q1) == 100 and ak.kpi.arr(book, Q1) == 1200
    assert ak.kpi.mrr(book, "2025Q1") == 0  # ended on 2025-01-31
    assert ak.kpi.mrr(book, "2024-01") == 0  # not started (signed on 2024-02-01, no start)
    t = book.kpis(Q2, by="service_line", kpis="mrr").set_index("service_line")["mrr"]
    assert t["Cloud"] == 100  # P1 (fixed) and P5, P6 are not recurring
    retainer = pd.DataFrame(
        {
            "project_id": ["R"],
            "account_id": ["A"],
            "billing": ["month"],
            "signed_on": ["2024-01-01"],
            "start": ["2024-02-10"],
            "end": ["2024-08-09"],
            "value": [6000.0],
        }
    )
    accounts = pd.DataFrame({"account_id": ["A"], "acquired_on": ["2023-01-01"]})
    revenue = pd.DataFrame({"account_id": ["A"], "date": ["2024-02-15"], "amount": [1000.0]})
    one = ak.Book.from_frames(accounts=accounts, projects=retainer, revenue=revenue)
    # 2024-02-10 .. 2024-08-09 inclusive: 182 days = 5.98 months -> 6: 1000 a month from its start
    assert ak.kpi.mrr(one, "2024-01") == 0 and ak.kpi.mrr(one, "2024-02") == 1000
    assert ak.kpi.mrr(one, "2024-07") == 1000 and ak.kpi.mrr(one, "2024-08") == 0  # ends on the 9th
    open_ended = retainer.assign(end=[None])
    no_term = ak.Book.from_frames(accounts=accounts, projects=open_ended, revenue=revenue)
    assert ak.kpi.mrr(no_term, "2024-03") == 0  # no term to spread the value over
