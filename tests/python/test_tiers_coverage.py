"""Coverage checks on the hand-made book of tests/cpp/test_tiers_coverage.cpp (Q2 2024).

X: M1 to 05-01, M2 from 05-15 -> no owner [05-01, 05-15); Y: M1, and M2 on [06-01, 06-11) -> two owners;
Z: a client only in Q1, never owned; W: a client from 05-01, never owned -> no owner [05-01, 07-01);
M1 (single client) owns X and Y in Q2 -> over its load of 1.
"""

from __future__ import annotations

import pandas as pd
import pytest

import accountkpi as ak


@pytest.fixture(scope="module")
def book() -> ak.Book:
    D = pd.to_datetime
    return ak.Book.from_frames(
        accounts=pd.DataFrame(
            {
                "account_id": ["X", "Y", "Z", "W"],
                "acquired_on": D(["2024-01-01", "2024-01-01", "2024-01-01", "2024-05-01"]),
                "churned_on": D([None, None, "2024-03-01", None]),
            }
        ),
        revenue=pd.DataFrame({"account_id": ["X"], "date": D(["2024-04-01"]), "amount": [1.0]}),
        managers=pd.DataFrame(
            {
                "manager_id": ["M1", "M2", "M3"],
                "role": ["farmer", "farmer", "closer"],
                "tier": ["single_client", "client_portfolio", None],
            }
        ),
        assignments=pd.DataFrame(
            {
                "manager_id": ["M1", "M2", "M1", "M2"],
                "account_id": ["X", "X", "Y", "Y"],
                "start": D(["2024-01-01", "2024-05-15", "2024-01-01", "2024-06-01"]),
                "end": D(["2024-05-01", None, None, "2024-06-11"]),
            }
        ),
    )


def test_coverage_table(book: ak.Book) -> None:
    t = ak.tiers.coverage(book, "2024Q2")
    assert list(t.columns) == [
        "kind",
        "account_id",
        "manager_id",
        "other_manager_id",
        "begin",
        "end",
        "accounts",
        "limit",
    ]
    assert t["kind"].tolist() == ["no_owner", "no_owner", "two_owners", "over_load"]
    assert t["account_id"].fillna("-").tolist() == ["X", "W", "Y", "-"]
    assert t["manager_id"].fillna("-").tolist() == ["-", "-", "M1", "M1"]
    assert t["other_manager_id"].fillna("-").tolist() == ["-", "-", "M2", "-"]
    assert t["begin"].dt.strftime("%Y-%m-%d").tolist() == [
        "2024-05-01",
        "2024-05-01",
        "2024-06-01",
        "2024-04-01",
    ]
    assert t["end"].dt.strftime("%Y-%m-%d").tolist() == [
        "2024-05-15",
        "2024-07-01",
        "2024-06-11",
        "2024-07-01",
    ]
    assert t.loc[3, ["accounts", "limit"]].tolist() == [2, 1]


def test_coverage_load_is_configurable(book: ak.Book) -> None:
    t = ak.tiers.coverage(book, "2024Q2", max_accounts=1, max_accounts_single_client=5)
    assert t.loc[t["kind"] == "over_load", "manager_id"].tolist() == ["M2"]
    with pytest.raises(ValueError, match="load limits"):
        ak.tiers.coverage(book, "2024Q2", max_accounts=0)


def test_coverage_demo_runs() -> None:
    t = ak.tiers.coverage(ak.datasets.demo_book(), "2024")
    assert set(t["kind"]) <= {"no_owner", "two_owners", "over_load"}
