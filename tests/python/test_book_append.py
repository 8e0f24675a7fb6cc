"""Book.append: a Book with event rows appended equals the Book built from all the rows, for every KPI."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import accountkpi as ak

EVENTS = {"revenue": "date", "interactions": "date", "requests": "received_on", "surveys": "date"}


@pytest.fixture(scope="module")
def frames() -> dict[str, pd.DataFrame]:
    frames = ak.datasets.demo_book(seed=5, accounts=120, years=2).to_frames()
    # One row per account and no spells given: the client spells are derived from the revenue.
    accounts = frames["accounts"].drop_duplicates("account_id")
    frames["accounts"] = accounts.drop(columns=["acquired_on", "churned_on"])
    return frames


def _split(frames: dict[str, pd.DataFrame], later) -> tuple[dict, dict, dict]:
    """(base, appended, whole): the event rows where ``later(frame, dates)`` is true go to the append."""
    base, appended, whole = {}, {}, {}
    for name, frame in frames.items():
        if name not in EVENTS:
            base[name] = whole[name] = frame
            continue
        late = later(frame, pd.to_datetime(frame[EVENTS[name]]))
        base[name], appended[name] = frame[~late], frame[late]
        whole[name] = pd.concat([frame[~late], frame[late]], ignore_index=True)
    return base, appended, whole


SPLITS = {
    "last_month": lambda frame, dates: dates >= pd.Timestamp("2024-12-01"),
    "any_date": lambda frame, dates: pd.Series(range(len(frame)), index=frame.index) % 4 == 0,
}


@pytest.mark.parametrize("split", SPLITS, ids=list(SPLITS))
@pytest.mark.parametrize("by", [None, "account", "manager", ["region", "tier"]], ids=str)
def test_append_then_compute_equals_build_then_compute(frames, split, by):
    base, appended, whole = _split(frames, SPLITS[split])
    book = ak.Book.from_frames(**base).append(**appended)
    rebuilt = ak.Book.from_frames(**whole)
    periods = ak.periods("2023-01-01", "2025-02-01", "M")
    kpis = list(ak.kpi.kpi_table().index)
    pd.testing.assert_frame_equal(
        book.kpis(periods, by=by, kpis=kpis), rebuilt.kpis(periods, by=by, kpis=kpis)
    )
    assert book.rows("revenue") == rebuilt.rows("revenue") > ak.Book.from_frames(**base).rows("revenue")


def test_appends_day_by_day_equal_one_build(frames):
    base, appended, whole = _split(frames, SPLITS["last_month"])
    book = ak.Book.from_frames(**base)
    days = pd.date_range("2024-12-01", "2025-01-31")
    for day in days:
        book = book.append(
            **{
                name: frame[pd.to_datetime(frame[EVENTS[name]]).dt.normalize() == day]
                for name, frame in appended.items()
            }
        )
    rebuilt = ak.Book.from_frames(**whole)
    periods = ak.periods("2024-01-01", "2025-01-01", "M")
    pd.testing.assert_frame_equal(book.kpis(periods, by="account"), rebuilt.kpis(periods, by="account"))


def test_bad_rows_are_reported_with_table_row_column_and_reason(frames):
    book = ak.Book.from_frames(**frames)
    revenue = pd.DataFrame(
        {"account_id": [1000, 999_999], "date": ["2025-01-02", "2025-02-30"], "amount": [1.0, 2.0]}
    )
    with pytest.raises(ak.ValidationError) as e:
        book.append(revenue=revenue)
    text = str(e.value)
    assert "revenue row 1, column account_id: unknown account id '999999'" in text
    assert "revenue row 1, column date: not a date" in text
    assert book.rows("revenue") == len(frames["revenue"])


CACHE_SPLITS = {
    "mid_month": lambda frame, dates: dates >= pd.Timestamp("2024-12-15"),
    "any_date": SPLITS["any_date"],
}


@pytest.mark.parametrize("split", CACHE_SPLITS, ids=list(CACHE_SPLITS))
@pytest.mark.parametrize("by", [None, "account", "manager", ["region", "tier"], "team"], ids=str)
def test_append_with_the_cache_warm_equals_build_then_compute(frames, split, by):
    base, appended, whole = _split(frames, CACHE_SPLITS[split])
    before = ak.Book.from_frames(**base)
    periods = ak.periods("2024-01-01", "2025-02-01", "M") + ak.periods("2024-01-01", "2025-01-01", "Q")
    kpis = list(ak.kpi.kpi_table().index)
    before.kpis(periods, by=by, kpis=kpis)  # fills the cache
    book = before.append(**appended)
    assert book.state_cache is before.state_cache
    hits = book.state_cache.hits_and_misses[0]
    expected = ak.Book.from_frames(**whole).kpis(periods, by=by, kpis=kpis, cache=False)
    pd.testing.assert_frame_equal(book.kpis(periods, by=by, kpis=kpis), expected)
    found = book.state_cache.hits_and_misses[0] - hits
    if split == "any_date":
        assert found == 0  # rows of 2023 appended: no period is the same
    elif by is None:
        assert found > 0  # the months and quarters before the appended days are read from the cache


def test_cache_hits_equal_a_fresh_computation(frames):
    book = ak.Book.from_frames(**frames)
    periods = ak.periods("2023-01-01", "2025-01-01", "M")
    fresh = book.kpis(periods, by="manager", cache=False)
    assert book.state_cache.size == 0  # cache=False keeps nothing
    first = book.kpis(periods, by="manager")
    hits, misses = book.state_cache.hits_and_misses
    again = book.kpis(periods[3:7], by="manager")
    assert book.state_cache.hits_and_misses == (hits + 4, misses)
    pd.testing.assert_frame_equal(first, fresh)
    pd.testing.assert_frame_equal(
        again.reset_index(drop=True),
        book.kpis(periods[3:7], by="manager", cache=False).reset_index(drop=True),
    )
    assert 0 < book.state_cache.bytes <= book.state_cache.max_bytes
    book.state_cache.clear()
    assert book.state_cache.size == 0


def test_the_first_append_after_a_build_writes_the_amounts_after_the_builds_copy(frames):
    # A frame's columns may change after the build, so the Book copies the amounts it keeps, with room after
    # them: the first append writes its lines there (no copy of the base's), the base unchanged.
    base, appended, _ = _split(frames, SPLITS["last_month"])
    book = ak.Book.from_frames(**base)
    before = book.table("revenue")["amount"].to_numpy()
    assert not np.shares_memory(before, base["revenue"]["amount"].to_numpy())
    more = book.append(revenue=appended["revenue"])
    after = more.table("revenue")["amount"].to_numpy()
    assert len(after) == len(before) + len(appended["revenue"])
    assert np.shares_memory(after[: len(before)], before)
    assert book.table("revenue")["amount"].to_numpy().tolist() == before.tolist()
