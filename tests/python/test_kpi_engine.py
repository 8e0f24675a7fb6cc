"""The grouped engine: grouping over time, crossing keys, scopes, invariants and mergeable states."""

from __future__ import annotations

import gc
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import accountkpi as ak

YEAR = ak.periods("2024-01-01", "2025-01-01", "M")
ADDITIVE = [
    "revenue",
    "cost",
    "gross_profit",
    "request_count",
    "unanswered_requests",
    "communications",
    "deals",
    "upsell_revenue",
    "cross_sell_revenue",
    "new_business_revenue",
]


def test_revenue_counts_for_the_owner_at_its_date() -> None:
    accounts = pd.DataFrame({"account_id": ["A"], "acquired_on": ["2023-01-01"]})
    managers = pd.DataFrame(
        {
            "manager_id": ["M1", "M2"],
            "role": ["farmer", "farmer"],
            "tier": ["single_client", "client_portfolio"],
        }
    )
    assignments = pd.DataFrame(
        {
            "manager_id": ["M1", "M2"],
            "account_id": ["A", "A"],
            "start": ["2023-01-01", "2024-02-15"],
            "end": ["2024-02-15", None],
        }
    )
    revenue = pd.DataFrame(
        {
            "account_id": ["A", "A", "A"],
            "date": ["2024-01-10", "2024-02-14", "2024-02-15"],
            "amount": [1.0, 2.0, 4.0],
        }
    )
    book = ak.Book.from_frames(accounts=accounts, managers=managers, assignments=assignments, revenue=revenue)
    t = book.kpis("2024Q1", by="manager", kpis=["revenue", "clients_end"]).set_index("manager_id")
    assert t.loc["M1", "revenue"] == 3.0  # lines of 01-10 and 02-14
    assert t.loc["M2", "revenue"] == 4.0  # the handover day belongs to the new owner
    # The account itself counts for its owner on its last client day of the period: M2.
    assert t.loc["M2", "clients_end"] == 1
    assert t.loc["M1", "clients_end"] == 0
    by_tier = book.kpis("2024Q1", by="tier", kpis=["revenue"]).set_index("tier")["revenue"]
    assert by_tier["single_client"] == 3.0 and by_tier["client_portfolio"] == 4.0
    assert ak.kpi.revenue(book, "2024Q1", scope=ak.Scope(managers=["M2"])) == 4.0


@pytest.mark.parametrize(
    "by",
    [
        "manager",
        "region",
        "domain",
        "tier",
        "role",
        "service_line",
        "account",
        ["region", "tier"],
        ["domain", "manager"],
    ],
    ids=str,
)
def test_group_totals_add_up_to_the_whole(demo: ak.Book, by: str | list[str]) -> None:
    periods = ak.periods("2024-01-01", "2025-01-01", "Q")
    whole = demo.kpis(periods, kpis=ADDITIVE).set_index("period")
    grouped = demo.kpis(periods, by=by, kpis=ADDITIVE).groupby("period", observed=True)[ADDITIVE].sum()
    pd.testing.assert_frame_equal(grouped, whole[ADDITIVE], check_exact=False, rtol=1e-12, check_dtype=False)


def test_client_counts_add_up_by_account_level_keys(demo: ak.Book) -> None:
    counts = [
        "clients_start",
        "clients_end",
        "active_clients",
        "new_clients",
        "churned_clients",
        "reactivations",
    ]
    whole = demo.kpis("2024", kpis=counts).iloc[0]
    for by in ("manager", "region", "tier"):
        grouped = demo.kpis("2024", by=by, kpis=counts)[counts].sum()
        assert grouped.to_dict() == whole[counts].to_dict(), by


def test_per_account_kpis_are_nan_by_service_line(demo: ak.Book) -> None:
    t = demo.kpis("2024", by="service_line", kpis=["revenue", "retention_rate", "nrr", "gini"])
    assert t["revenue"].notna().all()
    assert t[["retention_rate", "nrr", "gini"]].isna().all().all()


def test_row_order_does_not_change_any_result(demo: ak.Book) -> None:
    rng = np.random.default_rng(1)
    frames = demo.to_frames()
    shuffled = {name: f.iloc[rng.permutation(len(f))].reset_index(drop=True) for name, f in frames.items()}
    other = ak.Book.from_frames(**shuffled)
    a = demo.kpis(ak.periods("2024-01-01", "2025-01-01", "Q"), by="region")
    b = other.kpis(ak.periods("2024-01-01", "2025-01-01", "Q"), by="region")
    pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=1e-12)


def _as_given_before(column: pd.Series) -> object:
    """A result column as the engine's labels reached the DataFrame constructor before frames were assembled
    from blocks: text ids as Python objects with None where missing, everything else as its array."""
    if column.dtype == object or pd.api.types.is_string_dtype(column.dtype):
        return np.array([None if pd.isna(x) else x for x in column], dtype=object)
    return column.array


