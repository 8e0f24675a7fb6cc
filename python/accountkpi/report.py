"""Readable overviews of a Book: the plain-text summary and the self-contained HTML report."""

from __future__ import annotations

import base64
import datetime as dt
import html
import io
import sys
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pandas as pd

from ._dates import Period, periods
from .book import Book

__all__ = ["default_period", "html_report", "summary_text"]

HEADLINE = [
    "active_clients",
    "new_clients",
    "churned_clients",
    "retention_rate",
    "nrr",
    "grr",
    "revenue",
    "gross_margin",
    "arpa",
    "avg_deal_size",
    "csat",
    "nps",
    "timely_response_rate",
    "top_share",
]
_PERCENT = {
    "retention_rate",
    "churn_rate",
    "nrr",
    "grr",
    "gross_margin",
    "csat",
    "timely_response_rate",
    "top_share",
    "revenue_churn_rate",
    "request_conversion_rate",
    "attainment",
    "largest_client_share",
}


def default_period(book: Book) -> Period:
    """The last whole calendar quarter of the book's data (or the quarter of its last event)."""
    span = book.span
    if span is None:
        raise ValueError("the book has no dated events")
    end = span.end
    quarters = periods(span.begin, end, "Q")
    whole = [q for q in quarters if q.end <= end]
    return whole[-1] if whole else quarters[-1]


def summary_text(book: Book) -> str:
    """A plain-text overview of ``book``: its tables, its clients, its revenue and margin per year."""
    lines = [f"accountkpi book: {book.n_accounts} accounts"]
    span = book.span
    if span is not None:
        lines.append(f"events from {span.begin} to {span.end - dt.timedelta(days=1)}")
    lines.append("rows: " + "  ".join(f"{t} {book.rows(t):,}" for t in book.table_names))
    if span is not None:
        years = periods(span.begin, span.end, "Y")
        t = book.kpis(
            years,
            kpis=[
                "active_clients",
                "new_clients",
                "churned_clients",
                "retention_rate",
                "nrr",
                "revenue",
                "gross_margin",
            ],
        ).set_index("period")
        lines += ["", "by year", _text_table(t)]
    return "\n".join(lines)


def _text_table(t: pd.DataFrame) -> str:
    shown = t.copy()
    for c in shown.columns:
        if c in _PERCENT:
            shown[c] = shown[c].map(lambda x: "n/a" if pd.isna(x) else f"{x:.1%}")
        elif pd.api.types.is_float_dtype(shown[c]):
            shown[c] = shown[c].map(lambda x: "n/a" if pd.isna(x) else f"{x:,.0f}")
    return shown.to_string()


def _fmt(kpi: str, x: Any) -> str:
    if x is None or (isinstance(x, float) and np.isnan(x)):
        return '<span class="na">n/a</span>'
    if isinstance(x, (int, np.integer)) or (
        isinstance(x, float)
        and kpi.endswith(("clients", "count", "s"))
        and float(x).is_integer()
        and kpi not in _PERCENT
    ):
        return f"{x:,.0f}"
    if kpi in _PERCENT:
        return f"{x:.1%}"
    if isinstance(x, (float, np.floating)):
        return f"{x:,.2f}" if abs(x) < 100 else f"{x:,.0f}"
    return html.escape(str(x))


def _table(frame: pd.DataFrame, index: bool = True, kpi_rows: bool = False) -> str:
    """An HTML table; numbers are formatted by their column's KPI, or by their row's when ``kpi_rows``."""
    cols = list(frame.columns)
    head = "".join(
        f"<th>{html.escape(str(c))}</th>" for c in ([frame.index.name or ""] if index else []) + cols
    )
    rows = []
    for key, row in frame.iterrows():
        cells = [f"<th>{html.escape(str(key))}</th>"] if index else []
        cells += [
            f'<td class="text">{html.escape(row[c])}</td>'
            if isinstance(row[c], str)
            else f"<td>{_fmt(str(key) if kpi_rows else str(c), row[c])}</td>"
            for c in cols
        ]
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _png(draw: Callable[[Any], Any], size: tuple[float, float] = (7.0, 3.6)) -> str:
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=size, layout="constrained")
    draw(ax)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110)
    plt.close(fig)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f'<img alt="chart" src="data:image/png;base64,{data}">'


def _progress(steps: list[str]) -> Iterator[str]:
    try:
        from tqdm import tqdm
    except ImportError:  # pragma: no cover
        yield from steps
        return
    yield from tqdm(steps, desc="report", unit="section", disable=not sys.stderr.isatty(), leave=False)


