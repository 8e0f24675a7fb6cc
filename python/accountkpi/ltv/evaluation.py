"""Holdout validation of a fitted purchase model: predicted against actual holdout purchases, per customer, in
aggregate, and by calibration frequency."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["Evaluation", "evaluate"]


@dataclass(frozen=True)
class Evaluation:
    """The result of :func:`evaluate`.

    Attributes
    ----------
    customers : pandas.DataFrame
        Per customer: ``actual`` (holdout purchases), ``predicted`` (expected over the holdout) and
        ``error`` = predicted - actual, indexed like the calibration/holdout table.
    mae, rmse : float
        Mean absolute and root-mean-square per-customer error, in purchases.
    actual_total, predicted_total : float
        Holdout purchases of all customers, observed and expected.
    aggregate_error : float
        ``predicted_total / actual_total - 1`` (NaN when no customer bought in the holdout).
    by_frequency : pandas.DataFrame
        The calibration-vs-holdout table: customers grouped by calibration frequency (the last group holds
        every frequency >= ``max_frequency``), with ``customers``, mean ``actual`` and mean ``predicted``
        holdout purchases.
    """

    customers: pd.DataFrame
    mae: float
    rmse: float
    actual_total: float
    predicted_total: float
    aggregate_error: float
    by_frequency: pd.DataFrame

    def __repr__(self) -> str:
        return (
            f"Evaluation(customers={len(self.customers)}, mae={self.mae:.4f}, rmse={self.rmse:.4f}, "
            f"actual_total={self.actual_total:.1f}, predicted_total={self.predicted_total:.1f}, "
            f"aggregate_error={self.aggregate_error:+.2%})"
        )


def evaluate(
    model: Any,
    calibration_holdout: pd.DataFrame,
    max_frequency: int = 7,
    frequency_cal_col: str = "frequency_cal",
    recency_cal_col: str = "recency_cal",
    T_cal_col: str = "T_cal",
    frequency_holdout_col: str = "frequency_holdout",
    duration_holdout_col: str = "duration_holdout",
) -> Evaluation:
    """Compare a fitted purchase model's holdout predictions with what customers did.

    ``calibration_holdout`` is the table of :func:`calibration_and_holdout_data` (lifetimes' column names);
    ``model`` any fitted continuous-time purchase model of this package (``BetaGeoFitter``,
    ``ModifiedBetaGeoFitter``), fitted on the calibration columns. Each customer's prediction is
    ``model.predict(duration_holdout, frequency_cal, recency_cal, T_cal)``.

    Examples
    --------
    >>> import pandas as pd
    >>> from accountkpi.ltv import BetaGeoFitter
    >>> bgf = BetaGeoFitter()
    >>> bgf.params_ = pd.Series({"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426})
    >>> table = pd.DataFrame({"frequency_cal": [0.0, 2.0], "recency_cal": [0.0, 30.43], "T_cal": [38.86] * 2,
    ...                       "frequency_holdout": [0.0, 1.0], "duration_holdout": [39.0, 39.0]})
    >>> result = evaluate(bgf, table)
    >>> round(result.predicted_total, 3), result.actual_total
    (1.421, 1.0)
    """
    columns = (frequency_cal_col, recency_cal_col, T_cal_col, frequency_holdout_col, duration_holdout_col)
    for col in columns:
        if col not in calibration_holdout.columns:
            raise KeyError(f"calibration_holdout has no column {col!r}")
    if max_frequency < 1:
        raise ValueError(f"max_frequency must be >= 1, got {max_frequency}")
    data = calibration_holdout
    actual = data[frequency_holdout_col].to_numpy(dtype=float)
    predicted = np.asarray(
        model.predict(
            data[duration_holdout_col].to_numpy(dtype=float),
            data[frequency_cal_col].to_numpy(dtype=float),
            data[recency_cal_col].to_numpy(dtype=float),
            data[T_cal_col].to_numpy(dtype=float),
        ),
        dtype=float,
    )
    error = predicted - actual
    customers = pd.DataFrame({"actual": actual, "predicted": predicted, "error": error}, index=data.index)
    frequency = np.minimum(data[frequency_cal_col].to_numpy(dtype=float), max_frequency)
    grouped = customers.groupby(frequency)
    by_frequency = pd.DataFrame(
        {
            "customers": grouped.size(),
            "actual": grouped["actual"].mean(),
            "predicted": grouped["predicted"].mean(),
        }
    )
    by_frequency.index = pd.Index(by_frequency.index.astype(int), name=frequency_cal_col)
    actual_total, predicted_total = float(actual.sum()), float(predicted.sum())
    return Evaluation(
        customers=customers,
        mae=float(np.abs(error).mean()),
        rmse=float(np.sqrt((error**2).mean())),
        actual_total=actual_total,
        predicted_total=predicted_total,
        aggregate_error=predicted_total / actual_total - 1 if actual_total > 0 else math.nan,
        by_frequency=by_frequency,
    )
