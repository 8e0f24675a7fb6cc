from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest

import accountkpi as ak


def test_from_frames_round_trips_through_table(tiny_frames: dict[str, pd.DataFrame]) -> None:
    book = ak.Book.from_frames(**tiny_frames)
    assert book.n_accounts == 2
    revenue = book.table("revenue")
    assert list(revenue.columns) == [
        "account_id",
        "project_id",
        "date",
        "amount",
        "cost",
        "units",
        "unit",
        "manager_id",
    ]
    assert revenue["account_id"].tolist() == ["A", "B", "A"]
    assert revenue["amount"].tolist() == [100.0, 50.0, 25.5]
    assert revenue["date"].dtype.kind == "M"
    assert revenue["date"].tolist() == list(pd.to_datetime(["2024-01-15", "2024-02-10", "2024-03-01"]))
    accounts = book.table("accounts")
    assert accounts["region"].tolist() == ["EMEA", "APAC"]
    assert pd.isna(accounts["churned_on"].iloc[0])
    assert accounts["churned_on"].iloc[1] == pd.Timestamp("2024-06-01")


def test_numeric_columns_are_read_only_views_that_keep_the_book_alive(
    tiny_frames: dict[str, pd.DataFrame],
) -> None:
    amount = ak.Book.from_frames(**tiny_frames).table("revenue")["amount"].to_numpy()
    assert not amount.flags.writeable
    import gc

    gc.collect()  # the Book is gone from Python; the array still reads its memory
    assert amount.sum() == pytest.approx(175.5)


def test_integer_ids_stay_integers_and_events_are_sorted() -> None:
    accounts = pd.DataFrame({"account_id": [10, 20]})
    revenue = pd.DataFrame(
        {"account_id": [20, 10, 10], "date": ["2024-03-01", "2024-01-01", "2024-02-01"], "amount": [3, 1, 2]}
    )
    book = ak.Book.from_frames(accounts=accounts, revenue=revenue)
    r = book.table("revenue")
    assert r["account_id"].dtype == np.int64
    assert r["account_id"].tolist() == [10, 10, 20]
    assert r["amount"].tolist() == [1.0, 2.0, 3.0]


def test_validation_error_lists_every_problem() -> None:
    accounts = pd.DataFrame({"account_id": ["A", "A", None], "acquired_on": [None, None, "2024-01-01"]})
    revenue = pd.DataFrame(
        {"account_id": ["A", "Z"], "date": ["2024-01-01", "2024-13-01"], "amount": ["12.5", "twelve"]}
    )
    surveys = pd.DataFrame({"account_id": ["A"], "date": ["2024-01-01"], "kind": ["nps"], "score": [11]})
    with pytest.raises(ak.ValidationError) as info:
        ak.Book.from_frames(accounts=accounts, revenue=revenue, surveys=surveys)
    err = info.value
    assert isinstance(err, ValueError)
    found = {(t, r, c) for t, r, c, _ in err.problems}
    assert ("accounts", 1, "account_id") in found  # duplicate
    assert ("accounts", 2, "account_id") in found  # missing id
    assert ("revenue", 1, "account_id") in found  # unknown account
    assert ("revenue", 1, "date") in found  # not a date
    assert ("revenue", 1, "amount") in found  # not a number
    assert ("surveys", 0, "score") in found  # outside the scale
    assert err.total == len(err.problems) == 6
    assert "revenue row 1, column amount: not a number: 'twelve'" in str(err)


def test_mixed_and_missing_inputs_are_reported() -> None:
    accounts = pd.DataFrame({"account_id": ["A", 1]})
    revenue = pd.DataFrame({"account_id": ["A"], "amount": [1.0]})
    with pytest.raises(ak.ValidationError) as info:
        ak.Book.from_frames(accounts=accounts, revenue=revenue)
    reasons = {(t, c): r for t, _, c, r in info.value.problems}
    assert "mixes text and integer ids" in reasons[("accounts", "account_id")]
    assert (
        reasons[("revenue", "date")] == "required column is missing (columns found: 'account_id', 'amount')"
    )


