"""Client-portfolio prioritisation: the portfolio's accounts (or projects) ranked by value, growth, margin and
health, with candidates to drop flagged and the reason behind each flag.

The rule lives in the C++ core (``accountkpi::tiers::prioritise``); this module converts the arguments and
returns the frame.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from . import _core
from ._dates import Period, as_period
from .health import _rule, scope_of
from .kpi import _labels, _scope, _warn_coverage

if TYPE_CHECKING:
    from .book import Book

__all__ = ["DEFAULT_PRIORITY_WEIGHTS", "prioritise"]

#: Weights of the priority score's parts (each part in 0-1: percentile ranks of value, growth and margin
#: within the portfolio, and health / 100).
DEFAULT_PRIORITY_WEIGHTS: dict[str, float] = dict(
    zip(_core.tiers.priority_parts, _core.tiers.default_priority_weights, strict=True)
)
_HEALTH_RULE = ("bands", "cadence_target", "margin_target", "unanswered_penalty", "min_components")


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
    portfolio). ``**health_options`` are the health score's (``bands``, ``cadence_target``,
    ``margin_target``, ``unanswered_penalty``, ``min_components``, and its weights as ``health_weights``) and
    KPI options (e.g. ``sla_days``). The ranking runs in the C++ core (``accountkpi::tiers::prioritise``: two
    engine requests and a pass over the revenue lines, without the GIL).

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
    rule_args = {k: health_options.pop(k) for k in _HEALTH_RULE if k in health_options}
    rule = _rule(health_options.pop("health_weights", None), **rule_args)
    p = as_period(period)
    portfolio = scope_of(None, manager, list(accounts) if accounts else None)
    raw = _core.tiers.prioritise(
        book._core,
        (p._begin, p._end),
        _scope(book, portfolio, health_options),
        level,
        [float(w.get(c, 0.0)) for c in DEFAULT_PRIORITY_WEIGHTS],
        float(shrink),
        float(margin_floor),
        float(health_floor),
        rule,
        health_options,
    )
    base = p.previous()
    _warn_coverage(book, [(p._begin, p._end), (base._begin, base._end)], ["revenue", "gross_profit"])
    out = pd.DataFrame(
        {
            "priority_rank": np.arange(1, len(raw["item"]) + 1),
            "item": _labels(book, level, raw["item"]),
            "account_id": _labels(book, "account", raw["account"]),
        }
    )
    for c in ("revenue", "base_revenue", "growth", "gross_profit", "margin", "health", "ltv_historical"):
        out[c] = raw[c]
    out["priority"] = raw["priority"]
    out["risk_flags"] = pd.Series(raw["risk_flags"], dtype=object)
    out["drop_candidate"] = raw["drop_candidate"].astype(bool)
    out["reasons"] = pd.Series(raw["reasons"], dtype=object)
    return out
