"""Health, prioritisation, farmers versus closers and the retention what-if on the hand-made book of
tiers_books.py, Q2 2024 (numbers by hand in the comments)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import tiers_books

import accountkpi as ak
import accountkpi.tiers_priority

Q2 = "2024Q2"


@pytest.fixture(scope="module")
def book() -> ak.Book:
    return tiers_books.book()


def test_health_by_hand(book: ak.Book) -> None:
    h = ak.health.health(book, Q2).set_index("account_id")
    # A: satisfaction (33.3 + 100) / 2 = 66.7; cadence 2/2 -> 100; responsiveness 1/3 -> 33.3; trend nrr 1.5
    # -> 100; margin 0.4/0.3 -> 100; composite .2*66.7 + .15*100 + .35*33.3 + .2*100 + .1*100 = 70;
    # one unanswered request: -15 -> 55 (watch)
    assert h.loc["A", "satisfaction"] == pytest.approx(200 / 3)
    assert h.loc["A", "health"] == pytest.approx(55.0)
    assert h.loc["A", "band"] == "watch"
    assert "1 request(s) unanswered" in h.loc["A", "reasons"]
    assert "1 of 3 requests answered within 2 days" in h.loc["A", "reasons"]
    # B: no surveys or requests (left out); cadence 0, trend 50 + 100 * (0.5 - 1) -> 0, margin .2/.3 -> 66.7;
    # (.15*0 + .2*0 + .1*66.7) / .45 = 14.8 (at risk)
    assert h.loc["B", "health"] == pytest.approx((0.1 * 200 / 3) / 0.45)
    assert h.loc["B", "band"] == "at_risk"
    assert "revenue -50% on the previous period" in h.loc["B", "reasons"]
    # C: trend nrr 2 -> 100, margin -0.25 -> 0, cadence 0: .2*100 / .45 = 44.4
    assert h.loc["C", "health"] == pytest.approx(20 / 0.45)
    # D: no base revenue (trend undefined): (.15*0 + .1*100) / .25 = 40 -> watch (40 is not below 40)
    assert h.loc["D", "health"] == pytest.approx(40.0)
    assert h.loc["D", "band"] == "watch"
    assert math.isnan(h.loc["D", "trend"])
    risky = ak.health.at_risk(book, Q2)
    assert risky["account_id"].tolist() == ["B"]
    # weights are options: responsiveness alone -> A 33.3 - 15 = 18.3; accounts without requests undefined
    only = ak.health.health(book, Q2, weights={"responsiveness": 1}).set_index("account_id")
    assert only.loc["A", "health"] == pytest.approx(100 / 3 - 15)
    assert math.isnan(only.loc["B", "health"])
    # a longer SLA: 2 of 3 within 10 days
    assert ak.health.health(book, Q2, sla_days=10).set_index("account_id").loc[
        "A", "responsiveness"
    ] == pytest.approx(200 / 3)
    with pytest.raises(ValueError, match="unknown health component"):
        ak.health.health(book, Q2, weights={"mood": 1})
    with pytest.raises(ValueError, match="bands"):
        ak.health.health(book, Q2, bands=(80, 20))


def test_prioritise_by_hand(book: ak.Book) -> None:
    r = ak.tiers.ClientPortfolio("F2").prioritise(book, Q2)
    # B: revenue 1000 (rank pct .5), growth 1000/2000 - 1 = -.5 (.5), margin .2 (1), health 14.8
    #    -> .4*.5 + .2*.5 + .2*1 + .2*.148 = .5296
    # C: revenue 2000 (1), growth +1 (1), margin -.25 (.5), health 44.4 -> .4 + .2 + .1 + .2*.444 = .7889
    assert r["item"].tolist() == ["C", "B"]
    assert r["priority_rank"].tolist() == [1, 2]
    assert r["priority"].tolist() == pytest.approx([0.7 + 0.2 * 20 / 45, 0.5 + 0.2 * (20 / 3) / 45])
    c, b = r.iloc[0], r.iloc[1]
    assert c["risk_flags"] == "loss_making" and not c["drop_candidate"]  # losing money but growing
    assert c["reasons"] == "loss_making: gross profit -500.0"
    assert b["risk_flags"] == "shrinking; unhealthy" and not b["drop_candidate"]  # margin 20% is above 15%
    # With a 25% floor, B is low-margin and shrinking: a drop candidate, each flag with its reason.
    r = ak.tiers.ClientPortfolio("F2").prioritise(book, Q2, margin_floor=0.25)
    b = r.set_index("item").loc["B"]
    assert b["drop_candidate"]
    assert b["reasons"] == (
        "shrinking: revenue -50%; low_margin: margin 20.0% (floor 25%); unhealthy: health 14.8"
    )
    with pytest.raises(ValueError, match="level"):
        ak.tiers.ClientPortfolio("F2").prioritise(book, Q2, level="region")


def test_prioritise_projects_runs_on_demo() -> None:
    demo = ak.datasets.demo_book()
    r = ak.tiers.ClientPortfolio("F05").prioritise(demo, "2024", level="project")
    assert r["priority_rank"].tolist() == list(range(1, len(r) + 1))
    assert r["item"].is_unique
    assert (r["priority"].dropna().between(0, 1)).all()


def test_prioritise_projects_by_hand() -> None:
    # A's Q1 line (1000 / 600) in P0 (signed 2023-12-01), its Q2 lines (1200 / 700 + 300 / 200) in P1;
    # F1 owns A
    f = tiers_books.frames()
    projects = pd.DataFrame(
        {
            "project_id": ["P0", "P1"],
            "account_id": ["A", "A"],
            "signed_on": tiers_books.D("2023-12-01", "2024-04-05"),
            "value": [1000.0, 5000.0],
        }
    )
    revenue = f["revenue"].assign(project_id=["P0", "P1", "P1", None, None, None, None, None, None])
    b = tiers_books.book(projects=projects, revenue=revenue)
    r = ak.tiers_priority.prioritise(b, Q2, manager="F1", level="project")
    # P1: revenue 1500 (rank pct 1), no base (growth NaN), margin 600 / 1500 = .4 (1), health of A 55 (.55)
    #     -> (.4*1 + .2*1 + .2*.55) / .8 = .8875
    # P0: revenue 0 (.5), growth 0 / 1000 - 1 = -1 (1), margin NaN, health .55 -> (.2 + .2 + .11) / .8 = .6375
    assert r["item"].tolist() == ["P1", "P0"]
    assert r["account_id"].tolist() == ["A", "A"]
    assert r["priority"].tolist() == pytest.approx([0.8875, 0.6375])
    assert r["base_revenue"].tolist() == [0.0, 1000.0]
    assert r.loc[1, "reasons"] == "shrinking: revenue -100%" and not r.loc[1, "drop_candidate"]
    # a book without project lines ranks no project (an empty frame, not an error)
    empty = ak.tiers_priority.prioritise(tiers_books.book(), Q2, manager="F1", level="project")
    assert empty.empty and list(empty.columns) == list(r.columns)


def test_farmers_closers_by_hand(book: ak.Book) -> None:
    t = ak.tiers.farmers_closers(book, Q2).set_index("role")
    # farmers own A, B, C, D: revenue 1500 + 1000 + 2000 + 10000; cost 900 + 800 + 2500 + 6000
    assert t.loc["farmer", "revenue"] == 14500
    assert t.loc["farmer", "gross_profit"] == 4300
    assert t.loc["farmer", "deals"] == 1 and t.loc["farmer", "avg_deal_size"] == 5000
    assert t.loc["farmer", "new_logo_revenue"] == 0
    # the closer C1 owns E, a new logo of 05-01: 500 of revenue, 400 of profit, all new business
    assert t.loc["closer", "new_logo_revenue"] == 500 and t.loc["closer", "existing_revenue"] == 0
    assert t.loc["closer", "gross_margin"] == pytest.approx(0.8)
    assert math.isnan(t.loc["closer", "avg_deal_size"])
    m = ak.tiers.farmers_closers(book, Q2, by="manager").set_index("manager_id")
    assert m.loc["F2", "gross_margin"] == pytest.approx(-0.1)
    assert m["revenue"].sum() == 15000
    with pytest.raises(ValueError, match="by is among"):
        ak.tiers.farmers_closers(book, Q2, by="region")


def test_retention_uplift_by_hand(book: ak.Book) -> None:
    r = ak.whatif.retention_uplift(book, Q2, points=0.25, horizon=1, discount=0)
    # S = {A, B, C, D}; C churns: churn 1/4; 0.25 * 4 = 1 whole client more kept: new churn 0
    assert (r.clients_start, r.churned_clients, r.churn_rate) == (4, 1, 0.25)
    assert (r.extra_clients_kept, r.new_churn_rate) == (1, 0.0)
    # gross profit 600 + 200 - 500 + 4000 + 400 = 4700 over 5 active clients = 940 each
    assert r.gross_profit_per_client == pytest.approx(940)
    assert r.profit_next_period == pytest.approx(940)  # 1 * 940
    # horizon 1 year = 4 quarters, no discount: per client 940 (.75 + .75^2 + .75^3 + .75^4) = 940 * 2.05078
    assert r.periods == 4
    assert r.lifetime_profit_per_client == pytest.approx(940 * 2.05078125)
    assert r.new_lifetime_profit_per_client == pytest.approx(940 * 4)  # churn 0: 4 quarters, capped
    assert r.horizon_profit == pytest.approx(4 * 940 * 2.05078125)  # 7710.9375
    assert r.lifetime_uplift == pytest.approx(4 * 940 * (4 - 2.05078125))  # 7329.0625
    assert r.profit_uplift == pytest.approx(4 / 2.05078125 - 1)  # +95.0%
    # a 10% yearly discount is 1.1^0.25 - 1 a quarter
    d = ak.whatif.retention_uplift(book, Q2, points=0.25, horizon=1, discount=0.1)
    q = 1.1**0.25
    assert d.period_discount == pytest.approx(q - 1)
    assert d.new_lifetime_profit_per_client == pytest.approx(940 * sum(q**-t for t in range(1, 5)))
    # whole clients: 0.05 * 4 = 0.2 rounds to none
    few = ak.whatif.retention_uplift(book, Q2, points=0.05)
    assert few.extra_clients_kept == 0 and few.new_churn_rate == 0.25 and few.profit_uplift == 0
    assert len(r.assumptions) >= 3 and "whole clients" in " ".join(r.assumptions)
    assert r.to_frame().shape[1] == 2
    with pytest.raises(ValueError, match="fraction"):
        ak.whatif.retention_uplift(book, Q2, points=5)
    with pytest.raises(ValueError, match="horizon"):
        ak.whatif.retention_uplift(book, Q2, horizon=0)
    with pytest.raises(ValueError, match="discount"):
        ak.whatif.retention_uplift(book, Q2, discount=-0.1)


@pytest.mark.parametrize("period", ["2025Q2", "2024"])
def test_retention_uplift_finite_for_any_points(period: str) -> None:
    demo = ak.datasets.demo_book()
    for points in np.linspace(0, 1, 21):
        r = ak.whatif.retention_uplift(demo, period, points=float(points))
        numbers = [v for v in r.to_frame().set_index("name")["value"] if isinstance(v, (int, float))]
        assert np.isfinite(numbers).all(), points
        assert r.new_churn_rate >= 0 and r.extra_clients_kept <= r.churned_clients


def test_retention_uplift_checks_the_article_on_the_demo() -> None:
    # The case on the demo book: 2025Q3 churn 10 of 238 = 4.2% a quarter; +5 points (12 clients)
    # keeps all 10 lost.
    r = ak.whatif.retention_uplift(ak.datasets.demo_book(), "2025Q3", points=0.05)
    assert (r.clients_start, r.churned_clients, r.extra_clients_kept) == (238, 10, 10)
    assert r.new_churn_rate == 0 and r.periods == 20  # 5 years of quarters
    # capped at 20 quarters, discounted at 1.1^0.25 - 1 a quarter: V = S g Σ_{t=1..20} ((1 - c) / 1.1^0.25)^t
    q = 1.1**0.25
    old = sum(((1 - 10 / 238) / q) ** t for t in range(1, 21))
    new = sum(q**-t for t in range(1, 21))
    assert r.horizon_profit == pytest.approx(238 * r.gross_profit_per_client * old)
    assert r.lifetime_uplift == pytest.approx(238 * r.gross_profit_per_client * (new - old))
    assert r.profit_uplift == pytest.approx(new / old - 1)
    assert 0 < r.profit_uplift < 1  # finite: a churn of 0 no longer means an endless lifetime


def test_health_demo_in_range() -> None:
    h = ak.health.health(ak.datasets.demo_book(), "2024Q2")
    assert np.all((h["health"].dropna() >= 0) & (h["health"].dropna() <= 100))
    assert set(h["band"].dropna()) <= {"at_risk", "watch", "healthy"}


def test_rules_warn_where_the_data_does_not_reach(book: ak.Book) -> None:
    # the tiers book's data runs from 2024-01-15 to 2024-06-20: 2024Q4 is outside it, as Book.kpis warns
    with pytest.warns(ak.DataCoverageWarning, match="2024Q4"):
        h = ak.health.health(book, "2024Q4")
    # the clients are still clients, but nothing but a cadence of 0 is known of them: not scored
    assert h["health"].isna().all() and set(h["reasons"]) == {"not scored: only cadence known"}
    with pytest.warns(ak.DataCoverageWarning, match="2024Q4"):
        ak.tiers_priority.prioritise(book, "2024Q4", manager="F2")
    with pytest.warns(ak.DataCoverageWarning, match="2024Q4"):
        ak.whatif.retention_uplift(book, "2024Q4")
