"""A complete, valid book with every table (two or three rows each), the base of the bad-input tests."""

from __future__ import annotations

import numpy as np
import pandas as pd

import accountkpi as ak


def full_frames() -> dict[str, pd.DataFrame]:
    d = pd.to_datetime
    return {
        "accounts": pd.DataFrame(
            {
                "account_id": ["A", "B", "C"],
                "name": ["Acme", "Beta", "Gamma"],
                "region": ["EMEA", "APAC", "EMEA"],
                "domain": ["finance", "retail", "finance"],
                "parent_id": [None, "A", None],
                "acquired_on": d(["2023-01-01", "2023-02-01", "2023-03-01"]),
                "churned_on": d([None, None, "2024-06-01"]),
            }
        ),
        "managers": pd.DataFrame(
            {
                "manager_id": ["M1", "M2"],
                "name": ["Ann", "Bob"],
                "role": ["farmer", "closer"],
                "tier": ["single_client", None],
                "reports_to": [None, "M1"],
                "unit_id": ["U1", "U2"],
            }
        ),
        "units": pd.DataFrame(
            {
                "unit_id": ["U1", "U2"],
                "name": ["Accounts", "Client A"],
                "kind": ["account_management", "client_unit"],
                "head_id": ["M1", None],
                "parent_id": [None, "U1"],
                "account_id": [None, "A"],
            }
        ),
        "projects": pd.DataFrame(
            {
                "project_id": ["P1", "P2"],
                "account_id": ["A", "B"],
                "service_line": ["web", "data"],
                "kind": ["new", "upsell"],
                "signed_on": d(["2023-01-10", "2023-03-01"]),
                "start": d(["2023-02-01", "2023-04-01"]),
                "end": d(["2023-12-31", None]),
                "value": [1000.0, 500.0],
                "billing": ["fixed", "hour"],
            }
        ),
        "assignments": pd.DataFrame(
            {
                "manager_id": ["M1", "M2"],
                "account_id": ["A", "B"],
                "project_id": [None, "P2"],
                "start": d(["2023-01-01", "2023-03-01"]),
                "end": d([None, "2024-12-01"]),
            }
        ),
        "revenue": pd.DataFrame(
            {
                "account_id": ["A", "B", "C"],
                "project_id": ["P1", None, None],
                "date": d(["2023-02-15", "2023-03-15", "2023-04-15"]),
                "amount": [100.0, 50.0, 25.5],
                "cost": [60.0, 20.0, 10.0],
                "units": [10.0, np.nan, np.nan],
                "unit": ["hour", None, None],
            }
        ),
        "interactions": pd.DataFrame(
            {
                "account_id": ["A", "B"],
                "manager_id": ["M1", None],
                "date": d(["2023-05-01", "2023-05-02"]),
                "channel": ["email", "call"],
                "party": ["client", "internal"],
            }
        ),
        "requests": pd.DataFrame(
            {
                "account_id": ["A", "B"],
                "received_on": d(["2023-05-01", "2023-05-02"]),
                "responded_on": d(["2023-05-02", None]),
                "project_id": [None, "P2"],
            }
        ),
        "surveys": pd.DataFrame(
            {
                "account_id": ["A", "B"],
                "date": d(["2023-06-01", "2023-06-02"]),
                "kind": ["csat", "nps"],
                "score": [4.0, 9.0],
            }
        ),
        "targets": pd.DataFrame(
            {
                "manager_id": ["M1", "M2"],
                "kpi": ["revenue", "nrr"],
                "begin": d(["2023-01-01", "2023-01-01"]),
                "end": d(["2024-01-01", "2024-01-01"]),
                "target": [1e5, 1.1],
            }
        ),
    }


def input_rows(frames: dict[str, pd.DataFrame]) -> dict[str, int]:
    return {t: len(f) for t, f in frames.items()}


def assert_every_row_accounted_for(
    frames: dict[str, pd.DataFrame], book: ak.Book, rejected: pd.DataFrame
) -> None:
    """Every input row is in the Book or in `rejected`, once."""
    assert list(rejected.columns[:4]) == ["table", "row", "column", "reason"]
    assert not rejected.duplicated(["table", "row"]).any()
    for table, frame in frames.items():
        gone = set(rejected.loc[rejected["table"] == table, "row"])
        assert gone <= set(range(len(frame))), table
        kept = len(book.table(table)) if book._core.has_table(table) else 0
        assert kept + len(gone) == len(frame), (table, kept, sorted(gone), len(frame))
