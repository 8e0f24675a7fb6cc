"""The revenue bridge (issue 16): by hand, against a direct reading of its definition on random books
(Hypothesis), and on the demo book. Base of 2024Q1 = 2023Q4."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import accountkpi as ak
from accountkpi.bridge import MOVEMENTS

Q1 = ak.Period("2024Q1")
MOVES = list(MOVEMENTS[:-1])  # everything that adds up to the closing


@pytest.fixture(scope="module")
def hand_book() -> ak.Book:
    spells = [
        ("A", "EU", "2023-01-01", None),
        ("B", "EU", "2023-01-01", None),
        ("C", "EU", "2023-01-01", "2024-02-01"),  # churns in Q1
        ("D", "EU", "2024-01-15", None),  # new in Q1
        ("E", "EU", "2022-01-01", "2022-06-01"),
        ("E", "EU", "2024-03-01", None),  # comes back in Q1
        ("F", "US", "2023-01-01", None),  # billed nothing in 2023Q4 (a billing gap)
        ("G", "US", "2023-01-01", None),
        ("H", "US", "2023-01-01", "2024-02-15"),  # leaves ...
        ("H", "US", "2024-03-01", None),  # ... and comes back inside Q1
        ("I", "US", "2023-01-01", "2023-12-31"),  # gone before Q1
    ]
    accounts = pd.DataFrame(spells, columns=["account_id", "region", "acquired_on", "churned_on"])
    lines = [
        ("A", "2023-11-01", 100.0),
        ("A", "2024-02-01", 130.0),
        ("B", "2023-11-01", 200.0),
        ("B", "2024-02-01", 150.0),
        ("C", "2023-11-01", 80.0),
        ("C", "2024-01-10", 20.0),
        ("D", "2024-02-01", 70.0),
        ("E", "2024-03-05", 40.0),
        ("F", "2024-02-01", 25.0),
        ("G", "2023-10-05", 60.0),
        ("G", "2023-12-20", -90.0),  # a credit note: G's base revenue is -30
        ("G", "2024-02-01", 10.0),
        ("H", "2023-11-01", 50.0),
        ("H", "2024-03-10", 45.0),
        ("I", "2023-11-01", 40.0),
        ("I", "2024-01-20", -15.0),  # a credit note after I left
    ]
    revenue = pd.DataFrame(lines, columns=["account_id", "date", "amount"])
    return ak.Book.from_frames(accounts=accounts, revenue=revenue)


def test_bridge_by_hand(hand_book: ak.Book) -> None:
    row = hand_book.revenue_bridge(Q1).iloc[0]
    assert row["opening"] == 100 + 200 + 80 - 30 + 50 + 40  # 440: every account's base revenue
    assert row["new"] == 70  # D
    assert row["reactivated"] == 40  # E
    assert row["resumed"] == 25 + (10 - (-30))  # F from nothing, G from a net credit: 65
    assert row["expansion"] == 130 - 100  # A
    assert row["contraction"] == -(200 - 150) - (50 - 45)  # B, and H (a client again at the end): -55
    assert row["churned"] == -(80 - 20) - (40 - (-15))  # C and I: -115
    assert row["closing"] == 130 + 150 + 20 + 70 + 40 + 25 + 10 + 45 - 15  # 475
    assert 440 + 70 + 40 + 65 + 30 - 55 - 115 == 475
    assert row["closing"] == ak.kpi.revenue(hand_book, Q1)


def test_bridge_kpis_and_their_relation_to_the_nrr_family(hand_book: ak.Book) -> None:
    t = hand_book.kpis(Q1).iloc[0]
    assert (t["opening_revenue"], t["new_revenue"], t["reactivated_revenue"]) == (440, 70, 40)
    assert (t["resumed_revenue"], t["closing_revenue"]) == (65, 475)
    # The existing KPIs are the movements of the accounts with base revenue > 0, as positive amounts.
    assert (t["expansion_revenue"], t["contraction_revenue"], t["churned_revenue"]) == (30, 55, 115)
    # NRR cohort A, B, C, H, I: base 470 -> 470 + 30 - 55 - 115 = 330
    assert t["nrr"] == pytest.approx(330 / 470)
    # quick ratio = (70 + 40 + 65 + 30) / |-55 - 115|
    assert t["quick_ratio"] == pytest.approx(205 / 170)
    assert ak.kpi.quick_ratio(hand_book, Q1) == pytest.approx(205 / 170)


def test_quick_ratio_without_losses_is_nan(hand_book: ak.Book) -> None:
    # Base 2023Q1: nobody billed, so nothing can be lost: undefined, not 0 or inf.
    assert math.isnan(ak.kpi.quick_ratio(hand_book, Q1, base="year_ago"))
    b = hand_book.revenue_bridge(Q1, base="year_ago").iloc[0]
    assert b["opening"] == 0 and b["contraction"] == 0 and b["churned"] == 0
    assert b["reactivated"] == 40 + 45  # E and H: a later spell starts in Q1
    assert b["resumed"] == 130 + 150 + 20 + 25 + 10 - 15  # A, B, C, F, G, I: billed after a gap


def test_bridge_by_region_and_exact_millionths(hand_book: ak.Book) -> None:
    b = hand_book.revenue_bridge(Q1, by="region", exact=True).set_index("region")
    assert b[MOVES].dtypes.eq(np.int64).all()
    m = 1_000_000
    # EU = A..E: 380 + 70 + 40 + 30 - 50 - 60 = 410; US = F..I: 60 + 65 - 5 - 55 = 65
    assert b.loc["EU", MOVES].tolist() == [380 * m, 70 * m, 40 * m, 0, 30 * m, -50 * m, -60 * m]
    assert b.loc["US", MOVES].tolist() == [60 * m, 0, 0, 65 * m, 0, -5 * m, -55 * m]
    assert b.loc["EU", "closing"] == 410 * m and b.loc["US", "closing"] == 65 * m


def test_bridge_rejects_what_it_cannot_answer(hand_book: ak.Book) -> None:
    with pytest.raises(ValueError, match="service_line"):
        hand_book.revenue_bridge(Q1, by="service_line")
    with pytest.raises(ValueError, match="base"):
        hand_book.revenue_bridge(Q1, base="last_year")
    with pytest.raises(ValueError, match="group key"):
        hand_book.revenue_bridge(Q1, by="country")


# ---- random books against the definition


DAY0 = np.datetime64("2023-01-01")


@st.composite
def bridge_books(draw: st.DrawFn) -> tuple[ak.Book, dict]:
    """Accounts with one to three spells (churn and return, possibly inside one period), lines in whole cents
    that may be credit notes, dated anywhere (billing gaps, lines outside any spell)."""
    n = draw(st.integers(1, 10))
    rows, spells = [], {}
    for i in range(n):
        day = draw(st.integers(0, 500))
        own = []
        for _ in range(draw(st.integers(1, 3))):
            length = draw(st.integers(1, 200))
            end = day + length if draw(st.booleans()) else None
            own.append((day, end))
            if end is None:
                break
            day = end + draw(st.integers(1, 60))
        spells[f"a{i}"] = own
        region = draw(st.sampled_from(["EU", "US"]))
        for b, e in own:
            rows.append(
                (
                    f"a{i}",
                    region,
                    DAY0 + np.timedelta64(b, "D"),
                    None if e is None else DAY0 + np.timedelta64(e, "D"),
                )
            )
    accounts = pd.DataFrame(rows, columns=["account_id", "region", "acquired_on", "churned_on"])
    accounts["acquired_on"] = pd.to_datetime(accounts["acquired_on"])
    accounts["churned_on"] = pd.to_datetime(accounts["churned_on"])
    m = draw(st.integers(0, 40))
    cents = [draw(st.integers(-50_000, 500_000)) for _ in range(m)]
    dates = [draw(st.integers(0, 800)) for _ in range(m)]
    owners = [f"a{draw(st.integers(0, n - 1))}" for _ in range(m)]
    revenue = pd.DataFrame(
        {
            "account_id": owners,
            "date": pd.to_datetime([DAY0 + np.timedelta64(d, "D") for d in dates]),
            "amount": [c / 100 for c in cents],
        }
    )
    book = ak.Book.from_frames(accounts=accounts, revenue=revenue)
    return book, {"spells": spells, "lines": list(zip(owners, dates, cents, strict=True))}


def expected_bridge(raw: dict, period: ak.Period, base: ak.Period) -> dict[str, int]:
    """The bridge in cents, read off its definition account by account."""
    day = lambda d: int((np.datetime64(d, "D") - DAY0).astype(int))  # noqa: E731
    b, e, bb, be = day(period.begin), day(period.end), day(base.begin), day(base.end)
    out = dict.fromkeys(MOVEMENTS, 0)
    for account, spells in raw["spells"].items():
        r_b = sum(c for a, d, c in raw["lines"] if a == account and bb <= d < be)
        r_p = sum(c for a, d, c in raw["lines"] if a == account and b <= d < e)
        at_end = any(s <= e - 1 and (t is None or e - 1 < t) for s, t in spells)
        out["opening"] += r_b
        out["closing"] += r_p
        if r_b > 0:
            if not at_end:
                out["churned"] += r_p - r_b
            elif r_p >= r_b:
                out["expansion"] += r_p - r_b
            else:
                out["contraction"] += r_p - r_b
        elif b <= spells[0][0] < e:
            out["new"] += r_p - r_b
        elif any(b <= s < e for s, _ in spells[1:]):
            out["reactivated"] += r_p - r_b
        else:
            out["resumed"] += r_p - r_b
    return out


@settings(max_examples=80, deadline=None)
@given(
    data=bridge_books(),
    month=st.integers(1, 12),
    quarter=st.booleans(),
    base=st.sampled_from(["previous", "year_ago"]),
)
def test_bridge_reconciles_exactly_and_follows_its_definition(data, month, quarter, base) -> None:
    book, raw = data
    period = ak.Period(f"2024Q{(month - 1) // 3 + 1}") if quarter else ak.Period.month(2024, month)
    base_period = period.previous() if base == "previous" else period.year_ago()
    whole = book.revenue_bridge(period, base=base, exact=True).iloc[0]
    assert int(whole[MOVES].sum()) == int(whole["closing"])  # exact, in integers
    want = expected_bridge(raw, period, base_period)
    assert {k: int(whole[k]) for k in MOVEMENTS} == {k: 10_000 * v for k, v in want.items()}  # cents -> 10^-6
    # By region: every group adds up, and the groups add up to the whole.
    regions = book.revenue_bridge(period, by="region", base=base, exact=True)
    assert (regions[MOVES].sum(axis=1) == regions["closing"]).all()
    assert regions[list(MOVEMENTS)].sum().tolist() == [int(whole[k]) for k in MOVEMENTS]
    # In currency units each column is the nearest double: the identity holds to far below a cent.
    floats = book.revenue_bridge(period, base=base).iloc[0]
    assert abs(floats[MOVES].sum() - floats["closing"]) < 1e-6
    kpis = book.kpis(
        period, kpis=["expansion_revenue", "contraction_revenue", "churned_revenue"], nrr_base=base
    )
    assert kpis["expansion_revenue"].iloc[0] == floats["expansion"]
    assert kpis["contraction_revenue"].iloc[0] == -floats["contraction"]
    assert kpis["churned_revenue"].iloc[0] == -floats["churned"]


# ---- the demo book


def test_demo_bridge_adds_up_for_every_quarter_and_region(demo: ak.Book) -> None:
    quarters = ak.periods("2023-04-01", "2026-01-01", "Q")
    b = demo.revenue_bridge(quarters, by="region", exact=True)
    assert len(b) == len(quarters) * b["region"].nunique()
    assert (b[MOVES].sum(axis=1) == b["closing"]).all()
    totals = b.groupby("period", observed=True)[["opening", "closing"]].sum()
    revenue = demo.kpis(quarters, kpis="revenue").set_index("period")["revenue"]
    previous = demo.kpis([q.previous() for q in quarters], kpis="revenue")["revenue"].to_numpy()
    assert (totals["closing"].to_numpy() == np.round(revenue.to_numpy() * 1e6)).all()
    assert (totals["opening"].to_numpy() == np.round(previous * 1e6)).all()
    # The demo has every kind of movement somewhere.
    for m in ("new", "expansion", "contraction", "churned"):
        assert (b[m] != 0).any(), m