def _unowned_book() -> ak.Book:
    """Text manager ids and an account nobody owns: a missing id in the manager column."""
    accounts = pd.DataFrame({"account_id": ["A", "B"], "region": ["EMEA", "APAC"]})
    managers = pd.DataFrame({"manager_id": ["M1"], "role": ["farmer"], "tier": ["single_client"]})
    assignments = pd.DataFrame({"manager_id": ["M1"], "account_id": ["A"], "start": ["2023-01-01"]})
    revenue = pd.DataFrame(
        {"account_id": ["A", "B"], "date": ["2024-01-10", "2024-02-14"], "amount": [1.0, 2.0]}
    )
    return ak.Book.from_frames(accounts=accounts, managers=managers, assignments=assignments, revenue=revenue)


@pytest.mark.parametrize(
    ("book", "periods", "by"),
    [
        ("demo", "2024Q2", None),
        ("demo", YEAR, "manager"),
        ("demo", YEAR, "account"),
        ("demo", ["2024Q1", "2024Q2"], ["region", "tier"]),
        ("demo", ["2024Q1", "2024Q1"], "volume_band"),  # one label twice: the period column is text
        ("demo", YEAR, ["team", "role"]),
        ("demo", "2024Q2", "project"),
        ("unowned", YEAR, "manager"),
        ("unowned", "2030Q1", "manager"),  # no row: empty columns
    ],
    ids=[
        "ungrouped",
        "manager",
        "account",
        "region-tier",
        "volume_band-repeated-period",
        "team-role",
        "project",
        "missing-manager",
        "no-row",
    ],
)
def test_result_frames_are_what_the_dataframe_constructor_makes(
    demo: ak.Book, monkeypatch: pytest.MonkeyPatch, book: str, periods: object, by: object
) -> None:
    b = demo if book == "demo" else _unowned_book()
    kpis = ["revenue", "nrr", "clients_end"]
    small = b.kpis(periods, by=by, kpis=kpis)
    expected = pd.DataFrame({c: _as_given_before(small[c]) for c in small.columns})
    pd.testing.assert_frame_equal(small, expected, check_exact=True)
    monkeypatch.setattr(ak.kpi, "_SMALL_RESULT", 0)  # the large results' path: a block per column
    pd.testing.assert_frame_equal(b.kpis(periods, by=by, kpis=kpis), expected, check_exact=True)
    if book == "unowned" and len(small):
        assert small["manager_id"].isna().sum() == len(small) // 2  # B's rows
    t = b.kpis(periods, by=by, kpis=kpis)  # a result's index and columns are its own
    t.columns.name, t.index.name = "kpi", "row"
    assert b.kpis(periods, by=by, kpis=kpis).columns.name is None


def test_one_period_or_many_give_the_same_rows(demo: ak.Book) -> None:
    many = demo.kpis(YEAR, by="tier", kpis=["revenue", "nrr", "retention_rate", "median_deal_size"])
    one = demo.kpis(YEAR[5], by="tier", kpis=["revenue", "nrr", "retention_rate", "median_deal_size"])
    pd.testing.assert_frame_equal(
        many[many["period"] == YEAR[5].label].reset_index(drop=True).astype({"period": str}),
        one.astype({"period": str}),
    )


def test_scope_of_a_manager_equals_the_managers_row(demo: ak.Book) -> None:
    kpis = ["revenue", "retention_rate", "nrr", "csat", "request_count", "gini"]
    table = demo.kpis("2024Q3", by="manager", kpis=kpis).set_index("manager_id")
    for m in ("F01", "F07", "F12"):
        scoped = demo.kpis("2024Q3", kpis=kpis, scope=ak.Scope(managers=[m])).iloc[0]
        for k in kpis:
            a, b = table.loc[m, k], scoped[k]
            assert (math.isnan(a) and math.isnan(b)) or a == pytest.approx(b), (m, k)


def test_segment_scope(demo: ak.Book) -> None:
    by_region = demo.kpis("2024", by="region", kpis=["revenue", "active_clients"]).set_index("region")
    emea = demo.kpis("2024", kpis=["revenue", "active_clients"], scope=ak.Scope(regions=["EMEA"])).iloc[0]
    assert emea["revenue"] == pytest.approx(by_region.loc["EMEA", "revenue"])
    assert emea["active_clients"] == by_region.loc["EMEA", "active_clients"]
    with pytest.raises(KeyError, match="no region 'Mars'"):
        demo.kpis("2024", scope=ak.Scope(regions=["Mars"]))
    with pytest.raises(KeyError, match="no account"):
        demo.kpis("2024", scope=[999999])


def test_merging_partial_states_of_disjoint_scopes_equals_the_whole(demo: ak.Book) -> None:
    core = demo._core
    days = [(p._begin, p._end) for p in ak.periods("2024-01-01", "2025-01-01", "Q")]
    n = demo.n_accounts
    half = {"accounts": list(range(0, n, 2))}
    other = {"accounts": list(range(1, n, 2))}
    kpis: list[str] = []  # all of them
    a = ak._core.kpi.accumulate(core, days, ["tier"], kpis, {}, half)
    b = ak._core.kpi.accumulate(core, days, ["tier"], kpis, {}, other)
    a.merge(b)
    merged = ak._core.kpi.finalize(core, days, ["tier"], kpis, {}, a)
    whole = ak._core.kpi.compute(core, days, ["tier"], kpis, {}, {})
    np.testing.assert_array_equal(merged["period"], whole["period"])
    for name, values in whole["values"].items():
        np.testing.assert_allclose(merged["values"][name], values, rtol=1e-12, equal_nan=True, err_msg=name)


