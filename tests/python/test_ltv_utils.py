"""accountkpi.ltv.utils: lifetimes' summary_data_from_transaction_data and calibration_and_holdout_data, on
hand-computed logs (the arithmetic in the comments)."""

from __future__ import annotations

import pandas as pd
import pytest

from accountkpi import ltv

# Customer 1 buys on Jan 1 (twice: one day, 5 + 5), Jan 11 (20) and Feb 5 (8); customer 2 on Jan 5 (7) and
# Jan 31 (3); customer 3 only on Feb 10 (4). Calibration ends Jan 31, observation Feb 14.
LOG = pd.DataFrame(
    {
        "id": [1, 1, 1, 1, 2, 2, 3],
        "when": [
            "2024-01-01 09:00",
            "2024-01-01 17:00",
            "2024-01-11",
            "2024-02-05",
            "2024-01-05",
            "2024-01-31",
            "2024-02-10",
        ],
        "amount": [5.0, 5.0, 20.0, 8.0, 7.0, 3.0, 4.0],
    }
)


def test_summary_in_days_with_lifetimes_defaults() -> None:
    out = ltv.summary_data_from_transaction_data(
        LOG, "id", "when", "amount", observation_period_end="2024-02-14"
    )
    # 1: days Jan 1, Jan 11, Feb 5 -> x = 2, t_x = 35, T = 44, m = mean(20, 8) = 14.
    # 2: Jan 5, Jan 31 -> x = 1, t_x = 26, T = 40, m = 3. 3: Feb 10 -> x = 0, t_x = 0, T = 4, m = 0.
    assert out.loc[1].tolist() == [2.0, 35.0, 44.0, 14.0]
    assert out.loc[2].tolist() == [1.0, 26.0, 40.0, 3.0]
    assert out.loc[3].tolist() == [0.0, 0.0, 4.0, 0.0]
    assert out.index.name == "id"


def test_include_first_transaction_and_freq_multiplier() -> None:
    out = ltv.summary_data_from_transaction_data(
        LOG, "id", "when", "amount", observation_period_end="2024-02-14", include_first_transaction=True
    )
    # Every purchase day counts: 1 -> x = 3, m = mean(10, 20, 8) = 38 / 3.
    assert out.loc[1, "frequency"] == 3.0
    assert out.loc[1, "monetary_value"] == pytest.approx(38 / 3)
    hours = ltv.summary_data_from_transaction_data(
        LOG, "id", "when", observation_period_end="2024-02-14", freq="H", freq_multiplier=24
    )
    # Hours / 24: customer 1's first purchase is at 09:00 on Jan 1, the end is 00:00 on Feb 14 (the hour
    # period of the end date): T = (44 * 24 - 9) / 24 = 43.625; the 17:00 purchase is a second period.
    assert hours.loc[1, "T"] == pytest.approx(43.625)
    assert hours.loc[1, "frequency"] == 3.0


def test_datetime_format_and_the_last_period_gives_t_zero() -> None:
    log = pd.DataFrame({"id": ["a", "b"], "when": ["01/03/2024", "14/02/2024"]})
    out = ltv.summary_data_from_transaction_data(log, "id", "when", datetime_format="%d/%m/%Y")
    # a = March 1, b = February 14 (day first). Default end = the last transaction, March 1: a bought first on
    # the last day, T = 0; b has T = 16 (2024 is a leap year: Feb 14 -> Mar 1 is 16 days).
    assert out.loc["a"].tolist() == [0.0, 0.0, 0.0]
    assert out.loc["b"].tolist() == [0.0, 0.0, 16.0]


def test_calibration_and_holdout() -> None:
    out = ltv.calibration_and_holdout_data(
        LOG, "id", "when", "2024-01-31", "2024-02-14", monetary_value_col="amount"
    )
    # Calibration to Jan 31: 1 -> x = 1 (Jan 11), t_x = 10, T = 30, m = 20;
    # 2 -> x = 1, t_x = 26, T = 26, m = 3.
    # Holdout Feb 1-14: 1 buys once (8), 2 never; 3 first bought in the holdout: not a row.
    # duration_holdout = Feb 14 - Jan 31 = 14 days.
    assert list(out.index) == [1, 2]
    assert out.loc[1].to_dict() == {
        "frequency_cal": 1.0,
        "recency_cal": 10.0,
        "T_cal": 30.0,
        "monetary_value_cal": 20.0,
        "frequency_holdout": 1.0,
        "monetary_value_holdout": 8.0,
        "duration_holdout": 14.0,
    }
    assert out.loc[2, "frequency_holdout"] == 0.0 and out.loc[2, "monetary_value_holdout"] == 0.0
    with pytest.raises(ValueError, match="no transaction after"):
        ltv.calibration_and_holdout_data(LOG, "id", "when", "2024-02-14")


def test_bad_input_is_named() -> None:
    with pytest.raises(ValueError, match="freq"):
        ltv.summary_data_from_transaction_data(LOG, "id", "when", freq="Q")
    with pytest.raises(KeyError, match="price"):
        ltv.summary_data_from_transaction_data(LOG, "id", "when", "price")
    bad = LOG.assign(when=["2024-01-01", None, "2024-01-11", "2024-02-05", "2024-01-05", "2024-01-31", "x"])
    with pytest.raises(ValueError, match="when has 2 missing or unparseable dates, first at row 1"):
        ltv.summary_data_from_transaction_data(bad, "id", "when", datetime_format="%Y-%m-%d")