def test_several_spells_per_account(tiny_frames: dict[str, pd.DataFrame]) -> None:
    accounts = pd.DataFrame(
        {
            "account_id": ["A", "A"],
            "acquired_on": ["2023-01-01", "2024-01-01"],
            "churned_on": ["2023-06-01", None],
        }
    )
    book = ak.Book.from_frames(accounts=accounts, revenue=tiny_frames["revenue"].query("account_id == 'A'"))
    spells = book.table("spells")
    assert spells["account_id"].tolist() == ["A", "A"]
    assert spells["acquired_on"].tolist() == list(pd.to_datetime(["2023-01-01", "2024-01-01"]))
    assert not spells["derived"].any()


def test_spells_derived_from_revenue_when_absent() -> None:
    accounts = pd.DataFrame({"account_id": ["A"]})
    revenue = pd.DataFrame(
        {
            "account_id": ["A"] * 3,
            "date": ["2024-01-01", "2024-02-01", "2025-06-01"],
            "amount": [1.0, 1.0, 1.0],
        }
    )
    book = ak.Book.from_frames(accounts=accounts, revenue=revenue, inactivity_days=365)
    spells = book.table("spells")
    assert spells["acquired_on"].tolist() == list(pd.to_datetime(["2024-01-01", "2025-06-01"]))
    assert spells["churned_on"].tolist() == list(pd.to_datetime(["2025-01-31", "2026-06-01"]))
    assert spells["derived"].all()


def test_pickle_round_trips(demo: ak.Book) -> None:
    copy = pickle.loads(pickle.dumps(demo))
    for name in [*demo.table_names, "spells"]:
        pd.testing.assert_frame_equal(demo.table(name), copy.table(name))


def test_from_csv(tmp_path, tiny_frames: dict[str, pd.DataFrame]) -> None:
    for name, frame in tiny_frames.items():
        frame.to_csv(tmp_path / f"{name}.csv", index=False, encoding="utf-8-sig")  # with a BOM
    book = ak.Book.from_csv(tmp_path)
    pd.testing.assert_frame_equal(book.table("revenue"), ak.Book.from_frames(**tiny_frames).table("revenue"))


def test_from_csv_reports_unreadable_files_with_row_problems(tmp_path) -> None:
    (tmp_path / "accounts.csv").write_bytes("account_id,name\nA,M\xfcller\n".encode("latin-1"))
    (tmp_path / "revenue.csv").write_text("account_id,date,amount\nA,2024-01-01,1\nA,2024-01-02,oops\n")
    (tmp_path / "invoices.csv").write_text("x\n1\n")
    with pytest.raises(ak.ValidationError) as info:
        ak.Book.from_csv(tmp_path)
    text = str(info.value)
    assert "accounts.csv is not UTF-8" in text
    assert "unknown table file invoices.csv" in text
    assert "revenue row 1, column amount: not a number: 'oops'" in text


def test_unknown_table_name_raises(tiny_frames: dict[str, pd.DataFrame]) -> None:
    with pytest.raises(ak.ValidationError, match=r"no table|unknown"):
        ak.Book._build({**tiny_frames, "invoices": tiny_frames["revenue"]}, 365)
    with pytest.raises(KeyError):
        ak.Book.from_frames(**tiny_frames).table("invoices")


def test_misspelt_and_unknown_columns() -> None:
    accounts = pd.DataFrame({"account_id": ["A"], "note": ["key account"]})
    revenue = pd.DataFrame({"account_id": ["A"], "date": ["2024-01-05"], "amount": [10.0], "cots": [4.0]})
    # A misspelt known column is always a problem (gross margin would silently be 1.0 without its cost).
    with pytest.raises(ak.ValidationError, match="revenue column cots: unknown column; did you mean 'cost'"):
        ak.Book.from_frames(accounts, revenue)
    revenue = revenue.rename(columns={"cots": "cost"})
    assert ak.Book.from_frames(accounts, revenue).rows("revenue") == 1  # "note" is ignored by default
    with pytest.raises(
        ak.ValidationError, match=r"accounts column note: unknown column \(strict_columns\)"
    ) as e:
        ak.Book.from_frames(accounts, revenue, strict_columns=True)
    assert [p[:3] for p in e.value.problems] == [("accounts", -1, "note")]
    with pytest.raises(ak.ValidationError, match="strict_columns"):  # a whole column: no row to quarantine
        ak.Book.from_frames(accounts, revenue, strict_columns=True, on_error="quarantine")
