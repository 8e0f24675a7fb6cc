"""lifetimes' model-check plots (``lifetimes.plotting``) for the fitters of this package, with matplotlib.

Every function draws on ``ax`` (a new figure when omitted) and returns the Axes. The expected counts are
computed from the model's formulas (``probability_of_n_purchases_up_to_time``,
``expected_number_of_purchases_up_to_time``), not by simulation as lifetimes does, so the plots are
deterministic.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .._plotting import axes
from .evaluation import evaluate
from .utils import _FREQ_UNITS

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = [
    "plot_calibration_purchases_vs_holdout_purchases",
    "plot_cumulative_transactions",
    "plot_frequency_recency_matrix",
    "plot_history_alive",
    "plot_period_transactions",
    "plot_probability_alive_matrix",
]


def plot_period_transactions(
    model: Any,
    max_frequency: int = 7,
    title: str = "Frequency of Repeat Transactions",
    ax: Axes | None = None,
) -> Axes:
    """Customers by number of repeat purchases in their calibration period: observed, and expected by the
    model (sum over customers of P(X(T_i) = n); the last bar pools n >= ``max_frequency``).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from accountkpi.ltv import simulate_bgnbd, BetaGeoFitter
    >>> sim = simulate_bgnbd(0.25, 4.0, 0.8, 2.5, T=[39.0] * 2000, seed=1)
    >>> bgf = BetaGeoFitter().fit(sim["frequency"], sim["recency"], sim["T"])
    >>> len(plot_period_transactions(bgf).patches)
    16
    """
    data = model.data
    T = data["T"].to_numpy(dtype=float)
    weights = data["weights"].to_numpy(dtype=float) if "weights" in data else np.ones_like(T)
    counts = np.arange(max_frequency + 1)
    observed = np.array(
        [weights[np.minimum(data["frequency"].to_numpy(), max_frequency) == n].sum() for n in counts]
    )
    times, per_time = np.unique(T, return_inverse=True)
    time_weights = np.bincount(per_time, weights=weights)
    expected = np.zeros(max_frequency + 1)
    for n in range(max_frequency):
        expected[n] = float(np.dot(time_weights, model.probability_of_n_purchases_up_to_time(times, n)))
    expected[max_frequency] = weights.sum() - expected[:max_frequency].sum()
    labels = [str(n) for n in counts[:-1]] + [f"{max_frequency}+"]
    frame = pd.DataFrame({"Actual": observed, "Model": expected}, index=labels)
    ax = frame.plot(kind="bar", ax=axes(ax, (7.0, 4.5)), rot=0)
    ax.set_title(title)
    ax.set_xlabel("Number of Calibration Period Transactions")
    ax.set_ylabel("Customers")
    return ax


def plot_calibration_purchases_vs_holdout_purchases(
    model: Any,
    calibration_holdout_matrix: pd.DataFrame,
    n: int = 7,
    title: str = "Actual Purchases in Holdout Period vs Predicted Purchases",
    ax: Axes | None = None,
) -> Axes:
    """Mean holdout purchases, observed and predicted, by calibration frequency (``n`` and more pooled): the
    ``by_frequency`` table of :func:`accountkpi.ltv.evaluate`.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from accountkpi.ltv import BetaGeoFitter
    >>> bgf = BetaGeoFitter()
    >>> bgf.params_ = pd.Series({"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426})
    >>> table = pd.DataFrame({"frequency_cal": [0.0, 2.0], "recency_cal": [0.0, 30.0], "T_cal": [38.0] * 2,
    ...                       "frequency_holdout": [0.0, 1.0], "duration_holdout": [39.0] * 2})
    >>> len(plot_calibration_purchases_vs_holdout_purchases(bgf, table).lines)
    2
    """
    table = evaluate(model, calibration_holdout_matrix, max_frequency=n).by_frequency
    ax = axes(ax, (7.0, 4.5))
    ax.plot(table.index, table["actual"], marker="o", label="frequency_holdout")
    ax.plot(table.index, table["predicted"], marker="o", label="model_predictions")
    ax.set_title(title)
    ax.set_xlabel("Purchases in calibration period")
    ax.set_ylabel("Average of Purchases in Holdout Period")
    ax.legend()
    return ax


def _matrix(
    Z: np.ndarray, title: str, xlabel: str, ylabel: str, colorbar: str, ax: Axes | None, **kwargs: Any
) -> Axes:
    import matplotlib.pyplot as plt  # optional heavy dependency: imported only to draw

    ax = axes(ax, (6.0, 5.0))
    image = ax.imshow(Z, aspect="auto", origin="upper", **kwargs)
    plt.colorbar(image, ax=ax, label=colorbar)
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    return ax


def plot_frequency_recency_matrix(
    model: Any,
    T: float = 1,
    max_frequency: int | None = None,
    max_recency: int | None = None,
    title: str | None = None,
    xlabel: str = "Customer's Historical Frequency",
    ylabel: str = "Customer's Recency",
    ax: Axes | None = None,
    **kwargs: Any,
) -> Axes:
    """Expected purchases in the next ``T`` time units on the grid recency (rows, most recent on top) x
    frequency (columns), for customers observed up to ``max_recency`` (lifetimes' layout).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from accountkpi.ltv import BetaGeoFitter
    >>> bgf = BetaGeoFitter()
    >>> bgf.params_ = pd.Series({"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426})
    >>> plot_frequency_recency_matrix(bgf, max_frequency=10, max_recency=39).get_images()[0].get_array().shape
    (40, 11)
    """
    max_frequency = max_frequency or int(model.data["frequency"].max())
    max_recency = max_recency or int(model.data["T"].max())
    recency, frequency = np.meshgrid(
        np.arange(max_recency + 1, dtype=float), np.arange(max_frequency + 1, dtype=float), indexing="ij"
    )
    Z = np.asarray(
        model.conditional_expected_number_of_purchases_up_to_time(T, frequency, recency, float(max_recency))
    )
    title = title or f"Expected Number of Future Purchases for {T} Unit{'s' if T != 1 else ''} of Time,\n"
    title += "by Frequency and Recency of a Customer" if "by Frequency" not in title else ""
    return _matrix(Z[::-1], title, xlabel, ylabel, "expected purchases", ax, **kwargs)


def plot_probability_alive_matrix(
    model: Any,
    max_frequency: int | None = None,
    max_recency: int | None = None,
    title: str = "Probability Customer is Alive,\nby Frequency and Recency of a Customer",
    xlabel: str = "Customer's Historical Frequency",
    ylabel: str = "Customer's Recency",
    ax: Axes | None = None,
    **kwargs: Any,
) -> Axes:
    """P(alive) on the grid recency (rows, most recent on top) x frequency: the model's
    ``conditional_probability_alive_matrix``.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from accountkpi.ltv import BetaGeoFitter
    >>> bgf = BetaGeoFitter()
    >>> bgf.params_ = pd.Series({"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426})
    >>> plot_probability_alive_matrix(bgf, max_frequency=10, max_recency=39).get_images()[0].get_array().shape
    (40, 11)
    """
    Z = model.conditional_probability_alive_matrix(max_frequency, max_recency)
    return _matrix(Z[::-1], title, xlabel, ylabel, "P(alive)", ax, vmin=0, vmax=1, **kwargs)


def _periods(dates: pd.Series, freq: str) -> np.ndarray:
    return dates.dt.to_period(_FREQ_UNITS[freq]).array.asi8


def plot_cumulative_transactions(
    model: Any,
    transactions: pd.DataFrame,
    datetime_col: str,
    customer_id_col: str,
    t: int,
    t_cal: int,
    datetime_format: str | None = None,
    freq: str = "D",
    set_index_date: bool = False,
    title: str = "Tracking Cumulative Transactions",
    xlabel: str = "day",
    ylabel: str = "Cumulative Transactions",
    ax: Axes | None = None,
) -> Axes:
    """Cumulative repeat transactions over the first ``t`` periods of ``freq`` from the first transaction,
    observed and expected (each customer contributes E[X(age)] from her first purchase on, the model's
    ``expected_number_of_purchases_up_to_time``), with a line at the end of calibration ``t_cal``.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from accountkpi.ltv import BetaGeoFitter
    >>> tx = pd.DataFrame({"id": [1, 1, 2, 2, 2], "date": pd.to_datetime(
    ...     ["2024-01-01", "2024-01-05", "2024-01-02", "2024-01-03", "2024-01-09"])})
    >>> bgf = BetaGeoFitter()
    >>> bgf.params_ = pd.Series({"r": 0.5, "alpha": 3.0, "a": 0.8, "b": 2.0})
    >>> len(plot_cumulative_transactions(bgf, tx, "date", "id", t=10, t_cal=6).lines)
    3
    """
    dates = pd.Series(pd.to_datetime(transactions[datetime_col], format=datetime_format))
    period = _periods(dates, freq)
    start = int(period.min())
    frame = pd.DataFrame({"customer": transactions[customer_id_col].to_numpy(), "period": period - start})
    frame = frame.drop_duplicates()
    first = frame.groupby("customer")["period"].transform("min").to_numpy()
    days = np.arange(t)
    repeat = frame["period"].to_numpy()[frame["period"].to_numpy() != first]
    actual = np.array([(repeat <= d).sum() for d in days], dtype=float)
    births = frame.groupby("customer")["period"].min().to_numpy()
    ages, born = np.unique(births, return_counts=True)
    expected = np.zeros(t)
    for age, count in zip(ages, born, strict=True):
        span = days[days >= age] - age
        expected[days >= age] += count * np.asarray(model.expected_number_of_purchases_up_to_time(span + 1.0))
    index = pd.date_range(dates.min(), periods=t, freq=_FREQ_UNITS[freq]) if set_index_date else days
    ax = axes(ax, (7.0, 4.5))
    ax.plot(index, actual, label="actual")
    ax.plot(index, expected, linestyle="--", label="predicted")
    ax.axvline(index[t_cal] if set_index_date else t_cal, color="k", linestyle=":")
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend()
    return ax


def plot_history_alive(
    model: Any,
    t: int,
    transactions: pd.DataFrame,
    datetime_col: str,
    freq: str = "D",
    start_date: Any = None,
    ax: Axes | None = None,
    **kwargs: Any,
) -> Axes:
    """One customer's P(alive) day by day (periods of ``freq``) from her first purchase (or ``start_date``)
    for ``t`` periods, with her purchases marked: at each period the model's ``conditional_probability_alive``
    of her history up to then.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from accountkpi.ltv import BetaGeoFitter
    >>> bgf = BetaGeoFitter()
    >>> bgf.params_ = pd.Series({"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426})
    >>> one = pd.DataFrame({"date": pd.to_datetime(["2024-01-01", "2024-01-10", "2024-01-12"])})
    >>> ax = plot_history_alive(bgf, 30, one, "date")
    >>> float(ax.lines[0].get_ydata()[-1]) < 1
    True
    """
    dates = pd.Series(pd.to_datetime(transactions[datetime_col]))
    period = np.unique(_periods(dates, freq))
    first = int(period[0])
    origin = (
        first
        if start_date is None
        else int(pd.Period(pd.Timestamp(start_date), freq=_FREQ_UNITS[freq]).ordinal)
    )
    ages = np.arange(t, dtype=float)  # periods since origin
    now = origin + ages
    bought = period[None, :] <= now[:, None]
    frequency = np.maximum(bought.sum(axis=1) - 1, 0).astype(float)
    last = np.where(bought, period[None, :], first).max(axis=1)
    recency = np.where(now >= first, last - first, 0).astype(float)
    T = np.maximum(now - first, 0).astype(float)
    alive = np.asarray(model.conditional_probability_alive(frequency, recency, T), dtype=float)
    alive[now < first] = np.nan
    index = pd.period_range(pd.Period(ordinal=origin, freq=_FREQ_UNITS[freq]), periods=t).to_timestamp()
    ax = axes(ax, (7.0, 4.5))
    ax.plot(index, alive, label="P(alive)", **kwargs)
    purchases = [index[int(p - origin)] for p in period if 0 <= p - origin < t]
    for when in purchases:
        ax.axvline(when, color="r", linestyle="--", linewidth=0.8)
    ax.set_ylim(0, 1.05)
    ax.set_title("History of P(alive)")
    ax.set_ylabel("P(alive)")
    return ax
