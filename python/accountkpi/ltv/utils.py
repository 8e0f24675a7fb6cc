"""From a transaction log to the per-customer summaries the models take (lifetimes' ``utils``): the RFM
summary, the calibration/holdout split, and the lifetime value of a fitted transaction model."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "calibration_and_holdout_data",
    "rfm_summary",
    "summary_data_from_transaction_data",
]

# lifetimes' freq codes -> pandas period codes.
_FREQ_UNITS = {"D": "D", "W": "W", "M": "M", "H": "h", "h": "h"}
# Time units of the data in one month, lifetimes' factors (its month is 30 days; its week factor is 4.345).
_UNITS_PER_MONTH = {"D": 30.0, "W": 4.345, "M": 1.0, "H": 720.0, "h": 720.0}


def _period_unit(freq: str) -> str:
    if freq not in _FREQ_UNITS:
        raise ValueError(f"freq must be one of {sorted(_FREQ_UNITS)}, got {freq!r}")
    return _FREQ_UNITS[freq]


def _dates(values: Any, name: str, datetime_format: str | None) -> pd.Series:
    """The dates of ``values`` (parsed with ``datetime_format``, else by pandas' inference, element by
    element when the texts mix formats); every unparseable or missing date reported, none dropped."""
    try:
        dates = pd.Series(pd.to_datetime(values, format=datetime_format))
    except (ValueError, TypeError):
        dates = pd.Series(pd.to_datetime(values, format=datetime_format or "mixed", errors="coerce"))
    missing = dates.isna().to_numpy()
    if missing.any():
        rows = np.flatnonzero(missing)
        raise ValueError(f"{name} has {len(rows)} missing or unparseable dates, first at row {int(rows[0])}")
    return dates


def _ordinal(date: Any, unit: str, datetime_format: str | None) -> int:
    return pd.Period(pd.to_datetime(date, format=datetime_format), freq=unit).ordinal


def summary_data_from_transaction_data(
    transactions: pd.DataFrame,
    customer_id_col: str,
    datetime_col: str,
    monetary_value_col: str | None = None,
    datetime_format: str | None = None,
    observation_period_end: Any = None,
    freq: str = "D",
    freq_multiplier: float = 1,
    include_first_transaction: bool = False,
) -> pd.DataFrame:
    """RFM summary of a transaction log: lifetimes' ``summary_data_from_transaction_data``.

    Transactions are first collapsed to one per customer and calendar period of ``freq`` ("D" days, "W"
    weeks, "M" months, "H" hours; amounts summed); those in periods after ``observation_period_end``
    (default: the last transaction) are ignored. Then per customer: ``frequency`` = periods with a purchase
    minus 1 (repeat purchases; all of them with ``include_first_transaction``), ``recency`` = periods from the
    first to the last purchase, ``T`` = periods from the first purchase to ``observation_period_end`` (0 for
    a customer whose first purchase is in the last period), both divided by ``freq_multiplier``;
    ``monetary_value`` = mean amount of the repeat periods (of all periods with
    ``include_first_transaction``), 0 without any. Indexed by customer, sorted.

    Examples
    --------
    >>> days = ["2024-01-01", "2024-01-01", "2024-01-11", "2024-01-05"]
    >>> tx = pd.DataFrame({"id": [1, 1, 1, 2], "date": days, "amount": [5.0, 5.0, 20.0, 7.0]})
    >>> summary_data_from_transaction_data(tx, "id", "date", "amount", observation_period_end="2024-01-31")
        frequency  recency     T  monetary_value
    id
    1         1.0     10.0  30.0            20.0
    2         0.0      0.0  26.0             0.0
    """
    unit = _period_unit(freq)
    if not freq_multiplier > 0:
        raise ValueError(f"freq_multiplier must be > 0, got {freq_multiplier!r}")
    for col in (customer_id_col, datetime_col) + ((monetary_value_col,) if monetary_value_col else ()):
        if col not in transactions.columns:
            raise KeyError(f"transactions has no column {col!r}")
    dates = _dates(transactions[datetime_col].to_numpy(), datetime_col, datetime_format)
    ordinal = dates.dt.to_period(unit).array.asi8
    end = dates.max() if observation_period_end is None else observation_period_end
    end_ordinal = _ordinal(end, unit, datetime_format)
    keep = ordinal <= end_ordinal
    frame = pd.DataFrame(
        {"customer": transactions[customer_id_col].to_numpy()[keep], "period": ordinal[keep]}
    )
    if monetary_value_col is not None:
        amounts = pd.to_numeric(transactions[monetary_value_col], errors="coerce").to_numpy(dtype=np.float64)
        bad = np.flatnonzero(~np.isfinite(amounts))
        if len(bad):
            raise ValueError(
                f"{monetary_value_col} has {len(bad)} missing or non-numeric values, "
                f"first at row {int(bad[0])}"
            )
        frame["amount"] = amounts[keep]
    # One row per customer and period (amounts summed), in period order.
    per_period = frame.groupby(["customer", "period"], sort=True).sum().reset_index()
    grouped = per_period.groupby("customer", sort=True)["period"]
    first, last, count = grouped.min(), grouped.max(), grouped.count()
    out = pd.DataFrame(
        {
            "frequency": (count - (0 if include_first_transaction else 1)).astype(float),
            "recency": (last - first).astype(float) / freq_multiplier,
            "T": (end_ordinal - first).astype(float) / freq_multiplier,
        }
    )
    if monetary_value_col is not None:
        counted = per_period
        if not include_first_transaction:
            is_first = per_period["period"].to_numpy() == first.reindex(per_period["customer"]).to_numpy()
            counted = per_period[~is_first]
        means = counted.groupby("customer")["amount"].mean()
        out["monetary_value"] = means.reindex(out.index).fillna(0.0)
    out.index.name = customer_id_col
    return out


def rfm_summary(
    transactions: pd.DataFrame,
    customer_id_col: str,
    datetime_col: str,
    monetary_value_col: str | None = None,
    observation_period_end: Any = None,
    freq: str = "D",
    datetime_format: str | None = None,
    freq_multiplier: float = 1,
    include_first_transaction: bool = False,
) -> pd.DataFrame:
    """RFM summary of a transaction log; :func:`summary_data_from_transaction_data` with
    ``observation_period_end`` and ``freq`` as the 5th and 6th positional arguments.

    Examples
    --------
    >>> days = ["2024-01-01", "2024-01-01", "2024-01-11", "2024-01-05"]
    >>> tx = pd.DataFrame({"id": [1, 1, 1, 2], "date": pd.to_datetime(days), "amount": [5.0, 5.0, 20.0, 7.0]})
    >>> rfm = rfm_summary(tx, "id", "date", "amount", observation_period_end="2024-01-31")
    >>> rfm  # doctest: +NORMALIZE_WHITESPACE
        frequency  recency     T  monetary_value
    id
    1         1.0     10.0  30.0            20.0
    2         0.0      0.0  26.0             0.0
    """
    return summary_data_from_transaction_data(
        transactions,
        customer_id_col,
        datetime_col,
        monetary_value_col,
        datetime_format=datetime_format,
        observation_period_end=observation_period_end,
        freq=freq,
        freq_multiplier=freq_multiplier,
        include_first_transaction=include_first_transaction,
    )


def calibration_and_holdout_data(
    transactions: pd.DataFrame,
    customer_id_col: str,
    datetime_col: str,
    calibration_period_end: Any,
    observation_period_end: Any = None,
    freq: str = "D",
    freq_multiplier: float = 1,
    datetime_format: str | None = None,
    monetary_value_col: str | None = None,
    include_first_transaction: bool = False,
) -> pd.DataFrame:
    """Per-customer summary of a calibration period and the holdout period after it (lifetimes' function).

    The calibration summary (:func:`summary_data_from_transaction_data` of the transactions up to
    ``calibration_period_end``, inclusive, with that date as the observation end) gets the suffix ``_cal``;
    ``frequency_holdout`` counts the periods of ``freq`` with a purchase after ``calibration_period_end`` up
    to ``observation_period_end`` (default: the last transaction), ``monetary_value_holdout`` is the mean
    amount of those transactions, and ``duration_holdout`` the holdout's length in periods (divided by
    ``freq_multiplier``). Only customers with a purchase in the calibration period are rows; 0 where a
    customer made no holdout purchase.

    Raises
    ------
    ValueError
        When no transaction falls in the holdout period.

    Examples
    --------
    >>> days = ["2024-01-01", "2024-01-08", "2024-01-20", "2024-01-05", "2024-01-25"]
    >>> tx = pd.DataFrame({"id": [1, 1, 1, 2, 3], "date": days})
    >>> calibration_and_holdout_data(tx, "id", "date", "2024-01-10", "2024-01-31")
        frequency_cal  recency_cal  T_cal  frequency_holdout  duration_holdout
    id
    1             1.0          7.0    9.0                1.0              21.0
    2             0.0          0.0    5.0                0.0              21.0
    """
    unit = _period_unit(freq)
    dates = _dates(transactions[datetime_col].to_numpy(), datetime_col, datetime_format)
    end = dates.max() if observation_period_end is None else observation_period_end
    end_ts = pd.to_datetime(end, format=datetime_format)
    cal_ts = pd.to_datetime(calibration_period_end, format=datetime_format)
    in_calibration = (dates <= cal_ts).to_numpy()
    calibration = summary_data_from_transaction_data(
        transactions[in_calibration],
        customer_id_col,
        datetime_col,
        monetary_value_col,
        datetime_format=datetime_format,
        observation_period_end=cal_ts,
        freq=freq,
        freq_multiplier=freq_multiplier,
        include_first_transaction=include_first_transaction,
    )
    calibration.columns = [f"{c}_cal" for c in calibration.columns]
    in_holdout = ((dates > cal_ts) & (dates <= end_ts)).to_numpy()
    if not in_holdout.any():
        raise ValueError(
            f"no transaction after calibration_period_end = {cal_ts} up to observation_period_end = {end_ts}"
        )
    holdout = pd.DataFrame(
        {
            "customer": transactions[customer_id_col].to_numpy()[in_holdout],
            "period": dates[in_holdout].dt.to_period(unit).array.asi8,
        }
    )
    grouped = holdout.groupby("customer")
    summary = pd.DataFrame({"frequency_holdout": grouped["period"].nunique().astype(float)})
    if monetary_value_col is not None:
        holdout["amount"] = np.asarray(transactions[monetary_value_col], dtype=np.float64)[in_holdout]
        summary["monetary_value_holdout"] = holdout.groupby("customer")["amount"].mean()
    out = calibration.join(summary, how="left").fillna(0.0)
    out["duration_holdout"] = (
        float(_ordinal(end_ts, unit, None) - _ordinal(cal_ts, unit, None)) / freq_multiplier
    )
    out.index.name = customer_id_col
    return out


def _customer_lifetime_value(
    transaction_prediction_model: Any,
    frequency: Any,
    recency: Any,
    T: Any,
    monetary_value: Any,
    time: float = 12,
    discount_rate: float = 0.01,
    freq: str = "D",
) -> Any:
    """lifetimes' CLV: ``sum_{k=1..time} m (N(k u) - N((k-1) u)) / (1 + discount_rate)^k`` with N the
    model's ``predict`` and u the time units of the data in a month (see ``GammaGammaFitter``)."""
    if freq not in _UNITS_PER_MONTH:
        raise ValueError(f"freq must be one of {sorted(_UNITS_PER_MONTH)}, got {freq!r}")
    if not discount_rate > -1:
        raise ValueError(f"discount_rate must be > -1, got {discount_rate!r}")
    factor = _UNITS_PER_MONTH[freq]
    predict = transaction_prediction_model.predict
    clv: Any = 0.0
    previous: Any = 0.0
    for k in range(1, int(np.ceil(time)) + 1):
        cumulative = predict(k * factor, frequency, recency, T)
        clv = clv + monetary_value * (cumulative - previous) / (1 + discount_rate) ** k
        previous = cumulative
    if isinstance(clv, pd.Series):
        clv.name = "clv"
    return clv
