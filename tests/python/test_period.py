from __future__ import annotations

import datetime as dt
import pickle

import numpy as np
import pandas as pd
import pytest

import accountkpi as ak
from accountkpi import Period


@pytest.mark.parametrize(
    "begin",
    [
        "2024-01-01",
        dt.date(2024, 1, 1),
        dt.datetime(2024, 1, 1, 15, 30),
        pd.Timestamp("2024-01-01"),
        np.datetime64("2024-01-01"),
    ],
    ids=["iso", "date", "datetime", "timestamp", "datetime64"],
)
def test_period_accepts_every_date_like(begin: object) -> None:
    p = Period(begin, "2024-04-01")
    assert p.begin == dt.date(2024, 1, 1)
    assert p.end == dt.date(2024, 4, 1)
    assert p.days == 31 + 29 + 31
    assert p.label == "2024Q1"


def test_period_is_half_open() -> None:
    p = Period("2024-01-01", "2024-02-01")
    assert "2024-01-01" in p
    assert "2024-01-31" in p
    assert "2024-02-01" not in p


def test_calendar_constructors_and_labels() -> None:
    assert Period.month(2024, 2) == Period("2024-02-01", "2024-03-01")
    assert Period.quarter(2025, 4) == Period("2025-10-01", "2026-01-01")
    assert Period.year(2025) == Period("2025")
    assert Period("2025Q2") == Period.quarter(2025, 2)
    assert Period("2025-03").label == "2025-03"
    assert Period("2025-01-05", "2025-02-05").label == "2025-01-05/2025-02-05"
    assert Period.quarter(2025, 1).months == 3.0


@pytest.mark.parametrize(
    "bad", [("2024-02-01", "2024-02-01"), ("2024-03-01", "2024-02-01")], ids=["empty", "reversed"]
)
def test_period_needs_begin_before_end(bad: tuple[str, str]) -> None:
    with pytest.raises(ValueError, match="begin < end"):
        Period(*bad)


def test_bad_labels_and_dates_raise() -> None:
    with pytest.raises(ValueError, match="not a period"):
        Period("2025Q5")
    with pytest.raises(ValueError, match="not a date \\(ISO 8601"):
        Period("2025-02-30", "2025-03-01")
    with pytest.raises(TypeError):
        Period(20240101, "2025-01-01")  # type: ignore[arg-type]


def test_periods_generator() -> None:
    months = ak.periods("2024-01-15", "2024-04-01", "M")
    assert [p.label for p in months] == ["2024-01", "2024-02", "2024-03"]
    assert [p.label for p in ak.periods("2024-02-01", "2025-02-01", "Q")] == [
        "2024Q1",
        "2024Q2",
        "2024Q3",
        "2024Q4",
        "2025Q1",
    ]
    assert [p.label for p in ak.periods("2023-06-01", "2025-01-01", "Y")] == ["2023", "2024"]
    with pytest.raises(ValueError, match="unknown frequency"):
        ak.periods("2024-01-01", "2025-01-01", "D")  # weeks ("W") are a frequency: test_transactions.py


def test_period_hashes_sorts_and_pickles() -> None:
    a, b = Period("2024Q2"), Period("2024Q1")
    assert sorted([a, b]) == [b, a]
    assert len({a, Period("2024Q2")}) == 1
    assert pickle.loads(pickle.dumps(a)) == a
    assert repr(a) == "Period('2024-04-01', '2024-07-01')"
