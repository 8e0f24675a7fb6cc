"""A grouped request's rows do not depend on the KPIs asked (issue 18, item 10): every account on the book in
the periods, so that tables from two requests join."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import accountkpi as ak

QUARTER = "2011Q1"


@pytest.fixture(scope="module")
def small() -> ak.Book:
    # A: billed in January. B: only a call in February. C: a client (given spell) all quarter, no rows.
    # D: billed in 2010Q1 only, and a client until 2010-06-30. E: a project signed in 2010 running to
    # 2011-12-31, nothing else. F: a client from 2011-05-01 (after the quarter), billed then.
    accounts = pd.DataFrame(
        {
            "account_id": ["A", "B", "C", "D", "E", "F"],
            "region": ["North", "North", "South", "South", "East", "East"],
            "acquired_on": pd.to_datetime(
                ["2010-06-01", "2010-06-01", "2010-01-01", "2010-01-01", None, "2011-05-01"]
            ),
            "churned_on": pd.to_datetime([None, None, None, "2010-06-30", None, None]),
        }
    )
    revenue = pd.DataFrame(
        {
            "account_id": ["A", "D", "F"],
            "date": pd.to_datetime(["2011-01-15", "2010-02-10", "2011-05-20"]),
            "amount": [100.0, 50.0, 70.0],
        }
    )
    interactions = pd.DataFrame(
        {"account_id": ["B"], "date": pd.to_datetime(["2011-02-03"]), "channel": ["call"]}
    )
    projects = pd.DataFrame(
        {
            "project_id": ["P1"],
            "account_id": ["E"],
            "signed_on": pd.to_datetime(["2010-03-01"]),
            "end": pd.to_datetime(["2011-12-31"]),
            "value": [1000.0],
            "billing": ["fixed"],
        }
    )
    return ak.Book.from_frames(
        accounts=accounts, revenue=revenue, interactions=interactions, projects=projects
    )


def accounts_of(table: pd.DataFrame) -> list[str]:
    return sorted(table["account_id"].unique())


def keys_of(table: pd.DataFrame, kpis: list[str]) -> pd.DataFrame:
    """The table's rows: its key and period columns, in order."""
    return table.drop(columns=kpis).reset_index(drop=True)


def test_the_accounts_on_the_book_by_hand(small: ak.Book) -> None:
    # On the book in 2011Q1 (or its base period 2010Q4): A (billed), B (a call), C (a client), E (its project
    # runs 2010-03-01..2011-12-31). Not D (last seen 2010-02-10, a client until 2010-06-30) nor F (first seen
    # in May).
    for kpis in (["revenue"], ["csat"], ["retention_rate"], ["emails", "calls"]):
        got = small.kpis(QUARTER, kpis=kpis, by="account")
        assert accounts_of(got) == ["A", "B", "C", "E"], kpis
    revenue = small.kpis(QUARTER, kpis=["revenue"], by="account").set_index("account_id")["revenue"]
    assert revenue["B"] == 0.0  # on the book, billed nothing
    assert revenue["A"] == 100.0


def test_the_base_period_counts(small: ak.Book) -> None:
    # Against a year ago, 2010Q1 is the base: D was billed then, so it is on the book for 2011Q1's NRR.
    got = small.kpis(QUARTER, kpis=["revenue"], by="account", nrr_base="year_ago")
    assert accounts_of(got) == ["A", "B", "C", "D", "E"]


def test_regions_follow_their_accounts(small: ak.Book) -> None:
    # East is on the book through E's project only; it is a row even when the KPIs read no project.
    for kpis in (["revenue"], ["nps"], ["backlog"]):
        got = small.kpis(QUARTER, kpis=kpis, by="region")
        assert sorted(got["region"]) == ["East", "North", "South"], kpis


KEYS = [
    "account",
    "region",
    "domain",
    "volume_band",
    "account_group",
    ["region", "domain"],
    "manager",
    "team",
]


@pytest.mark.parametrize("by", KEYS, ids=str)
def test_the_demo_rows_are_the_same_whatever_the_kpis(by: str | list[str]) -> None:
    book = ak.datasets.demo_book()
    periods = ["2024Q1", "2024Q2"]
    names = ak.kpi.kpi_table().index.tolist()
    every = keys_of(book.kpis(periods, kpis=names, by=by), names)
    one_family = [
        ["revenue"],
        ["gross_margin"],
        ["retention_rate"],
        ["nrr"],
        ["csat", "nps"],
        ["request_count"],
        ["backlog"],
    ]
    for kpis in one_family:
        got = keys_of(book.kpis(periods, kpis=kpis, by=by), kpis)
        if by in ("manager", "team"):
            # A manager seen only on rows a KPI does not read (a closer's call) is a row when they are read.
            merged = got.merge(every, how="left", indicator=True)
            assert (merged["_merge"] == "both").all(), (by, kpis)
        else:
            pd.testing.assert_frame_equal(got, every, obj=f"{by} {kpis}")
    assert np.all(every["period"].value_counts() == len(every) // len(periods))
