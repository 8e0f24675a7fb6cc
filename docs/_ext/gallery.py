"""The gallery: every chart of ``accountkpi.plot`` and ``accountkpi.ltv.plotting``, each drawn at build time
by the few lines shown beside it, and the sections of the account review report (``generated/gallery.md``, its
PNGs and the whole report as a download).

A chart of ``accountkpi.plot.__all__`` or ``accountkpi.ltv.plotting.__all__`` without an entry here fails the
build, so the gallery stays complete.
"""

from __future__ import annotations

import html
import re
import textwrap
from pathlib import Path
from typing import Any

import accountkpi as ak

# (the function it shows, a title, the code that draws it on the current figure)
CHARTS: list[tuple[str, str, str]] = [
    (
        "accountkpi.plot.kpi_trend",
        "A KPI over quarters, by tier",
        """
        import accountkpi as ak

        book = ak.datasets.demo_book(seed=0)
        table = book.kpis(ak.periods("2024-01-01", "2026-01-01", "Q"), by="tier", kpis=["nrr"])
        ak.plot.kpi_trend(table, "nrr", by="tier")
        """,
    ),
    (
        "accountkpi.plot.revenue_bridge",
        "The revenue bridge of a quarter",
        """
        import accountkpi as ak

        book = ak.datasets.demo_book(seed=0)
        bridge = book.revenue_bridge(ak.periods("2025-01-01", "2026-01-01", "Q"))
        ak.plot.revenue_bridge(bridge, period="2025Q2")
        """,
    ),
    (
        "accountkpi.plot.lorenz",
        "Revenue concentration: the Lorenz curve and the 80/20 point",
        """
        import accountkpi as ak

        book = ak.datasets.demo_book(seed=0)
        revenue = book.kpis("2025", by="account", kpis=["revenue"])["revenue"]
        ak.plot.lorenz(revenue)
        """,
    ),
    (
        "accountkpi.plot.cohort_heatmap",
        "Yearly cohorts: the share of each year's new clients still a client",
        """
        import accountkpi as ak

        book = ak.datasets.demo_book(seed=0)
        ak.plot.cohort_heatmap(book.cohorts("Y"))
        """,
    ),
    (
        "accountkpi.plot.scorecard",
        "A farmer's scorecard: attainment per goal",
        """
        import accountkpi as ak

        book = ak.datasets.demo_book(seed=0)
        cards = book.scorecards("2025Q2")
        ak.plot.scorecard(cards[cards["manager_id"] == "F05"])
        """,
    ),
    (
        "accountkpi.plot.health_distribution",
        "Account health scores, with the at-risk band",
        """
        import accountkpi as ak

        book = ak.datasets.demo_book(seed=0)
        scores = ak.health.health(book, "2025Q2")
        ak.plot.health_distribution(scores["health"].dropna())
        """,
    ),
    (
        "accountkpi.plot.health_backtest",
        "Does the health score predict churn? ROC curve and churn by score band",
        """
        import accountkpi as ak

        book = ak.datasets.demo_book(seed=0)
        backtest = ak.health.backtest(book, ak.periods("2024-01-01", "2025-10-01", "Q"))
        ak.plot.health_backtest(backtest)
        """,
    ),
    (
        "accountkpi.plot.survival",
        "A cohort's survival against a fitted shifted-beta-geometric model",
        """
        import accountkpi as ak

        survivors = [1000, 869, 743, 653, 593, 551, 517, 491]
        model = ak.ltv.ShiftedBetaGeoFitter().fit(survivors)
        ak.plot.survival(survivors, model, horizon=12)
        """,
    ),
]


