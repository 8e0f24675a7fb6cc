"""Projects one by one: where each stands (billed, burn, backlog, margin, effective rate), and the renewals
pipeline (projects whose contract ends soon, with what they are worth and how the account is).

The money columns are summed exactly (in whole millionths, as the engine does), then given in currency units.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ._dates import Period, _date, to_day
from .health import health

if TYPE_CHECKING:
    from .book import Book

__all__ = ["project_status", "renewals"]

_STATUS = [
    "project_id",
    "account_id",
    "manager_id",
    "tier",
    "service_line",
    "kind",
    "billing",
    "signed_on",
    "end",
    "days_to_end",
    "value",
    "billed",
    "burn",
    "backlog",
    "margin",
    "units",
    "effective_rate",
]
_COLUMNS = [
    "project_id",
    "account_id",
    "manager_id",
    "tier",
    "service_line",
    "billing",
    "end",
    "days_to_end",
    "value",
    "billed",
    "burn",
    "margin",
    "health",
    "band",
    "reasons",
]


def _window(within: Any) -> int:
    """Days of ``within``: an int, a ``"90D"`` text or a timedelta."""
    if isinstance(within, (bool, np.bool_)):
        raise TypeError("within must be days: an int, a text such as '90D' or a timedelta")
    days = within if isinstance(within, (int, np.integer)) else pd.Timedelta(within).days
    if days <= 0:
        raise ValueError(f"within must be at least one day, got {within!r}")
    return int(days)


def _exact_sums(keys: pd.Series, amounts: pd.Series) -> pd.Series:
    """The sum of ``amounts`` per key, exact in millionths, in currency units."""
    millionths = np.rint(amounts.to_numpy(dtype=float) * 1e6).astype(np.int64)
    return pd.Series(millionths).groupby(keys.to_numpy()).sum() / 1e6


def project_status(book: Book, as_of: Any) -> pd.DataFrame:
    """Every project signed before ``as_of`` with where it stands on the day before: what was billed, how
    much of its value that burns, what is left to bill and at what margin and rate.

    Columns: ``project_id``, ``account_id``, ``manager_id`` (the project's owner when signed), ``tier`` (that
    manager's), ``service_line``, ``kind``, ``billing``, ``signed_on``, ``end``, ``days_to_end`` (from
    ``as_of``; negative once ended, NaN without an end), ``value``, ``billed`` (its revenue lines before
    ``as_of``), ``burn`` (billed / value; NaN when the value is 0), ``backlog`` (``max(0, value - billed)``
    while unfinished, i.e. no end or an end on or after ``as_of``; else 0: the ``backlog`` KPI per project),
    ``margin`` (gross margin of what was billed; NaN when nothing was), ``units`` and ``effective_rate``
    (billed / units of the lines that give units, per the project's billing unit; NaN without units).

    Examples
    --------
    >>> import accountkpi as ak
    >>> book = ak.datasets.demo_book()
    >>> status = book.project_status("2025-01-01")
    >>> round(float(status["backlog"].sum()), 2) == round(ak.kpi.backlog(book, "2024Q4"), 2)
    True
    """
    begin = to_day(as_of)
    first = pd.Timestamp(_date(begin))
    projects = book.table("projects")
    signed = projects[pd.to_datetime(projects["signed_on"]) < first].copy()
    for column in ("service_line", "kind", "billing"):
        if column not in signed:
            signed[column] = None
    signed["end"] = pd.to_datetime(signed["end"]) if "end" in signed else pd.NaT
    revenue = book.table("revenue")
    before = revenue[pd.to_datetime(revenue["date"]) < first]
    before = before[before["project_id"].notna()]
    ids = before["project_id"]
    billed = signed["project_id"].map(_exact_sums(ids, before["amount"])).fillna(0.0).to_numpy(dtype=float)
    cost = signed["project_id"].map(_exact_sums(ids, before["cost"])).fillna(0.0).to_numpy(dtype=float)
    if "units" in before:
        has_units = before["units"].notna()
        units = signed["project_id"].map(before.loc[has_units].groupby(ids[has_units])["units"].sum())
        units_billed = signed["project_id"].map(_exact_sums(ids[has_units], before.loc[has_units, "amount"]))
        units = units.to_numpy(dtype=float)
        units_billed = units_billed.to_numpy(dtype=float)
    else:
        units = units_billed = np.full(len(signed), np.nan)
    value = signed["value"].to_numpy(dtype=float)
    unfinished = (signed["end"].isna() | (signed["end"] >= first)).to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        signed["days_to_end"] = (signed["end"] - first).dt.days
        signed["billed"] = billed
        signed["burn"] = np.where(value != 0, billed / np.where(value != 0, value, 1), np.nan)
        signed["backlog"] = np.where(unfinished, np.maximum(0.0, _exact_difference(value, billed)), 0.0)
        signed["margin"] = np.where(billed != 0, (billed - cost) / np.where(billed != 0, billed, 1), np.nan)
        signed["units"] = units
        signed["effective_rate"] = np.where(units > 0, units_billed / np.where(units > 0, units, 1), np.nan)
    managers = book.table("managers") if "managers" in book.table_names else None
    if managers is not None and "tier" in managers:
        signed["tier"] = signed["manager_id"].map(managers.set_index("manager_id")["tier"])
    else:
        signed["tier"] = None
    return signed[_STATUS].reset_index(drop=True)


def _exact_difference(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a - b`` in currency units, each side rounded to whole millionths first (as the engine sums money)."""
    return (np.rint(a * 1e6).astype(np.int64) - np.rint(b * 1e6).astype(np.int64)) / 1e6


def renewals(book: Book, as_of: Any, within: Any = "90D", **health_options: Any) -> pd.DataFrame:
    """Projects whose ``end`` falls in ``[as_of, as_of + within)``, soonest first (then the largest), with
    their account's state.

    Columns: those of :func:`project_status` that matter for a renewal (``project_id``, ``account_id``,
    ``manager_id``, ``tier``, ``service_line``, ``billing``, ``end``, ``days_to_end``, ``value``, ``billed``,
    ``burn``, ``margin``), and the account's ``health``, ``band`` and ``reasons``
    (:func:`accountkpi.health.health` over the 3 months before ``as_of``).

    Parameters
    ----------
    book : Book
    as_of : date-like
        The first day of the window.
    within : int, str or timedelta
        The window's length: days, or a text such as ``"90D"``.
    **health_options
        Passed to :func:`accountkpi.health.health` (weights, bands, ...).

    Examples
    --------
    >>> import accountkpi as ak
    >>> due = ak.datasets.demo_book().renewals("2025-01-01", within="90D")
    >>> bool(due["end"].between(pd.Timestamp("2025-01-01"), pd.Timestamp("2025-03-31")).all())
    True
    >>> bool((due["days_to_end"] < 90).all())
    True
    """
    begin = to_day(as_of)
    end = begin + _window(within)
    first, stop = pd.Timestamp(_date(begin)), pd.Timestamp(_date(end))
    status = project_status(book, first)
    due = status[(status["end"] >= first) & (status["end"] < stop)].copy()
    due["days_to_end"] = due["days_to_end"].astype(np.int64)
    quarter = Period(first - pd.DateOffset(months=3), first)
    h = health(book, quarter, **health_options).set_index("account_id")[["health", "band", "reasons"]]
    due = due.join(h, on="account_id")
    out = due[_COLUMNS].sort_values(["end", "value"], ascending=[True, False], kind="stable")
    out.attrs["as_of"] = _date(begin)
    out.attrs["until"] = _date(end) - dt.timedelta(days=1)
    return out.reset_index(drop=True)
