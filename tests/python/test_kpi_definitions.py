"""Every KPI against values computed by hand on small books (the arithmetic is in the comments).

Conventions (docs/kpis.md): P = [begin, end); S = clients on begin - 1; E = clients on end - 1; N = first
spells starting in P; C = accounts of S whose spell ends in P.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import accountkpi as ak

Q1 = ak.Period("2024Q1")  # [2024-01-01, 2024-04-01)
Q2 = ak.Period("2024Q2")


def nan(x: float) -> bool:
    return isinstance(x, float) and math.isnan(x)


@pytest.fixture(scope="module")
def logo_book() -> ak.Book:
    spells = [
        ("A", "2023-06-01", None),  # S, E
        ("B", "2023-01-01", "2024-02-15"),  # S, churned in P
        ("C", "2024-01-10", None),  # N, E
        ("D", "2023-01-01", "2023-10-01"),  # an earlier spell ...
        ("D", "2024-03-01", None),  # ... reactivated in P: E, not S, not N
        ("E", "2024-02-01", "2024-03-15"),  # N, joins and leaves inside P
        ("F", "2022-01-01", None),  # S, E
        ("G", "2024-01-01", "2024-04-01"),  # N (starts on begin); churned_on = end: still a client on end - 1
        ("H", "2023-01-01", "2024-01-01"),  # client on begin - 1: S; churned_on = begin: C; not active in P
        ("I", "2023-01-01", "2024-04-01"),  # S, E (leaves the day after P)
        ("J", "2022-01-01", "2022-06-01"),
        ("J", "2024-02-01", None),  # reactivated in P
    ]
    accounts = pd.DataFrame(spells, columns=["account_id", "acquired_on", "churned_on"])
    revenue = pd.DataFrame({"account_id": ["A"], "date": ["2024-01-15"], "amount": [1.0]})
    return ak.Book.from_frames(accounts=accounts, revenue=revenue)


def test_client_sets(logo_book: ak.Book) -> None:
    row = logo_book.kpis(Q1).iloc[0]
    assert row["clients_start"] == 5  # S = {A, B, F, H, I}
    assert row["clients_end"] == 7  # E = {A, C, D, F, G, I, J}
    assert row["new_clients"] == 3  # N = {C, E, G}
    assert row["reactivations"] == 2  # {D, J}
    assert row["churned_clients"] == 2  # C = {B, H}
    assert row["active_clients"] == 9  # all but H (gone on begin)


def test_retention_and_churn_and_their_variants(logo_book: ak.Book) -> None:
    assert ak.kpi.retention_rate(logo_book, Q1) == pytest.approx(3 / 5)  # |S ∩ E| = |{A, F, I}| = 3
    assert ak.kpi.retention_rate(logo_book, Q1, method="textbook") == pytest.approx((7 - 3) / 5)
    assert ak.kpi.churn_rate(logo_book, Q1) == pytest.approx(2 / 5)
    # Stripe-style: (|C| + new clients lost in P) / (|S| + |N|) = (2 + 1) / (5 + 3)
    assert ak.kpi.churn_rate(logo_book, Q1, method="include_new") == pytest.approx(3 / 8)
    # Nobody of S came back inside P: retention + churn = 1.
    assert ak.kpi.retention_rate(logo_book, Q1) + ak.kpi.churn_rate(logo_book, Q1) == pytest.approx(1)


def test_empty_start_set_is_nan_not_zero(logo_book: ak.Book) -> None:
    early = ak.Period("2021-01-01", "2021-02-01")  # before every spell
    assert nan(ak.kpi.retention_rate(logo_book, early))
    assert nan(ak.kpi.churn_rate(logo_book, early))
    assert ak.kpi.clients_start(logo_book, early) == 0  # a count is never undefined


@pytest.fixture(scope="module")
def revenue_book() -> ak.Book:
    accounts = pd.DataFrame(
        {
            "account_id": ["A", "B", "C", "D", "E"],
            "acquired_on": ["2022-01-01", "2022-01-01", "2022-01-01", "2024-01-05", "2022-01-01"],
            "churned_on": [None, None, "2024-02-15", None, None],
        }
    )
    lines = [
        ("A", "2023-02-10", 300.0),  # the same quarter a year before (year_ago base)
        ("A", "2023-11-01", 100.0),  # base B = 2023Q4
        ("A", "2024-02-01", 150.0),  # P = 2024Q1: +50 (expansion)
        ("B", "2023-10-05", 200.0),
        ("B", "2024-03-31", 120.0),  # -80 (contraction)
        ("C", "2023-12-31", 50.0),
        ("C", "2024-01-20", 10.0),  # churned in P: churned revenue 50 - 10 = 40
        ("D", "2024-01-06", 500.0),  # new in P: not in the cohort
        ("E", "2023-10-01", 40.0),
        ("E", "2023-12-01", -10.0),  # a credit note: rev_B = 30
        ("E", "2024-03-01", 30.0),  # unchanged
        ("A", "2024-04-01", 999.0),  # after P
    ]
    revenue = pd.DataFrame(lines, columns=["account_id", "date", "amount"])
    return ak.Book.from_frames(accounts=accounts, revenue=revenue)


def test_nrr_family(revenue_book: ak.Book) -> None:
    base, current = 100 + 200 + 50 + 30, 150 + 120 + 10 + 30  # 380, 310
    assert ak.kpi.nrr(revenue_book, Q1) == pytest.approx(current / base)
    assert ak.kpi.grr(revenue_book, Q1) == pytest.approx((100 + 120 + 10 + 30) / base)
    assert ak.kpi.expansion_revenue(revenue_book, Q1) == pytest.approx(50)
    assert ak.kpi.contraction_revenue(revenue_book, Q1) == pytest.approx(80)
    assert ak.kpi.churned_revenue(revenue_book, Q1) == pytest.approx(40)
    assert ak.kpi.revenue_churn_rate(revenue_book, Q1) == pytest.approx((40 + 80) / base)
    net = ak.kpi.revenue_churn_rate(revenue_book, Q1, method="net")
    assert net == pytest.approx((40 + 80 - 50) / base)
    assert net == pytest.approx(1 - ak.kpi.nrr(revenue_book, Q1))  # NRR = 1 - net revenue churn


def test_nrr_year_ago_base_and_undefined_base(revenue_book: ak.Book) -> None:
    assert ak.kpi.nrr(revenue_book, Q1, base="year_ago") == pytest.approx(150 / 300)  # cohort = {A}
    assert nan(ak.kpi.nrr(revenue_book, ak.Period("2022Q1")))  # nobody had revenue in 2021Q4
    assert ak.kpi.grr(revenue_book, Q1) <= 1


def test_base_periods() -> None:
    def base(p: ak.Period, how: str = "previous") -> tuple[str, str]:
        b, e = ak._core.kpi.base_period(p._begin, p._end, how)
        return ak._core.date_iso(b), ak._core.date_iso(e)

    assert base(ak.Period("2024Q1")) == ("2023-10-01", "2024-01-01")  # 3 whole months before
    assert base(ak.Period("2024-03")) == ("2024-02-01", "2024-03-01")  # 29 days: whole months, not days
    assert base(ak.Period("2024-01-10", "2024-01-20")) == ("2023-12-31", "2024-01-10")  # 10 days before
    assert base(ak.Period("2024Q1"), "year_ago") == ("2023-01-01", "2023-04-01")
    assert base(ak.Period("2024-02-29", "2024-03-10"), "year_ago") == ("2023-02-28", "2023-03-10")


@pytest.fixture(scope="module")
def relationship_book() -> ak.Book:
    accounts = pd.DataFrame({"account_id": ["A", "B"], "acquired_on": ["2023-01-01", "2023-01-01"]})
    revenue = pd.DataFrame({"account_id": ["A"], "date": ["2024-01-15"], "amount": [1.0]})
    projects = pd.DataFrame(
        {"project_id": [1], "account_id": ["A"], "signed_on": ["2024-01-20"], "value": [10.0]}
    )
    requests = pd.DataFrame(
        {
            "account_id": ["A", "A", "B", "B", "A"],
            "received_on": ["2024-01-02", "2024-01-05", "2024-01-07", "2024-01-08", "2023-12-30"],
            "responded_on": ["2024-01-03", "2024-01-10", None, "2024-01-10", "2024-01-02"],
            "project_id": [None, 1, None, None, None],
        }
    )
    surveys = pd.DataFrame(
        {
            "account_id": ["A"] * 14,
            "date": ["2024-02-01"] * 14,
            "kind": ["csat"] * 4 + ["nps"] * 7 + ["ces"] * 3,
            "score": [5, 4, 3, 1, 10, 9, 9, 8, 7, 6, 0, 7, 6, 2],
        }
    )
    interactions = pd.DataFrame(
        {
            "account_id": ["A", "A", "A", "B", "A"],
            "date": ["2024-01-03", "2024-02-10", "2024-03-21", "2024-03-01", "2023-12-01"],
            "channel": ["email", "call", "meeting", "email", "email"],
        }
    )
    return ak.Book.from_frames(
        accounts=accounts,
        revenue=revenue,
        projects=projects,
        requests=requests,
        surveys=surveys,
        interactions=interactions,
    )


def test_requests(relationship_book: ak.Book) -> None:
    b = relationship_book
    assert ak.kpi.request_count(b, Q1) == 4  # the request of 2023-12-30 is not in Q1
    assert ak.kpi.unanswered_requests(b, Q1) == 1
    assert ak.kpi.request_response_days(b, Q1) == 2  # median of 1, 5, 2 days
    assert ak.kpi.timely_response_rate(b, Q1) == pytest.approx(2 / 4)  # 1 and 2 days; unanswered is late
    assert ak.kpi.timely_response_rate(b, Q1, sla_days=5) == pytest.approx(3 / 4)
    assert ak.kpi.request_conversion_rate(b, Q1) == pytest.approx(1 / 4)
    assert ak.kpi.requests_per_account(b, Q1) == pytest.approx(4 / 2)
    assert nan(ak.kpi.request_response_days(b, Q2))
    assert nan(ak.kpi.timely_response_rate(b, Q2))


def test_surveys(relationship_book: ak.Book) -> None:
    b = relationship_book
    assert ak.kpi.csat(b, Q1) == pytest.approx(2 / 4)  # 4 and 5 are satisfied, 3 is not
    assert ak.kpi.csat(b, Q1, method="mean") == pytest.approx((5 + 4 + 3 + 1) / 4)
    assert ak.kpi.nps(b, Q1) == pytest.approx(100 * (3 - 2) / 7)  # promoters 10, 9, 9; detractors 6, 0
    assert ak.kpi.ces(b, Q1) == pytest.approx((7 + 6 + 2) / 3)
    assert ak.kpi.ces(b, Q1, method="top_box") == pytest.approx(2 / 3)
    for kpi in (ak.kpi.csat, ak.kpi.nps, ak.kpi.ces):
        assert nan(kpi(b, Q2))


def test_communications(relationship_book: ak.Book) -> None:
    b = relationship_book
    row = b.kpis(
        Q1,
        kpis=[
            "communications",
            "emails",
            "calls",
            "meetings",
            "touches_per_account_month",
            "days_since_last_touch",
        ],
    ).iloc[0]
    assert (row["communications"], row["emails"], row["calls"], row["meetings"]) == (4, 2, 1, 1)
    assert row["touches_per_account_month"] == pytest.approx(4 / (2 * 3))  # 2 clients, 3 months
    # On 2024-03-31: A last touched 03-21 (10 days), B on 03-01 (30 days).
    assert row["days_since_last_touch"] == pytest.approx((10 + 30) / 2)


@pytest.fixture(scope="module")
def profit_book() -> ak.Book:
    accounts = pd.DataFrame(
        {"account_id": ["A", "B", "C"], "acquired_on": ["2023-01-01", "2023-01-01", "2024-02-01"]}
    )
    projects = pd.DataFrame(
        {
            "project_id": ["p1", "p2", "p3", "p4"],
            "account_id": ["A", "A", "B", "C"],
            "kind": ["upsell", "cross_sell", "renewal", "new"],
            "signed_on": ["2024-01-10", "2024-02-10", "2024-03-10", "2024-02-01"],
            "end": [None, None, None, "2024-03-01"],
            "value": [100.0, 300.0, 800.0, 50.0],
        }
    )
    revenue = pd.DataFrame(
        {
            "account_id": ["A", "A", "B", "B", "C"],
            "project_id": ["p1", "p2", "p3", "p3", "p4"],
            "date": ["2024-01-15", "2024-02-15", "2024-03-15", "2024-03-20", "2024-02-10"],
            "amount": [1000.0, 1600.0, 3000.0, -200.0, 400.0],
            "cost": [600.0, 400.0, 3300.0, 0.0, 100.0],
            "units": [10.0, 2.0, 1.0, None, None],
            "unit": ["hour", "day", "month", None, None],
        }
    )
    return ak.Book.from_frames(accounts=accounts, projects=projects, revenue=revenue)


def test_profit(profit_book: ak.Book) -> None:
    b = profit_book
    assert ak.kpi.revenue(b, Q1) == pytest.approx(1000 + 1600 + 3000 - 200 + 400)  # 5800
    assert ak.kpi.cost(b, Q1) == pytest.approx(600 + 400 + 3300 + 100)  # 4400
    assert ak.kpi.gross_profit(b, Q1) == pytest.approx(1400)
    assert ak.kpi.gross_margin(b, Q1) == pytest.approx(1400 / 5800)  # revenue-weighted
    assert ak.kpi.avg_rate(b, Q1, "hour") == pytest.approx(1000 / 10)
    assert ak.kpi.avg_rate(b, Q1, "day") == pytest.approx(1600 / 2)
    assert ak.kpi.avg_rate(b, Q1, "month") == pytest.approx(3000 / 1)
    # Everything in hours: 10 h + 2 d × 8 h + 1 m × 21 d × 8 h = 194 h.
    assert ak.kpi.avg_rate(b, Q1, "normalised_hour") == pytest.approx(5600 / 194)
    assert ak.kpi.avg_rate_normalised_hour(b, Q1, hours_per_day=10) == pytest.approx(5600 / (10 + 20 + 210))
    assert ak.kpi.deals(b, Q1) == 4
    assert ak.kpi.avg_deal_size(b, Q1) == pytest.approx((100 + 300 + 800 + 50) / 4)
    assert ak.kpi.median_deal_size(b, Q1) == pytest.approx((100 + 300) / 2)
    assert ak.kpi.avg_project_size(b, Q1) == ak.kpi.avg_deal_size(b, Q1)
    assert ak.kpi.upsell_revenue(b, Q1) == pytest.approx(1000)
    assert ak.kpi.cross_sell_revenue(b, Q1) == pytest.approx(1600)
    assert ak.kpi.new_business_revenue(b, Q1) == pytest.approx(400)  # C was acquired in Q1
    assert ak.kpi.arpa(b, Q1) == pytest.approx(5800 / 3)
    assert ak.kpi.projects_per_account(b, Q1) == pytest.approx(4 / 3)
    assert ak.kpi.renewal_rate(b, Q1) == pytest.approx(1 / 1)  # one renewal signed, one contract (p4) ended


def test_gross_profit_per_account(profit_book: ak.Book) -> None:
    b = profit_book
    # Q1: gross profit (1000 + 1600 + 3000 - 200 + 400) - (600 + 400 + 3300 + 100) = 5800 - 4400 = 1400 over
    # the 3 clients active in Q1: A, B and C (acquired 2024-02-01).
    assert ak.kpi.gross_profit_per_account(b, Q1) == pytest.approx(1400 / 3)
    # By account, one active client each: A (1000 + 1600) - (600 + 400) = 1600; B (3000 - 200) - 3300 = -500
    # (a loss is kept); C 400 - 100 = 300.
    t = b.kpis(Q1, by="account", kpis="gross_profit_per_account").set_index("account_id")
    assert t["gross_profit_per_account"].to_dict() == pytest.approx({"A": 1600, "B": -500, "C": 300})
    # Q2: the three are still clients and bill nothing: 0 / 3 = 0, defined.
    assert ak.kpi.gross_profit_per_account(b, Q2) == 0
    # 2022: nobody was a client yet: 0 / 0 -> NaN.
    assert nan(ak.kpi.gross_profit_per_account(b, "2022"))


def test_undefined_profit_ratios_are_nan(profit_book: ak.Book) -> None:
    b = profit_book
    assert ak.kpi.revenue(b, Q2) == 0
    for kpi in ("gross_margin", "avg_deal_size", "median_deal_size", "avg_rate_hour", "renewal_rate"):
        assert nan(getattr(ak.kpi, kpi)(b, Q2)), kpi


def test_negative_margins_are_kept(profit_book: ak.Book) -> None:
    # B's project p3 lost money: 2800 revenue, 3300 cost.
    t = profit_book.kpis(Q1, by="account", kpis=["gross_profit", "gross_margin"]).set_index("account_id")
    assert t.loc["B", "gross_profit"] == pytest.approx(-500)
    assert t.loc["B", "gross_margin"] == pytest.approx(-500 / 2800)


def test_concentration_in_a_book() -> None:
    accounts = pd.DataFrame({"account_id": list("ABCDEFG"), "acquired_on": ["2023-01-01"] * 7})
    revenue = pd.DataFrame(
        {
            "account_id": list("ABCDEFG"),
            "date": ["2024-02-01"] * 7,
            "amount": [50.0, 20.0, 10.0, 10.0, 10.0, 0.0, -5.0],
        }
    )
    b = ak.Book.from_frames(accounts=accounts, revenue=revenue)
    row = b.kpis(Q1, kpis=["top_share", "pareto_ratio", "gini", "hhi", "largest_client_share"]).iloc[0]
    # Over the 5 accounts with positive revenue (F has 0, G is negative): 50, 20, 10, 10, 10 (total 100).
    assert row["top_share"] == pytest.approx(0.5)  # top ceil(0.2 × 5) = 1 account
    assert row["pareto_ratio"] == pytest.approx(3 / 5)  # 50 + 20 + 10 reach 80
    assert row["gini"] == pytest.approx((-4 * 10 - 2 * 10 + 0 * 10 + 2 * 20 + 4 * 50) / (5 * 100))  # 0.36
    assert row["hhi"] == pytest.approx(0.25 + 0.04 + 3 * 0.01)
    assert row["largest_client_share"] == pytest.approx(0.5)
    assert ak.kpi.top_share(b, Q1, p=0.4) == pytest.approx(0.7)
    assert nan(ak.kpi.gini(b, Q2))


@pytest.mark.parametrize(
    ("values", "expected"),
    [([1, 1, 1, 1], 0.0), ([1, 0, 0, 0], 0.0), ([1, 3], (-1 * 1 + 1 * 3) / (2 * 4)), ([], float("nan"))],
    ids=["equal", "one-positive", "two", "empty"],
)
def test_gini_on_arrays(values: list[float], expected: float) -> None:
    got = ak.concentration.gini(values)
    assert (math.isnan(got) and math.isnan(expected)) or got == pytest.approx(expected)


def test_concentration_arrays_reject_non_finite() -> None:
    with pytest.raises(ValueError, match="not finite"):
        ak.concentration.gini([1.0, np.nan])
    with pytest.raises(ValueError, match="in \\(0, 1\\]"):
        ak.concentration.top_share([1.0], p=0)
    x, y = ak.concentration.lorenz([10, 30, 60])
    assert x.tolist() == pytest.approx([0, 1 / 3, 2 / 3, 1])
    assert y.tolist() == pytest.approx([0, 0.1, 0.4, 1])


def test_churn_compounding() -> None:
    assert ak.kpi.compound_churn(0.02, 12) == pytest.approx(1 - 0.98**12)
    assert ak.kpi.periodic_churn(ak.kpi.compound_churn(0.05, 12), 12) == pytest.approx(0.05)


def test_options_are_checked(profit_book: ak.Book) -> None:
    with pytest.raises(TypeError, match="unexpected option"):
        ak.kpi.revenue(profit_book, Q1, method="x")
    with pytest.raises(ValueError, match="not one of"):
        ak.kpi.retention_rate(profit_book, Q1, method="magic")
    with pytest.raises(TypeError, match="unknown KPI option"):
        profit_book.kpis(Q1, sla=3)
    with pytest.raises(ValueError, match="unknown KPI"):
        profit_book.kpis(Q1, kpis=["revenues"])
    with pytest.raises(ValueError, match="unknown group key"):
        profit_book.kpis(Q1, by="country")


def test_every_kpi_has_a_function_and_a_definition() -> None:
    assert set(ak._definitions.NOTES) <= set(ak.kpi.KPIS)  # no note of a KPI that is gone
    for name in ak.kpi.KPIS:
        doc = getattr(ak.kpi, name).__doc__
        assert "Formula" in doc, name


def test_every_kpi_is_documented_in_the_reference() -> None:
    from pathlib import Path

    reference = Path(__file__).resolve().parents[2] / "docs" / "kpis.md"
    headings = {line[4:].strip() for line in reference.read_text().splitlines() if line.startswith("### ")}
    assert set(ak.kpi.KPIS) <= headings
