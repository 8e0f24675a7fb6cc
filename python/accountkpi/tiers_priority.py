"""Client-portfolio prioritisation: the portfolio's accounts (or projects) ranked by value, growth, margin and
health, with candidates to drop flagged and the reason behind each flag.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ._dates import Period, as_period
from .health import _check_fraction, scope_of
from .health import health as _health
from .ltv import historical

if TYPE_CHECKING:
    from .book import Book

__all__ = ["DEFAULT_PRIORITY_WEIGHTS", "prioritise"]

#: Weights of the priority score's parts (each part in 0-1: percentile ranks of value, growth and margin
#: within the portfolio, and health / 100).
DEFAULT_PRIORITY_WEIGHTS: dict[str, float] = {"value": 0.4, "growth": 0.2, "margin": 0.2, "health": 0.2}


def _account_items(book: Book, p: Period, base: Period, scope: Any) -> pd.DataFrame:
    t = book.kpis([p, base], by="account", kpis=["revenue", "gross_profit", "active_clients"], scope=scope)
    cur = t[t["period"] == p.label].set_index("account_id")
    prev = t[t["period"] == base.label].set_index("account_id")
    items = pd.DataFrame({"revenue": cur["revenue"], "gross_profit": cur["gross_profit"]})
    items["base_revenue"] = prev["revenue"].reindex(items.index).fillna(0.0)
    # Every client of the portfolio (with or without revenue) and every account that billed in either period.
    items = items[
        (cur["active_clients"] > 0)
        | (items["revenue"] != 0)
        | (items["gross_profit"] != 0)
        | (items["base_revenue"] != 0)
    ]
    items.index.name = "item"
    items["account_id"] = items.index
    return items.reset_index()


def _project_items(
    book: Book, p: Period, base: Period, manager: Any, accounts: Sequence[Any] | None
) -> pd.DataFrame:
    rev = book.table("revenue")
    rev = rev[rev["project_id"].notna()] if "project_id" in rev.columns else rev.iloc[:0]
    if manager is not None:
        rev = rev[rev["manager_id"] == manager]
    if accounts:
        rev = rev[rev["account_id"].isin(list(accounts))]
    day = rev["date"].to_numpy().astype("datetime64[D]").astype(np.int64)
    in_p = (day >= p._begin) & (day < p._end)
    in_b = (day >= base._begin) & (day < base._end)
    rev = rev.assign(profit=rev["amount"] - rev["cost"])
    cur = (
        rev[in_p]
        .groupby("project_id")
        .agg(account_id=("account_id", "first"), revenue=("amount", "sum"), gross_profit=("profit", "sum"))
    )
    prev = (
        rev[in_b]
        .groupby("project_id")
        .agg(account_id=("account_id", "first"), base_revenue=("amount", "sum"))
    )
    items = cur.join(prev["base_revenue"], how="outer")
    items["account_id"] = cur["account_id"].combine_first(prev["account_id"])
    items[["revenue", "gross_profit", "base_revenue"]] = items[
        ["revenue", "gross_profit", "base_revenue"]
    ].fillna(0.0)
    items.index.name = "item"
    return items.reset_index()


def prioritise(
    book: Book,
    period: Period | str,
    *,
    manager: Any = None,
    accounts: Sequence[Any] | None = None,
    level: str = "account",
    weights: Mapping[str, float] | None = None,
    shrink: float = 0.1,
    margin_floor: float = 0.15,
    health_floor: float = 40.0,
    **health_options: Any,
) -> pd.DataFrame:
    """Rank a portfolio's accounts (``level="account"``) or projects (``level="project"``).

    Per item over ``period``: ``revenue`` (its value), ``growth`` = revenue / revenue of the previous period
    of the same length − 1 (NaN without revenue before), ``gross_profit``, ``margin`` = gross profit /
    revenue (NaN at revenue 0) and the account's ``health`` (0-100, :func:`accountkpi.health.health`). The
    ``priority`` is ``Σ weight × part / Σ weight`` over the defined parts, with value, growth and margin as
    percentile ranks inside the portfolio and health / 100; ``priority_rank`` 1 is the highest priority.

    Every client of the portfolio is ranked, those without revenue in ``period`` included (value 0). The
    health is the account's one score (:func:`accountkpi.health.health`, from all its evidence, whatever the
    portfolio).

    Flags (``risk_flags``), each with its reason: ``loss_making`` (gross profit < 0), ``shrinking``
    (growth ≤ −``shrink``), ``low_margin`` (0 ≤ margin < ``margin_floor``, a fraction: 0.15 = 15%),
    ``unhealthy`` (health < ``health_floor``, 0-100). A **drop candidate** is loss-making or low-margin
    *and* shrinking.

    Returns
    -------
    DataFrame
        ``priority_rank, item, account_id, revenue, base_revenue, growth, gross_profit, margin, health,
        ltv_historical, priority, risk_flags, drop_candidate, reasons``, by rank (``ltv_historical``: the
        account's gross profit from its first revenue line to the end of ``period``).

    Examples
    --------
    >>> import accountkpi as ak
    >>> book = ak.datasets.demo_book()
    >>> ranked = ak.tiers.ClientPortfolio("F05").prioritise(book, "2024", margin_floor=0.2)
    >>> list(ranked.columns[:3])
    ['priority_rank', 'item', 'account_id']
    """
    if level not in ("account", "project"):
        raise ValueError(f"level must be 'account' or 'project', got {level!r}")
    w = dict(DEFAULT_PRIORITY_WEIGHTS if weights is None else weights)
    if set(w) - set(DEFAULT_PRIORITY_WEIGHTS):
        raise ValueError(f"priority weights are among {list(DEFAULT_PRIORITY_WEIGHTS)}, got {sorted(w)}")
    if any(not np.isfinite(v) or v < 0 for v in w.values()) or sum(w.values()) <= 0:
        raise ValueError("priority weights must be finite, >= 0 and not all 0")
    if shrink != 0:
        _check_fraction("shrink", shrink)
    _check_fraction("margin_floor", margin_floor)
    if not (0 <= health_floor <= 100):
        raise ValueError(f"health_floor is a health score 0-100, got {health_floor!r}")
    p = as_period(period)
    base = p.previous()
    if manager is None and not accounts:
        raise ValueError("prioritise: give a manager or accounts")
    scope = scope_of(None, manager, list(accounts) if accounts else None)
    items = (
        _account_items(book, p, base, scope)
        if level == "account"
        else _project_items(book, p, base, manager, accounts)
    )
    h = (
        _health(book, p, accounts=list(items["account_id"].unique()), **health_options)
        if len(items)
        else pd.DataFrame({"account_id": [], "health": []})
    )
    items = items.merge(h[["account_id", "health"]], on="account_id", how="left")
    lifetime = historical(book, p.end)  # gross profit to date, per account
    items["ltv_historical"] = lifetime.reindex(items["account_id"].to_numpy()).to_numpy()
    rev, base_rev, gp = items["revenue"], items["base_revenue"], items["gross_profit"]
    items["growth"] = np.where(base_rev > 0, rev / base_rev.where(base_rev > 0, 1) - 1, np.nan)
    items["margin"] = np.where(rev != 0, gp / rev.where(rev != 0, 1), np.nan)
    parts = pd.DataFrame(
        {
            "value": items["revenue"].rank(pct=True),
            "growth": items["growth"].rank(pct=True),
            "margin": items["margin"].rank(pct=True),
            "health": items["health"] / 100,
        }
    )
    wv = np.array([w.get(c, 0.0) for c in parts.columns])
    vals = parts.to_numpy()
    defined = ~np.isnan(vals) & (wv > 0)
    den = (defined * wv).sum(axis=1)
    num = np.where(defined, vals * wv, 0).sum(axis=1)
    items["priority"] = np.where(den > 0, num / np.where(den > 0, den, 1), np.nan)

    loss = gp < 0
    shrinking = items["growth"] <= -shrink
    low = (items["margin"] >= 0) & (items["margin"] < margin_floor)
    unhealthy = items["health"] < health_floor
    rules = [
        ("loss_making", loss, "gross profit " + gp.round(2).astype(str)),
        (
            "shrinking",
            shrinking,
            "revenue " + (items["growth"] * 100).round().astype("Int64").astype(str) + "%",
        ),
        (
            "low_margin",
            low,
            "margin " + (items["margin"] * 100).round(1).astype(str) + f"% (floor {margin_floor:.0%})",
        ),
        ("unhealthy", unhealthy, "health " + items["health"].round(1).astype(str)),
    ]
    flags = pd.Series([""] * len(items), dtype=object)
    reasons = pd.Series([""] * len(items), dtype=object)
    for name, mask, text in rules:
        m = np.asarray(mask.fillna(False), dtype=bool)
        sep = np.where(flags == "", "", "; ")
        flags = flags.where(~m, flags + sep + name)
        reasons = reasons.where(~m, reasons + sep + name + ": " + text.astype(object))
    items["risk_flags"] = flags
    items["drop_candidate"] = np.asarray(((loss | low) & shrinking).fillna(False), dtype=bool)
    items["reasons"] = reasons
    items = items.sort_values(
        ["priority", "revenue", "item"], ascending=[False, False, True], na_position="last"
    )
    items.insert(0, "priority_rank", np.arange(1, len(items) + 1))
    columns = [
        "priority_rank",
        "item",
        "account_id",
        "revenue",
        "base_revenue",
        "growth",
        "gross_profit",
        "margin",
        "health",
        "ltv_historical",
        "priority",
        "risk_flags",
        "drop_candidate",
        "reasons",
    ]
    return items[columns].reset_index(drop=True)
