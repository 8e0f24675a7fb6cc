"""Readable overviews of a Book: the plain-text summary and the self-contained HTML report."""

from __future__ import annotations

import datetime as dt
import html
import sys
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ._dates import Period, as_period, periods
from .book import Book
from .compare import compare
from .health import health
from .kpi import Scope
from .ltv import predicted_clv
from .plot import cohort_heatmap, health_distribution, lorenz, scorecard
from .report_backtest import backtest_section
from .report_bridge import bridge_section, projects_section
from .report_format import format_value, html_table, html_value, kpi_rows, png, unit_of
from .tiers import UnscoredGoalWarning, farmers_closers, scorecard_summary
from .tiers_priority import prioritise
from .whatif import retention_uplift

__all__ = [
    "Review",
    "default_period",
    "format_value",
    "html_report",
    "review",
    "summary_text",
    "unit_of",
    "xlsx_report",
]

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
        if unit_of(str(c)) in ("fraction", "ratio"):  # as format_value shows them
            shown[c] = shown[c].map(lambda x: "n/a" if pd.isna(x) else f"{x:.1%}")
        elif pd.api.types.is_float_dtype(shown[c]):
            shown[c] = shown[c].map(lambda x: "n/a" if pd.isna(x) else f"{x:,.0f}")
    return shown.to_string()


def _progress(steps: list[str]) -> Iterator[str]:
    try:
        from tqdm import tqdm  # optional: a progress bar when installed
    except ImportError:  # pragma: no cover
        yield from steps
        return
    yield from tqdm(steps, desc="report", unit="section", disable=not sys.stderr.isatty(), leave=False)


@dataclass
class Review:
    """The numbers of a quarterly account review, computed once for the HTML report, the Excel export and
    the story.

    Attributes
    ----------
    period : Period
    company : DataFrame
        :func:`accountkpi.compare.compare` of the headline KPIs against the previous period and a year ago
        (survey KPIs over the trailing 12 months).
    movers : DataFrame
        The accounts whose revenue moved most on the previous period (``account_id, revenue, previous,
        change``), biggest absolute change first.
    scorecards, scorecard_summary : DataFrame
        Every farmer's scorecard and one row per manager (:func:`accountkpi.tiers.scorecard_summary`).
    unscored : list of str
        The warnings about goals unscored for a whole tier (none on the demo book).
    farmers_closers : DataFrame
        :func:`accountkpi.tiers.farmers_closers` by role, this period and a year ago.
    priorities : DataFrame
        One row per client-portfolio manager: clients, drop candidates, unhealthy clients, the top priority.
    health, at_risk : DataFrame
        :func:`accountkpi.health.health` of every client and the at-risk ones.
    whatif : RetentionUplift
        Five points more retention over the period (:func:`accountkpi.whatif.retention_uplift`).
    story : list of str
        What moved and why, in sentences generated from the numbers above.
    """

    period: Period
    company: pd.DataFrame
    movers: pd.DataFrame
    scorecards: pd.DataFrame
    scorecard_summary: pd.DataFrame
    unscored: list[str]
    farmers_closers: pd.DataFrame
    priorities: pd.DataFrame
    health: pd.DataFrame
    at_risk: pd.DataFrame
    whatif: Any
    story: list[str] = field(default_factory=list)

    def tables(self) -> dict[str, pd.DataFrame]:
        """The review's tables by name (the sheets of the Excel export), the story first."""
        return {
            "story": pd.DataFrame({"story": self.story}),
            "company": self.company,
            "movers": self.movers,
            "scorecard_summary": self.scorecard_summary.reset_index(),
            "scorecards": self.scorecards,
            "farmers_closers": self.farmers_closers,
            "priorities": self.priorities,
            "at_risk": self.at_risk,
            "health": self.health,
            "whatif": self.whatif.to_frame(),
        }