def html_report(book: Book, period: Period | None = None, *, title: str = "Account management report") -> str:
    """A self-contained HTML report (tables and charts embedded; opens offline in any browser).

    Sections: company KPIs and their trend, KPIs by tier and region, scorecards per manager (when the book has
    managers and targets), revenue concentration with its Lorenz/Pareto chart, at-risk accounts with reasons,
    lifetime value by segment, and acquisition cohorts.

    Parameters
    ----------
    book : Book
    period : Period, optional
        The period reported on (default: the last whole quarter of the data). Trends show the 8 quarters
        up to it.

    Examples
    --------
    >>> import accountkpi as ak
    >>> page = html_report(ak.datasets.demo_book(accounts=60, years=2))
    >>> page.startswith("<!DOCTYPE html>")
    True
    """
    period = period or default_period(book)
    sections: list[str] = []
    builders: dict[str, Callable[[], str]] = {
        "company": lambda: _company(book, period),
        "segments": lambda: _segments(book, period),
        "scorecards": lambda: _scorecards(book, period),
        "concentration": lambda: _concentration(book, period),
        "risk": lambda: _at_risk(book, period),
        "ltv": lambda: _ltv(book, period),
        "cohorts": lambda: _cohorts(book, period),
    }
    for name in _progress(list(builders)):
        part = builders[name]()
        if part:
            sections.append(part)
    span = book.span
    meta = (
        f"{book.n_accounts:,} accounts · data {span.begin} – {span.end - dt.timedelta(days=1)}"
        if span is not None
        else f"{book.n_accounts:,} accounts"
    )
    return _PAGE.format(
        title=html.escape(title),
        period=html.escape(period.label),
        meta=html.escape(meta),
        generated=dt.date.today().isoformat(),
        body="\n".join(sections),
    )


def _trend_periods(period: Period, n: int = 8) -> list[Period]:
    quarters: list[Period] = []
    end = period.end
    for _ in range(n):
        begin = (pd.Timestamp(end) - pd.DateOffset(months=3)).date()
        quarters.insert(0, Period(begin, end))
        end = begin
    return quarters if period.months == 3 else [*quarters[:-1], period]


def _company(book: Book, period: Period) -> str:
    trend = _trend_periods(period)
    t = book.kpis(trend, kpis=HEADLINE)
    now, before = t.iloc[-1], t.iloc[-2]
    rows = pd.DataFrame({"this period": now[HEADLINE], "previous": before[HEADLINE]})
    rows.index.name = "KPI"

    def draw(ax: Any) -> None:
        labels = t["period"].astype(str)
        ax.plot(labels, t["retention_rate"] * 100, marker="o", label="retention (%)")
        ax.plot(labels, t["nrr"] * 100, marker="o", label="NRR (%)")
        ax.plot(labels, t["gross_margin"] * 100, marker="o", label="gross margin (%)")
        ax.set(title="Keeping and growing clients, by quarter", ylabel="%")
        ax.legend(frameon=False, fontsize="small")
        ax.grid(alpha=0.3)
        ax2 = ax.twinx()
        ax2.bar(labels, t["revenue"] / 1e6, alpha=0.15, color="grey")
        ax2.set_ylabel("revenue (millions)")

    return (
        f"<h2>Company KPIs — {html.escape(period.label)}</h2><div class='row'>"
        f"<div>{_table(rows)}</div><div>{_png(draw)}</div></div>"
    )


def _segments(book: Book, period: Period) -> str:
    kpis = [
        "active_clients",
        "retention_rate",
        "nrr",
        "revenue",
        "gross_margin",
        "arpa",
        "csat",
        "timely_response_rate",
    ]
    parts = []
    for key in ("tier", "region"):
        t = book.kpis(period, by=key, kpis=kpis).drop(columns="period").set_index(key)
        t.index = pd.Index([f"(no {key})" if pd.isna(x) else str(x) for x in t.index], name=key)
        parts.append(f"<h3>By {key}</h3>{_table(t)}")
    return "<h2>Segments</h2>" + "".join(parts)


def _scorecards(book: Book, period: Period) -> str:
    if "managers" not in book.table_names:
        return ""
    from .plot import scorecard

    try:
        cards = book.scorecards(period)
    except (ValueError, KeyError) as e:
        return f"<h2>Scorecards</h2><p class='na'>No scorecards: {html.escape(str(e))}</p>"
    if len(cards) == 0:
        return ""
    cards = cards.astype({"manager_id": str, "tier": str})
    totals = cards.groupby(["manager_id", "tier"], sort=False)["score"].sum(min_count=1)
    summary = totals.reset_index().sort_values("score", ascending=False).set_index("manager_id")
    summary["unscored KPIs"] = cards[cards["attainment"].isna()].groupby("manager_id")["kpi"].agg(", ".join)
    summary["unscored KPIs"] = summary["unscored KPIs"].fillna("")
    best = summary.index[0]
    chart = _png(lambda ax: scorecard(cards[cards["manager_id"] == best], ax=ax), (6, 0.4 * 10 + 1.5))
    return (
        f"<h2>Scorecards per manager</h2><div class='row'><div>{_table(summary)}</div>"
        f"<div><h3>{html.escape(best)}: the best score</h3>{chart}</div></div>"
        f"<details><summary>Every KPI of every scorecard</summary>{_table(cards.set_index('manager_id'))}"
        "</details>"
    )


