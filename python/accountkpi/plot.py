"""Charts with matplotlib; every function draws on ``ax`` (a new figure when omitted) and returns the Axes.

Requires matplotlib (``pip install accountkpi[plot]``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ._plotting import axes
from .concentration import gini, pareto_ratio
from .concentration import lorenz as lorenz_points
from .kpi import kpi_table
from .plot_backtest import health_backtest
from .plot_bridge import revenue_bridge

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = [
    "cohort_heatmap",
    "health_backtest",
    "health_distribution",
    "kpi_trend",
    "lorenz",
    "revenue_bridge",
    "scorecard",
    "survival",
]


def lorenz(values: Any, ax: Axes | None = None, title: str = "Revenue concentration") -> Axes:
    """Lorenz curve of per-account revenue, with the line of equality and the 80/20 point.

    Parameters
    ----------
    values : array-like
        Revenue per account (non-positive values are left out).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> ax = lorenz([50, 20, 10, 10, 10])
    >>> ax.get_xlabel()
    'Share of accounts (smallest first)'
    """
    x, y = lorenz_points(values)
    ax = axes(ax, (5.0, 5.0))
    ax.plot(x, y, color="C0", lw=2, label=f"accounts (Gini {gini(values):.2f})")
    ax.plot([0, 1], [0, 1], color="grey", ls="--", lw=1, label="equal revenue")
    p = pareto_ratio(values)
    if not np.isnan(p):
        ax.axvline(1 - p, color="C3", lw=1, ls=":", label=f"top {p:.0%} of accounts make 80%")
    ax.set(
        xlim=(0, 1),
        ylim=(0, 1),
        title=title,
        xlabel="Share of accounts (smallest first)",
        ylabel="Share of revenue",
    )
    ax.legend(loc="upper left", frameon=False)
    return ax


def kpi_trend(
    table: pd.DataFrame, kpi: str, by: str | None = None, ax: Axes | None = None, percent: bool | None = None
) -> Axes:
    """A KPI over periods, one line per group, from a :meth:`~accountkpi.Book.kpis` table; ``percent`` (by
    default when the KPI's unit is a fraction or a ratio, see :func:`accountkpi.kpi.kpi_table`) shows it times
    100.

    Examples
    --------
    >>> import matplotlib, accountkpi as ak
    >>> matplotlib.use("Agg")
    >>> book = ak.datasets.demo_book()
    >>> t = book.kpis(ak.periods("2024-01-01", "2025-01-01", "Q"), by="tier", kpis=["nrr"])
    >>> kpi_trend(t, "nrr", by="tier").get_title()
    'nrr by tier'
    """
    ax = axes(ax)
    if percent is None:
        percent = kpi_table()["unit"].get(kpi) in ("fraction", "ratio")  # as the report shows them
    scale = 100.0 if percent else 1.0
    labels = [str(p) for p in pd.unique(table["period"].astype(str))]
    if by is None:
        ax.plot(labels, table[kpi].to_numpy() * scale, marker="o", label=kpi)
    else:
        for group, rows in table.groupby(by, observed=True, sort=True, dropna=False):
            label = f"(no {by})" if pd.isna(group) else str(group)
            ax.plot(rows["period"].astype(str), rows[kpi].to_numpy() * scale, marker="o", label=label)
        ax.legend(title=by, frameon=False, fontsize="small")
    ax.set(
        title=kpi if by is None else f"{kpi} by {by}",
        xlabel="Period",
        ylabel=f"{kpi} (%)" if percent else kpi,
    )
    ax.grid(alpha=0.3)
    return ax


def cohort_heatmap(table: pd.DataFrame, ax: Axes | None = None, title: str | None = None) -> Axes:
    """Heatmap of a cohort table (:meth:`~accountkpi.Book.cohorts`): cohorts down, periods since acquisition
    across.

    Examples
    --------
    >>> import matplotlib, accountkpi as ak
    >>> matplotlib.use("Agg")
    >>> ax = cohort_heatmap(ak.datasets.demo_book().cohorts("Y"))
    >>> ax.get_ylabel()
    'Acquisition cohort'
    """
    cells = table.drop(columns=["size"], errors="ignore")
    ax = axes(ax, (8.0, max(3.0, 0.3 * len(cells) + 1.5)))
    image = ax.imshow(
        np.ma.masked_invalid(cells.to_numpy(dtype=float)),
        aspect="auto",
        cmap="viridis",
        vmin=0,
        vmax=max(1.0, float(np.nanmax(cells.to_numpy(dtype=float), initial=1.0))),
    )
    ax.figure.colorbar(image, ax=ax, label="share of the cohort's first period")
    ax.set_yticks(range(len(cells)), cells.index)
    ax.set_xticks(range(cells.shape[1]), [str(c) for c in cells.columns])
    ax.set(title=title or "Cohort retention", xlabel="Periods since acquisition", ylabel="Acquisition cohort")
    return ax


def survival(
    survivors: Sequence[float], model: Any = None, horizon: int | None = None, ax: Axes | None = None
) -> Axes:
    """Observed share of a cohort still a client per period, against a fitted sBG model's survival curve.

    Parameters
    ----------
    survivors : sequence
        Cohort size, then clients left after each period.
    model : ShiftedBetaGeoFitter, optional
        A fitted model; its survival function is drawn up to ``horizon`` periods.

    Examples
    --------
    >>> import matplotlib, accountkpi as ak
    >>> matplotlib.use("Agg")
    >>> data = [1000, 869, 743, 653, 593, 551, 517, 491]
    >>> ax = survival(data, ak.ltv.ShiftedBetaGeoFitter().fit(data), horizon=12)
    >>> ax.get_ylabel()
    'Share of the cohort still a client'
    """
    s = np.asarray(survivors, dtype=float)
    ax = axes(ax)
    ax.plot(np.arange(len(s)), s / s[0], "o", color="C0", label="observed")
    if model is not None:
        t = np.arange((horizon or len(s) * 2) + 1)
        ax.plot(t, np.asarray(model.survival_function(t), dtype=float), color="C1", label="sBG fit")
    ax.set(
        title="Survival",
        xlabel="Periods since acquisition",
        ylabel="Share of the cohort still a client",
        ylim=(0, 1.05),
    )
    ax.legend(frameon=False)
    ax.grid(alpha=0.3)
    return ax


def scorecard(frame: pd.DataFrame, ax: Axes | None = None, cap: float = 1.5) -> Axes:
    """Attainment per KPI of one scorecard (``Scorecard.to_frame()`` or rows of ``Book.scorecards``).

    Bars show ``attainment`` (1 = on target); undefined KPIs are marked n/a.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> frame = pd.DataFrame({"kpi": ["revenue", "nps"], "attainment": [1.2, float("nan")]})
    >>> scorecard(frame).get_xlabel()
    'Attainment (1 = target)'
    """
    ax = axes(ax, (6.0, 0.4 * len(frame) + 1.5))
    att = frame["attainment"].to_numpy(dtype=float)
    y = np.arange(len(frame))
    colors = ["C2" if a >= 1 else "C3" for a in np.nan_to_num(att, nan=0.0)]
    ax.barh(y, np.nan_to_num(att, nan=0.0), color=colors)
    for i, a in enumerate(att):
        if np.isnan(a):
            ax.text(0.02, i, "n/a (undefined)", va="center", fontsize="small", color="grey")
    ax.axvline(1.0, color="black", lw=1)
    ax.set_yticks(y, frame["kpi"].astype(str))
    ax.invert_yaxis()
    ax.set(xlim=(0, cap), xlabel="Attainment (1 = target)", title="Scorecard")
    return ax


def health_distribution(scores: Any, ax: Axes | None = None, at_risk_below: float = 40.0) -> Axes:
    """Histogram of account health scores (0-100) with the at-risk threshold.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> health_distribution([20, 55, 70, 90]).get_xlabel()
    'Health score (0-100)'
    """
    values = np.asarray(scores, dtype=float)
    ax = axes(ax)
    ax.hist(values[~np.isnan(values)], bins=np.arange(0, 105, 5), color="C0", edgecolor="white")
    ax.axvline(at_risk_below, color="C3", ls="--", label=f"at risk below {at_risk_below:g}")
    ax.set(title="Account health", xlabel="Health score (0-100)", ylabel="Accounts", xlim=(0, 100))
    ax.legend(frameon=False)
    return ax
