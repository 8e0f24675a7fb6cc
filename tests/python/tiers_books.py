"""The hand-made book of the tiers tests (the same as tests/cpp/tiers_fixture.hpp).

    account  owner (assignments)             spell                    revenue (amount / cost)
    A        F1 single_client from 2023      2023-01-01 ..            Q1 1000/600; Q2 1200/700 + 300/200
    B        F2 client_portfolio from 2023   2023-01-01 ..            Q1 2000/1000; Q2 1000/800
    C        F2                              2023-01-01 .. 2024-06-15 Q1 1000/500; Q2 2000/2500 (a loss)
    D        F3 revenue_portfolio from 2023  2023-01-01 ..            Q2 10000/6000
    E        C1 closer 2024-05-01..08-01,    2024-05-01 ..            Q2 500/100
             then F3

A has 3 NPS answers in Q2 (10, 9, 5), 3 requests (answered in 1 day, in 8 days, never), 6 emails and a
project signed 2024-04-05 worth 5000. Targets: F1 revenue 7320 and nps 40 for 2024, F2 retention_rate 0.9
for 2024, F3 revenue 36600 for 2024 and 73000 for 2025. Q2 2024 has 91 days; 2024 has 366.
"""

from __future__ import annotations

import pandas as pd

import accountkpi as ak


def D(*days: str) -> pd.Series:
    return pd.to_datetime(pd.Series(days, dtype=object))


def frames() -> dict[str, pd.DataFrame]:
    return {
        "accounts": pd.DataFrame(
            {
                "account_id": ["A", "B", "C", "D", "E"],
                "region": ["EMEA", "EMEA", "APAC", "APAC", "EMEA"],
                "acquired_on": D("2023-01-01", "2023-01-01", "2023-01-01", "2023-01-01", "2024-05-01"),
                "churned_on": D(None, None, "2024-06-15", None, None),
            }
        ),
        "managers": pd.DataFrame(
            {
                "manager_id": ["F1", "F2", "F3", "C1"],
                "role": ["farmer", "farmer", "farmer", "closer"],
                "tier": ["single_client", "client_portfolio", "revenue_portfolio", None],
            }
        ),
        "assignments": pd.DataFrame(
            {
                "manager_id": ["F1", "F2", "F2", "F3", "C1", "F3"],
                "account_id": ["A", "B", "C", "D", "E", "E"],
                "start": D(
                    "2023-01-01", "2023-01-01", "2023-01-01", "2023-01-01", "2024-05-01", "2024-08-01"
                ),
                "end": D(None, None, None, None, "2024-08-01", None),
            }
        ),
        "projects": pd.DataFrame(
            {"project_id": ["P1"], "account_id": ["A"], "signed_on": D("2024-04-05"), "value": [5000.0]}
        ),
        "revenue": pd.DataFrame(
            {
                "account_id": ["A", "A", "A", "B", "B", "C", "C", "D", "E"],
                "date": D(
                    "2024-01-15",
                    "2024-04-10",
                    "2024-05-10",
                    "2024-02-01",
                    "2024-04-15",
                    "2024-03-01",
                    "2024-06-01",
                    "2024-05-01",
                    "2024-05-20",
                ),
                "amount": [1000.0, 1200, 300, 2000, 1000, 1000, 2000, 10000, 500],
                "cost": [600.0, 700, 200, 1000, 800, 500, 2500, 6000, 100],
            }
        ),
        "surveys": pd.DataFrame(
            {
                "account_id": ["A"] * 3,
                "date": D("2024-05-01", "2024-05-02", "2024-05-03"),
                "kind": ["nps"] * 3,
                "score": [10.0, 9, 5],
            }
        ),
        "requests": pd.DataFrame(
            {
                "account_id": ["A"] * 3,
                "received_on": D("2024-04-02", "2024-05-02", "2024-06-20"),
                "responded_on": D("2024-04-03", "2024-05-10", None),
            }
        ),
        "interactions": pd.DataFrame(
            {
                "account_id": ["A"] * 6,
                "date": D("2024-04-01", "2024-04-15", "2024-05-01", "2024-05-15", "2024-06-01", "2024-06-15"),
                "channel": ["email"] * 6,
            }
        ),
        "targets": pd.DataFrame(
            {
                "manager_id": ["F1", "F1", "F2", "F3", "F3"],
                "kpi": ["revenue", "nps", "retention_rate", "revenue", "revenue"],
                "begin": D("2024-01-01", "2024-01-01", "2024-01-01", "2024-01-01", "2025-01-01"),
                "end": D("2025-01-01", "2025-01-01", "2025-01-01", "2025-01-01", "2026-01-01"),
                "target": [7320.0, 40, 0.9, 36600, 73000],
            }
        ),
    }


def book(**changes: pd.DataFrame) -> ak.Book:
    f = frames()
    f.update(changes)
    return ak.Book.from_frames(**f)
