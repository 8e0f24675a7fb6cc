from __future__ import annotations

import pandas as pd
import pytest

import accountkpi as ak


@pytest.fixture(scope="session")
def demo() -> ak.Book:
    return ak.datasets.demo_book(seed=0)


@pytest.fixture
def tiny_frames() -> dict[str, pd.DataFrame]:
    """Two accounts, a few revenue lines: the smallest complete book."""
    accounts = pd.DataFrame(
        {
            "account_id": ["A", "B"],
            "region": ["EMEA", "APAC"],
            "acquired_on": pd.to_datetime(["2024-01-01", "2024-02-01"]),
            "churned_on": pd.to_datetime([None, "2024-06-01"]),
        }
    )
    revenue = pd.DataFrame(
        {
            "account_id": ["A", "B", "A"],
            "date": pd.to_datetime(["2024-01-15", "2024-02-10", "2024-03-01"]),
            "amount": [100.0, 50.0, 25.5],
            "cost": [60.0, 20.0, 10.0],
        }
    )
    return {"accounts": accounts, "revenue": revenue}
