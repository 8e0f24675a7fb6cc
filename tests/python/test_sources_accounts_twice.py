"""An account given by several ``accounts`` rows that are not its spells (a CRM export with a client twice, or
in two countries): every other row is a problem naming the kept row (``keep``) and what differs; quarantine
rejects those rows alone and keeps the account with its revenue (issue 19)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import accountkpi as ak

# C is in two countries (rows 0 and 2), B is given twice exactly (rows 1 and 3), D twice with another region
# and domain (rows 4 and 5). Revenue: C 10 + 40, B 20, D 30.
ACCOUNTS = pd.DataFrame(
    {
        "account_id": ["C", "B", "C", "B", "D", "D"],
        "region": ["United Kingdom", "EMEA", "France", "EMEA", "EMEA", "APAC"],
        "domain": [None, None, None, None, "retail", "banking"],
    }
)
REVENUE = pd.DataFrame(
    {
        "account_id": ["C", "B", "D", "C"],
        "date": ["2024-01-05", "2024-01-06", "2024-01-07", "2024-02-01"],
        "amount": [10.0, 20.0, 30.0, 40.0],
    }
)


def test_strict_lists_every_conflicting_row_with_its_columns_and_values() -> None:
    with pytest.raises(ak.ValidationError) as e:
        ak.Book.from_frames(ACCOUNTS, REVENUE)
    kept = " (the row kept: keep='first')"
    assert sorted(e.value.problems) == [
        (
            "accounts",
            2,
            "region",
            "account 'C' is given again with another region: 'France' here, 'United Kingdom' in row 0" + kept,
        ),
        ("accounts", 3, "account_id", "account 'B' is given again: an exact duplicate of row 1" + kept),
        (
            "accounts",
            5,
            "domain",
            "account 'D' is given again with another domain: 'banking' here, 'retail' in row 4" + kept,
        ),
        (
            "accounts",
            5,
            "region",
            "account 'D' is given again with another region: 'APAC' here, 'EMEA' in row 4" + kept,
        ),
    ]
    assert "acquired_on" not in str(e.value)  # the old red herring


@pytest.mark.parametrize(
    ("keep", "rejected_rows", "regions"),
    [
        ("first", [2, 3, 5], {"C": "United Kingdom", "B": "EMEA", "D": "EMEA"}),
        ("last", [0, 1, 4], {"C": "France", "B": "EMEA", "D": "APAC"}),
    ],
)
def test_quarantine_keeps_one_row_and_the_accounts_revenue(
    keep: str, rejected_rows: list[int], regions: dict[str, str]
) -> None:
    book, rejected = ak.Book.from_frames(ACCOUNTS, REVENUE, on_error="quarantine", keep=keep)
    assert rejected["table"].tolist() == ["accounts"] * 3
    assert rejected["row"].tolist() == rejected_rows
    # D's rejected row has two problems, joined in one record with both columns.
    assert rejected["column"].tolist()[2] in ("region, domain", "domain, region")
    assert all("is given again" in r for r in rejected["reason"])
    # The rejected rows' own values come along.
    assert rejected["region"].tolist() == [ACCOUNTS["region"][r] for r in rejected_rows]
    accounts = book.table("accounts")
    assert dict(zip(accounts["account_id"], accounts["region"].astype(str), strict=True)) == regions
    # No revenue line is lost: 10 + 20 + 30 + 40.
    assert ak.kpi.revenue(book, "2024Q1") == 100.0


def test_the_same_rule_reading_files(tmp_path: Path) -> None:
    ACCOUNTS.to_csv(tmp_path / "accounts.csv", index=False)
    REVENUE.to_csv(tmp_path / "revenue.csv", index=False)
    book, rejected = ak.Book.from_csv(tmp_path, on_error="quarantine", keep="last")
    assert rejected["row"].tolist() == [0, 1, 4]
    assert ak.kpi.revenue(book, "2024Q1") == 100.0
    with pytest.raises(ak.ValidationError, match="4 problems"):
        ak.Book.from_csv(tmp_path)


def test_spells_still_take_the_account_out_whole_when_one_is_bad() -> None:
    # A's two spells overlap: which one is right cannot be told, so A goes with its revenue (as before).
    accounts = pd.DataFrame(
        {
            "account_id": ["A", "A", "B"],
            "acquired_on": ["2024-01-01", "2024-02-01", "2024-01-01"],
        }
    )
    revenue = pd.DataFrame(
        {"account_id": ["A", "B"], "date": ["2024-01-05", "2024-01-05"], "amount": [1.0, 2.0]}
    )
    book, rejected = ak.Book.from_frames(accounts, revenue, on_error="quarantine")
    assert rejected[["table", "row"]].values.tolist() == [["accounts", 0], ["accounts", 1], ["revenue", 0]]
    assert book.n_accounts == 1


def test_keep_is_checked() -> None:
    with pytest.raises(ValueError, match="keep must be 'first' or 'last', got 'any'"):
        ak.Book.from_frames(ACCOUNTS, REVENUE, keep="any")
