"""The chart of a health backtest: its ROC curve beside the churn rate of each health band (re-exported by
:mod:`accountkpi.plot`). Requires matplotlib."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from .health_backtest import Backtest

__all__ = ["health_backtest"]


def roc_curve(backtest: Backtest, ax: Axes) -> Axes:
    """The ROC curve with its AUC, the chance diagonal and the riskiest tenth marked."""
    roc = backtest.roc
    ax.plot(
        roc["false_positive_rate"],
        roc["true_positive_rate"],
        color="C0",
        lw=2,
        drawstyle="steps-post",
        label=f"health score (AUC {backtest.auc:.2f})",
    )
    ax.plot([0, 1], [0, 1], color="grey", ls="--", lw=1, label="chance (AUC 0.50)")
    if not np.isnan(backtest.top_decile_recall):
        ax.axhline(
            backtest.top_decile_recall,
            color="C3",
            ls=":",
            lw=1,
            label=f"riskiest tenth: {backtest.top_decile_recall:.0%} of churners",
        )
    ax.set(
        xlim=(0, 1),
        ylim=(0, 1),
        title=f"Churn within {backtest.horizon} period(s): ROC",
        xlabel="Share of clients who stayed, flagged",
        ylabel="Share of churners, flagged",
    )
    ax.legend(frameon=False, loc="lower right")
    return ax


def churn_by_band(backtest: Backtest, ax: Axes) -> Axes:
    """The churn rate of each health band, with its churners over its clients, and the overall rate."""
    bands = backtest.bands
    x = np.arange(len(bands))
    rates = bands["churn_rate"].fillna(0).to_numpy()
    ax.bar(x, rates, color=["C3", "C1", "C2"][: len(bands)], width=0.6)
    for k, (rate, churners, accounts) in enumerate(
        zip(rates, bands["churners"], bands["accounts"], strict=True)
    ):
        ax.annotate(f"{churners} of {accounts}", (k, rate), ha="center", va="bottom", fontsize=8)
    ax.axhline(
        backtest.churn_rate, color="grey", ls="--", lw=1, label=f"all clients {backtest.churn_rate:.1%}"
    )
    labels = [
        f"{b}\n{lo:g}-{hi:g}" for b, lo, hi in zip(bands["band"], bands["lower"], bands["upper"], strict=True)
    ]
    ax.set_xticks(x, labels)
    ax.yaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
    ax.set(title="Churn rate by health band", ylabel="Churned in the next period(s)")
    ax.legend(frameon=False)
    return ax


def health_backtest(backtest: Backtest, axes: Sequence[Axes] | None = None) -> tuple[Axes, Axes]:
    """The ROC curve of a health backtest and the churn rate by health band, side by side.

    Parameters
    ----------
    backtest : Backtest
        From :func:`accountkpi.health.backtest`.
    axes : sequence of Axes, optional
        Where to draw (a new figure with two panels when omitted).

    Returns
    -------
    tuple of Axes
        The ROC panel and the bands panel.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import accountkpi as ak
    >>> bt = ak.health.backtest(ak.datasets.demo_book(), ak.periods("2024-01-01", "2025-10-01", "Q"))
    >>> roc, bands = ak.plot.health_backtest(bt)
    >>> roc.get_xlabel()
    'Share of clients who stayed, flagged'
    """
    if axes is None:
        import matplotlib.pyplot as plt  # optional heavy dependency: imported only to draw

        _, axes = plt.subplots(1, 2, figsize=(11.0, 4.0), layout="constrained")
    roc, bands = axes
    return roc_curve(backtest, roc), churn_by_band(backtest, bands)
