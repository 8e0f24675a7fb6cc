"""The report's revenue-bridge section: the waterfall of the period, the bridge of the last quarters, and the
period's bridge by region (hooked into :func:`accountkpi.report.html_report`)."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from .bridge import MOVEMENTS
from .plot_bridge import revenue_bridge as waterfall
from .report_format import html_table, png

if TYPE_CHECKING:
    from ._dates import Period
    from .book import Book

__all__ = ["bridge_section", "projects_section"]


def bridge_section(book: Book, period: Period, trend: list[Period]) -> str:
    """The HTML of the section for ``period``, with the bridge of each period of ``trend``.

    Examples
    --------
    >>> import accountkpi as ak
    >>> from accountkpi.report import _trend_periods
    >>> book = ak.datasets.demo_book(accounts=60, years=2)
    >>> page = bridge_section(book, ak.Period("2024Q2"), _trend_periods(ak.Period("2024Q2"), 4))
    >>> page.startswith("<h2>Revenue bridge — 2024Q2</h2>")
    True
    """
    quarters = book.revenue_bridge(trend)
    quick = book.kpis(trend, kpis="quick_ratio")["quick_ratio"].to_numpy()
    by_quarter = quarters.set_index("period")[list(MOVEMENTS)]
    by_quarter["quick_ratio"] = quick
    by_quarter.index = by_quarter.index.astype(str)
    regions = book.revenue_bridge(period, by="region")
    by_region = regions.assign(region=regions["region"].astype(str).replace("nan", "(none)"))
    by_region = by_region.set_index("region")[list(MOVEMENTS)]
    units = {m: "currency" for m in MOVEMENTS} | {"quick_ratio": "scale"}
    chart = png(lambda ax: waterfall(quarters, period=period, ax=ax), (8.0, 3.8))
    return (
        f"<h2>Revenue bridge — {html.escape(period.label)}</h2>"
        "<p class='note'>How revenue moved from the quarter before: opening + new + reactivated + resumed + "
        "expansion + contraction + churned = closing, to the cent. Resumed: clients that billed nothing the "
        "quarter before. Quick ratio: gains / losses.</p>"
        f"<div>{chart}</div><h3>By quarter</h3>{html_table(by_quarter, units=units)}"
        f"<h3>By region, {html.escape(period.label)}</h3>{html_table(by_region, units=units)}"
    )


def projects_section(book: Book, period: Period, trend: list[Period]) -> str:
    """The HTML of the backlog trend over ``trend`` (by service line) and the renewals due in the 90 days
    after ``period``; empty without projects.

    Examples
    --------
    >>> import accountkpi as ak
    >>> from accountkpi.report import _trend_periods
    >>> book = ak.datasets.demo_book(accounts=60, years=2)
    >>> page = projects_section(book, ak.Period("2024Q2"), _trend_periods(ak.Period("2024Q2"), 4))
    >>> page.startswith("<h2>Backlog and renewals — 2024Q2</h2>")
    True
    """

    if "projects" not in book.table_names or book.rows("projects") == 0:
        return ""
    backlog = book.kpis(trend, by="service_line", kpis="backlog")
    backlog = backlog.assign(service_line=backlog["service_line"].astype(str).replace("nan", "(none)"))
    wide = backlog.pivot_table(index="period", columns="service_line", values="backlog", observed=True)
    wide.index = wide.index.astype(str)
    wide.columns = [str(c) for c in wide.columns]
    wide["total"] = wide.sum(axis=1)
    units = {str(c): "currency" for c in wide.columns}

    def draw(ax: object) -> None:
        wide.drop(columns="total").plot.bar(stacked=True, ax=ax, rot=0)
        ax.set(title="Backlog at the end of each quarter", ylabel="contracted, not yet billed", xlabel="")
        ax.legend(frameon=False, fontsize="small")

    due = book.renewals(period.end, within="90D")
    shown = due[["project_id", "account_id", "end", "value", "billed", "burn", "margin", "health", "reasons"]]
    shown = shown.assign(
        project_id=shown["project_id"].astype(str),
        account_id=shown["account_id"].astype(str),
        end=shown["end"].dt.date.astype(str),
        reasons=shown["reasons"].fillna("").astype(str),
    ).set_index("project_id")
    due_units = {"value": "currency", "billed": "currency", "burn": "fraction", "margin": "fraction"}
    return (
        f"<h2>Backlog and renewals — {html.escape(period.label)}</h2>"
        "<p class='note'>Backlog: the value of signed, unfinished projects not yet billed (never below 0). "
        f"Renewals: projects whose contract ends in the 90 days after {html.escape(period.label)}, with the "
        "account's health.</p>"
        f"<div>{png(draw)}</div>{html_table(wide, units=units)}"
        f"<h3>Renewals due ({len(shown)}; {due['value'].sum():,.0f} of contract value)</h3>"
        f"{html_table(shown, units=due_units)}"
    )
