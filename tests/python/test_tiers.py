"""Mandates, scorecards and Book.scorecards on the hand-made book of tiers_books.py (numbers by hand)."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
import tiers_books

import accountkpi as ak
from accountkpi.tiers import ClientPortfolio, Goal, RevenuePortfolio, SingleClient

Q2 = "2024Q2"


@pytest.fixture(scope="module")
def book() -> ak.Book:
    return tiers_books.book()


def line(card: ak.tiers.Scorecard, kpi: str) -> pd.Series:
    frame = card.lines.set_index("kpi")
    return frame.loc[kpi]


def test_attainment_direction_cap_and_undefined() -> None:
    assert ak.tiers.attainment(80, 100) == 0.8
    assert ak.tiers.attainment(200, 100) == 1.5  # 2.0 capped
    assert ak.tiers.attainment(0.2, 0.1, higher_is_better=False) == 0.5  # 0.1 / 0.2
    assert ak.tiers.attainment(0.0, 0.1, higher_is_better=False) == 1.5  # no churn: capped
    assert ak.tiers.attainment(-50, 100) == -0.5  # a loss is not clamped
    assert ak.tiers.attainment(300, 100, cap=math.inf) == 3.0
    assert math.isnan(ak.tiers.attainment(10, 0))  # target 0 -> NaN
    assert math.isnan(ak.tiers.attainment(math.nan, 10))


def test_book_target_prorates_flows_by_days(book: ak.Book) -> None:
    assert ak.tiers.book_target(book, "F3", "revenue", Q2) == pytest.approx(9100)  # 36600 * 91 / 366
    # 31 days of 2024 and 31 of 2025: 36600 * 31 / 366 + 73000 * 31 / 365 = 3100 + 6200
    dec_jan = ak.Period("2024-12-01", "2025-02-01")
    assert ak.tiers.book_target(book, "F3", "revenue", dec_jan) == pytest.approx(9300)
    assert ak.tiers.book_target(book, "F1", "nps", Q2) == 40  # a ratio target is not pro-rated
    assert math.isnan(ak.tiers.book_target(book, "F1", "revenue", ak.Period("2023-12-01", "2024-02-01")))


def test_single_client_scorecard_by_hand(book: ak.Book) -> None:
    card = SingleClient("A", manager="F1").evaluate(book, Q2)
    assert card.tier == "single_client" and card.manager_id == "F1"
    assert line(card, "retention_rate").attainment == 1.0  # retained: 1 / 1, target 1
    assert line(card, "nps").actual == pytest.approx(100 / 3)  # 100 * (2 - 1) / 3
    assert line(card, "nps").target == 40  # from the targets table
    assert line(card, "timely_response_rate").attainment == pytest.approx((1 / 3) / 0.9)
    assert line(card, "touches_per_account_month").actual == 2.0  # 6 emails / (1 account * 3 months)
    assert line(card, "nrr").actual == 1.5  # 1500 / 1000
    assert line(card, "gross_margin").actual == pytest.approx(0.4)  # (1500 - 900) / 1500
    assert line(card, "revenue").target == pytest.approx(1820)  # 7320 * 91 / 366, weight 1
    expected = (
        3 * 1.0
        + 2 * (100 / 3 / 40)
        + 2 * (1 / 3 / 0.9)
        + 1 * 1.0
        + 2 * (1.5 / 1.1)
        + 2 * (0.4 / 0.3)
        + 1 * (1500 / 1820)
    ) / 13
    assert card.score == pytest.approx(expected, rel=1e-12)
    assert sorted(card.unscored) == ["avg_project_size", "renewal_rate"]  # listed, not scored 0
    assert card.lines["score"].sum() == pytest.approx(card.score)
    frame = card.to_frame()
    assert list(frame.columns) == [
        "manager_id",
        "tier",
        "kpi",
        "actual",
        "target",
        "gap",
        "attainment",
        "weight",
        "score",
        "points_lost",
        "higher_is_better",
    ]
    # gap: target - actual (more is better); points_lost: weight * (1 - attainment) / 13 when below target
    assert line(card, "nps").gap == pytest.approx(40 - 100 / 3)
    assert line(card, "nps").points_lost == pytest.approx(2 * (1 - (100 / 3) / 40) / 13)
    assert line(card, "timely_response_rate").gap == pytest.approx(0.9 - 1 / 3)
    assert line(card, "revenue").points_lost == pytest.approx((1 - 1500 / 1820) / 13)
    assert line(card, "nrr").points_lost == 0  # 1.5 / 1.1 is above target
    assert math.isnan(line(card, "renewal_rate").points_lost)  # unscored
    # no goal above target here but nrr and margin: 1 - Σ points_lost is the score without their surplus
    surplus = 2 * (1.5 / 1.1 - 1) / 13 + 2 * (0.4 / 0.3 - 1) / 13
    assert 1 - card.lines["points_lost"].sum() + surplus == pytest.approx(card.score)


def test_client_portfolio_scorecard_by_hand(book: ak.Book) -> None:
    card = ClientPortfolio("F2").evaluate(book, Q2)
    assert line(card, "retention_rate").actual == 0.5  # C churns on 06-15
    assert line(card, "gross_margin").actual == pytest.approx(-0.1)  # (3000 - 3300) / 3000
    assert line(card, "largest_client_share").attainment == pytest.approx(0.35 / (2 / 3))  # lower is better
    expected = (2 * (0.5 / 0.9) + 2 * (1 / 1.05) + (2 / 3) / 0.9 + 2 * (-0.1 / 0.3) + 0.35 / (2 / 3)) / 8
    assert card.score == pytest.approx(expected, rel=1e-12)
    assert sorted(card.unscored) == ["nps", "timely_response_rate"]
    only_b = ClientPortfolio("F2", accounts=["B"]).evaluate(book, Q2)
    assert line(only_b, "nrr").actual == 0.5  # 1000 / 2000


def test_revenue_portfolio_status_by_hand(book: ak.Book) -> None:
    s = RevenuePortfolio("F3").status(book, Q2)
    assert s.target_period == ak.Period("2024")
    assert s.target == 36600
    assert s.target_to_date == pytest.approx(9100)
    assert s.revenue == 10000 and s.revenue_to_date == 10000
    assert s.attainment == pytest.approx(10000 / 9100)
    # forecast: 10000 so far + 10000/91 a day for the 184 days left in 2024
    assert s.forecast == pytest.approx(10000 + 10000 / 91 * 184)
    assert s.gap == pytest.approx(36600 - (10000 + 10000 / 91 * 184))
    assert (s.cost, s.gross_profit, s.gross_margin) == (6000, 4000, pytest.approx(0.4))
    assert (s.new_business_revenue, s.existing_business_revenue) == (0, 10000)
    assert s.to_frame().shape == (1, 15)
    own = RevenuePortfolio("F3", revenue_target=12000, target_period=ak.Period("2024-01-01", "2024-07-01"))
    o = own.status(book, Q2)
    assert o.target_to_date == pytest.approx(6000)  # 12000 * 91 / 182
    assert o.forecast == 10000 and o.gap == 2000  # no days left: no projection
    # the given target also drives the scorecard's revenue goal, pro-rated
    card = own.evaluate(book, Q2, book_targets=False)
    assert line(card, "revenue").target == pytest.approx(6000)


def test_book_scorecards_equal_the_mandates(book: ak.Book) -> None:
    with pytest.warns(ak.tiers.UnscoredGoalWarning) as caught:
        cards = book.scorecards(Q2)
    # F1 is the only single-client farmer: no project-size target and no renewal due; F2's accounts have
    # no survey and no request; F3 has no gross-profit target, and its D billed nothing in Q1 (no NRR).
    assert str(caught[0].message) == (
        "2024Q2: unscored goals: renewal_rate for every single_client manager (no actual); "
        "avg_project_size for every single_client manager (no target); "
        "nps for every client_portfolio manager (no actual); "
        "timely_response_rate for every client_portfolio manager (no actual); "
        "gross_profit for every revenue_portfolio manager (no target); "
        "nrr for every revenue_portfolio manager (no actual)"
    )
    assert list(cards.columns) == [
        "manager_id",
        "tier",
        "kpi",
        "actual",
        "target",
        "gap",
        "attainment",
        "weight",
        "score",
        "points_lost",
    ]
    assert cards["manager_id"].tolist() == ["F1"] * 9 + ["F2"] * 7 + ["F3"] * 4
    parts = [
        SingleClient("A", "F1").evaluate(book, Q2),
        ClientPortfolio("F2").evaluate(book, Q2),
        RevenuePortfolio("F3").evaluate(book, Q2),
    ]
    expected = pd.concat([c.to_frame().drop(columns="higher_is_better") for c in parts], ignore_index=True)
    pd.testing.assert_frame_equal(
        cards.astype({"tier": object}), expected.astype({"tier": object}), check_dtype=False
    )
    totals = cards.groupby("manager_id")["score"].sum(min_count=1)
    assert totals.tolist() == pytest.approx([c.score for c in parts])
    with pytest.warns(ak.tiers.UnscoredGoalWarning):
        capped = book.scorecards(Q2, cap=1.2)
    assert (capped["attainment"].dropna() <= 1.2).all()


def test_custom_scorecard_and_kpi_options(book: ak.Book) -> None:
    mandate = SingleClient("A", "F1", scorecard=[Goal("timely_response_rate", 0.5, 1)])
    card = mandate.evaluate(book, Q2, book_targets=False, sla_days=10)  # 2 of 3 within 10 days
    assert line(card, "timely_response_rate").actual == pytest.approx(2 / 3)
    assert card.score == pytest.approx(1.3333333333333333)  # (2/3) / 0.5 = 1.333 (under the cap)
    # a yearly flow target of its own is pro-rated to the quarter
    card = SingleClient("A", "F1", scorecard=[Goal("revenue", 3660, target_period="2024")]).evaluate(
        book, Q2, book_targets=False
    )
    assert line(card, "revenue").target == pytest.approx(910)  # 3660 * 91 / 366


def test_bad_input_is_a_clear_error(book: ak.Book) -> None:
    with pytest.raises(ValueError, match="unknown KPI"):
        Goal("happiness")
    with pytest.raises(ValueError, match="weight"):
        Goal("nps", 30, weight=0)
    with pytest.raises(ValueError, match="at most once"):
        SingleClient("A", scorecard=[Goal("nps"), Goal("nps")])
    with pytest.raises(ValueError, match="manager or at least one account"):
        ClientPortfolio()
    with pytest.raises(ValueError, match="target_period"):
        RevenuePortfolio("F3", revenue_target=100)
    with pytest.raises(KeyError):
        SingleClient("Z").evaluate(book, Q2)
    with pytest.raises(KeyError):
        ClientPortfolio("F9").evaluate(book, Q2)
    with pytest.raises(TypeError, match="unknown KPI option"):
        book.scorecards(Q2, bogus=1)
    with pytest.raises(ValueError, match="does not overlap"):
        RevenuePortfolio("F3", revenue_target=1, target_period="2023").status(book, Q2)
    for row, error in (
        (["F3", "revenue", "2024-06-01", "2024-09-01"], "overlapping"),
        (["F1", "happiness", "2024-01-01", "2025-01-01"], "happiness"),
    ):
        targets = tiers_books.frames()["targets"]
        targets.loc[len(targets)] = [*row[:2], pd.Timestamp(row[2]), pd.Timestamp(row[3]), 1.0]
        with pytest.raises(ValueError, match=error), warnings.catch_warnings():
            warnings.simplefilter("ignore", ak.tiers.UnscoredGoalWarning)
            tiers_books.book(targets=targets).scorecards(Q2)


def test_demo_book_every_farmer_scored() -> None:
    demo = ak.datasets.demo_book(seed=0)
    cards = demo.scorecards("2024")
    managers = demo.table("managers")
    farmers = managers.query("role == 'farmer'")["manager_id"]
    heads = managers.query("role == 'head'")["manager_id"]  # on their teams' revenue targets
    assert len(heads) == 3
    assert set(cards["manager_id"]) == set(farmers) | set(heads)
    totals = cards.groupby("manager_id")["score"].sum(min_count=1)
    assert np.isfinite(totals).all() and (totals > 0).all()
    assert (cards["attainment"].dropna() <= 1.5).all()
