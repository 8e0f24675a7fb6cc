"""LTV measured on a Book: historical LTV, the ltv_historical KPI, cohorts, RFM from revenue lines."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import accountkpi as ak


@pytest.fixture(scope="module")
def book() -> ak.Book:
    accounts = pd.DataFrame(
        {
            "account_id": ["A", "B", "B", "C"],
            "acquired_on": ["2024-01-10", "2024-02-01", "2024-06-01", "2024-04-15"],
            "churned_on": [None, "2024-03-15", None, "2024-05-20"],
        }
    )
    revenue = pd.DataFrame(
        {
            "account_id": ["A", "A", "B", "B", "C", "A"],
            "date": ["2024-01-15", "2024-01-20", "2024-02-10", "2024-06-10", "2024-04-20", "2024-07-01"],
            "amount": [100.0, 50.0, 80.0, 40.0, 30.0, 60.0],
            "cost": [60.0, 10.0, 20.0, 40.0, 50.0, 0.0],
        }
    )
    return ak.Book.from_frames(accounts=accounts, revenue=revenue)


def test_historical_ltv(book: ak.Book) -> None:
    gp = book.ltv_historical(end="2024-07-01")  # the line of 07-01 is not counted
    assert gp.to_dict() == {"A": (100 - 60) + (50 - 10), "B": (80 - 20) + (40 - 40), "C": 30 - 50}
    assert book.ltv_historical(end="2024-07-02", measure="revenue")["A"] == 210
    with pytest.raises(ValueError, match="measure"):
        book.ltv_historical(measure="margin")


def test_ltv_historical_kpi_is_the_mean_over_active_clients(book: ak.Book) -> None:
    # 2024Q2: active clients are A, B (back on 06-01) and C; their LTV up to 06-30: A 80, B 60 + 0, C -20.
    assert ak.kpi.ltv_historical(book, "2024Q2") == pytest.approx((80 + 60 - 20) / 3)
    assert ak.kpi.ltv_historical(book, "2024Q2", measure="revenue") == pytest.approx((150 + 120 + 30) / 3)
    assert math.isnan(ak.kpi.ltv_historical(book, "2023Q2"))  # nobody active


def test_cohorts_logo(book: ak.Book) -> None:
    t = book.cohorts("Q", end="2024-10-01")
    # Q1 cohort: A and B (B's second spell keeps it in its first cohort); Q2 cohort: C.
    assert t["size"].to_dict() == {"2024Q1": 2, "2024Q2": 1}
    assert t.loc["2024Q1", 0] == 1 / 2  # on 03-31: A yes, B churned on 03-15
    assert t.loc["2024Q1", 1] == 2 / 2  # on 06-30: A, and B is back
    assert t.loc["2024Q1", 2] == 2 / 2
    assert t.loc["2024Q2", 0] == 0  # C left on 05-20
    assert math.isnan(t.loc["2024Q2", 2])  # 2024Q4 is not reached by 10-01: NaN, not 0


def test_cohorts_revenue(book: ak.Book) -> None:
    t = book.cohorts("Q", measure="revenue", end="2024-10-01")
    assert t.loc["2024Q1", 0] == 1.0
    assert t.loc["2024Q1", 1] == pytest.approx(40 / 230)  # Q2: B 40; Q1 base: A 150 + B 80
    assert t.loc["2024Q1", 2] == pytest.approx(60 / 230)
    assert t.loc["2024Q2", 1] == 0.0


def test_rfm_from_revenue_lines(book: ak.Book) -> None:
    rfm = book.rfm(observation_period_end="2024-07-31")
    # A bought on 01-15, 01-20 and 07-01: 2 repeat days, recency 168 days, T 198 days,
    # repeat mean (50 + 60) / 2.
    assert rfm.loc["A"].tolist() == [2.0, 168.0, 198.0, 55.0]
    assert rfm.loc["C"].tolist() == [0.0, 0.0, 102.0, 0.0]


@pytest.mark.parametrize("freq", ["D", "W", "M"])
@pytest.mark.parametrize("end", [None, "2025-06-18"])
def test_rfm_of_a_book_is_rfm_summary_of_its_purchase_days(demo: ak.Book, freq: str, end: str | None) -> None:
    # The C++ summary against lifetimes' definition written with pandas: purchase days are the days whose
    # lines add up to more than 0, then rfm_summary counts them per freq period.
    revenue = demo.table("revenue")
    daily = revenue.groupby(["account_id", "date"], observed=True)["amount"].sum().reset_index()
    daily = daily[daily["amount"].round(6) > 0]
    expected = ak.ltv.rfm_summary(daily, "account_id", "date", "amount", end or daily["date"].max(), freq)
    got = demo.rfm(observation_period_end=end, freq=freq)
    assert got.index.name == "account_id"
    pd.testing.assert_frame_equal(got, expected.rename_axis("account_id"), check_exact=False, rtol=1e-12)


def test_rfm_unit_is_checked(book: ak.Book) -> None:
    with pytest.raises(ValueError, match="unknown RFM unit 'H'"):
        book.rfm(freq="H")


def test_predicted_clv_on_the_demo_book(demo: ak.Book) -> None:
    clv = ak.ltv.predicted_clv(demo, end="2026-01-01")
    assert list(clv.columns) == [
        "frequency",
        "recency",
        "T",
        "monetary_value",
        "probability_alive",
        "expected_purchases",
        "clv",
    ]
    assert clv["probability_alive"].between(0, 1).all()
    assert (clv["clv"] >= 0).all() and (clv["expected_purchases"] >= 0).all()
    # An account that bought often and recently is worth more than one that went quiet long ago.
    lively = clv[(clv["frequency"] > 20) & (clv["T"] - clv["recency"] < 4)]["clv"].median()
    quiet = clv[(clv["frequency"] > 0) & (clv["T"] - clv["recency"] > 52)]["clv"].median()
    assert lively > quiet


def test_ltv_in_prioritisation_and_scorecards(demo: ak.Book) -> None:
    ranked = ak.tiers.ClientPortfolio("F05").prioritise(demo, "2025Q2")
    lifetime = demo.ltv_historical(end="2025-07-01")
    assert ranked["ltv_historical"].tolist() == pytest.approx(lifetime.loc[ranked["account_id"]].tolist())
    frames = demo.to_frames()
    extra = pd.DataFrame(
        {
            "manager_id": ["F05"],
            "kpi": ["ltv_historical"],
            "begin": ["2025-01-01"],
            "end": ["2026-01-01"],
            "target": [50_000.0],
        }
    )
    frames["targets"] = pd.concat([frames["targets"], extra], ignore_index=True)
    book = ak.Book.from_frames(**frames)
    card = book.scorecards("2025Q2").query("manager_id == 'F05' and kpi == 'ltv_historical'").iloc[0]
    actual = ak.kpi.ltv_historical(book, "2025Q2", scope=ak.Scope(managers=["F05"]))
    assert card["actual"] == pytest.approx(actual)
    assert card["target"] == 50_000.0  # a ratio KPI: not pro-rated


def test_ltv_predicted_column_with_a_model(demo: ak.Book) -> None:
    rfm = demo.rfm(observation_period_end="2025-06-30", freq="W")
    rfm = rfm[rfm["T"] > 0]  # an account whose first purchase is on the last day has no history yet
    bgf = ak.ltv.BetaGeoFitter().fit(rfm["frequency"], rfm["recency"], rfm["T"])
    repeat = rfm[(rfm["frequency"] > 0) & (rfm["monetary_value"] > 0)]
    ggf = ak.ltv.GammaGammaFitter().fit(repeat["frequency"], repeat["monetary_value"])
    without = demo.kpis("2025Q2", kpis=["ltv_predicted"]).iloc[0]["ltv_predicted"]
    assert math.isnan(without)  # no model: undefined, never 0
    table = demo.kpis(
        ["2025Q1", "2025Q2"], by="account", kpis=["ltv_predicted", "active_clients"], ltv_model=(bgf, ggf)
    )
    q2 = table[table["period"] == "2025Q2"].set_index("account_id")
    clv = pd.Series(
        ggf.customer_lifetime_value(
            bgf,
            rfm["frequency"],
            rfm["recency"],
            rfm["T"],
            rfm["monetary_value"],
            time=12,
            discount_rate=0.01,
            freq="W",
        ),
        index=rfm.index,
    )
    active = q2[q2["active_clients"] == 1].index.intersection(clv.index)
    assert len(active) > 100
    assert q2.loc[active, "ltv_predicted"].to_numpy() == pytest.approx(clv.loc[active].to_numpy())
    whole = demo.kpis("2025Q2", kpis=["ltv_predicted"], ltv_model=(bgf, ggf)).iloc[0]["ltv_predicted"]
    assert whole == pytest.approx(q2.loc[q2["active_clients"] == 1, "ltv_predicted"].mean())


def test_predicted_clv_on_gross_profit_scales_with_the_margin(demo: ak.Book) -> None:
    """With every line's cost 40 % of its amount, gross profit is 0.6 x revenue: Gamma-Gamma's v scales by
    0.6 (p and q are scale-free), so the expected profit and the CLV are 0.6 x those on revenue."""
    frames = demo.to_frames()
    frames["revenue"] = frames["revenue"].assign(cost=0.4 * frames["revenue"]["amount"])
    book = ak.Book.from_frames(**frames)
    on_revenue = ak.ltv.predicted_clv(book, end="2026-01-01")
    on_margin = ak.ltv.predicted_clv(book, end="2026-01-01", measure="gross_profit")
    np.testing.assert_allclose(on_margin["monetary_value"], 0.6 * on_revenue["monetary_value"], rtol=1e-12)
    np.testing.assert_allclose(on_margin["clv"], 0.6 * on_revenue["clv"], rtol=1e-6)
    with pytest.raises(ValueError, match="measure"):
        ak.ltv.predicted_clv(book, measure="margin")
