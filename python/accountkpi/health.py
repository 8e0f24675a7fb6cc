"""Account health, 0-100, and early warning: a configurable weighted composite with the reasons behind it.

Each component is scored 0-100 over the period (NaN when undefined, then left out and the other weights
renormalised):

- ``satisfaction``: NPS mapped to ``(nps + 100) / 2``; without NPS answers, the CSAT share × 100;
- ``cadence``: ``min(1, touches_per_account_month / cadence_target) × 100`` (``cadence_target`` = 2);
- ``responsiveness``: ``timely_response_rate × 100`` (answered within ``sla_days``; unanswered count as late);
- ``trend``: ``clip(50 + 100 × (nrr − 1), 0, 100)``: flat revenue on the previous period scores 50, −50% or
  worse 0, +50% or better 100;
- ``margin``: ``clip(100 × gross_margin / margin_target, 0, 100)`` (``margin_target`` = 0.3).

Default weights: responsiveness 0.35, satisfaction 0.2, trend 0.2, cadence 0.15, margin 0.1. Late or
unanswered requests weigh heavily: responsiveness has the largest weight, and each request still unanswered
costs ``unanswered_penalty`` (15) points off the composite. Bands: ``at_risk`` below 40, ``watch`` below 70,
else ``healthy`` (``bands=(40, 70)``).

Two rules make the score a fact about the account, not about the question:

- **One score per account and period, whatever the scope.** The evidence (touches, requests, surveys,
  revenue) is every event of the account, whoever owned it at the time; a scope (a manager's book, a list of
  accounts) only selects which accounts are listed. An account handed over mid-quarter scores the same
  company-wide and under either manager.
- **No score from one component alone.** A score needs at least ``min_components`` (2) defined components;
  an account with fewer (e.g. nothing but a cadence of 0) gets NaN, no band, and the reason
  ``"not scored: only <component> known"``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ._dates import Period
from ._health_components import COMPONENTS
from .health_backtest import Backtest, WeightsFit, backtest, fit_weights
from .kpi import Scope

if TYPE_CHECKING:
    from .book import Book

__all__ = [
    "COMPONENTS",
    "DEFAULT_WEIGHTS",
    "Backtest",
    "WeightsFit",
    "at_risk",
    "backtest",
    "fit_weights",
    "health",
    "scope_of",
]

#: Default weights of the components.
DEFAULT_WEIGHTS: dict[str, float] = {
    "responsiveness": 0.35,
    "satisfaction": 0.2,
    "trend": 0.2,
    "cadence": 0.15,
    "margin": 0.1,
}
_KPIS = [
    "active_clients",
    "nps",
    "csat",
    "touches_per_account_month",
    "request_count",
    "timely_response_rate",
    "unanswered_requests",
    "nrr",
    "gross_margin",
]


def scope_of(scope: Any = None, manager: Any = None, accounts: Any = None) -> Any:
    """One scope from the scoping arguments of the API: ``scope`` (a :class:`~accountkpi.Scope`, a dict or a
    list of account ids), or ``manager=`` and/or ``accounts=``; None for the whole book.

    Examples
    --------
    >>> scope_of(manager="F01")
    Scope(accounts=(), managers=('F01',), regions=(), domains=(), volume_bands=())
    """
    if scope is not None and (manager is not None or accounts is not None):
        raise ValueError("give scope= or manager=/accounts=, not both")
    if manager is None and accounts is None:
        return scope
    if accounts is not None and (isinstance(accounts, (str, bytes)) or not hasattr(accounts, "__iter__")):
        accounts = [accounts]
    return Scope(managers=[] if manager is None else [manager], accounts=list(accounts or []))


def _check_fraction(name: str, value: float) -> None:
    """Refuses a percent where a fraction is meant (``margin_floor=15`` for 15%)."""
    if not (0 < value <= 1):
        hint = f" (did you mean {value / 100:g}?)" if 1 < value <= 100 else ""
        raise ValueError(f"{name} is a fraction in (0, 1] (0.15 = 15%), got {value!r}{hint}")


def health(
    book: Book,
    period: Period | str,
    *,
    scope: Any = None,
    manager: Any = None,
    accounts: Any = None,
    weights: Mapping[str, float] | None = None,
    bands: tuple[float, float] = (40.0, 70.0),
    cadence_target: float = 2.0,
    margin_target: float = 0.3,
    unanswered_penalty: float = 15.0,
    min_components: int = 2,
    **options: Any,
) -> pd.DataFrame:
    """Health score of every account that is a client in ``period``, with its components and reasons.

    One engine request grouped by account over the whole book (plus one to list a scope's accounts); the
    composite is vectorised over the accounts.

    Parameters
    ----------
    book : Book
    period : Period or str
    scope : Scope, optional
        Which accounts to list (e.g. one manager's book); their scores use every event of the account.
    manager, accounts : optional
        The same as ``scope=Scope(managers=[manager], accounts=accounts)``.
    weights : mapping, optional
        Weights of the components (missing ones are 0); :data:`DEFAULT_WEIGHTS` when omitted.
    bands : (float, float)
        Below the first: ``at_risk``; below the second: ``watch``; else ``healthy``.
    cadence_target, margin_target, unanswered_penalty : float
        ``margin_target`` is a fraction (0.3 = 30%).
    min_components : int, default 2
        The defined components an account needs to be scored (1 to 5; at most the number of components
        with a weight, so ``weights={"responsiveness": 1}`` scores on responsiveness alone).
    **options
        KPI options (e.g. ``sla_days``).

    Returns
    -------
    DataFrame
        ``account_id, health, band, satisfaction, cadence, responsiveness, trend, margin, requests,
        unanswered, reasons``, sorted by health (worst first; NaN last).

    Examples
    --------
    >>> import accountkpi as ak
    >>> h = ak.health.health(ak.datasets.demo_book(), "2024Q2")
    >>> bool(h["health"].dropna().between(0, 100).all())
    True
    """
    w = dict(DEFAULT_WEIGHTS if weights is None else weights)
    unknown = set(w) - set(COMPONENTS)
    if unknown:
        raise ValueError(f"unknown health component(s) {sorted(unknown)}; expected {list(COMPONENTS)}")
    if any(not np.isfinite(v) or v < 0 for v in w.values()) or sum(w.values()) <= 0:
        raise ValueError("health weights must be finite, >= 0 and not all 0")
    if not (0 <= bands[0] <= bands[1] <= 100):
        raise ValueError(f"bands must satisfy 0 <= at_risk <= watch <= 100, got {bands!r}")
    if not (cadence_target > 0 and unanswered_penalty >= 0):
        raise ValueError("cadence_target must be > 0, unanswered_penalty >= 0")
    _check_fraction("margin_target", margin_target)
    if min_components not in range(1, len(COMPONENTS) + 1):
        raise ValueError(f"min_components is 1 to {len(COMPONENTS)}, got {min_components!r}")
    t = book.kpis(period, by="account", kpis=_KPIS, **options)
    t = t[t["active_clients"] > 0]
    scope = scope_of(scope, manager, accounts)
    if scope is not None:
        listed = book.kpis(period, by="account", kpis=["active_clients"], scope=scope, **options)
        t = t[t["account_id"].isin(listed.loc[listed["active_clients"] > 0, "account_id"])]
    t = t.reset_index(drop=True)
    nps, csat = t["nps"].to_numpy(), t["csat"].to_numpy()
    parts = pd.DataFrame(
        {
            "satisfaction": np.where(np.isnan(nps), csat * 100, (nps + 100) / 2),
            "cadence": np.minimum(1.0, t["touches_per_account_month"].to_numpy() / cadence_target) * 100,
            "responsiveness": t["timely_response_rate"].to_numpy() * 100,
            "trend": np.clip(50 + 100 * (t["nrr"].to_numpy() - 1), 0, 100),
            "margin": np.clip(100 * t["gross_margin"].to_numpy() / margin_target, 0, 100),
        }
    )
    wv = np.array([w.get(c, 0.0) for c in COMPONENTS])
    values = parts[list(COMPONENTS)].to_numpy()
    defined = ~np.isnan(values) & (wv > 0)
    too_few = defined.sum(axis=1) < min(min_components, int((wv > 0).sum()))
    defined[too_few] = False
    den = (defined * wv).sum(axis=1)
    num = np.where(defined, values * wv, 0).sum(axis=1)
    unanswered = t["unanswered_requests"].to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        composite = np.where(den > 0, num / np.where(den > 0, den, 1), np.nan)
    score = np.clip(composite - unanswered_penalty * unanswered, 0, 100)
    band = np.select(
        [np.isnan(score), score < bands[0], score < bands[1]], [None, "at_risk", "watch"], default="healthy"
    )
    out = pd.DataFrame({"account_id": t["account_id"], "health": score})
    out["band"] = pd.Categorical(band, categories=["at_risk", "watch", "healthy"])
    out = pd.concat([out, parts], axis=1)
    out["requests"] = t["request_count"].to_numpy().astype(np.int64)
    out["unanswered"] = unanswered.astype(np.int64)
    reasons = _reasons(t, parts, cadence_target, margin_target, options.get("sla_days", 2))
    for i in np.flatnonzero(too_few):  # the few accounts without enough evidence
        known = ", ".join(np.asarray(COMPONENTS)[~np.isnan(values[i])]) or "nothing"
        reasons.iloc[i] = f"not scored: only {known} known"
    out["reasons"] = reasons
    return out.sort_values(["health", "account_id"], na_position="last", kind="stable").reset_index(drop=True)


def _reasons(
    t: pd.DataFrame, parts: pd.DataFrame, cadence_target: float, margin_target: float, sla_days: float
) -> pd.Series:
    """The reasons behind low components, one '; '-joined string per account (vectorised by rule)."""
    rules = [
        (
            t["unanswered_requests"] > 0,
            t["unanswered_requests"].astype(int).astype(str) + " request(s) unanswered",
        ),
        (
            parts["responsiveness"] < 80,
            (t["timely_response_rate"] * t["request_count"]).round().astype("Int64").astype(str)
            + " of "
            + t["request_count"].astype(int).astype(str)
            + f" requests answered within {sla_days:g} days",
        ),
        (
            parts["satisfaction"] < 50,
            np.where(
                t["nps"].isna(),
                "CSAT " + (t["csat"] * 100).round().astype("Int64").astype(str) + "% satisfied",
                "NPS " + t["nps"].round().astype("Int64").astype(str),
            ),
        ),
        (
            parts["cadence"] < 50,
            t["touches_per_account_month"].round(2).astype(str)
            + f" touches a month (target {cadence_target:g})",
        ),
        (
            parts["trend"] < 40,
            "revenue "
            + ((t["nrr"] - 1) * 100).round().astype("Int64").astype(str)
            + "% on the previous period",
        ),
        (
            parts["margin"] < 50,
            "margin "
            + (t["gross_margin"] * 100).round().astype("Int64").astype(str)
            + f"% (target {margin_target:.0%})",
        ),
    ]
    out = pd.Series([""] * len(t), index=t.index, dtype=object)
    for mask, text in rules:
        m = np.asarray(mask.fillna(False), dtype=bool)
        text = pd.Series(text, index=t.index).astype(object)
        sep = np.where(out == "", "", "; ")
        out = out.where(~m, out + sep + text)
    return out


def at_risk(book: Book, period: Period | str, **kwargs: Any) -> pd.DataFrame:
    """The accounts in the ``at_risk`` band over ``period``, worst first, with their reasons.

    Takes the same arguments as :func:`health`, scoping ones included (``scope=``, ``manager=``,
    ``accounts=``).

    Examples
    --------
    >>> import accountkpi as ak
    >>> risky = ak.health.at_risk(ak.datasets.demo_book(), "2024Q2")
    >>> set(risky["band"]) <= {"at_risk"}
    True
    """
    h = health(book, period, **kwargs)
    return h[h["band"] == "at_risk"].reset_index(drop=True)
