"""The report's section on whether the health score predicts churn on this book (see
:func:`accountkpi.health.backtest`): placed beside the at-risk list so that its story can be checked."""

from __future__ import annotations

import html
import itertools
from typing import TYPE_CHECKING

import pandas as pd

from ._dates import Period, periods
from .health import backtest
from .plot_backtest import churn_by_band, roc_curve
from .report_format import html_table, png

if TYPE_CHECKING:
    from .book import Book

__all__ = ["backtest_periods", "backtest_section"]


def backtest_periods(book: Book, period: Period, most: int = 12) -> list[Period]:
    """The last ``most`` calendar quarters from the one of the first revenue line up to ``period``, whose next
    quarter ends within the data and by ``period``'s end."""
    span = book.span
    dates = book.table("revenue")["date"]  # sorted by date
    if span is None or dates.empty:
        return []
    end = min(span.end, period.end)
    quarters = periods(dates.iloc[0].date(), end, "Q")
    known = [q for q, after in itertools.pairwise(quarters) if after.end <= end]
    return known[-most:]


def backtest_section(book: Book, period: Period) -> str:
    """HTML: next-quarter AUC and lift of the default health score, churn by health band and the chart."""

    quarters = backtest_periods(book, period)
    if not quarters:
        return ""
    bt = backtest(book, quarters)
    window = f"{quarters[0].label}–{quarters[-1].label}"
    if bt.churners == 0:
        return (
            f"<h2>Does health predict churn?</h2><p>No client at the end of {window} churned in the next "
            "quarter: nothing to test the health score against.</p>"
        )
    verdict = "well" if bt.auc >= 0.7 else "weakly" if bt.auc >= 0.6 else "no better than chance"
    text = (
        f"Backtest of the default health score on this book: at the end of each quarter {window}, "
        f"{bt.accounts:,} client-quarters scored against churn in the next quarter ({bt.churners} churned). "
        f"AUC {bt.auc:.2f} (0.5 is chance): it ranks the clients who leave {verdict}. The riskiest tenth "
        f"churned at {bt.top_decile_precision:.1%}, {bt.top_decile_lift:.1f}× the {bt.churn_rate:.1%} of "
        f"all clients, and held {bt.top_decile_recall:.0%} of the churners."
    )
    if bt.unscored:
        text += (
            f" {bt.unscored} client-quarters had no health score ({bt.unscored_churners} of them churned)."
        )
    bands = pd.DataFrame(
        {
            "health": [f"{lo:g}–{hi:g}" for lo, hi in zip(bt.bands["lower"], bt.bands["upper"], strict=True)],
            "clients": bt.bands["accounts"].to_numpy(),
            "churned": bt.bands["churners"].to_numpy(),
            "churn_rate": bt.bands["churn_rate"].to_numpy(),
            "share_of_churners": bt.bands["share_of_churners"].map(lambda x: f"{x:.0%}").to_numpy(),
        },
        index=pd.Index(bt.bands["band"], name="band"),
    )
    per = bt.periods.set_index("period")[["accounts", "churners", "auc"]].rename(
        columns={"accounts": "clients", "auc": "AUC"}
    )
    per["AUC"] = per["AUC"].map(lambda x: "n/a" if pd.isna(x) else f"{x:.2f}")
    counts = {"clients": "count", "churned": "count", "churners": "count"}
    charts = png(lambda ax: roc_curve(bt, ax), (4.6, 3.6)) + png(lambda ax: churn_by_band(bt, ax), (4.6, 3.6))
    return (
        f"<h2>Does health predict churn?</h2><p>{html.escape(text)}</p><div class='row'>"
        f"<div>{html_table(bands, units=counts)}<h3>By quarter</h3>{html_table(per, units=counts)}</div>"
        f"<div>{charts}</div></div>"
        "<p>To weigh the components by this book's own history: ak.health.fit_weights (docs/health.md).</p>"
    )
