"""Lifetime value on a Book: historical LTV, cohorts, predicted CLV; and the simple formula."""

from __future__ import annotations

import datetime as _dt
import warnings
from typing import Any

import numpy as np
import pandas as pd

from .. import _core
from .._core import ltv as _ltv
from .._dates import Period, to_day
from ._base import ConvergenceWarning
from .beta_geo_fitter import BetaGeoFitter
from .gamma_gamma_fitter import GammaGammaFitter
from .utils import rfm_summary

__all__ = ["cohorts", "historical", "ltv_simple", "predicted_clv"]


def ltv_simple(
    margin_per_period: float,
    churn_per_period: float,
    discount_rate_per_period: float,
    horizon_periods: int | None = None,
) -> float:
    """Lifetime value ``m r / (1 + d - r)`` (infinite horizon) or ``sum_{t=1..T} m r^t / (1 + d)^t``.

    All three rates are per the same period (month, quarter, year) of the caller's choice; r = 1 - churn.
    Churn 0 without a horizon returns NaN (an account that never churns has no finite lifetime here), never
    inf.

    Examples
    --------
    >>> round(ltv_simple(100.0, 0.05, 0.01), 2)
    1583.33
    >>> round(ltv_simple(100.0, 0.05, 0.01, horizon_periods=12), 2)
    824.06
    """
    return float(
        _ltv.ltv_simple(
            float(margin_per_period),
            float(churn_per_period),
            float(discount_rate_per_period),
            horizon_periods,
        )
    )


def _end_day(book: Any, end: Any) -> int:
    if end is not None:
        return to_day(end)
    span = book.span
    if span is None:
        raise ValueError("the book has no dated events; give end=")
    return span._end


def historical(book: Any, end: Any = None, measure: str = "gross_profit") -> pd.Series:
    """Historical LTV per account: gross profit (or revenue) from the account's first revenue line up to the
    day before ``end`` (default: the end of the book's data).

    Parameters
    ----------
    book : Book
    end : date-like, optional
        First day not counted.
    measure : {"gross_profit", "revenue"}

    Returns
    -------
    Series indexed by ``account_id`` (currency); 0 for accounts without revenue.

    Examples
    --------
    >>> import accountkpi as ak
    >>> ltv = ak.ltv.historical(ak.datasets.demo_book(), end="2025-01-01")
    >>> bool((ltv.index == ak.datasets.demo_book().table("accounts")["account_id"].unique()).all())
    True
    """
    if measure not in ("gross_profit", "revenue"):
        raise ValueError(f"measure must be 'gross_profit' or 'revenue', got {measure!r}")
    values = _core.ltv.historical(book._core, _end_day(book, end), measure == "revenue")
    ids = _core.key_labels(book._core, "account")
    return pd.Series(values, index=pd.Index(ids, name="account_id"), name=f"ltv_{measure}")


def rfm(book: Any, observation_period_end: Any = None, freq: str = "D") -> pd.DataFrame:
    """RFM summary of a Book's revenue lines; see :meth:`accountkpi.Book.rfm`."""
    end = None if observation_period_end is None else _end_day(book, observation_period_end)
    codes, frequency, recency, T, monetary = _ltv.rfm(book._core, end, freq)
    index = pd.Index(_core.key_labels(book._core, "account"), name="account_id")[codes]
    columns = {"frequency": frequency, "recency": recency, "T": T, "monetary_value": monetary}
    return pd.DataFrame(columns, index=index)


def cohorts(book: Any, freq: str = "Q", measure: str = "logo", end: Any = None) -> pd.DataFrame:
    """Cohort table: accounts grouped by the period of their first acquisition, followed period by period.

    Parameters
    ----------
    book : Book
    freq : {"M", "Q", "Y"}
        Calendar periods of the cohorts and of the ages.
    measure : {"logo", "revenue"}
        ``"logo"``: share of the cohort's accounts that are clients on the last day of each period;
        ``"revenue"``: the cohort's revenue in each period over its revenue in its first period.
    end : date-like, optional
        The first day after the data (default: the end of the book's data); periods that end after it are NaN.

    Returns
    -------
    DataFrame with one row per cohort (index: the cohort's period label), a column ``size`` (accounts) and one
    column per age 0, 1, 2, ... (periods since acquisition). Cells a cohort has not reached are NaN, never 0;
    reactivated accounts stay in their first cohort.

    Examples
    --------
    >>> import accountkpi as ak
    >>> table = ak.ltv.cohorts(ak.datasets.demo_book(), freq="Y")
    >>> float(table.loc["2023", 0]) <= 1.0
    True
    """
    if measure not in ("logo", "revenue"):
        raise ValueError(f"measure must be 'logo' or 'revenue', got {measure!r}")
    periods, sizes, ages, cells = _core.ltv.cohorts(
        book._core, freq, measure == "revenue", _end_day(book, end)
    )
    labels = [Period._from_days(p).label for p in periods]
    table = pd.DataFrame(np.asarray(cells).reshape(len(labels), ages), index=pd.Index(labels, name="cohort"))
    table.insert(0, "size", np.asarray(sizes, dtype=np.int64))
    return table