def review(book: Book, period: Period | str | None = None, *, movers: int = 5) -> Review:
    """The quarterly account review of ``period`` (default: the last whole quarter of the data).

    Examples
    --------
    >>> import accountkpi as ak
    >>> r = review(ak.datasets.demo_book(), "2025Q2")
    >>> r.unscored, len(r.story) >= 5
    ([], True)
    """
    p = default_period(book) if period is None else as_period(period)
    company = compare(book, p, kpis=HEADLINE, window=12)
    moved = _movers(book, p, movers)
    cards, summary, unscored = _scorecards_of(book, p)
    split = pd.DataFrame()
    if "managers" in book.table_names:
        split = pd.concat([farmers_closers(book, x) for x in (p, p.year_ago())], ignore_index=True)
        split = split.sort_values(["role", "period"], kind="stable")
    scores = health(book, p)
    risky = scores[scores["band"] == "at_risk"].reset_index(drop=True)
    r = Review(
        period=p,
        company=company,
        movers=moved,
        scorecards=cards,
        scorecard_summary=summary,
        unscored=unscored,
        farmers_closers=split.reset_index(drop=True),
        priorities=_priorities(book, p),
        health=scores,
        at_risk=risky,
        whatif=retention_uplift(book, p, points=0.05),
    )
    r.story = _story(r)
    return r


def _movers(book: Book, p: Period, n: int) -> pd.DataFrame:
    c = compare(book, p, vs="previous", by="account", kpis="revenue")
    c = c.assign(change=c["previous_delta"].fillna(c["value"]))
    c = c.reindex(c["change"].abs().sort_values(ascending=False, kind="stable").index).head(n)
    return c.rename(columns={"value": "revenue"})[
        ["account_id", "revenue", "previous", "change"]
    ].reset_index(drop=True)


def _scorecards_of(book: Book, p: Period) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    if "managers" not in book.table_names:
        return pd.DataFrame(), pd.DataFrame(), []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", UnscoredGoalWarning)
        cards = book.scorecards(p)
    unscored = [str(w.message) for w in caught if issubclass(w.category, UnscoredGoalWarning)]
    for w in caught:
        if not issubclass(w.category, UnscoredGoalWarning):
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    return cards, scorecard_summary(cards) if len(cards) else pd.DataFrame(), unscored


def _priorities(book: Book, p: Period) -> pd.DataFrame:
    if "managers" not in book.table_names:
        return pd.DataFrame()
    managers = book.table("managers")
    portfolio = managers.loc[managers["tier"].astype(str) == "client_portfolio", "manager_id"].tolist()
    rows = []
    for m in portfolio:
        ranked = prioritise(book, p, manager=m)
        if ranked.empty:
            continue
        top = ranked.iloc[0]
        drops = ranked.loc[ranked["drop_candidate"], "account_id"].astype(str).tolist()
        rows.append(
            {
                "manager_id": str(m),
                "clients": len(ranked),
                "top_priority": str(top["account_id"]),
                "drop_candidates": len(drops),
                "drop_accounts": ", ".join(drops),
                "unhealthy": int(ranked["risk_flags"].str.contains("unhealthy").sum()),
                "revenue": float(ranked["revenue"].sum()),
                "margin": float(ranked["gross_profit"].sum() / ranked["revenue"].sum())
                if ranked["revenue"].sum()
                else np.nan,
            }
        )
    return pd.DataFrame(rows)


def _money(x: float) -> str:
    if not np.isfinite(x):
        return "n/a"
    for scale, suffix in ((1e9, "bn"), (1e6, "M"), (1e3, "k")):
        if abs(x) >= scale:
            return f"{x / scale:,.1f}{suffix}"
    return f"{x:,.0f}"


def _signed_money(x: float) -> str:
    return ("+" if x > 0 else "") + _money(x)


def _change(row: pd.Series, name: str) -> str:
    """``+3.2% on 2025Q1`` (or points for a fraction)."""
    delta, rel = row[f"{name}_delta"], row[f"{name}_relative"]
    if row["unit"] in ("fraction", "ratio"):
        return "n/a" if pd.isna(delta) else f"{delta * 100:+.1f} points"
    return "n/a" if pd.isna(rel) else f"{rel:+.1%}"


