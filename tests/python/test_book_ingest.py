"""How input frames become a Book: number columns shared without a copy when already in date order, narrow
dictionary codes, dates in any datetime64 unit, and the same Book whatever the input order."""

from __future__ import annotations

import gc

import numpy as np
import pandas as pd
import pytest

import accountkpi as ak
from accountkpi._columns import narrow_codes


@pytest.fixture(scope="module")
def frames() -> dict[str, pd.DataFrame]:
    return ak.datasets.demo_book(7, accounts=60, years=2, start_year=2023, events=False).to_frames()


def assert_same_book(a: ak.Book, b: ak.Book) -> None:
    assert a.table_names == b.table_names
    for t in a.table_names:
        pd.testing.assert_frame_equal(a.table(t), b.table(t), check_exact=True)


def test_sorted_and_shuffled_revenue_give_the_same_book(frames: dict[str, pd.DataFrame]) -> None:
    sorted_book = ak.Book.from_frames(**frames)
    revenue = frames["revenue"]
    shuffled = revenue.iloc[np.random.default_rng(1).permutation(len(revenue))].reset_index(drop=True)
    day_order = shuffled.sort_values("date", kind="stable")
    assert not shuffled["date"].is_monotonic_increasing
    # Sorting in the Book is stable: the same as sorting the frame stably by date first.
    from_shuffled = ak.Book.from_frames(**{**frames, "revenue": shuffled})
    from_day_order = ak.Book.from_frames(**{**frames, "revenue": day_order.reset_index(drop=True)})
    assert_same_book(from_shuffled, from_day_order)
    # The same lines as the original, day by day.
    a = sorted_book.table("revenue").sort_values(["date", "account_id", "amount"], kind="stable")
    b = from_shuffled.table("revenue").sort_values(["date", "account_id", "amount"], kind="stable")
    pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True))


def test_numbers_in_date_order_are_shared_with_the_frame(frames: dict[str, pd.DataFrame]) -> None:
    book = ak.Book.from_frames(**frames)
    revenue = book.table("revenue")
    for column in ("amount", "cost", "units"):
        assert np.shares_memory(revenue[column].to_numpy(), frames["revenue"][column].to_numpy()), column


def test_numbers_out_of_date_order_are_the_books_own(frames: dict[str, pd.DataFrame]) -> None:
    reversed_revenue = frames["revenue"].iloc[::-1].reset_index(drop=True)
    book = ak.Book.from_frames(**{**frames, "revenue": reversed_revenue})
    amount = book.table("revenue")["amount"].to_numpy()
    assert not np.shares_memory(amount, reversed_revenue["amount"].to_numpy())
    assert amount.sum() == pytest.approx(frames["revenue"]["amount"].sum())


def test_a_shared_column_outlives_its_frame_and_ignores_later_writes() -> None:
    revenue = pd.DataFrame(
        {
            "account_id": [1, 2, 1],
            "date": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03"]),
            "amount": [10.0, 20.0, 30.0],
        }
    )
    accounts = pd.DataFrame({"account_id": [1, 2]})
    book = ak.Book.from_frames(accounts=accounts, revenue=revenue.copy())
    revenue = book.table("revenue")  # read-only columns of the Book: the next Book shares them
    book = ak.Book.from_frames(accounts=accounts, revenue=revenue)
    shared = np.shares_memory(book.table("revenue")["amount"].to_numpy(), revenue["amount"].to_numpy())
    assert shared
    revenue["amount"] = [-1.0, -2.0, -3.0]  # the frame gets a new column; the Book keeps the shared one
    assert book.table("revenue")["amount"].tolist() == [10.0, 20.0, 30.0]
    del revenue, accounts
    gc.collect()
    amount = book.table("revenue")["amount"].to_numpy()
    del book
    gc.collect()
    assert amount.tolist() == [10.0, 20.0, 30.0]  # the array keeps the Book, which keeps the input memory


@pytest.mark.parametrize("n", [3, 127, 128, 40_000], ids=lambda n: f"{n}_texts")
def test_dictionary_codes_are_as_narrow_as_their_count(n: int) -> None:
    codes = narrow_codes(np.array([-1, 0, n - 1], dtype=np.int64), n)
    expected = np.int8 if n <= 127 else np.int16 if n <= 32767 else np.int32
    assert codes.dtype == expected
    assert codes.tolist() == [-1, 0, n - 1]


