"""Real data in (issue 19): one transaction log, ISO 8601 timestamps as text, a customer seen in two
countries, column hints, weekly and pandas periods, and one name per option. Expected values are worked out
by hand."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

import accountkpi as ak
from accountkpi._dates import to_day
from accountkpi.sources import derived_regions

# A tiny Online Retail: three customers, one seen in two countries, one line without a customer.
LOG = pd.DataFrame(
    {
        "CustomerID": [17850.0, 17850.0, 13047.0, 17850.0, 13047.0, 12583.0],
        "InvoiceDate": [
            "2010-12-01 08:26:00",  # 17850 in the United Kingdom
            "2010-12-01T09:02:00",
            "2010-12-01 08:34:00",
            "2011-01-04T10:00:00+01:00",  # 17850 again, from France (the day as written: 4 January)
            "2011-01-31T23:30:00-05:00",  # 31 January as written (1 February in UTC)
            "2011-02-01 12:00:00",
        ],
        "Sales": [15.30, 22.00, 54.08, 10.00, -4.50, 100.00],
        "Cost": [9.0, 11.0, 30.0, 5.0, -2.0, 70.0],
        "Country": [
            "United Kingdom",
            "United Kingdom",
            "United Kingdom",
            "France",
            "United Kingdom",
            "France",
        ],
    }
)
NAMES = {"account": "CustomerID", "date": "InvoiceDate", "amount": "Sales", "cost": "Cost"}


def test_a_transaction_log_builds_a_book_with_its_accounts_derived() -> None:
    book = ak.Book.from_transactions(LOG, **NAMES, region="Country")
    accounts = book.table("accounts")
    # Distinct ids in order of first appearance; float ids that are whole numbers are integer ids.
    assert accounts["account_id"].tolist() == [17850, 13047, 12583]
    # 17850: two UK lines, one French line: most frequent is the UK.
    assert accounts["region"].astype(str).tolist() == ["United Kingdom", "United Kingdom", "France"]
    revenue = book.table("revenue")
    assert len(revenue) == 6  # every line, the credit note included
    assert revenue["date"].astype(str).tolist() == [
        "2010-12-01", "2010-12-01", "2010-12-01", "2011-01-04", "2011-01-31", "2011-02-01",
    ]  # fmt: skip
    # December 2010 revenue: 15.30 + 22.00 + 54.08 = 91.38; January 2011: 10.00 - 4.50 = 5.50.
    t = book.kpis(["2010-12", "2011-01"], kpis=["revenue", "gross_profit"])
    assert t["revenue"].tolist() == pytest.approx([91.38, 5.50])
    # Gross profit, December: 91.38 - (9 + 11 + 30) = 41.38; January: 5.50 - (5 - 2) = 2.50.
    assert t["gross_profit"].tolist() == pytest.approx([41.38, 2.50])


def test_a_log_without_projects_or_units_shows_them_missing_on_every_line() -> None:
    # The Book holds no memory for them (absent columns); its revenue table still has both, empty.
    revenue = ak.Book.from_transactions(LOG, **NAMES).table("revenue")
    assert revenue["project_id"].isna().all()
    assert revenue["units"].isna().all()
    assert len(revenue["units"]) == len(LOG)
    with pytest.raises(ValueError, match="read-only"):
        revenue["units"].to_numpy()[0] = 1.0


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ("most_frequent", ["United Kingdom", "United Kingdom", "France"]),
        ("first", ["United Kingdom", "United Kingdom", "France"]),
        ("last", ["France", "United Kingdom", "France"]),  # 17850's latest line (4 January) is French
    ],
)
def test_region_rules(rule: str, expected: list[str]) -> None:
    book = ak.Book.from_transactions(LOG, **NAMES, region="Country", region_rule=rule)
    assert book.table("accounts")["region"].astype(str).tolist() == expected


def test_region_rules_order_lines_by_day_then_position_and_break_ties_by_the_latest() -> None:
    ids = pd.Series(["A", "A", "A", "A", "B", "B"])
    regions = pd.Series(["DE", "FR", "FR", "DE", None, None])
    # Line 0 is the latest by day although it comes first; lines 1 and 2 share a day.
    dates = pd.Series(["2024-03-01", "2024-01-01", "2024-01-01", "2024-02-01", "2024-01-01", "2024-01-02"])
    # A: DE twice (days 03-01 and 02-01), FR twice (01-01 twice): a tie, won by DE, on the latest line.
    _, regions_mf = derived_regions(ids, regions, dates, "most_frequent")
    _, regions_first = derived_regions(ids, regions, dates, "first")
    accounts, regions_last = derived_regions(ids, regions, dates, "last")
    assert list(accounts) == ["A", "B"]
    # A: earliest line is FR (1 January, line 1), latest is DE (1 March, line 0).
    assert (regions_mf[0], regions_first[0], regions_last[0]) == ("DE", "FR", "DE")
    assert pd.isna(regions_mf[1]) and pd.isna(regions_first[1]) and pd.isna(regions_last[1])  # B: no region
    with pytest.raises(ValueError, match="region_rule must be one of"):
        derived_regions(ids, regions, dates, "mode")


def test_a_line_without_a_customer_is_reported_or_quarantined_never_dropped() -> None:
    log = LOG.copy()
    log.loc[2, "CustomerID"] = np.nan
    with pytest.raises(ak.ValidationError) as e:
        ak.Book.from_transactions(log, **NAMES, region="Country")
    # Named as the log has it: its table, its row, its column.
    assert [(p[0], p[1], p[2]) for p in e.value.problems] == [("transactions", 2, "CustomerID")]
    book, rejected = ak.Book.from_transactions(log, **NAMES, region="Country", on_error="quarantine")
    assert rejected[["table", "row", "column"]].values.tolist() == [["transactions", 2, "CustomerID"]]
    # The line's values under the log's names.
    assert rejected[["InvoiceDate", "Sales"]].values.tolist() == [[log["InvoiceDate"][2], log["Sales"][2]]]
    assert book.rows("revenue") == 5  # 6 lines: 5 in the Book, 1 rejected
    assert book.n_accounts == 3  # 13047 still has its line of 31 January


def test_a_misnamed_column_gets_a_hint_and_the_list_of_columns() -> None:
    with pytest.raises(ak.ValidationError) as e:
        ak.Book.from_transactions(LOG, account="CustomerId", date="InvoiceDate", amount="Sale")
    problems = {p[2]: p[3] for p in e.value.problems}
    assert set(problems) == {"CustomerId", "Sale"}
    assert "did you mean 'CustomerID'?" in problems["CustomerId"]
    assert "did you mean 'Sales'?" in problems["Sale"]
    assert "(columns found: 'CustomerID', 'InvoiceDate', 'Sales', 'Cost', 'Country')" in problems["Sale"]


@pytest.mark.parametrize(
    ("given", "expected"), [("ammount", "amount"), ("amout", "amount"), ("accountid", "account_id")]
)
def test_misspelt_book_columns_are_named_with_the_columns_found(given: str, expected: str) -> None:
    revenue = pd.DataFrame({"account_id": ["A"], "date": ["2024-01-01"], "amount": [1.0]})
    revenue = revenue.rename(columns={expected: given})
    with pytest.raises(ak.ValidationError) as e:
        ak.Book.from_frames(pd.DataFrame({"account_id": ["A"]}), revenue)
    reasons = {(p[0], p[2]): p[3] for p in e.value.problems}
    assert reasons[("revenue", given)] == f"unknown column; did you mean '{expected}'?"
    found = ", ".join(f"'{c}'" for c in revenue.columns)
    assert reasons[("revenue", expected)] == f"required column is missing (columns found: {found})"


def test_iso_text_dates_with_times_and_offsets_count_on_the_day_as_written() -> None:
    texts = [
        "2024-01-31",
        "2024-01-31 23:59:59",
        "2024-01-31T23:30:00-05:00",
        "2024-01-31T23:30:00.5+14:00",
        "2024-01-31T12:00Z",
    ]
    revenue = pd.DataFrame({"account_id": ["A"] * 5, "date": texts, "amount": [1.0] * 5})
    book = ak.Book.from_frames(pd.DataFrame({"account_id": ["A"]}), revenue)
    assert book.table("revenue")["date"].astype(str).unique().tolist() == ["2024-01-31"]
    # The same instants as tz-aware timestamps count on the same (wall-clock) day.
    assert [to_day(pd.Timestamp(t)) for t in texts[2:4]] == [to_day("2024-01-31")] * 2
    local = pd.Series(pd.to_datetime(["2024-01-31 23:30"])).dt.tz_localize("America/New_York")
    by_stamp = ak.Book.from_frames(pd.DataFrame({"account_id": ["A"]}), revenue.iloc[:1].assign(date=local))
    assert by_stamp.table("revenue")["date"].astype(str).tolist() == ["2024-01-31"]
    bad = revenue.assign(date=["2024-01-31 8:26", "2024-01-31T24:00", *texts[2:]])
    with pytest.raises(ak.ValidationError) as e:
        ak.Book.from_frames(pd.DataFrame({"account_id": ["A"]}), bad)
    assert [(p[1], p[2]) for p in e.value.problems] == [(0, "date"), (1, "date")]
    assert (
        "not a date (ISO 8601: 2024-03-01, 20240301, 2024-W09-5, 2024W095 or 2024-061, optionally with a "
        "time and offset): '2024-01-31 8:26'" in str(e.value)
    )


def test_iso_weeks_and_weekly_periods() -> None:
    assert ak.Period.week(2025, 1) == ak.Period("2024-12-30", "2025-01-06")  # ISO: week of 2 January
    assert ak.Period("2025-W03") == ak.Period("2025-01-13", "2025-01-20")
    assert ak.Period("2020-W53").label == "2020-W53"  # 2020 has 53 ISO weeks
    with pytest.raises(ValueError, match="week must be 1-52 in 2021"):
        ak.Period.week(2021, 53)
    weeks = ak.periods("2010-12-01", "2010-12-13", "W")
    assert [w.label for w in weeks] == ["2010-W48", "2010-W49"]  # from Monday 29 November
    book = ak.Book.from_transactions(LOG, **NAMES)
    t = book.kpis(ak.periods("2011-01-01", "2011-02-07", "W"), kpis="revenue")
    # 1 January 2011 is a Saturday: weeks from Monday 27 December 2010 (ISO 2010-W52). The lines: 4 January
    # (10.00) in W01; 31 January, a Monday (-4.50), and 1 February (100.00) in W05: 95.50.
    labels = ["2010-W52", "2011-W01", "2011-W02", "2011-W03", "2011-W04", "2011-W05"]
    assert t["period"].astype(str).tolist() == labels
    assert t["revenue"].tolist() == pytest.approx([0.0, 10.0, 0.0, 0.0, 0.0, 95.5])


def test_pandas_periods_are_accepted_wherever_a_period_is() -> None:
    book = ak.Book.from_transactions(LOG, **NAMES)
    assert ak.Period(pd.Period("2010Q4")) == ak.Period("2010Q4")
    assert ak.Period(pd.Period("2011-01", "M")) == ak.Period("2011-01")
    assert ak.Period(pd.Period("2011-01-05", "W")) == ak.Period("2011-W01")  # W-SUN: Monday to Sunday
    assert ak.Period(pd.Period("2011-01-05", "D")) == ak.Period("2011-01-05", "2011-01-06")
    with pytest.raises(ValueError, match="whole days"):
        ak.Period(pd.Period("2011-01-05 10:00", "h"))
    by_pandas = book.kpis(pd.period_range("2010-12", "2011-01", freq="M"), kpis="revenue")
    by_labels = book.kpis(["2010-12", "2011-01"], kpis="revenue")
    pd.testing.assert_frame_equal(by_pandas, by_labels)
    assert ak.kpi.revenue(book, pd.Period("2010-12")) == pytest.approx(91.38)
    assert book.kpis(pd.Period("2010-12"), kpis="revenue")["revenue"].tolist() == pytest.approx([91.38])


def test_one_name_per_option_across_the_api() -> None:
    book = ak.datasets.demo_book(3, accounts=40, years=1, start_year=2024)
    table = book.kpis("2024Q2", kpis="top_share", top_p=0.1)["top_share"].iloc[0]
    assert ak.kpi.top_share(book, "2024Q2", top_p=0.1) == table  # Book.kpis' name
    assert ak.kpi.top_share(book, "2024Q2", p=0.1) == table  # the short name still works, no warning
    assert ak.kpi.top_share(book, "2024Q2", p=0.5) != table  # and the option is used
    assert ak.kpi.nrr(book, "2024Q2", nrr_base="previous") == ak.kpi.nrr(book, "2024Q2", base="previous")
    with pytest.raises(TypeError, match="and its other name"):
        ak.kpi.top_share(book, "2024Q2", p=0.1, top_p=0.1)
    with pytest.raises(TypeError, match=r"options: p, top_p"):
        ak.kpi.top_share(book, "2024Q2", share=0.1)


def test_from_frames_renames_columns() -> None:
    accounts = pd.DataFrame({"Customer": ["A"]})
    revenue = pd.DataFrame({"Customer": ["A"], "When": [dt.date(2024, 1, 2)], "Sales": [3.0]})
    columns = {"accounts": {"account_id": "Customer"}, "revenue": {"account_id": "Customer", "date": "When",
                                                                   "amount": "Sales"}}  # fmt: skip
    book = ak.Book.from_frames(accounts, revenue, columns=columns)
    assert book.table("revenue")[["account_id", "amount"]].values.tolist() == [["A", 3.0]]
    with pytest.raises(KeyError, match=r"no column 'Sale' to map; did you mean 'Sales'\?"):
        ak.Book.from_frames(accounts, revenue, columns={"revenue": {"amount": "Sale"}})


def test_integer_ids_with_gaps_stay_integers_and_each_bad_line_is_named_once() -> None:
    # pandas holds integer ids with a gap as floats: the whole ones are integer ids, NaN is a missing id, a
    # fraction a problem of its line (and of nothing else: the accounts are derived, not given).
    log = LOG.copy()
    log.loc[2, "CustomerID"] = np.nan
    log.loc[4, "CustomerID"] = 13047.5
    with pytest.raises(ak.ValidationError) as e:
        ak.Book.from_transactions(log, **NAMES, region="Country")
    assert e.value.problems == [
        ("transactions", 4, "CustomerID", "id 13047.5 is not a whole number"),
        ("transactions", 2, "CustomerID", "missing id"),
    ]
    book, rejected = ak.Book.from_transactions(log, **NAMES, region="Country", on_error="quarantine")
    # 13047's two lines are the bad ones: it is no account. 17850 keeps its four lines, 12583 its one.
    assert book.table("accounts")["account_id"].tolist() == [17850, 12583]
    assert book.rows("revenue") == 4
    # The rejected lines whole, the columns the Book does not read (Country) included.
    assert rejected["row"].tolist() == [2, 4]
    assert rejected["Country"].tolist() == ["United Kingdom", "United Kingdom"]


def test_a_blank_customer_id_is_a_problem_of_its_line() -> None:
    log = pd.DataFrame({"who": ["A", "  ", "B"], "when": ["2024-01-01"] * 3, "total": [1.0, 2.0, 3.0]})
    with pytest.raises(ak.ValidationError) as e:
        ak.Book.from_transactions(log, account="who", date="when", amount="total")
    assert e.value.problems == [("transactions", 1, "who", "empty id")]