def predicted_clv(
    book: Any,
    end: Any = None,
    *,
    time: float = 12,
    discount_rate: float = 0.01,
    freq: str = "W",
    penalizer_coef: float = 0.0,
    measure: str = "revenue",
) -> pd.DataFrame:
    """Predicted lifetime value per account from the book's own revenue lines.

    BG/NBD says how often an account buys and whether it is still alive, Gamma-Gamma how much (the
    non-contractual setting).

    The RFM summary is built as :meth:`Book.rfm` builds it (a purchase is a day whose revenue lines add up
    to more than 0) up to the day before ``end`` (default: the end of the data), in units of ``freq``;
    ``time`` is in months and ``discount_rate`` is per month (lifetimes' conventions). With ``measure =
    "gross_profit"`` the value of a purchase is its revenue minus its cost (the revenue lines' ``cost``), so
    ``monetary_value`` and ``clv`` are in gross profit; an account whose repeat purchases made no gross profit
    on average is outside what Gamma-Gamma can describe and gets a NaN ``clv`` (never a made-up one).

    Returns
    -------
    DataFrame
        Indexed by ``account_id`` (accounts with a purchase before the last day): ``frequency``, ``recency``,
        ``T``, ``monetary_value``, ``probability_alive``, ``expected_purchases`` (over ``time`` months) and
        ``clv`` (discounted revenue, or gross profit, over ``time`` months).

    Raises
    ------
    RuntimeError
        When a model does not converge on this book (its parameters would be meaningless).

    Examples
    --------
    >>> import accountkpi as ak
    >>> clv = ak.ltv.predicted_clv(ak.datasets.demo_book(), end="2026-01-01")
    >>> bool((clv["clv"] >= 0).all())
    True
    >>> margin = ak.ltv.predicted_clv(ak.datasets.demo_book(), end="2026-01-01", measure="gross_profit")
    >>> bool((margin["clv"].dropna() < clv["clv"].loc[margin["clv"].dropna().index]).mean() > 0.9)
    True
    """
    if measure not in ("revenue", "gross_profit"):
        raise ValueError(f"measure must be 'revenue' or 'gross_profit', got {measure!r}")
    day = _end_day(book, end)
    observation_end = _dt.date(1970, 1, 1) + _dt.timedelta(days=day - 1)
    if measure == "revenue":
        rfm = book.rfm(observation_period_end=observation_end, freq=freq)
    else:
        revenue = book.table("revenue")
        daily = (
            revenue.groupby(["account_id", "date"], sort=False, observed=True)[["amount", "cost"]]
            .sum()
            .reset_index()
        )
        daily = daily[daily["amount"] > 0]
        daily["gross_profit"] = daily["amount"] - daily["cost"]
        rfm = rfm_summary(daily, "account_id", "date", "gross_profit", observation_end, freq)
    rfm = rfm[rfm["T"] > 0]  # an account whose first purchase is on the last day has no history yet
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # raised below with the reason
        bgf = BetaGeoFitter(penalizer_coef).fit(rfm["frequency"], rfm["recency"], rfm["T"])
        repeat = rfm[(rfm["frequency"] > 0) & (rfm["monetary_value"] > 0)]
        ggf = GammaGammaFitter(penalizer_coef).fit(repeat["frequency"], repeat["monetary_value"])
    for model in (bgf, ggf):
        if not model.converged_:
            raise RuntimeError(
                f"{type(model).__name__} did not converge on this book ({model.convergence_['message']}); "
                "try penalizer_coef > 0 or a longer history"
            )
    units_per_month = _ltv.units_per_month(freq)  # lifetimes' factors: D 30, W 4.345, M 1
    out = rfm.copy()
    f, r, t = (rfm[c].to_numpy(dtype=float) for c in ("frequency", "recency", "T"))
    out["probability_alive"] = np.asarray(bgf.conditional_probability_alive(f, r, t), dtype=float)
    out["expected_purchases"] = np.asarray(
        bgf.conditional_expected_number_of_purchases_up_to_time(time * units_per_month, f, r, t), dtype=float
    )
    modelled = (rfm["frequency"] == 0) | (rfm["monetary_value"] > 0)
    clv = np.full(len(rfm), np.nan)
    if modelled.any():
        m = modelled.to_numpy()
        clv[m] = np.asarray(
            ggf.customer_lifetime_value(
                bgf,
                f[m],
                r[m],
                t[m],
                rfm["monetary_value"].to_numpy(dtype=float)[m],
                time=time,
                discount_rate=discount_rate,
                freq=freq,
            ),
            dtype=float,
        )
    out["clv"] = clv
    return out