@pytest.mark.parametrize("kind", ["object", "categorical", "many"])
def test_text_columns_of_any_code_width_build_the_same_book(kind: str) -> None:
    n = 300 if kind == "many" else 3  # 300 account ids: int16 codes
    ids = [f"A{i:03d}" for i in range(n)]
    accounts = pd.DataFrame({"account_id": ids, "region": (["EMEA", "APAC", None] * n)[:n]})
    revenue = pd.DataFrame(
        {
            "account_id": ids,
            "date": pd.to_datetime(["2024-01-01"] * n),
            "amount": np.arange(n, dtype=np.float64),
            "units": np.ones(n),
            "unit": (["hour", "day", "month"] * n)[:n],
        }
    )
    if kind == "categorical":
        accounts["region"] = accounts["region"].astype("category")
        revenue["unit"] = revenue["unit"].astype("category")
    book = ak.Book.from_frames(accounts=accounts, revenue=revenue)
    r = book.table("revenue")
    assert r["account_id"].tolist() == ids
    assert r["unit"].astype(str).tolist() == (["hour", "day", "month"] * n)[:n]
    region = book.table("accounts")["region"]
    assert region.iloc[:2].astype(str).tolist() == ["EMEA", "APAC"]
    assert region.isna().tolist() == [k % 3 == 2 for k in range(n)]


@pytest.mark.parametrize("unit", ["s", "ms", "us", "ns"])
def test_dates_in_any_unit_round_down_to_their_day(unit: str) -> None:
    stamps = ["1969-12-31T23:00:00", "1970-01-01T00:00:00", "2024-02-29T23:59:59", None]
    revenue = pd.DataFrame(
        {
            "account_id": [1, 1, 1, 1],
            "date": pd.Series(pd.to_datetime(stamps)).astype(f"datetime64[{unit}]"),
            "amount": [1.0, 2.0, 3.0, 4.0],
        }
    )
    with pytest.raises(ak.ValidationError) as e:
        ak.Book.from_frames(accounts=pd.DataFrame({"account_id": [1]}), revenue=revenue)
    assert [(p[0], p[1], p[2]) for p in e.value.problems] == [("revenue", 3, "date")]
    book = ak.Book.from_frames(accounts=pd.DataFrame({"account_id": [1]}), revenue=revenue.iloc[:3])
    assert book.table("revenue")["date"].astype(str).tolist() == ["1969-12-31", "1970-01-01", "2024-02-29"]


def test_every_problem_is_still_listed_with_shared_numbers_and_narrow_codes() -> None:
    revenue = pd.DataFrame(
        {
            "account_id": [1, 2, 1, 1],
            "date": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-04"]),
            "amount": [np.inf, 1.0, np.nan, 2e13],
            "units": [1.0, 1.0, 1.0, np.nan],
            "unit": pd.Categorical(["hour", "weeks", "day", None]),
        }
    )
    with pytest.raises(ak.ValidationError) as e:
        ak.Book.from_frames(accounts=pd.DataFrame({"account_id": [1]}), revenue=revenue)
    found = {(p[1], p[2]) for p in e.value.problems}
    assert found == {(0, "amount"), (1, "account_id"), (1, "unit"), (2, "amount"), (3, "amount")}


def test_quarantine_with_shared_numbers(frames: dict[str, pd.DataFrame]) -> None:
    revenue = frames["revenue"].copy()
    revenue.loc[[3, 10], "amount"] = np.inf
    book, rejected = ak.Book.from_frames(**{**frames, "revenue": revenue}, on_error="quarantine")
    assert rejected["row"].tolist() == [3, 10]
    assert book.rows("revenue") == len(revenue) - 2
    kept = revenue.drop(index=[3, 10])
    assert book.table("revenue")["amount"].sum() == pytest.approx(kept["amount"].sum())


@pytest.mark.parametrize("dtype", ["float64", "int64", "float32"])
def test_arrays_a_frame_was_built_on_without_a_copy_cannot_change_the_book(dtype: str) -> None:
    # Issue 18, item 6: a date-ordered frame built on the caller's arrays with copy=False; the caller writes
    # to the arrays after the build. The Book's revenue stays 10 + 20 + 30 = 60.
    amount = np.array([10, 20, 30], dtype=dtype)
    revenue = pd.DataFrame(
        {
            "account_id": [1, 2, 1],
            "date": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03"]),
            "amount": amount,
        },
        copy=False,
    )
    book = ak.Book.from_frames(accounts=pd.DataFrame({"account_id": [1, 2]}), revenue=revenue)
    amount[:] = 1_000_000
    revenue.loc[1, "amount"] = 3_000_000
    assert book.table("revenue")["amount"].tolist() == [10.0, 20.0, 30.0]
    assert book.kpis("2024-01", kpis=["revenue"])["revenue"].iloc[0] == 60.0


def test_read_only_arrays_are_shared_and_writable_ones_copied() -> None:
    dates = pd.to_datetime(["2024-01-01", "2024-01-02"])
    frozen = np.array([5.0, 7.0])
    frozen.flags.writeable = False
    writable = np.array([5.0, 7.0])
    accounts = pd.DataFrame({"account_id": [1]})
    for values, shared in ((frozen, True), (writable, False), (writable[:], False)):
        revenue = pd.DataFrame({"account_id": [1, 1], "date": dates, "amount": values}, copy=False)
        book = ak.Book.from_frames(accounts=accounts, revenue=revenue)
        assert np.shares_memory(book.table("revenue")["amount"].to_numpy(), values) is shared
