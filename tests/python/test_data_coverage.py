"""Periods the data cannot answer for (issue 18, item 10): outside, partial, and churn not yet visible."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

import accountkpi as ak


@pytest.fixture(scope="module")
def retail() -> ak.Book:
    # Revenue from 2011-01-03 to 2011-12-09 (the shape of UCI Online Retail), spells derived from revenue with
    # 90 days of inactivity.
    revenue = pd.DataFrame(
        {
            "account_id": ["A", "B", "A", "B"],
            "date": pd.to_datetime(["2011-01-03", "2011-02-01", "2011-06-01", "2011-12-09"]),
            "amount": [10.0, 20.0, 30.0, 40.0],
        }
    )
    return ak.Book.from_frames(
        accounts=pd.DataFrame({"account_id": ["A", "B"]}), revenue=revenue, inactivity_days=90
    )


def test_the_gaps_by_hand(retail: ak.Book) -> None:
    got = ak.kpi.data_coverage(
        retail, ["2010-12", "2011-01", "2011-04", "2011-11", "2011-12", "2012Q1", "2011"]
    )
    # 2010-12: no day with data (31). 2011-01: churn before 2011-04-03 (2011-01-03 + 90 days) unseen all
    # month (31); its first 2 days lack data, within the allowance of 7. 2011-04: churn unseen on 04-01 and
    # 04-02 (2). 2011-11: covered. 2011-12: 22 of 31 days after 2011-12-09 (> 7): partial. 2012Q1: none (91).
    # 2011: 2 + 22 days uncovered, within max(7, 36); churn unseen 2011-01-01..2011-04-02 (92).
    expected = pd.DataFrame(
        {
            "period": ["2010-12", "2011-01", "2011-04", "2011-12", "2012Q1", "2011"],
            "gap": ["outside", "churn_unseen", "churn_unseen", "partial", "outside", "churn_unseen"],
            "days": [31, 31, 2, 22, 91, 92],
        }
    )
    pd.testing.assert_frame_equal(got, expected)


def test_kpis_warn_once_per_request_naming_the_periods(retail: ak.Book) -> None:
    with pytest.warns(ak.DataCoverageWarning) as caught:
        t = retail.kpis(["2011-11", "2011-12", "2012-01"], kpis=["revenue"])
    assert len(caught) == 1
    text = str(caught[0].message)
    assert "no data in 2012-01 (the data runs from 2011-01-03 to 2011-12-09)" in text
    assert "partial data in 2011-12" in text
    assert caught[0].filename == __file__  # points at the caller
    assert t["revenue"].tolist() == [0.0, 40.0, 0.0]  # computed anyway


def test_covered_periods_do_not_warn(retail: ak.Book) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        retail.kpis(["2011-05", "2011-11"], kpis=["retention_rate"])
        book = ak.datasets.demo_book(3, accounts=30, years=2, start_year=2023, events=False)
        book.kpis(ak.periods("2023-01-01", "2025-01-01", "Q"), by="region")  # spells given: churn visible
        assert ak.kpi.data_coverage(book, "2023Q1").empty


def test_a_book_without_events_has_no_notes() -> None:
    book = ak.Book.from_frames(
        accounts=pd.DataFrame({"account_id": ["A"]}),
        revenue=pd.DataFrame(
            {
                "account_id": pd.Series([], dtype=str),
                "date": pd.to_datetime([]),
                "amount": pd.Series([], dtype=float),
            }
        ),
    )
    assert ak.kpi.data_coverage(book, "2024Q1").empty
