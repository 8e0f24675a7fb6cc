"""What-if estimates from the book's own numbers, with their assumptions stated in the result.

The arithmetic lives in the C++ core (``accountkpi::tiers::retention_inputs`` reads the period's counts and
margins from the Book, ``accountkpi::tiers::retention_uplift`` estimates); this module states the
assumptions.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

import pandas as pd

from . import _core
from ._dates import Period, as_period
from .kpi import _scope, _warn_coverage

if TYPE_CHECKING:
    from .book import Book

__all__ = ["RetentionUplift", "retention_uplift"]


@dataclass(frozen=True)
class RetentionUplift:
    """The profit effect of keeping more clients (currency; rates as fractions 0-1).

    With ``S`` clients at the start of the period, ``C`` of them lost (churn ``c = C / S``), ``k`` whole
    clients more kept (new churn ``c' = (C − k) / S``, never below 0), ``g`` the gross profit per active
    client of the period, ``n`` periods in the horizon and ``d`` the discount per period, the start cohort's
    profit over the horizon is ``V(c) = S × g × Σ_{t=1..n} ((1 − c) / (1 + d))^t``.

    Attributes
    ----------
    points : float
        Points of retention added (0.05 = five points: a retention of 90% becomes 95%).
    horizon, discount : float
        Years the lifetime is capped at, and the yearly discount rate.
    clients_start, churned_clients : int
        ``S`` and ``C``.
    churn_rate, new_churn_rate : float
        ``c`` and ``c'``.
    extra_clients_kept : int
        ``k = min(round(points × S), C)``: whole clients; retention cannot rise above 1.
    gross_profit_per_client : float
        ``g``: gross profit of the period / clients active in it.
    profit_next_period : float
        ``k × g``: the gross profit the kept clients bring in the next period of the same length.
    periods : int
        ``n = max(1, round(horizon / period length in years))``.
    period_discount : float
        ``d = (1 + discount)^(period length in years) − 1``.
    lifetime_profit_per_client, new_lifetime_profit_per_client : float
        ``g × Σ_{t=1..n} ((1 − c) / (1 + d))^t`` before and after (capped at the horizon, discounted).
    horizon_profit, new_horizon_profit : float
        ``V(c)`` and ``V(c')``.
    lifetime_uplift : float
        ``V(c') − V(c)``.
    profit_uplift : float
        ``V(c') / V(c) − 1``: the relative gain in profit over the horizon, the number to hold against
        Reichheld's "+5 points of retention, +25% to +95% profit".
    assumptions : tuple of str
    """

    period: Period
    points: float
    horizon: float
    discount: float
    clients_start: int
    churned_clients: int
    churn_rate: float
    new_churn_rate: float
    extra_clients_kept: int
    gross_profit_per_client: float
    profit_next_period: float
    periods: int
    period_discount: float
    lifetime_profit_per_client: float
    new_lifetime_profit_per_client: float
    horizon_profit: float
    new_horizon_profit: float
    lifetime_uplift: float
    profit_uplift: float
    assumptions: tuple[str, ...]

    def to_frame(self) -> pd.DataFrame:
        """One row per field (``name, value``); the assumptions are joined into one text."""
        rows = []
        for f in fields(self):
            v = getattr(self, f.name)
            if f.name == "assumptions":
                v = " ".join(v)
            elif f.name == "period":
                v = v.label
            rows.append((f.name, v))
        return pd.DataFrame(rows, columns=["name", "value"])


def retention_uplift(
    book: Book,
    period: Period | str,
    points: float = 0.05,
    *,
    horizon: float = 5.0,
    discount: float = 0.1,
    scope: Any = None,
    **options: Any,
) -> RetentionUplift:
    """Estimate the profit effect of ``points`` more retention (a fraction: 0.05 = five points).

    From the book's own churn and margins over ``period`` (one engine request): the clients at the start,
    those lost, the gross profit per active client. The lifetime is capped at ``horizon`` years and
    discounted at ``discount`` a year, so every number is finite for any ``points`` in [0, 1], a churn
    brought to 0 included. See :class:`RetentionUplift` for every number and the ``assumptions`` field for
    what the estimate takes for granted.

    Examples
    --------
    >>> import accountkpi as ak
    >>> r = ak.whatif.retention_uplift(ak.datasets.demo_book(), "2024", points=0.05)
    >>> r.profit_next_period > 0, 0 < r.profit_uplift < 1
    (True, True)
    """
    p = as_period(period)
    t = _core.tiers.retention_inputs(book._core, (p._begin, p._end), _scope(book, scope, options), options)
    kpis = ["clients_start", "churned_clients", "active_clients", "gross_profit"]
    _warn_coverage(book, [(p._begin, p._end)], kpis)
    s, churned = t["clients_start"], t["churned_clients"]
    r = _core.tiers.retention_uplift(
        s, churned, t["gross_profit"], t["active_clients"], t["period_years"], float(points),
        float(horizon), float(discount),
    )  # fmt: skip
    assumptions = (
        f"Retention over {p.label} is {points * 100:g} points higher: {r['extra_clients_kept']} more of the "
        f"{s} clients at the start stay (whole clients, never more than the {churned} lost).",
        "A client kept earns the book's gross profit per active client of the period in every later period; "
        "keeping it costs nothing extra.",
        f"Churn stays at its new rate for {r['periods']} periods ({horizon:g} years), each period's "
        f"survivors discounted at {discount:.0%} a year; beyond the horizon nothing is counted.",
        "Churn of the period is the start cohort's (|C| / |S|); new clients and reactivations are unchanged.",
    )
    return RetentionUplift(
        period=p,
        points=float(points),
        horizon=float(horizon),
        discount=float(discount),
        clients_start=s,
        churned_clients=churned,
        assumptions=assumptions,
        **r,
    )
