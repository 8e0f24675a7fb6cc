"""The key columns of a KPI table: integer ids come from the engine already gathered (int64, or nullable Int64
where a row has none), text ids and categories as before; both are the Book's ids at the rows' codes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import accountkpi as ak
from accountkpi import _core
from accountkpi._columns import id_values

MONTHS = ak.periods("2024-01-01", "2024-04-01", "M")


@pytest.fixture(scope="module")
def integer_ids() -> ak.Book:
    """Accounts 10, 20 and 30 with integer ids; manager 7 owns 10 all along, 8 owns 30 from March; 20 never
    has an owner, so by manager its lines make a row without one."""
    accounts = pd.DataFrame(
        {
            "account_id": [10, 20, 30],
            "acquired_on": pd.to_datetime(["2023-01-01"] * 3),
            "churned_on": pd.to_datetime([None] * 3),
        }
    )
    managers = pd.DataFrame({"manager_id": [7, 8], "role": ["farmer", "farmer"]})
    assignments = pd.DataFrame(
        {
            "manager_id": [7, 8],
            "account_id": [10, 30],
            "start": pd.to_datetime(["2023-01-01", "2024-03-01"]),
            "end": pd.to_datetime([None, None]),
        }
    )
    revenue = pd.DataFrame(
        {
            "account_id": [10, 20, 30, 30, 10],
            "date": pd.to_datetime(["2024-01-05", "2024-01-20", "2024-02-11", "2024-03-02", "2024-03-15"]),
            "amount": [100.0, 40.0, 25.0, 60.0, 10.0],
            "cost": [50.0, 10.0, 5.0, 30.0, 1.0],
        }
    )
    return ak.Book.from_frames(accounts=accounts, managers=managers, assignments=assignments, revenue=revenue)


def expected(book: ak.Book, key: str, codes: np.ndarray) -> object:
    """The ids at ``codes`` as the Python layer makes them from the Book's ids (the reference)."""
    return id_values(_core.key_labels(book._core, key), codes)


def engine(book: ak.Book, by: str) -> dict:
    days = [(p._begin, p._end) for p in MONTHS]
    return _core.kpi.compute(book._core, days, [by], ["revenue"], {}, {})


@pytest.mark.parametrize("by", ["account", "manager", "team", "account_group"])
def test_integer_ids_come_gathered_from_the_engine(integer_ids: ak.Book, by: str) -> None:
    [(key, codes, ids, missing)] = engine(integer_ids, by)["keys"]
    assert key == by
    assert ids.dtype == np.int64
    assert missing == bool((codes < 0).any())
    reference = expected(integer_ids, by, codes)
    if missing:
        np.testing.assert_array_equal(ids[codes >= 0], np.asarray(reference[codes >= 0], dtype=np.int64))
        assert (ids[codes < 0] == 0).all()
    else:
        np.testing.assert_array_equal(ids, reference)


def test_a_row_without_a_manager_is_missing_in_a_nullable_column(integer_ids: ak.Book) -> None:
    table = integer_ids.kpis(MONTHS, by="manager", kpis="revenue")
    column = table["manager_id"]
    assert column.dtype == "Int64"
    assert column.isna().sum() == len(MONTHS)  # account 20's row, every month
    by_manager = table.groupby("manager_id", dropna=False)["revenue"].sum()
    assert by_manager[7] == 110.0
    assert by_manager[8] == 60.0
    assert by_manager[pd.NA] == 65.0  # 20's 40, and 30's 25 in February, before 8 owned it


def test_every_row_with_an_owner_keeps_plain_int64(integer_ids: ak.Book) -> None:
    table = integer_ids.kpis(MONTHS, by="account", kpis=["revenue", "gross_margin"])
    assert table["account_id"].dtype == np.int64
    assert table["account_id"].tolist() == [10] * 3 + [20] * 3 + [30] * 3


@pytest.mark.parametrize("by", ["account", "manager", "project", "region", "unit", "team"])
def test_the_demo_key_columns_are_the_books_labels(demo: ak.Book, by: str) -> None:
    # Integer ids (accounts, projects) from the engine; text ids (managers, units) and categories from Python.
    raw = engine(demo, by)
    [(_, codes, ids, _)] = raw["keys"]
    labels = _core.key_labels(demo._core, by)
    assert (ids is not None) == isinstance(labels, np.ndarray)
    column = demo.kpis(MONTHS, by=by, kpis="revenue")[f"{by}_id" if by != "region" and by != "team" else by]
    reference = [None if c < 0 else labels[c] for c in codes]
    assert [None if pd.isna(x) else x for x in column] == reference
