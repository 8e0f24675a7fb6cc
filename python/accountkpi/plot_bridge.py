"""The revenue bridge as a waterfall chart (re-exported by :mod:`accountkpi.plot`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ._plotting import axes
from .bridge import MOVEMENTS

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["revenue_bridge"]

_GAIN, _LOSS, _LEVEL = "#2e8b57", "#c0392b", "#5b6f8f"


def revenue_bridge(
    bridge: pd.DataFrame | pd.Series,
    period: Any = None,
    ax: Axes | None = None,
    title: str | None = None,
    scale: float = 1.0,
) -> Axes:
    """A waterfall of a revenue bridge: the opening, each movement floating from where the last one ended,
    the closing.

    Parameters
    ----------
    bridge : DataFrame or Series
        A :meth:`accountkpi.Book.revenue_bridge` table (its groups are added up) or one row of it.
    period : Period or str, optional
        The period to draw when the table has several (default: the last).
    scale : float
        Divide the amounts by this (``1e6`` for millions); the axis label says so.

    Examples
    --------
    >>> import matplotlib, accountkpi as ak
    >>> matplotlib.use("Agg")
    >>> book = ak.datasets.demo_book()
    >>> ax = revenue_bridge(book.revenue_bridge(["2024Q1", "2024Q2"], by="region"), period="2024Q2")
    >>> [t.get_text() for t in ax.get_xticklabels()]
    ['opening', 'new', 'reactivated', 'resumed', 'expansion', 'contraction', 'churned', 'closing']
    >>> ax.get_title()
    'Revenue bridge 2024Q2'
    """
    row, label = _one_period(bridge, period)
    values = row[list(MOVEMENTS)].to_numpy(dtype=float) / scale
    levels = np.r_[0.0, np.cumsum(values[:-1])]  # where each movement starts
    bottoms = np.where(values < 0, levels + values, levels)
    bottoms[0] = bottoms[-1] = 0.0  # opening and closing stand on the axis
    heights = np.abs(values)
    heights[0], heights[-1] = values[0], values[-1]
    colors = [_LEVEL] + [_GAIN if v >= 0 else _LOSS for v in values[1:-1]] + [_LEVEL]
    ax = axes(ax, (8.0, 4.0))
    x = np.arange(len(MOVEMENTS))
    ax.bar(x, heights, bottom=bottoms, color=colors, width=0.7)
    for i in range(len(MOVEMENTS) - 2):  # connectors: the level each bar hands on
        ax.plot([i + 0.35, i + 1 - 0.35], [levels[i + 1]] * 2, color="grey", lw=0.8)
    for i, v in enumerate(values):
        top = max(bottoms[i], bottoms[i] + heights[i])
        ax.annotate(
            f"{v:+,.0f}" if 0 < i < len(MOVEMENTS) - 1 else f"{v:,.0f}",
            (i, top),
            ha="center",
            va="bottom",
            fontsize="small",
            xytext=(0, 2),
            textcoords="offset points",
        )
    ax.set_xticks(x, list(MOVEMENTS))
    unit = "" if scale == 1 else f" (÷ {scale:,.0f})"
    ax.set(title=title or f"Revenue bridge {label}".strip(), ylabel=f"revenue{unit}")
    ax.axhline(0, color="black", lw=0.6)
    ax.grid(axis="y", alpha=0.3)
    return ax


def _one_period(bridge: pd.DataFrame | pd.Series, period: Any) -> tuple[pd.Series, str]:
    """The bridge of one period, its groups added up, and the period's label."""
    if isinstance(bridge, pd.Series):
        return bridge, str(bridge.get("period", ""))
    if bridge.empty:
        raise ValueError("the bridge table is empty")
    labels = bridge["period"].astype(str)
    label = str(labels.iloc[-1]) if period is None else getattr(period, "label", str(period))
    rows = bridge[labels == label]
    if rows.empty:
        raise ValueError(f"period {label!r} is not in the bridge (periods: {', '.join(labels.unique())})")
    return rows[list(MOVEMENTS)].sum(), label