# The model checks of accountkpi.ltv.plotting (lifetimes' plots), on the CDNOW sample in weeks. Each chart's
# code is one of the fits below followed by its own lines.
_FIT_SUMMARY = """
import accountkpi as ak

summary = ak.datasets.load_cdnow_summary_with_monetary_value()
bgf = ak.ltv.BetaGeoFitter().fit(summary["frequency"], summary["recency"], summary["T"])
"""
_FIT_CALIBRATION = """
import accountkpi as ak

transactions = ak.datasets.load_cdnow_sample()
split = ak.ltv.calibration_and_holdout_data(
    transactions, "id", "date", "1997-09-30", "1998-06-30", freq="W"
)
bgf = ak.ltv.BetaGeoFitter().fit(split["frequency_cal"], split["recency_cal"], split["T_cal"])
"""
_FIT_TRANSACTIONS = """
import accountkpi as ak

transactions = ak.datasets.load_cdnow_sample()
summary = ak.ltv.summary_data_from_transaction_data(transactions, "id", "date", freq="W")
bgf = ak.ltv.BetaGeoFitter().fit(summary["frequency"], summary["recency"], summary["T"])
"""
_LTV_CALLS: list[tuple[str, str, str, str]] = [
    (
        "plot_period_transactions",
        "BG/NBD: customers by number of repeat purchases, observed and expected",
        _FIT_SUMMARY,
        "ak.ltv.plotting.plot_period_transactions(bgf)",
    ),
    (
        "plot_calibration_purchases_vs_holdout_purchases",
        "Holdout purchases against the model's prediction, by calibration frequency",
        _FIT_CALIBRATION,
        "ak.ltv.plotting.plot_calibration_purchases_vs_holdout_purchases(bgf, split)",
    ),
    (
        "plot_frequency_recency_matrix",
        "Expected purchases in the next year, by frequency and recency",
        _FIT_SUMMARY,
        "ak.ltv.plotting.plot_frequency_recency_matrix(bgf, T=52)",
    ),
    (
        "plot_probability_alive_matrix",
        "The probability that a customer is still alive, by frequency and recency",
        _FIT_SUMMARY,
        "ak.ltv.plotting.plot_probability_alive_matrix(bgf)",
    ),
    (
        "plot_cumulative_transactions",
        "Cumulative repeat purchases, observed and predicted, past the calibration period",
        _FIT_CALIBRATION,
        """ak.ltv.plotting.plot_cumulative_transactions(
    bgf, transactions, "date", "id", t=78, t_cal=39, freq="W", xlabel="week"
)""",
    ),
    (
        "plot_history_alive",
        "One customer's probability of being alive, week by week, with her purchases",
        _FIT_TRANSACTIONS,
        """one = transactions[transactions["id"] == 1]
ak.ltv.plotting.plot_history_alive(bgf, 78, one, "date", freq="W")""",
    ),
]
LTV_CHARTS: list[tuple[str, str, str]] = [
    (
        f"accountkpi.ltv.plotting.{name}",
        title,
        fit + call,
    )
    for name, title, fit, call in _LTV_CALLS
]


# The account review report (accountkpi.report.html_report), shown section by section.
REPORT = """
import accountkpi as ak

book = ak.datasets.demo_book(seed=0)
page = ak.report.html_report(book, "2025Q2")  # one self-contained HTML page
"""

# The report's own layout rules, for its sections inside the site's page.
_REPORT_STYLE = (
    "<style>.ak-report .row { display: flex; gap: 2em; flex-wrap: wrap; align-items: flex-start; } "
    ".ak-report img { max-width: 100%; } .ak-report table { border-collapse: collapse; font-size: 0.85em; } "
    ".ak-report th, .ak-report td { padding: 0.2em 0.6em; border-bottom: 1px solid #ddd; "
    "text-align: right; } "
    ".ak-report .note, .ak-report .na { color: #555; } .ak-report .warn { color: #b00; }</style>"
)


def _slug(name: str) -> str:
    return name.rsplit(".", 1)[-1]


def _missing(module: Any, charts: list[tuple[str, str, str]]) -> list[str]:
    shown = {name for name, _, _ in charts}
    return sorted(f"{module.__name__}.{n}" for n in module.__all__ if f"{module.__name__}.{n}" not in shown)


