"""This period against earlier ones: the KPIs of a period beside the previous period's and a year ago's, with
absolute and relative deltas, in one tidy frame.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ._dates import Period, as_period
from .kpi import KPIS
from .tiers import unit

if TYPE_CHECKING:
    from .book import Book

__all__ = ["SURVEY_KPIS", "compare", "trailing"]

#: The KPIs from the ``surveys`` table, which ``window=`` computes over trailing months.
SURVEY_KPIS: tuple[str, ...] = ("csat", "nps", "ces")


def trailing(period: Period | str, months: int) -> Period:
    """The ``months`` calendar months up to the end of ``period`` (the window of a survey KPI).

    Examples
    --------
    >>> trailing("2025Q2", 12).label
    '2024-07-01/2025-07-01'
    """
    p = as_period(period)
    if not (isinstance(months, (int, np.integer)) and not isinstance(months, bool) and months > 0):
        raise ValueError(f"window is a whole number of months > 0, got {months!r}")
    begin = (pd.Timestamp(p.end) - pd.DateOffset(months=int(months))).date()
    return Period(begin, p.end)


def _bases(p: Period, vs: str | Period | Sequence[str | Period]) -> list[tuple[str, Period]]:
    items = [vs] if isinstance(vs, (str, Period)) else list(vs)
    out: list[tuple[str, Period]] = []
    for item in items:
        if item == "previous":
            out.append(("previous", p.previous()))
        elif item == "year_ago":
            out.append(("year_ago", p.year_ago()))
        else:
            try:
                base = as_period(item)
            except (TypeError, ValueError) as e:
                raise ValueError(
                    f"vs takes 'previous', 'year_ago' or periods (Period or label), got {item!r}"
                ) from e
            out.append((base.label, base))
    names = [n for n, _ in out]
    if len(set(names)) != len(names) or p.label in names or "value" in names:
        raise ValueError(f"vs names each comparison once and not the period itself, got {names!r}")
    return out


def compare(
    book: Book,
    period: Period | str,
    vs: str | Period | Sequence[str | Period] = ("previous", "year_ago"),
    by: str | Sequence[str] | None = None,
    kpis: str | Sequence[str] | None = None,
    *,
    scope: Any = None,
    window: int | None = None,
    **options: Any,
) -> pd.DataFrame:
    """The KPIs of ``period`` beside the same KPIs of earlier periods, with absolute and relative deltas.

    Parameters
    ----------
    book : Book
    period : Period or str
    vs : str, Period or sequence
        ``"previous"``, ``"year_ago"``, a period or its label, or a sequence of them: ``"previous"`` is
        :meth:`~accountkpi.Period.previous` (2025Q2 -> 2025Q1), ``"year_ago"``
        :meth:`~accountkpi.Period.year_ago` (2025Q2 -> 2024Q2); another period is named by its label.
    by : str or list of str, optional
        Group keys, as :meth:`~accountkpi.Book.kpis` takes them.
    kpis : str or list of str, optional
        KPI names; all of them when omitted.
    scope : Scope, optional
    window : int, optional
        Months: the survey KPIs (``csat``, ``nps``, ``ces``) of each period compared are computed over the
        ``window`` months up to its end (:func:`trailing`), so a quarter without a survey still has a
        trailing-12-month NPS. The other KPIs keep their period.
    **options
        KPI options, as :meth:`~accountkpi.Book.kpis` takes them.

    Returns
    -------
    DataFrame
        One row per (group, KPI): the keys, ``kpi``, ``unit`` (see :func:`accountkpi.tiers.unit`: a delta of
        a ``fraction`` is in points of it), ``value`` (over ``period``), and for each comparison ``<name>``
        (its value), ``<name>_delta`` (``value − <name>``) and ``<name>_relative`` (``delta / |<name>|``,
        NaN when that is 0 or NaN). ``frame.attrs["periods"]`` maps ``value`` and each name to its label.

    Examples
    --------
    >>> import accountkpi as ak
    >>> book = ak.datasets.demo_book()
    >>> c = book.compare("2025Q2", kpis=["revenue", "nps"], window=12)
    >>> c.attrs["periods"]
    {'value': '2025Q2', 'previous': '2025Q1', 'year_ago': '2024Q2'}
    >>> list(c.columns)  # doctest: +NORMALIZE_WHITESPACE
    ['kpi', 'unit', 'value', 'previous', 'previous_delta', 'previous_relative', 'year_ago', 'year_ago_delta',
     'year_ago_relative']
    """
    p = as_period(period)
    bases = _bases(p, vs)
    plist = [p, *[b for _, b in bases]]
    names = list(KPIS) if kpis is None else [kpis] if isinstance(kpis, str) else list(kpis)
    t = book.kpis(plist, by=by, kpis=names, scope=scope, **options)
    keys = [c for c in t.columns if c not in names and c != "period"]
    long = _long(t, keys, names)
    survey = [k for k in names if k in SURVEY_KPIS]
    if window is not None and survey:
        windows = [trailing(x, window) for x in plist]
        tw = book.kpis(windows, by=by, kpis=survey, scope=scope, **options)
        tw["period"] = (
            tw["period"].astype(str).map({w.label: x.label for w, x in zip(windows, plist, strict=True)})
        )
        long = pd.concat([long[~long["kpi"].isin(survey)], _long(tw, keys, survey)], ignore_index=True)
    elif window is not None:
        trailing(p, window)  # validates it
    out = long[long["period"] == p.label].drop(columns="period")
    for name, base in bases:
        before = long[long["period"] == base.label].drop(columns="period").rename(columns={"value": name})
        out = out.merge(before, on=[*keys, "kpi"], how="outer", sort=False)
        delta = out["value"] - out[name]
        b = out[name].to_numpy(dtype=float)
        ok = np.isfinite(b) & (b != 0)
        out[f"{name}_delta"] = delta
        out[f"{name}_relative"] = np.where(
            ok, delta.to_numpy(dtype=float) / np.where(ok, np.abs(b), 1), np.nan
        )
    order = {k: i for i, k in enumerate(names)}
    out = out.sort_values([*keys, "kpi"], key=lambda s: s.map(order) if s.name == "kpi" else s, kind="stable")
    out.insert(len(keys) + 1, "unit", out["kpi"].map({k: unit(k, **options) for k in names}))
    out = out.reset_index(drop=True)
    out.attrs["periods"] = {"value": p.label, **{name: base.label for name, base in bases}}
    return out


def _long(t: pd.DataFrame, keys: list[str], names: list[str]) -> pd.DataFrame:
    frame = t.assign(period=t["period"].astype(str))
    return frame.melt(id_vars=[*keys, "period"], value_vars=names, var_name="kpi", value_name="value")
