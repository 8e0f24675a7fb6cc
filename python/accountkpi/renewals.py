"""The renewals pipeline: projects whose contract ends soon, with what they are worth and how the account is.

The money columns are summed exactly (in whole millionths, as the engine does), then given in currency units.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ._dates import Period, _date, to_day

if TYPE_CHECKING:
    from .book import Book

__all__ = ["renewals"]

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


def renewals(book: Book, as_of: Any, within: Any = "90D", **health_options: Any) -> pd.DataFrame:
    """Projects whose ``end`` falls in ``[as_of, as_of + within)``, soonest first, with their account's state.

    Columns: ``project_id``, ``account_id``, ``manager_id`` (the project's owner when signed), ``tier`` (that
    manager's), ``service_line``, ``billing``, ``end``, ``days_to_end`` (from ``as_of``), ``value``,
    ``billed`` (its revenue lines before ``as_of``), ``burn`` (billed / value; NaN when the value is 0),
    ``margin`` (gross margin of what was billed; NaN when nothing was), and the account's ``health``,
    ``band`` and ``reasons`` (:func:`accountkpi.health.health` over the 3 months before ``as_of``).

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
    from .health import health

    begin = to_day(as_of)
    end = begin + _window(within)
    projects = book.table("projects")
    ends = pd.to_datetime(projects["end"])
    first, stop = pd.Timestamp(_date(begin)), pd.Timestamp(_date(end))
    due = projects[(ends >= first) & (ends < stop)].copy()
    due["end"] = ends[due.index]
    revenue = book.table("revenue")
    before = revenue[pd.to_datetime(revenue["date"]) < first]
    has_project = before["project_id"].notna()
    billed = _exact_sums(before.loc[has_project, "project_id"], before.loc[has_project, "amount"])
    cost = _exact_sums(before.loc[has_project, "project_id"], before.loc[has_project, "cost"])
    due["billed"] = due["project_id"].map(billed).fillna(0.0).to_numpy(dtype=float)
    due_cost = due["project_id"].map(cost).fillna(0.0).to_numpy(dtype=float)
    value = due["value"].to_numpy(dtype=float)
    b = due["billed"].to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        due["burn"] = np.where(value != 0, b / np.where(value != 0, value, 1), np.nan)
        due["margin"] = np.where(b != 0, (b - due_cost) / np.where(b != 0, b, 1), np.nan)
    due["days_to_end"] = (due["end"] - first).dt.days.astype(np.int64)
    managers = book.table("managers") if "managers" in book.table_names else None
    if managers is not None and "tier" in managers:
        due["tier"] = due["manager_id"].map(managers.set_index("manager_id")["tier"])
    else:
        due["tier"] = None
    quarter = Period(first - pd.DateOffset(months=3), first)
    h = health(book, quarter, **health_options).set_index("account_id")[["health", "band", "reasons"]]
    due = due.join(h, on="account_id")
    for column in ("service_line", "billing"):
        if column not in due:
            due[column] = None
    out = due[_COLUMNS].sort_values(["end", "value"], ascending=[True, False], kind="stable")
    out.attrs["as_of"] = _date(begin)
    out.attrs["until"] = _date(end) - dt.timedelta(days=1)
    return out.reset_index(drop=True)