def _draw(charts: list[tuple[str, str, str]], out: Path) -> list[str]:
    """Runs each chart's code, saves its figure in ``out`` and returns its entries of the page."""
    import matplotlib.pyplot as plt  # optional heavy dependency: imported only to draw

    page = []
    for name, title, code in charts:
        source = textwrap.dedent(code).strip()
        plt.close("all")
        exec(compile(source, f"<gallery {name}>", "exec"), {})  # the gallery's own snippets, above
        fig = plt.gcf()
        fig.savefig(out / f"{_slug(name)}.png", dpi=80, bbox_inches="tight", metadata={"Software": None})
        plt.close("all")
        page += [
            f"### {title}",
            "",
            f"{{py:func}}`{name}`",
            "",
            "```python",
            source,
            "```",
            "",
            f"![{title}](gallery/{_slug(name)}.png)",
            "",
        ]
    return page


def _report(out: Path) -> list[str]:
    """The report's sections, each as the report shows it (its tables and embedded charts), and the whole
    report as a download."""
    scope: dict[str, Any] = {}
    exec(compile(REPORT.strip(), "<gallery report>", "exec"), scope)  # the gallery's own snippet, above
    page: str = scope["page"]
    (out / "account-review.html").write_text(page, encoding="utf-8")
    body = page[page.index("<body>") + len("<body>") : page.rindex("</body>")]
    sections = re.split(r"(?=<h2>)", body)[1:]  # each section opens with its <h2> heading
    if not sections:
        raise RuntimeError("docs/_ext/gallery.py: the report has no <h2> sections to show")
    lines = [
        "## The account review report",
        "",
        "{py:func}`accountkpi.report.html_report` writes the quarterly account review as one",
        "self-contained page (tables and charts embedded; it opens offline in any browser). Its sections",
        "follow, each as the report shows it, made by these lines;",
        "{download}`the whole report <gallery/account-review.html>`.",
        "",
        "```python",
        REPORT.strip(),
        "```",
        "",
        "```{raw} html",
        _REPORT_STYLE,
        "```",
        "",
    ]
    for section in sections:
        heading, _, rest = section.partition("</h2>")
        title = html.unescape(re.sub(r"<[^>]+>", "", heading))
        lines += [
            f"### {title}",
            "",
            "```{raw} html",
            f"<div class='ak-report'>{rest.strip()}</div>",
            "```",
            "",
        ]
    return lines


def write(out: Path) -> str:
    """Draws every chart into ``out`` (PNG) and returns the gallery page (MyST Markdown)."""
    import matplotlib  # optional heavy dependency: imported only to draw

    matplotlib.use("Agg")

    missing = _missing(ak.plot, CHARTS) + _missing(ak.ltv.plotting, LTV_CHARTS)
    if missing:
        raise RuntimeError(f"docs/_ext/gallery.py: no gallery entry for {', '.join(missing)}")
    out.mkdir(parents=True, exist_ok=True)
    page = [
        "# Gallery",
        "",
        "The charts accountkpi draws, each with the lines that make it (on the seeded demo book and the",
        "CDNOW sample), and the sections of the account review report. They are drawn when the site is",
        "built, so each picture is what the code beside it gives today. Every chart function returns its",
        "Matplotlib axes: pass `ax=` to draw into a figure of your own.",
        "",
        "## Charts of `accountkpi.plot`",
        "",
        *_draw(CHARTS, out),
        "## Model checks of `accountkpi.ltv.plotting`",
        "",
        "The plots of lifetimes' `plotting` module for the fitted lifetime-value models, on the CDNOW",
        "sample (2,357 customers, in weeks; see the notebook *Lifetime value on CDNOW*).",
        "",
        *_draw(LTV_CHARTS, out),
        *_report(out),
    ]
    return "\n".join(page)