def _story(r: Review) -> list[str]:
    """What moved and why, in a few sentences generated from the review's numbers."""
    periods = r.company.attrs["periods"]
    prev, ago = periods["previous"], periods["year_ago"]
    kpi = r.company.set_index("kpi")
    out = []
    rev = kpi.loc["revenue"]
    out.append(
        f"Revenue in {r.period.label} was {_money(rev['value'])}, {_change(rev, 'previous')} on {prev} and "
        f"{_change(rev, 'year_ago')} on {ago}; gross margin "
        f"{format_value('fraction', kpi.loc['gross_margin', 'value'])} "
        f"({_change(kpi.loc['gross_margin'], 'previous')} on {prev})."
    )
    ret, nrr = kpi.loc["retention_rate"], kpi.loc["nrr"]
    out.append(
        f"Retention {format_value('fraction', ret['value'])} ({_change(ret, 'year_ago')} on {ago}), "
        f"{format_value('count', kpi.loc['churned_clients', 'value'])} clients lost and "
        f"{format_value('count', kpi.loc['new_clients', 'value'])} won; "
        f"NRR {format_value('ratio', nrr['value'])}."
    )
    if len(r.movers):
        up = r.movers[r.movers["change"] > 0].head(3)
        down = r.movers[r.movers["change"] < 0].head(3)
        parts = []
        if len(up):
            parts.append(
                "up "
                + ", ".join(
                    f"{a} ({_signed_money(c)})" for a, c in zip(up["account_id"], up["change"], strict=False)
                )
            )
        if len(down):
            parts.append(
                "down "
                + ", ".join(
                    f"{a} ({_signed_money(c)})"
                    for a, c in zip(down["account_id"], down["change"], strict=False)
                )
            )
        out.append(f"Biggest revenue movers on {prev}: " + "; ".join(parts) + ".")
    if len(r.scorecard_summary):
        s = r.scorecard_summary
        behind = s[s["score"] < 1].sort_values("score", kind="stable")
        names = ", ".join(
            f"{m} ({format_value('fraction', row['score'])}, most lost on {row['costliest_kpi']})"
            for m, row in behind.head(3).iterrows()
        )
        out.append(
            f"{len(behind)} of {len(s)} managers are behind target"
            + (f"; furthest behind: {names}." if len(behind) else ".")
        )
    if r.unscored:
        out.append("Not every goal could be scored: " + " ".join(r.unscored))
    if len(r.at_risk):
        worst = "; ".join(
            f"{a} (health {h:.0f}: {why})"
            for a, h, why in zip(
                r.at_risk["account_id"].head(3), r.at_risk["health"], r.at_risk["reasons"], strict=False
            )
        )
        out.append(f"{len(r.at_risk)} of {len(r.health)} clients are at risk; the worst: {worst}.")
    else:
        out.append(f"No client of the {len(r.health)} is at risk.")
    fc = r.farmers_closers
    fc = fc[fc["period"].astype(str) == r.period.label].set_index("role") if len(fc) else fc
    if {"farmer", "closer"} <= set(fc.index.astype(str)):
        out.append(
            f"Farmers billed {_money(fc.loc['farmer', 'revenue'])} "
            f"({format_value('fraction', fc.loc['farmer', 'gross_margin'])} "
            f"margin), closers {_money(fc.loc['closer', 'revenue'])}, of which "
            f"{format_value('fraction', fc.loc['closer', 'new_logo_share'])} from new logos."
        )
    w = r.whatif
    out.append(
        f"What if: keeping 5 more points of the {w.clients_start} clients at the start "
        f"({w.extra_clients_kept} "
        f"clients) would add {_money(w.profit_next_period)} gross profit next quarter and "
        f"{_money(w.lifetime_uplift)} over {w.horizon:g} years discounted at {w.discount:.0%} "
        f"({'+' if w.profit_uplift > 0 else ''}{format_value('relative', w.profit_uplift)} on "
        f"{_money(w.horizon_profit)})."
    )
    return out


