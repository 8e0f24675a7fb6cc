"""Hypothesis property tests over the Python API: random valid books build and keep every row; random bad
rows are each reported (strict) or rejected with their dependants (quarantine), and nothing else is."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from robust_frames import assert_every_row_accounted_for

import accountkpi as ak

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
DAY0 = np.datetime64("2023-01-01")

ids = st.one_of(
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.text(alphabet=st.characters(blacklist_categories=["Cs"]), min_size=1, max_size=6).filter(
        lambda s: s.strip() != ""
    ),
)
amounts = st.one_of(
    st.integers(min_value=-(10**9), max_value=10**11).map(lambda c: c / 100),
    st.floats(min_value=-1e12, max_value=1e12, allow_nan=False, allow_infinity=False),
)


@st.composite
def books(draw: st.DrawFn) -> dict[str, pd.DataFrame]:
    kind = draw(st.sampled_from(["int", "text"]))
    account_ids = draw(
        st.lists(
            st.integers(-(2**63), 2**63 - 1) if kind == "int" else ids.filter(lambda x: isinstance(x, str)),
            min_size=1,
            max_size=8,
            unique=True,
        )
    )
    n = draw(st.integers(0, 30))
    rows = draw(
        st.lists(
            st.tuples(st.sampled_from(account_ids), st.integers(0, 900), amounts), min_size=n, max_size=n
        )
    )
    accounts = pd.DataFrame({"account_id": account_ids})
    revenue = pd.DataFrame(
        {
            "account_id": pd.Series([r[0] for r in rows], dtype=object if kind == "text" else np.int64),
            "date": DAY0 + np.array([r[1] for r in rows], dtype="timedelta64[D]"),
            "amount": np.array([r[2] for r in rows], dtype=np.float64),
        }
    )
    return {"accounts": accounts, "revenue": revenue}


@SETTINGS
@given(books())
def test_valid_books_keep_every_row_and_sum_exactly(frames: dict[str, pd.DataFrame]) -> None:
    book = ak.Book.from_frames(**frames)
    revenue = book.table("revenue")
    assert len(revenue) == len(frames["revenue"])
    assert book.n_accounts == len(frames["accounts"])
    assert sorted(revenue["amount"].tolist()) == sorted(frames["revenue"]["amount"].tolist())
    if len(revenue):
        total = book.kpis(ak.Period("2023-01-01/2025-07-01"), None, ["revenue"])["revenue"].iloc[0]
        exact = math.fsum(frames["revenue"]["amount"])
        assert abs(total - exact) <= 1e-9 * max(1.0, abs(exact)) + 1e-3
    # Round trip through the frames the Book gives back.
    again = ak.Book.from_frames(**book.to_frames())
    pd.testing.assert_frame_equal(again.table("revenue"), revenue)
    _, rejected = ak.Book.from_frames(**frames, on_error="quarantine")
    assert rejected.empty


BAD_REVENUE = {
    "unknown account": ("account_id", "NOBODY"),
    "missing amount": ("amount", np.nan),
    "infinite amount": ("amount", np.inf),
    "huge amount": ("amount", -1e15),
    "missing date": ("date", pd.NaT),
    "date before 1900": ("date", pd.Timestamp("1850-01-01")),
}


@SETTINGS
@given(books(), st.data())
def test_each_bad_row_is_reported_and_quarantined_alone(
    frames: dict[str, pd.DataFrame], data: st.DataObject
) -> None:
    revenue = frames["revenue"].astype({"account_id": object})
    n = len(revenue)
    bad_rows = data.draw(st.lists(st.integers(0, n), max_size=5, unique=True)) if n else [0]
    kinds = [data.draw(st.sampled_from(sorted(BAD_REVENUE))) for _ in bad_rows]
    # Insert each bad row at its position (positions refer to the final frame).
    records = revenue.to_dict("records")
    good = (
        records[0]
        if records
        else {"account_id": frames["accounts"]["account_id"].iloc[0], "date": DAY0, "amount": 1.0}
    )
    final: list[dict] = []
    bad_at: dict[int, str] = {}
    pending = dict(zip(sorted(bad_rows), kinds, strict=True))
    source = iter(records)
    total = len(records) + len(pending)
    for position in range(total):
        if position in pending:
            column, value = BAD_REVENUE[pending[position]]
            final.append({**good, column: value})
            bad_at[position] = pending[position]
        else:
            final.append(next(source))
    damaged = pd.DataFrame(final, columns=["account_id", "date", "amount"])
    damaged["date"] = pd.to_datetime(damaged["date"])
    if not pd.api.types.is_integer_dtype(frames["accounts"]["account_id"].dtype):
        damaged["account_id"] = damaged["account_id"].astype(object)
    frames = {"accounts": frames["accounts"], "revenue": damaged}
    # Integer account ids with the text "NOBODY" mixed in: a column-level problem, not a row one.
    # Integer ids with the text "NOBODY" among them: a column-level problem, not a row one.
    kinds = {isinstance(a, str) for a in damaged["account_id"]}
    mixed = len(kinds) == 2
    try:
        ak.Book.from_frames(**frames)
        assert not bad_at
        return
    except ak.ValidationError as e:
        assert bad_at
        if mixed:
            assert any(p[1] == -1 for p in e.problems)
            return
        assert {p[1] for p in e.problems} == set(bad_at)
        assert all(p[0] == "revenue" for p in e.problems)
    book, rejected = ak.Book.from_frames(**frames, on_error="quarantine")
    assert set(rejected["row"]) == set(bad_at)
    assert_every_row_accounted_for(frames, book, rejected)


@SETTINGS
@given(books(), st.data())
def test_a_bad_account_takes_exactly_its_revenue_with_it(
    frames: dict[str, pd.DataFrame], data: st.DataObject
) -> None:
    accounts = frames["accounts"].copy()
    k = data.draw(st.integers(0, len(accounts) - 1))
    accounts["acquired_on"] = pd.to_datetime(["2023-01-01"] * len(accounts))
    accounts.loc[k, "acquired_on"] = pd.Timestamp("1800-01-01")
    frames = {"accounts": accounts, "revenue": frames["revenue"]}
    book, rejected = ak.Book.from_frames(**frames, on_error="quarantine")
    assert_every_row_accounted_for(frames, book, rejected)
    bad_id = accounts["account_id"].iloc[k]
    revenue = frames["revenue"]
    expected = {i for i, a in enumerate(revenue["account_id"]) if str(a) == str(bad_id)}
    assert set(rejected.loc[rejected["table"] == "revenue", "row"]) == expected
    assert set(rejected.loc[rejected["table"] == "accounts", "row"]) == {k}
    assert book.n_accounts == len(accounts) - 1
