"""The gallery: every chart of ``accountkpi.plot``, each drawn at build time by the few lines shown beside it
(``generated/gallery.md`` and its PNGs).

A chart of ``accountkpi.plot.__all__`` without an entry here fails the build, so the gallery stays complete.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

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


def _slug(name: str) -> str:
    return name.rsplit(".", 1)[-1]


def write(out: Path) -> str:
    """Draws every chart into ``out`` (PNG) and returns the gallery page (MyST Markdown)."""
    import matplotlib  # optional heavy dependency: imported only to draw

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # (as above)

    shown = {name for name, _, _ in CHARTS}
    missing = sorted(f"accountkpi.plot.{n}" for n in ak.plot.__all__ if f"accountkpi.plot.{n}" not in shown)
    if missing:
        raise RuntimeError(f"docs/_ext/gallery.py: no gallery entry for {', '.join(missing)}")
    out.mkdir(parents=True, exist_ok=True)
    page = [
        "# Gallery",
        "",
        "The charts `accountkpi.plot` draws, each with the lines that make it (on the seeded demo book).",
        "They are drawn when the site is built, so each picture is what the code beside it gives today.",
        "Every function returns its Matplotlib axes: pass `ax=` to draw into a figure of your own.",
        "",
    ]
    for name, title, code in CHARTS:
        source = textwrap.dedent(code).strip()
        plt.close("all")
        exec(compile(source, f"<gallery {name}>", "exec"), {})  # the gallery's own snippets, above
        fig = plt.gcf()
        fig.savefig(out / f"{_slug(name)}.png", dpi=80, bbox_inches="tight", metadata={"Software": None})
        plt.close("all")
        page += [
            f"## {title}",
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
    return "\n".join(page)