def html_report(
    book: Book, period: Period | str | None = None, *, title: str = "Account management report"
) -> str:
    """A self-contained HTML report (tables and charts embedded; opens offline in any browser).

    Sections: the review story (what moved and why), company KPIs against the previous quarter and a year
    ago with their trend, KPIs by tier and region, farmers versus closers, scorecards per manager (score,
    unscored goals, the goal that cost most), the organisation (when the Book has reporting lines or units:
    the tree of teams with their KPIs and scores, and the three placements of account managers compared),
    prioritisation per portfolio manager, the what-if, revenue
    concentration, at-risk accounts with reasons, lifetime value by segment, and acquisition cohorts. Counts
    show as integers, ratios as percent, money with thousands separators; every at-risk account is listed.

    Parameters
    ----------
    book : Book
    period : Period or str, optional
        The period reported on (default: the last whole quarter of the data). Trends show the 8 quarters
        up to it.

    Examples
    --------
    >>> import accountkpi as ak
    >>> page = html_report(ak.datasets.demo_book(accounts=60, years=2))
    >>> page.startswith("<!DOCTYPE html>")
    True
    """
    r = review(book, period)
    p = r.period
    sections: list[str] = []
    builders: dict[str, Callable[[], str]] = {
        "story": lambda: _story_html(r),
        "company": lambda: _company(book, r),
        "bridge": lambda: bridge_section(book, p, _trend_periods(p, 4)),
        "projects": lambda: projects_section(book, p, _trend_periods(p, 4)),
        "segments": lambda: _segments(book, p),
        "farmers_closers": lambda: _farmers_closers(r),
        "scorecards": lambda: _scorecards(r),
        "organisation": lambda: _organisation(book, r),
        "priorities": lambda: _priorities_html(r),
        "whatif": lambda: _whatif(r),
        "concentration": lambda: _concentration(book, p),
        "risk": lambda: _at_risk(r),
        "backtest": lambda: backtest_section(book, p),
        "ltv": lambda: _ltv(book, p),
        "cohorts": lambda: _cohorts(book, p),
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
        period=html.escape(p.label),
        meta=html.escape(meta),
        generated=dt.date.today().isoformat(),
        body="\n".join(sections),
    )


def xlsx_report(book: Book, path: Any, period: Period | str | None = None) -> None:
    """The review's story and tables as an Excel workbook, one sheet each (needs ``openpyxl``:
    ``pip install accountkpi[xlsx]``). Fractions are written as numbers with a percent format.

    Examples
    --------
    >>> import accountkpi as ak, tempfile, pathlib, openpyxl
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "review.xlsx"
    >>> xlsx_report(ak.datasets.demo_book(accounts=60, years=2), out)
    >>> openpyxl.load_workbook(out).sheetnames[:3]
    ['story', 'company', 'movers']
    """
    try:
        import openpyxl  # noqa: F401
    except ImportError as e:  # pragma: no cover - the message is the point
        raise ImportError("the Excel export needs openpyxl: pip install 'accountkpi[xlsx]'") from e
    r = review(book, period)
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for name, frame in r.tables().items():
            frame = frame.copy()
            for c in frame.columns:
                if isinstance(frame[c].dtype, pd.CategoricalDtype) or frame[c].dtype == object:
                    frame[c] = frame[c].astype(object).where(frame[c].notna(), None)
            frame.to_excel(writer, sheet_name=name, index=False)
            sheet = writer.sheets[name]
            for j, c in enumerate(frame.columns, start=1):
                u = _sheet_unit(name, str(c), frame)
                fmt = {"fraction": "0.0%", "ratio": "0.0%", "relative": "0.0%", "count": "#,##0",
                       "currency": "#,##0", "points": "0.0%"}.get(u)  # fmt: skip
                if fmt:
                    for cell in sheet.iter_cols(min_col=j, max_col=j, min_row=2):
                        for x in cell:
                            x.number_format = fmt


