"""What-if estimates from the book's own numbers, with their assumptions stated in the result."""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

import pandas as pd

from ._dates import Period

if TYPE_CHECKING:
    from .book import Book

__all__ = ["RetentionUplift", "retention_uplift"]


@dataclass(frozen=True)
class RetentionUplift:
    """The profit effect of keeping more clients over one period (currency; rates as fractions 0-1).

    Attributes
    ----------
    clients_start : int
        Clients at the start of the period (``S``).
    churned_clients : int
        Clients of ``S`` lost in the period.
    churn_rate, new_churn_rate : float
        ``churned / S`` and ``max(churn_rate − points, 0)``.
    extra_clients_kept : float
        ``min(points × S, churned)``: retention cannot rise above 1.
    gross_profit_per_client : float
        Gross profit of the period / clients active in it: what one client earns in a period like this one.
    profit_next_period : float
        ``extra_clients_kept × gross_profit_per_client``: the gross profit the kept clients bring in the next
        period of the same length.
    lifetime_profit_per_client, new_lifetime_profit_per_client : float
        ``gross_profit_per_client / churn_rate`` (expected periods of life ``1 / churn``, undiscounted),
        before and after; NaN where the churn rate is 0 (an unbounded lifetime is not returned).
    lifetime_uplift : float
        ``clients_start × (new − old lifetime profit per client)``.
    assumptions : tuple of str
    """

    period: Period
    points: float
    clients_start: int
    churned_clients: int
    churn_rate: float
    new_churn_rate: float
    extra_clients_kept: float
    gross_profit_per_client: float
    profit_next_period: float
    lifetime_profit_per_client: float
    new_lifetime_profit_per_client: float
    lifetime_uplift: float
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
    book: Book, period: Period | str, points: float = 0.05, *, scope: Any = None, **options: Any
) -> RetentionUplift:
    """Estimate the profit effect of retaining ``points`` (a fraction: 0.05 = five points) more clients.

    From the book's own margins and churn over ``period`` (one engine request): the clients at the start,
    those lost, the gross profit per active client. See :class:`RetentionUplift` for every number and the
    ``assumptions`` field for what the estimate takes for granted.

    Examples
    --------
    >>> import accountkpi as ak
    >>> r = ak.whatif.retention_uplift(ak.datasets.demo_book(), "2024", points=0.05)
    >>> r.profit_next_period > 0
    True
    """
    if not (0 <= points <= 1):
        raise ValueError(f"points is a fraction in [0, 1] (0.05 = five points), got {points!r}")
    p = period if isinstance(period, Period) else Period(period)
    t = book.kpis(
        p, kpis=["clients_start", "churned_clients", "active_clients", "gross_profit"], scope=scope, **options
    )
    s = int(t["clients_start"].iloc[0])
    churned = int(t["churned_clients"].iloc[0])
    active = float(t["active_clients"].iloc[0])
    gp = float(t["gross_profit"].iloc[0])
    churn = churned / s if s else math.nan
    new_churn = max(churn - points, 0.0) if s else math.nan
    extra = min(points * s, churned)
    per_client = gp / active if active else math.nan
    life = per_client / churn if churn > 0 else math.nan
    new_life = per_client / new_churn if new_churn > 0 else math.nan
    assumptions = (
        f"Retention over {p.label} is {points:.0%} higher: {extra:g} more of the {s} clients at the start "
        "stay (never more than were lost).",
        "A client kept earns the book's gross profit per active client of the period, in the next period of "
        "the same length; no extra cost to keep it.",
        "Lifetime profit is gross profit per client per period × 1 / churn rate (geometric lifetime, no "
        "discounting); NaN when the churn rate is 0.",
        "Churn of the period is the start cohort's (|C| / |S|); new clients and reactivations are unchanged.",
    )
    return RetentionUplift(
        period=p,
        points=float(points),
        clients_start=s,
        churned_clients=churned,
        churn_rate=churn,
        new_churn_rate=new_churn,
        extra_clients_kept=extra,
        gross_profit_per_client=per_client,
        profit_next_period=extra * per_client,
        lifetime_profit_per_client=life,
        new_lifetime_profit_per_client=new_life,
        lifetime_uplift=s * (new_life - life),
        assumptions=assumptions,
    )
