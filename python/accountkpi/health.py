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

The rule lives in the C++ core (``accountkpi::health::health``, one engine request by account); this module
converts the arguments and returns the frame.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import pandas as pd

from . import _core
from ._dates import Period, as_period
from ._health_components import COMPONENTS
from .health_backtest import Backtest, WeightsFit, backtest, fit_weights
from .kpi import Scope, _labels, _scope, _warn_coverage

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
DEFAULT_WEIGHTS: dict[str, float] = dict(zip(COMPONENTS, _core.health.default_weights, strict=True))
_BANDS = ["at_risk", "watch", "healthy"]
#: The KPIs the score reads (for the data-coverage warning).
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


def _rule(
    weights: Mapping[str, float] | None,
    *,
    bands: tuple[float, float] = (40.0, 70.0),
    cadence_target: float = 2.0,
    margin_target: float = 0.3,
    unanswered_penalty: float = 15.0,
    min_components: int = 2,
) -> dict[str, Any]:
    """The health score's options as the core takes them (the core checks their ranges)."""
    w = dict(DEFAULT_WEIGHTS if weights is None else weights)
    unknown = set(w) - set(COMPONENTS)
    if unknown:
        raise ValueError(f"unknown health component(s) {sorted(unknown)}; expected {list(COMPONENTS)}")
    if min_components not in range(1, len(COMPONENTS) + 1):
        raise ValueError(f"min_components is 1 to {len(COMPONENTS)}, got {min_components!r}")
    return {
        "weights": [float(w.get(c, 0.0)) for c in COMPONENTS],
        "bands": (float(bands[0]), float(bands[1])),
        "cadence_target": float(cadence_target),
        "margin_target": float(margin_target),
        "unanswered_penalty": float(unanswered_penalty),
        "min_components": int(min_components),
    }


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

    One engine request grouped by account over the whole book (plus one to list a scope's accounts), in the
    C++ core without the GIL.

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
    bands : tuple of float
        Two bounds. Below the first: ``at_risk``; below the second: ``watch``; else ``healthy``.
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
    rule = _rule(
        weights,
        bands=bands,
        cadence_target=cadence_target,
        margin_target=margin_target,
        unanswered_penalty=unanswered_penalty,
        min_components=min_components,
    )
    p = as_period(period)
    listed = _scope(book, scope_of(scope, manager, accounts), options)
    raw = _core.health.score(book._core, (p._begin, p._end), listed, rule, options)
    _warn_coverage(book, [(p._begin, p._end)], _KPIS)
    out = pd.DataFrame({"account_id": _labels(book, "account", raw["account"]), "health": raw["health"]})
    out["band"] = pd.Categorical.from_codes(raw["band"], categories=_BANDS)
    for c in COMPONENTS:
        out[c] = raw[c]
    out["requests"] = raw["requests"]
    out["unanswered"] = raw["unanswered"]
    out["reasons"] = pd.Series(raw["reasons"], dtype=object)
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