def _sheet_unit(sheet: str, column: str, frame: pd.DataFrame) -> str:
    if sheet == "company" and column in ("value", "previous", "year_ago"):
        return ""  # mixed units by row
    return unit_of(column)


def _story_html(r: Review) -> str:
    items = "".join(f"<li>{html.escape(x)}</li>" for x in r.story)
    heading = f"Review — {html.escape(r.period.label)}: what changed and what to do"
    return f"<h2>{heading}</h2><ul class='story'>{items}</ul>"


def _trend_periods(period: Period, n: int = 8) -> list[Period]:
    quarters: list[Period] = []
    end = period.end
    for _ in range(n):
        begin = (pd.Timestamp(end) - pd.DateOffset(months=3)).date()
        quarters.insert(0, Period(begin, end))
        end = begin
    return quarters if period.months == 3 else [*quarters[:-1], period]


def _company(book: Book, r: Review) -> str:
    trend = book.kpis(_trend_periods(r.period), kpis=HEADLINE)
    c = r.company.set_index("kpi")
    periods = c.attrs.get("periods") or r.company.attrs["periods"]
    rows = pd.DataFrame(
        {
            periods["value"]: c["value"],
            periods["previous"]: c["previous"],
            f"Δ {periods['previous']}": c["previous_delta"],
            f"% {periods['previous']}": c["previous_relative"],
            periods["year_ago"]: c["year_ago"],
            f"Δ {periods['year_ago']}": c["year_ago_delta"],
            f"% {periods['year_ago']}": c["year_ago_relative"],
        }
    )

    def draw(ax: Any) -> None:
        labels = trend["period"].astype(str)
        ax.plot(labels, trend["retention_rate"] * 100, marker="o", label="retention (%)")
        ax.plot(labels, trend["nrr"] * 100, marker="o", label="NRR (%)")
        ax.plot(labels, trend["gross_margin"] * 100, marker="o", label="gross margin (%)")
        ax.set(title="Keeping and growing clients, by quarter", ylabel="%")
        ax.legend(frameon=False, fontsize="small")
        ax.grid(alpha=0.3)
        ax2 = ax.twinx()
        ax2.bar(labels, trend["revenue"] / 1e6, alpha=0.15, color="grey")
        ax2.set_ylabel("revenue (millions)")

    return (
        f"<h2>Company KPIs — {html.escape(r.period.label)}</h2>"
        "<p class='note'>Against the previous quarter and a year ago; Δ of a rate in points, % relative; "
        "CSAT and NPS over the trailing 12 months.</p>"
        f"{kpi_rows(rows)}<div>{png(draw)}</div>"
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
        parts.append(f"<h3>By {key}</h3>{html_table(t)}")
    return "<h2>Segments</h2>" + "".join(parts)


def _farmers_closers(r: Review) -> str:
    if r.farmers_closers.empty:
        return ""
    t = r.farmers_closers.astype({"role": str, "period": str}).set_index(["role", "period"])
    t.index = pd.Index([f"{a} {b}" for a, b in t.index], name="role, period")
    return "<h2>Farmers and closers</h2>" + html_table(t)


def _scorecards(r: Review) -> str:
    if r.scorecards.empty:
        return ""
    summary = r.scorecard_summary
    cards = r.scorecards.astype({"manager_id": str, "tier": str})
    full = summary[summary["unscored"] == 0]
    best = str((full if len(full) else summary).index[0])
    chart = png(lambda ax: scorecard(cards[cards["manager_id"] == best], ax=ax), (6, 0.4 * 10 + 1.5))
    note = (
        "<p class='warn'>" + html.escape(" ".join(r.unscored)) + "</p>"
        if r.unscored
        else "<p class='note'>Every goal of every scorecard is scored.</p>"
    )
    label = "the best score" if len(full) else "the best score (not every goal scored)"
    return (
        f"<h2>Scorecards per manager</h2>{note}<div class='row'><div>{html_table(summary)}</div>"
        f"<div><h3>{html.escape(best)}: {label}</h3>{chart}</div></div>"
        "<details><summary>Every goal of every scorecard</summary>"
        f"{html_table(cards.set_index('manager_id'))}</details>"
    )


_ORG_KPIS = ["revenue", "gross_margin", "nrr", "churn_rate", "clients_end"]
_PLACEMENTS = {
    "sales_department": "in the sales department",
    "account_management": "in an account-management unit",
    "client_unit": "in a unit dedicated to one client",
}


def _organisation(book: Book, r: Review) -> str:
    """The reporting lines as a tree of teams (each team's KPIs rolled up, the head's score) and the three
    placements of account managers compared; empty for a Book without reporting lines or units."""
    managers = book.table("managers")
    if managers.empty or (managers["reports_to"].isna().all() and managers["unit_id"].isna().all()):
        return ""
    p = r.period
    chart = book.org_chart(p.end - dt.timedelta(days=1)).set_index("manager_id")
    teams = book.kpis(p, by="team", kpis=_ORG_KPIS).drop(columns="period")
    teams = teams[teams["team"].notna()].set_index("team")
    children: dict[Any, list[Any]] = {}
    for m, boss in chart["reports_to"].items():
        children.setdefault(None if pd.isna(boss) else boss, []).append(m)
    order: list[Any] = []
    stack = list(reversed(children.get(None, [])))
    while stack:  # depth first, in the managers table's order
        m = stack.pop()
        order.append(m)
        stack.extend(reversed(children.get(m, [])))
    score = r.scorecard_summary["score"] if "score" in r.scorecard_summary else pd.Series(dtype=float)
    tree = pd.DataFrame(
        {
            "team": ["\u00a0\u00a0\u00a0\u00a0" * int(chart.loc[m, "depth"]) + str(m) for m in order],
            "role": [str(chart.loc[m, "role"]) for m in order],
            "team_size": [int(chart.loc[m, "team_size"]) for m in order],
            "team_accounts": [int(chart.loc[m, "team_accounts"]) for m in order],
            **{k: [teams[k].get(m, np.nan) for m in order] for k in _ORG_KPIS},
            "score": [score.get(m, np.nan) for m in order],
        }
    ).set_index("team")
    parts = [f"<h3>Teams (each with everyone below)</h3>{html_table(tree)}"]
    units = book.table("units") if "units" in book.table_names else pd.DataFrame()
    if not units.empty:
        kinds = dict(zip(units["unit_id"], units["kind"].astype(str), strict=True))
        rows = {}
        for kind, label in _PLACEMENTS.items():
            ids = [
                m
                for m, u in zip(managers["manager_id"], managers["unit_id"], strict=True)
                if kinds.get(u) == kind
            ]
            if ids:
                rows[label] = book.kpis(p, kpis=_ORG_KPIS, scope=Scope(managers=ids)).iloc[0][_ORG_KPIS]
        if rows:
            placed = pd.DataFrame(rows).T
            placed.index.name = "account managers sitting"
            parts.append(f"<h3>The three placements compared</h3>{html_table(placed)}")
    return f"<h2>The organisation — {html.escape(p.label)}</h2>" + "".join(parts)


def _priorities_html(r: Review) -> str:
    if r.priorities.empty:
        return ""
    return (
        "<h2>Prioritisation per portfolio manager</h2>"
        "<p class='note'>Each client-portfolio manager's clients "
        "ranked by value, growth, margin and health; drop candidates are loss-making or low-margin and "
        "shrinking.</p>" + html_table(r.priorities.set_index("manager_id"))
    )


def _whatif(r: Review) -> str:
    w = r.whatif
    f = w.to_frame().set_index("name")
    f = f.drop(index=["assumptions", "period"])
    units = {
        "points": "points", "horizon": "scale", "discount": "fraction", "clients_start": "count",
        "churned_clients": "count", "churn_rate": "fraction", "new_churn_rate": "fraction",
        "extra_clients_kept": "count", "periods": "count", "period_discount": "fraction",
        "profit_uplift": "relative",
    }  # fmt: skip
    rows = "".join(
        f"<tr><th>{html.escape(str(k))}</th><td>{html_value(units.get(str(k), 'currency'), v)}</td></tr>"
        for k, v in f["value"].items()
    )
    notes = "".join(f"<li>{html.escape(a)}</li>" for a in w.assumptions)
    return (
        f"<h2>What if retention were 5 points higher</h2><div class='row'><div><table><tbody>{rows}</tbody>"
        f"</table></div><div><ul>{notes}</ul></div></div>"
    )


def _concentration(book: Book, period: Period) -> str:
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
        f"<h2>Revenue concentration</h2><div class='row'><div>{kpi_rows(facts)}<h3>Top 10 accounts</h3>"
        f"{html_table(top)}</div>"
        f"<div>{png(lambda ax: lorenz(positive.to_numpy(), ax=ax), (5, 5))}</div></div>"
    )


