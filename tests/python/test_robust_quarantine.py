"""Quarantine mode: Book.from_frames(..., on_error="quarantine") returns the Book of the good rows and the
rejected rows with their reasons; a rejected account takes its dependants with it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from robust_frames import assert_every_row_accounted_for, full_frames

import accountkpi as ak


def test_clean_input_rejects_nothing() -> None:
    frames = full_frames()
    book, rejected = ak.Book.from_frames(**frames, on_error="quarantine")
    assert list(rejected.columns) == ["table", "row", "column", "reason"]
    assert rejected.empty
    assert rejected["row"].dtype == np.int64
    strict = ak.Book.from_frames(**frames)
    for table in frames:
        pd.testing.assert_frame_equal(book.table(table), strict.table(table))


def test_a_rejected_account_takes_its_dependants() -> None:
    frames = full_frames()
    accounts = frames["accounts"].copy()
    accounts.loc[0, "acquired_on"] = pd.Timestamp("1800-01-01")  # account A is bad
    frames["accounts"] = accounts
    book, rejected = ak.Book.from_frames(**frames, on_error="quarantine")
    assert_every_row_accounted_for(frames, book, rejected)
    rows = {(t, r): (c, why) for t, r, c, why in rejected[["table", "row", "column", "reason"]].values}
    assert rows[("accounts", 0)] == ("acquired_on", "date 1800-01-01 is outside 1900-01-01..2200-12-31")
    because_a = ("account 'A' is rejected (accounts row 0)",)
    # B's parent is A; B's dependants follow B.
    assert rows[("accounts", 1)] == ("parent_id", *because_a)
    for table in ("projects", "assignments", "revenue", "interactions", "requests", "surveys"):
        assert rows[(table, 0)] == ("account_id", *because_a), table
        assert rows[(table, 1)][1] == "account 'B' is rejected (accounts row 1)", table
    # Projects of B go: revenue lines of project P1 (A's) went with A.
    assert book.n_accounts == 1
    assert book.table("revenue")["account_id"].tolist() == ["C"]
    # The rejected rows carry their values.
    revenue_rows = rejected[rejected["table"] == "revenue"]
    assert revenue_rows["amount"].tolist() == [100.0, 50.0]


def test_a_row_with_several_problems_is_listed_once_with_all_reasons() -> None:
    frames = full_frames()
    revenue = frames["revenue"].copy()
    revenue["amount"] = revenue["amount"].astype(object)
    revenue.loc[2, ["account_id", "amount"]] = ["ZZ", "twelve"]
    frames["revenue"] = revenue
    book, rejected = ak.Book.from_frames(**frames, on_error="quarantine")
    assert_every_row_accounted_for(frames, book, rejected)
    row = rejected.iloc[0]
    assert (row["table"], row["row"]) == ("revenue", 2)
    assert row["column"] == "amount, account_id"
    assert row["reason"] == "not a number: 'twelve'; unknown account id 'ZZ'"
    assert row["amount"] == "twelve"  # the value as given


def test_duplicate_ids_reject_every_row_of_the_id() -> None:
    frames = full_frames()
    frames["managers"] = pd.DataFrame(
        {"manager_id": ["M1", "M2", "M2"], "role": ["farmer", "closer", "farmer"]}
    )
    book, rejected = ak.Book.from_frames(**frames, on_error="quarantine")
    assert_every_row_accounted_for(frames, book, rejected)
    gone = rejected[rejected["table"] == "managers"]["row"].tolist()
    assert gone == [1, 2]  # which M2 is right is unknown: both go, with what refers to M2
    assert set(rejected["table"]) == {"managers", "assignments", "targets"}
    assert book.table("managers")["manager_id"].tolist() == ["M1"]


def test_column_level_problems_still_raise() -> None:
    frames = full_frames()
    frames["revenue"] = frames["revenue"].drop(columns=["amount"])
    with pytest.raises(ak.ValidationError, match="required column is missing"):
        ak.Book.from_frames(**frames, on_error="quarantine")
    frames = full_frames()
    frames["revenue"] = frames["revenue"].assign(amount=[True, False, True])
    with pytest.raises(ak.ValidationError, match="expected numbers, got booleans"):
        ak.Book.from_frames(**frames, on_error="quarantine")


def test_rejected_values_do_not_clash_with_the_report_columns() -> None:
    frames = full_frames()
    frames["revenue"] = frames["revenue"].assign(reason=["a", "b", "c"], amount=[1.0, np.inf, 2.0])
    _book, rejected = ak.Book.from_frames(**frames, on_error="quarantine")
    assert rejected["reason"].tolist() == ["infinite value"]
    assert rejected["reason_value"].tolist() == ["b"]


def test_everything_rejected_gives_an_empty_book() -> None:
    frames = full_frames()
    frames["accounts"] = frames["accounts"].assign(account_id=["", "", ""])
    book, rejected = ak.Book.from_frames(**frames, on_error="quarantine")
    assert book.n_accounts == 0
    assert_every_row_accounted_for(frames, book, rejected)
