"""The organisation from Python: units, reporting lines and account groups, KPIs rolled up by team, unit and
account group (by hand on a small book, and as properties with Hypothesis), the org chart and heads'
scorecards."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import accountkpi as ak

Q1 = "2024Q1"  # NRR base: 2023Q4
FIGURES = [
    "revenue",
    "gross_margin",
    "clients_start",
    "churned_clients",
    "churn_rate",
    "nrr",
    "median_deal_size",
]


def org_frames() -> dict[str, pd.DataFrame]:
    """O (owner) <- H (head of accounting) <- F1, F2 (farmers); O <- C (closer). Units: S (sales: C), AM
    (account management: H, F1) with its sub-unit AM2 (F2), CU (a client unit for A4: O). A5 moves from F1
    to C on 2024-02-01; A3 churns on 2024-02-15. Revenue: base 2023Q4 / 2024Q1 (see test_org.cpp)."""
    managers = pd.DataFrame(
        {
            "manager_id": ["O", "H", "F1", "F2", "C"],
            "role": ["head", "head", "farmer", "farmer", "closer"],
            "reports_to": [None, "O", "H", "H", "O"],
            "unit_id": ["CU", "AM", "AM", "AM2", "S"],
        }
    )
    units = pd.DataFrame(
        {
            "unit_id": ["S", "AM", "AM2", "CU"],
            "kind": ["sales_department", "account_management", "account_management", "client_unit"],
            "head_id": ["O", "H", None, "O"],
            "parent_id": [None, None, "AM", None],
            "account_id": [None, None, None, "A4"],
        }
    )
    accounts = pd.DataFrame(
        {
            "account_id": ["A1", "A2", "A3", "A4", "A5"],
            "acquired_on": ["2023-01-01"] * 5,
            "churned_on": [None, None, "2024-02-15", None, None],
        }
    )
    assignments = pd.DataFrame(
        {
            "manager_id": ["F1", "F2", "C", "O", "F1", "C"],
            "account_id": ["A1", "A2", "A3", "A4", "A5", "A5"],
            "start": ["2023-01-01"] * 5 + ["2024-02-01"],
            "end": [None, None, None, None, "2024-02-01", None],
        }
    )
    revenue = pd.DataFrame(
        {
            "account_id": ["A1", "A2", "A3", "A4", "A5", "A1", "A2", "A3", "A4", "A5", "A5"],
            "date": ["2023-11-01"] * 5
            + ["2024-01-10", "2024-02-10", "2024-01-20", "2024-01-05", "2024-01-15", "2024-03-01"],
            "amount": [80.0, 100, 60, 200, 40, 100, 50, 20, 300, 10, 30],
            "cost": [0.0] * 5 + [40.0, 0, 0, 0, 0, 0],
        }
    )
    projects = pd.DataFrame(
        {
            "project_id": ["p1", "p2", "p3"],
            "account_id": ["A1", "A2", "A5"],
            "signed_on": ["2024-01-02", "2024-01-03", "2024-03-02"],
            "value": [10.0, 30.0, 90.0],
        }
    )
    return {
        "accounts": accounts,
        "revenue": revenue,
        "managers": managers,
        "units": units,
        "assignments": assignments,
        "projects": projects,
    }


@pytest.fixture(scope="module")
def book() -> ak.Book:
    return ak.Book.from_frames(**org_frames())


def test_team_rows_roll_up_the_reporting_lines(book: ak.Book) -> None:
    t = book.kpis(Q1, by="team", kpis=FIGURES).set_index("team")
    assert list(t.index) == ["O", "H", "F1", "F2", "C"]
    # F1: 100 (A1) + 10 (A5 in January); H adds F2's 50; margin (160 - 40) / 160, not a mean of ratios.
    assert t.loc["F1", "revenue"] == 110
    assert t.loc["H", "revenue"] == 160
    assert t.loc["H", "gross_margin"] == 0.75
    assert t.loc["H", "nrr"] == pytest.approx(150 / 180)
    # Deals: p1 (F1, 10), p2 (F2, 30), p3 (C, 90, signed after A5 moved): H's median of 10 and 30 is 20.
    assert t.loc["H", "median_deal_size"] == 20
    assert t.loc["C", "median_deal_size"] == 90
    # C: A3 churns, A5 moved in: 1 of 2; NRR (20 + 40) / (60 + 40).
    assert t.loc["C", "churn_rate"] == 0.5
    assert t.loc["C", "nrr"] == pytest.approx(0.6)
    # The top is the whole book.
    whole = book.kpis(Q1, kpis=FIGURES).iloc[0]
    for k in FIGURES:
        assert t.loc["O", k] == pytest.approx(whole[k], rel=1e-12), k
    assert t.loc["O", "revenue"] == 510 and t.loc["O", "churn_rate"] == 0.2


def test_unit_rows_roll_up_sub_units(book: ak.Book) -> None:
    u = book.kpis(Q1, by="unit", kpis=["revenue", "nrr"]).set_index("unit_id")
    assert list(u.index) == ["S", "AM", "AM2", "CU"]
    assert u["revenue"].to_dict() == {"S": 50, "AM": 160, "AM2": 50, "CU": 300}
    assert u.loc["AM", "nrr"] == pytest.approx(150 / 180)


def test_account_groups_keep_the_top_accounts_and_count_a_child_that_churns() -> None:
    accounts = pd.DataFrame(
        {
            "account_id": ["P", "K1", "K2", "KK1", "S"],
            "parent_id": [None, "P", "P", "K1", None],
            "acquired_on": ["2023-01-01", "2023-01-01", "2023-01-01", "2024-02-01", "2023-01-01"],
            "churned_on": [None, None, "2024-03-01", None, None],
        }
    )
    revenue = pd.DataFrame(
        {
            "account_id": ["P", "K1", "K2", "S", "P", "K1", "K2", "KK1", "S"],
            "date": ["2023-10-01"] * 4 + ["2024-01-02"] * 3 + ["2024-02-02", "2024-01-02"],
            "amount": [100.0, 50, 40, 30, 100, 60, 10, 5, 30],
        }
    )
    g = (
        ak.Book.from_frames(accounts, revenue)
        .kpis(Q1, by="account_group", kpis=["revenue", "clients_start", "new_clients", "churn_rate", "nrr"])
        .drop(columns="period")
        .set_index("account_group")
    )
    assert list(g.index) == ["P", "S"]
    # P: 100 + 60 + 10 + 5; P, K1, K2 at the start, KK1 new; K2 churns: 1/3; NRR (100+60+10) / (100+50+40).
    assert g.loc["P"].tolist() == pytest.approx([175, 3, 1, 1 / 3, 170 / 190])
    assert g.loc["S", "churn_rate"] == 0


def test_cycles_are_named_and_every_problem_listed() -> None:
    frames = org_frames()
    frames["managers"] = frames["managers"].assign(reports_to=["C", "O", "H", "F2", "O"])  # O->C->O, F2 self
    frames["units"] = frames["units"].assign(parent_id=["AM2", None, "S", None], account_id=[None] * 4)
    with pytest.raises(ak.ValidationError) as e:
        ak.Book.from_frames(**frames)
    reasons = [p[3] for p in e.value.problems]
    assert any("form a cycle: 'O' -> 'C' -> 'O'" in r for r in reasons), reasons
    assert any("'F2' cannot report to himself" in r for r in reasons)
    assert any("form a cycle: 'S' -> 'AM2' -> 'S'" in r for r in reasons)
    assert any("client unit 'CU' needs the account it serves" in r for r in reasons)
    assert len(reasons) == 4


def test_quarantine_rejects_the_cycle_and_keeps_the_rest() -> None:
    frames = org_frames()
    frames["managers"] = frames["managers"].assign(reports_to=[None, "F1", "H", "H", "O"])  # H <-> F1
    book, rejected = ak.Book.from_frames(**frames, on_error="quarantine")
    assert set(zip(rejected["table"], rejected["row"], strict=True)) >= {("managers", 1), ("managers", 2)}
    assert "form a cycle" in " ".join(rejected["reason"])
    assert book.rows("managers") == 2  # O and C: F2 reports to a rejected manager, and goes too
    assert book.rows("revenue") == 11  # no revenue line is dropped


def test_old_books_and_tables_round_trip(book: ak.Book) -> None:
    frames = book.to_frames()
    assert frames["units"]["kind"].tolist()[-1] == "client_unit"
    again = ak.Book.from_frames(**frames)
    pd.testing.assert_frame_equal(again.kpis(Q1, by="team"), book.kpis(Q1, by="team"))
    old = ak.Book.from_frames(org_frames()["accounts"], org_frames()["revenue"])
    assert old.table_names == ["accounts", "revenue"]
    assert old.kpis(Q1, by="team", kpis="revenue")["revenue"].tolist() == [510]  # one row: no owner


def test_org_chart(book: ak.Book) -> None:
    chart = book.org_chart("2024-03-31").set_index("manager_id")
    assert chart["depth"].tolist() == [0, 1, 2, 2, 1]
    assert chart["direct_reports"].tolist() == [2, 2, 0, 0, 0]
    assert chart["team_size"].tolist() == [5, 3, 1, 1, 1]
    assert chart["accounts_owned"].tolist() == [1, 0, 1, 1, 2]
    assert chart["team_accounts"].tolist() == [5, 2, 1, 1, 2]
    assert chart.loc["F2", "unit_id"] == "AM2" and chart.loc["F2", "reports_to"] == "H"
    assert book.org_chart("2024-01-15")["team_accounts"].tolist() == [5, 3, 2, 1, 1]  # A5 still F1's


def test_heads_are_scored_on_their_team() -> None:
    frames = org_frames()
    frames["targets"] = pd.DataFrame(
        {
            "manager_id": ["H", "F1"],
            "kpi": ["revenue", "revenue"],
            "begin": ["2024-01-01"] * 2,
            "end": ["2024-04-01"] * 2,
            "target": [200.0, 100.0],
        }
    )
    cards = ak.Book.from_frames(**frames).scorecards(Q1).set_index("manager_id")
    # H's target applies to the team: 160 of 200; F1 on its own book: 110 of 100.
    assert cards.loc["H", "actual"] == 160 and cards.loc["H", "attainment"] == 0.8
    assert cards.loc["F1", "actual"] == 110


def test_the_two_sides_of_the_junction(book: ak.Book) -> None:
    frames = org_frames()
    frames["interactions"] = pd.DataFrame(
        {
            "account_id": ["A1", "A1", "A1", "A2", "A2"],
            "date": ["2024-01-03", "2024-01-04", "2024-01-05", "2024-02-05", "2023-12-05"],
            "channel": ["call", "email", "meeting", "email", "email"],
            "party": ["client", None, "internal", "Internal", "internal"],  # missing: client; case ignored
        }
    )
    t = ak.Book.from_frames(**frames).kpis(
        Q1, by="team", kpis=["communications", "internal_communications", "client_communications"]
    )
    t = t.drop(columns="period").set_index("team")
    # F1: a call and an email with the client, a meeting with delivery; H adds F2's internal email.
    assert t.loc["F1"].tolist() == [3, 1, 2]
    assert t.loc["H"].tolist() == [4, 2, 2]
    assert t.loc["O"].tolist() == [4, 2, 2]  # the one of December is outside Q1


def test_handovers_from_closers_to_farmers() -> None:
    managers = pd.DataFrame({"manager_id": ["K", "F", "G"], "role": ["closer", "farmer", "farmer"]})
    accounts = pd.DataFrame(
        {
            "account_id": ["X", "Y", "Z"],
            "acquired_on": ["2023-12-01"] * 3,
            "churned_on": ["2024-03-15", None, None],
        }
    )
    assignments = pd.DataFrame(
        {
            "manager_id": ["K", "F", "K", "F", "G", "F"],
            "account_id": ["X", "X", "Y", "Y", "Z", "Z"],
            "start": ["2023-12-01", "2024-02-01", "2023-12-01", "2024-02-10", "2023-12-01", "2024-02-01"],
            "end": ["2024-02-01", None, "2024-02-10", None, "2024-02-01", None],
        }
    )
    projects = pd.DataFrame(
        {"project_id": ["p"], "account_id": ["X"], "signed_on": ["2023-12-01"], "value": [1.0]}
    )
    revenue = pd.DataFrame(
        {
            "account_id": ["X", "X", "Y", "Z"],
            "date": ["2024-02-05", "2024-06-01", "2024-02-10", "2024-02-10"],
            "amount": [100.0, 50, 30, 7],
        }
    )
    book = ak.Book.from_frames(accounts, revenue, managers, assignments, projects)
    h = ak.tiers.handovers(book, Q1)
    assert h["account_id"].tolist() == ["X", "Y"]  # Z went from one farmer to another
    assert h["closer_id"].tolist() == ["K", "K"] and h["farmer_id"].tolist() == ["F", "F"]
    assert h["handover_on"].tolist() == [pd.Timestamp("2024-02-01"), pd.Timestamp("2024-02-10")]
    assert h["days_from_signing"].iloc[0] == 62 and np.isnan(h["days_from_signing"].iloc[1])
    assert h["revenue_after"].tolist() == [100, 30]  # X's June line is beyond the 90 days
    assert h["churned"].tolist() == [True, False]
    assert h["churned_on"].iloc[0] == pd.Timestamp("2024-03-15") and pd.isna(h["churned_on"].iloc[1])
    assert ak.kpi.handover_churn_rate(book, Q1) == 0.5  # X churned 43 days after, Y stays
    assert ak.kpi.handover_churn_rate(book, Q1, handover_days=30) == 0
    assert math.isnan(ak.kpi.handover_churn_rate(book, "2024Q2"))
    assert ak.tiers.handovers(book, Q1, days=30)["churned"].tolist() == [False, False]


# ---- properties ------------------------------------------------------------------------------------------

PROPERTY_KPIS = [
    "revenue",
    "gross_profit",
    "clients_start",
    "clients_end",
    "churned_clients",
    "retention_rate",
    "nrr",
    "grr",
    "arpa",
    "deals",
    "median_deal_size",
    "gini",
]


@st.composite
def org_books(draw: st.DrawFn) -> ak.Book:
    """A random tree of managers (manager i reports to one of 0..i-1, or nobody when `forest`), accounts owned
    by random managers (one switch of owner at a random day for some), spells and revenue around 2024Q1."""
    n_managers = draw(st.integers(1, 7))
    forest = draw(st.booleans())
    parents = [None] + [
        draw(st.one_of(st.none(), st.integers(0, i - 1)) if forest else st.integers(0, i - 1))
        for i in range(1, n_managers)
    ]
    managers = pd.DataFrame(
        {
            "manager_id": [f"m{i}" for i in range(n_managers)],
            "role": draw(
                st.lists(
                    st.sampled_from(["farmer", "closer", "head"]), min_size=n_managers, max_size=n_managers
                )
            ),
            "reports_to": [None if p is None else f"m{p}" for p in parents],
        }
    )
    n_accounts = draw(st.integers(1, 8))
    accounts, assignments, revenue, projects = [], [], [], []
    day0 = pd.Timestamp("2023-10-01")
    for a in range(n_accounts):
        start = day0 + pd.Timedelta(days=draw(st.integers(0, 120)))
        churn = draw(st.one_of(st.none(), st.integers(1, 200)))
        accounts.append((f"a{a}", start, None if churn is None else start + pd.Timedelta(days=churn)))
        owner = draw(st.integers(0, n_managers - 1))
        switch = draw(st.one_of(st.none(), st.integers(1, 180)))
        if switch is None:
            assignments.append((f"m{owner}", f"a{a}", pd.Timestamp("2023-01-01"), None))
        else:
            moved = pd.Timestamp("2023-10-01") + pd.Timedelta(days=switch)
            assignments.append((f"m{owner}", f"a{a}", pd.Timestamp("2023-01-01"), moved))
            assignments.append((f"m{draw(st.integers(0, n_managers - 1))}", f"a{a}", moved, None))
        for _ in range(draw(st.integers(0, 4))):
            revenue.append(
                (
                    f"a{a}",
                    day0 + pd.Timedelta(days=draw(st.integers(0, 180))),
                    draw(st.integers(-50, 500)) / 4,
                )
            )
        for _ in range(draw(st.integers(0, 2))):
            projects.append(
                (
                    f"p{len(projects)}",
                    f"a{a}",
                    day0 + pd.Timedelta(days=draw(st.integers(0, 180))),
                    draw(st.integers(1, 90)),
                )
            )
    frames = {
        "accounts": pd.DataFrame(accounts, columns=["account_id", "acquired_on", "churned_on"]),
        "revenue": pd.DataFrame(revenue, columns=["account_id", "date", "amount"]).astype({"amount": float}),
        "managers": managers,
        "assignments": pd.DataFrame(assignments, columns=["manager_id", "account_id", "start", "end"]),
    }
    if projects:
        frames["projects"] = pd.DataFrame(
            projects, columns=["project_id", "account_id", "signed_on", "value"]
        ).astype({"value": float})
    return ak.Book.from_frames(**frames)


def _same(x: float, y: float) -> bool:
    return (math.isnan(x) and math.isnan(y)) or x == pytest.approx(y, rel=1e-9, abs=1e-9)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(org_books())
def test_a_team_row_is_its_managers_scope_and_the_top_is_the_whole(book: ak.Book) -> None:
    periods = [ak.Period("2024Q1"), ak.Period("2024-02")]
    teams = book.kpis(periods, by="team", kpis=PROPERTY_KPIS)
    managers = book.table("managers")
    boss = {
        m: b
        for m, b in zip(managers["manager_id"], managers["reports_to"], strict=True)
        if isinstance(b, str)
    }
    below: dict[str, list[str]] = {m: [] for m in managers["manager_id"]}
    for m in managers["manager_id"]:
        up = m
        while up is not None:
            below[up].append(m)
            up = boss.get(up)
    for row in teams.itertuples(index=False):
        if row.team is None:
            continue
        scoped = book.kpis(row.period, kpis=PROPERTY_KPIS, scope=ak.Scope(managers=below[row.team])).iloc[0]
        for k in PROPERTY_KPIS:
            assert _same(getattr(row, k), scoped[k]), (row.team, row.period, k)
    # The top of a single tree is the whole book: every account has an owner all along (assignments start in
    # 2023 and end only where a successor's begins).
    tops = [m for m in managers["manager_id"] if m not in boss]
    if len(tops) == 1:
        whole = book.kpis(periods, kpis=PROPERTY_KPIS)
        top = teams[teams["team"] == tops[0]].reset_index(drop=True)
        if top.empty:  # nothing happened in either period
            assert (whole[["revenue", "clients_start", "clients_end", "deals"]] == 0).all().all()
            return
        for k in PROPERTY_KPIS:
            for p in range(len(periods)):
                assert _same(top.loc[p, k], whole.loc[p, k]), (k, p)