def _at_risk(r: Review) -> str:
    if r.health.empty:
        return ""
    shown = r.at_risk[["account_id", "health", "reasons"]].astype({"account_id": str}).set_index("account_id")
    unscored = int(r.health["health"].isna().sum())
    chart = png(lambda ax: health_distribution(r.health["health"].dropna(), ax=ax), (6, 3.2))
    note = f"<p class='note'>{unscored} clients not scored (too little evidence).</p>" if unscored else ""
    return (
        f"<h2>At-risk accounts ({len(r.at_risk)} of {len(r.health)} clients)</h2>{note}<div class='row'>"
        f"<div>{html_table(shown)}</div><div>{chart}</div></div>"
    )


def _ltv(book: Book, period: Period) -> str:
    t = book.kpis(period, by="region", kpis=["ltv_historical", "active_clients", "arpa"]).drop(
        columns="period"
    )
    t = t.set_index("region")
    parts = [f"<h3>Historical LTV (gross profit to date) by region</h3>{html_table(t)}"]
    try:
        clv = predicted_clv(book, period.end, time=12, discount_rate=0.01, freq="W")["clv"]
        regions = book.table("accounts").drop_duplicates("account_id").set_index("account_id")["region"]
        frame = pd.DataFrame({"clv_12_months": clv.to_numpy(dtype=float)}, index=clv.index)
        frame["region"] = regions.reindex(frame.index).astype(str).to_numpy()
        by_region = frame.groupby("region")["clv_12_months"].agg(["mean", "sum", "count"])
        parts.append(
            "<h3>Predicted 12-month revenue value (BG/NBD + Gamma-Gamma) by region</h3>"
            + html_table(by_region)
        )
    except (ValueError, RuntimeError, ImportError) as e:
        parts.append(f"<p class='na'>Predicted LTV not available: {html.escape(str(e))}</p>")
    return "<h2>Lifetime value</h2>" + "".join(parts)


def _cohorts(book: Book, period: Period) -> str:
    table = book.cohorts("Y", end=period.end)
    table = table[table.index >= str(period.begin.year - 6)]
    if table.empty:
        return ""
    return "<h2>Acquisition cohorts (share still clients)</h2>" + png(
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
.na {{ color: #999; }} .note {{ color: #555; }} .warn {{ color: #b00; }} ul.story li {{ margin: 0.3em 0; }}
details {{ margin: 0.5em 0; }} td.text {{ text-align: left; }}
</style></head><body>
<h1>{title}</h1><p class="meta">Period {period} · {meta} · generated {generated} by accountkpi</p>
{body}
</body></html>
"""