def _concentration(book: Book, period: Period) -> str:
    from .plot import lorenz

    per_account = book.kpis(period, by="account", kpis=["revenue"]).set_index("account_id")["revenue"]
    positive = per_account[per_account > 0].sort_values(ascending=False)
    if positive.empty:
        return ""
    c = book.kpis(period, kpis=["top_share", "pareto_ratio", "gini", "hhi", "largest_client_share"]).iloc[0]
    facts = pd.DataFrame({"value": c[["top_share", "pareto_ratio", "gini", "hhi", "largest_client_share"]]})
    facts.index.name = "measure"
    top = pd.DataFrame({"revenue": positive.head(10), "share": positive.head(10) / positive.sum()})
    top.index.name = "account_id"
    top = top.rename(columns={"share": "top_share"})
    return (
        f"<h2>Revenue concentration</h2><div class='row'><div>{_table(facts)}<h3>Top 10 accounts</h3>"
        f"{_table(top)}</div><div>{_png(lambda ax: lorenz(positive.to_numpy(), ax=ax), (5, 5))}</div></div>"
    )


def _at_risk(book: Book, period: Period) -> str:
    from .health import at_risk, health
    from .plot import health_distribution

    scores = health(book, period)
    if scores.empty:
        return ""
    risky = at_risk(book, period)
    shown = (
        risky[["account_id", "health", "reasons"]]
        .head(25)
        .astype({"account_id": str})
        .set_index("account_id")
    )
    chart = _png(lambda ax: health_distribution(scores["health"], ax=ax), (6, 3.2))
    return (
        f"<h2>At-risk accounts ({len(risky)} of {len(scores)} clients)</h2><div class='row'>"
        f"<div>{_table(shown)}</div><div>{chart}</div></div>"
    )


def _ltv(book: Book, period: Period) -> str:
    t = book.kpis(period, by="region", kpis=["ltv_historical", "active_clients", "arpa"]).drop(
        columns="period"
    )
    t = t.set_index("region")
    parts = [f"<h3>Historical LTV (gross profit to date) by region</h3>{_table(t)}"]
    try:
        from .ltv import predicted_clv

        clv = predicted_clv(book, period.end, time=12, discount_rate=0.01, freq="W")["clv"]
        regions = book.table("accounts").drop_duplicates("account_id").set_index("account_id")["region"]
        frame = pd.DataFrame({"clv_12_months": clv.to_numpy(dtype=float)}, index=clv.index)
        frame["region"] = regions.reindex(frame.index).astype(str).to_numpy()
        by_region = frame.groupby("region")["clv_12_months"].agg(["mean", "sum", "count"])
        parts.append(
            "<h3>Predicted 12-month revenue value (BG/NBD + Gamma-Gamma) by region</h3>" + _table(by_region)
        )
    except (ValueError, RuntimeError, ImportError) as e:
        parts.append(f"<p class='na'>Predicted LTV not available: {html.escape(str(e))}</p>")
    return "<h2>Lifetime value</h2>" + "".join(parts)


def _cohorts(book: Book, period: Period) -> str:
    from .plot import cohort_heatmap

    table = book.cohorts("Y", end=period.end)
    table = table[table.index >= str(period.begin.year - 6)]
    if table.empty:
        return ""
    return "<h2>Acquisition cohorts (share still clients)</h2>" + _png(
        lambda ax: cohort_heatmap(table, ax=ax), (8, 3.8)
    )


_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>
body {{ font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 2em auto;
       max-width: 1150px; color: #222; line-height: 1.4; }}
h1 {{ margin-bottom: 0.1em; }} .meta {{ color: #666; margin-top: 0; }}
h2 {{ border-bottom: 2px solid #1f77b4; padding-bottom: 0.2em; margin-top: 1.8em; }}
table {{ border-collapse: collapse; font-size: 0.88em; margin: 0.5em 0; }}
th, td {{ padding: 0.25em 0.7em; border-bottom: 1px solid #ddd; text-align: right; }}
th:first-child {{ text-align: left; }} thead th {{ background: #f2f5f9; }}
.row {{ display: flex; gap: 2em; flex-wrap: wrap; align-items: flex-start; }} img {{ max-width: 100%; }}
.na {{ color: #999; }} details {{ margin: 0.5em 0; }} td.text {{ text-align: left; }}
</style></head><body>
<h1>{title}</h1><p class="meta">Period {period} · {meta} · generated {generated} by accountkpi</p>
{body}
</body></html>
"""