def test_demo_values_are_plausible(demo: ak.Book) -> None:
    t = demo.kpis(YEAR)
    for k in ("retention_rate", "churn_rate", "grr", "csat", "timely_response_rate", "top_share", "gini"):
        assert t[k].dropna().between(0, 1).all(), k
        assert t[k].notna().sum() >= 4, k  # CSAT surveys come every quarter
    assert t["gross_margin"].between(0.15, 0.45).all()  # the generator draws margins around 32%
    assert (t["nrr"] > 0.5).all() and (t["nrr"] < 1.5).all()
    assert (t["revenue"] > 0).all()


@st.composite
def books(draw: st.DrawFn) -> ak.Book:
    """Random books whose accounts have one spell each (so nobody reactivates)."""
    n = draw(st.integers(1, 12))
    start = np.datetime64("2023-06-01")
    begins = [start + np.timedelta64(draw(st.integers(0, 500)), "D") for _ in range(n)]
    ends = [
        b + np.timedelta64(draw(st.integers(1, 400)), "D") if draw(st.booleans()) else None for b in begins
    ]
    accounts = pd.DataFrame(
        {
            "account_id": [f"a{i}" for i in range(n)],
            "acquired_on": pd.to_datetime(begins),
            "churned_on": pd.to_datetime(ends),
        }
    )
    m = draw(st.integers(1, 30))
    revenue = pd.DataFrame(
        {
            "account_id": [f"a{draw(st.integers(0, n - 1))}" for _ in range(m)],
            "date": pd.to_datetime(
                [start + np.timedelta64(draw(st.integers(0, 800)), "D") for _ in range(m)]
            ),
            "amount": [
                draw(st.floats(-100, 1000, allow_nan=False).map(lambda x: round(x, 2))) for _ in range(m)
            ],
        }
    )
    return ak.Book.from_frames(accounts=accounts, revenue=revenue)


@settings(max_examples=60, deadline=None)
@given(book=books(), month=st.integers(1, 12))
def test_retention_plus_churn_is_one_without_reactivations(book: ak.Book, month: int) -> None:
    p = ak.Period.month(2024, month)
    r, c = ak.kpi.retention_rate(book, p), ak.kpi.churn_rate(book, p)
    if ak.kpi.clients_start(book, p) == 0:
        assert math.isnan(r) and math.isnan(c)
    else:
        assert r + c == pytest.approx(1)
    assert ak.kpi.grr(book, p) <= 1 or math.isnan(ak.kpi.grr(book, p))


@settings(max_examples=100, deadline=None)
@given(st.lists(st.floats(0.01, 1e6, allow_nan=False), min_size=1, max_size=30))
def test_gini_equals_the_pairwise_definition(values: list[float]) -> None:
    x = np.array(values)
    pairwise = np.abs(x[:, None] - x[None, :]).sum() / (2 * len(x) ** 2 * x.mean())
    assert ak.concentration.gini(x) == pytest.approx(pairwise, rel=1e-9, abs=1e-12)


def test_money_sums_are_exact_to_the_cent() -> None:
    n = 1_000_000
    rng = np.random.default_rng(7)
    cents = rng.integers(-10_000, 1_000_000, size=n)
    amounts = cents / 100.0
    accounts = pd.DataFrame({"account_id": [1], "acquired_on": ["2020-01-01"]})
    revenue = pd.DataFrame(
        {
            "account_id": np.ones(n, dtype=np.int64),
            "date": np.datetime64("2024-01-01") + rng.integers(0, 365, size=n).astype("timedelta64[D]"),
            "amount": amounts,
        }
    )
    book = ak.Book.from_frames(accounts=accounts, revenue=revenue)
    exact = int(cents.sum())
    assert round(ak.kpi.revenue(book, "2024") * 100) == exact
    assert abs(ak.kpi.revenue(book, "2024") - exact / 100) < 0.005


def test_release_memory_gives_back_the_columns_numpy_freed_and_the_next_answer_is_the_same() -> None:
    book = ak.datasets.demo_book(3, accounts=6000, years=2, start_year=2023, events=False)
    months = ak.periods("2024-01-01", "2025-01-01", "M")
    first = book.kpis(months, by="account", kpis=["revenue", "gross_margin"], cache=False)
    expected = first.copy()
    assert len(first) * 8 >= 256 * 1024  # columns large enough to be kept
    ak.kpi.release_memory()
    del first
    gc.collect()
    assert ak.kpi.release_memory() >= 2 * len(expected) * 8  # both KPI columns were kept
    assert ak.kpi.release_memory() == 0
    again = book.kpis(months, by="account", kpis=["revenue", "gross_margin"], cache=False)
    pd.testing.assert_frame_equal(again, expected)
