"""ISO 8601 week dates (``2011-W05-3``), compact dates (``20110205``) and ordinal dates (``2011-036``) by the
one date rule, wherever text dates are read; days that do not exist are reported by table, row and column
(issue 19)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

import accountkpi as ak
from accountkpi._dates import to_day

FORMS = (
    "not a date (ISO 8601: 2024-03-01, 20240301, 2024-W09-5, 2024W095 or 2024-061, optionally with a time "
    "and offset)"
)


@pytest.mark.parametrize(
    ("text", "day"),
    [
        # 4 January 2011 is a Tuesday: week 1 of 2011 begins on Monday 3 January, week 5 on 31 January.
        ("2011-W05-3", dt.date(2011, 2, 2)),  # its Wednesday
        ("2011W056", dt.date(2011, 2, 5)),  # its Saturday
        ("2009-W01-1", dt.date(2008, 12, 29)),  # 4 January 2009 is a Sunday
        ("20110205", dt.date(2011, 2, 5)),
        ("20110205T082600", dt.date(2011, 2, 5)),
        ("20110205T0826-0500", dt.date(2011, 2, 5)),  # the day as written, the offset never applied
        ("2011-036", dt.date(2011, 2, 5)),  # 31 days of January + 5
    ],
)
def test_the_forms_of_iso_8601_give_the_day_as_written(text: str, day: dt.date) -> None:
    assert to_day(text) == (day - dt.date(1970, 1, 1)).days
    assert ak.Period(text, "2012-01-01").begin == day


@pytest.mark.parametrize(
    "text", ["2011-W54-1", "2011-W53-1", "2011-W05-8", "20111301", "20110230", "2011-366"]
)
def test_days_that_do_not_exist_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match=r"not a date \(ISO 8601"):
        to_day(text)


def test_a_frame_of_week_and_compact_dates_and_its_bad_ones_by_row() -> None:
    accounts = pd.DataFrame({"account_id": ["A", "B"], "acquired_on": ["2011W011", "20110103"]})
    revenue = pd.DataFrame(
        {
            "account_id": ["A", "B", "A", "B", "A"],
            "date": ["2011-W05-3", "20110205", "2011-W54-1", "20111301", "2011-036"],
            "amount": [1.0, 2.0, 4.0, 8.0, 16.0],
        }
    )
    with pytest.raises(ak.ValidationError) as e:
        ak.Book.from_frames(accounts, revenue)
    assert e.value.problems == [
        ("revenue", 2, "date", f"{FORMS}: '2011-W54-1'"),
        ("revenue", 3, "date", f"{FORMS}: '20111301'"),
    ]
    book, rejected = ak.Book.from_frames(accounts, revenue, on_error="quarantine")
    assert rejected["row"].tolist() == [2, 3]
    spells = book.table("spells")
    # Both accounts acquired on Monday 2011-01-03 (week 1, day 1; and the compact form).
    assert spells["acquired_on"].astype(str).tolist() == ["2011-01-03", "2011-01-03"]
    # Lines kept: A on 2011-02-02 (1) and 2011-02-05 (16), B on 2011-02-05 (2).
    lines = book.table("revenue")
    assert lines["date"].astype(str).tolist() == ["2011-02-02", "2011-02-05", "2011-02-05"]
    assert lines["amount"].tolist() == [1.0, 2.0, 16.0]


def test_a_transaction_log_and_csv_files_read_them_the_same_way(tmp_path) -> None:
    log = pd.DataFrame(
        {"customer": [7, 7, 8], "when": ["20110205", "2011-W05-3", "2011-W53-1"], "total": [1.0, 2.0, 3.0]}
    )
    with pytest.raises(ak.ValidationError) as e:
        ak.Book.from_transactions(log, account="customer", date="when", amount="total")
    assert e.value.problems == [("transactions", 2, "when", f"{FORMS}: '2011-W53-1'")]
    pd.DataFrame({"account_id": [7]}).to_csv(tmp_path / "accounts.csv", index=False)
    log.iloc[:2].rename(columns={"customer": "account_id", "when": "date", "total": "amount"}).to_csv(
        tmp_path / "revenue.csv", index=False
    )
    book = ak.Book.from_csv(tmp_path)
    assert book.table("revenue")["date"].astype(str).tolist() == ["2011-02-02", "2011-02-05"]
