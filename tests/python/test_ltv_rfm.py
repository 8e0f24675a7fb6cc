"""rfm_summary: the meaning of frequency, recency, T and monetary_value of lifetimes'
summary_data_from_transaction_data, checked against the published CDNOW summary and a plain reference."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accountkpi import datasets, ltv


def test_reproduces_the_published_cdnow_calibration_summary() -> None:
    sample = datasets.load_cdnow_sample()
    rfm = ltv.rfm_summary(sample, "id", "date", "amount", observation_period_end="1997-09-30", freq="D")
    published = datasets.load_dataset("cdnow_customers_summary_with_transactions.csv").set_index("ID")
    assert len(rfm) == len(published) == 2357
    published = published.loc[rfm.index]
    # The published summary is in weeks = days / 7, rounded to 2 decimals.
    np.testing.assert_array_equal(rfm["frequency"].to_numpy(), published["x"].to_numpy())
    np.testing.assert_allclose(rfm["recency"].to_numpy() / 7, published["t_x"].to_numpy(), atol=0.0051)
    np.testing.assert_allclose(rfm["T"].to_numpy() / 7, published["T"].to_numpy(), atol=0.0051)
    np.testing.assert_allclose(rfm["monetary_value"].to_numpy(), published["zbar"].to_numpy(), atol=0.0051)


def reference(transactions: pd.DataFrame, end: pd.Timestamp) -> pd.DataFrame:
    """Plain per-customer loop, the definition written out."""
    rows: dict[object, dict[str, float]] = {}
    for customer, group in transactions[transactions["date"].dt.normalize() <= end.normalize()].groupby("id"):
        days = group.groupby(group["date"].dt.normalize())["amount"].sum().sort_index()
        first, last = days.index[0], days.index[-1]
        rows[customer] = {
            "frequency": float(len(days) - 1),
            "recency": float((last - first).days),
            "T": float((end.normalize() - first).days),
            "monetary_value": float(days.iloc[1:].mean()) if len(days) > 1 else 0.0,
        }
    return pd.DataFrame.from_dict(rows, orient="index")


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 5), st.integers(0, 60), st.integers(0, 23), st.floats(0.0, 100.0)),
        min_size=1,
        max_size=40,
    )
)
def test_matches_the_definition_on_random_logs(rows: list[tuple[int, int, int, float]]) -> None:
    tx = pd.DataFrame(
        {
            "id": [r[0] for r in rows],
            "date": pd.Timestamp("2024-01-01") + pd.to_timedelta([r[1] * 24 + r[2] for r in rows], unit="h"),
            "amount": [r[3] for r in rows],
        }
    )
    end = pd.Timestamp("2024-02-15")
    got = ltv.rfm_summary(tx, "id", "date", "amount", observation_period_end=end)
    want = reference(tx, end)
    if want.empty:
        assert got.empty
        return
    got = got.loc[want.index]
    pd.testing.assert_frame_equal(got, want, check_names=False, check_index_type=False)
    assert (got["recency"] <= got["T"]).all()


def test_weekly_periods_and_default_end() -> None:
    tx = pd.DataFrame(
        {
            "id": ["a", "a", "a", "b"],
            "date": pd.to_datetime(["2024-01-01", "2024-01-03", "2024-01-15", "2024-01-10"]),
        }
    )
    rfm = ltv.rfm_summary(tx, "id", "date", freq="W")
    # Week of 2024-01-01 holds two purchases: one period. End = last transaction (week of 2024-01-15).
    assert rfm.loc["a"].tolist() == [1.0, 2.0, 2.0]
    assert rfm.loc["b"].tolist() == [0.0, 0.0, 1.0]
    with pytest.raises(ValueError, match="freq"):
        ltv.rfm_summary(tx, "id", "date", freq="Q")
    with pytest.raises(KeyError, match="amount"):
        ltv.rfm_summary(tx, "id", "date", "amount")
