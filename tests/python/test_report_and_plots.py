"""The HTML report, the command line and the charts, checked as a user would meet them."""

from __future__ import annotations

import re
import subprocess
import sys
from html.parser import HTMLParser

import matplotlib
import pandas as pd
import pytest

import accountkpi as ak

matplotlib.use("Agg")


class _Outline(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.headings: list[str] = []
        self.images = 0
        self.tables = 0
        self._in_h2 = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "h2":
            self._in_h2 = True
            self.headings.append("")
        elif tag == "img":
            self.images += 1
            assert dict(attrs)["src"].startswith("data:image/png;base64,")  # embedded: opens offline
        elif tag == "table":
            self.tables += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "h2":
            self._in_h2 = False

    def handle_data(self, data: str) -> None:
        if self._in_h2:
            self.headings[-1] += data


def test_report_has_every_section(demo: ak.Book) -> None:
    page = ak.report.html_report(demo, ak.Period("2025Q2"))
    outline = _Outline()
    outline.feed(page)
    assert outline.headings[0] == "Review — 2025Q2: what changed and what to do"
    assert outline.headings[1] == "Company KPIs — 2025Q2"
    for section in (
        "Farmers and closers",
        "Prioritisation per portfolio manager",
        "What if retention were 5 points higher",
        "Segments",
        "Scorecards",
        "Revenue concentration",
        "At-risk",
        "Lifetime value",
        "Acquisition",
    ):
        assert any(h.startswith(section) for h in outline.headings), section
    assert outline.images >= 5
    assert outline.tables >= 5
    assert "http://" not in page and "https://" not in page  # nothing to fetch


def test_cli_report_and_kpis(tmp_path) -> None:
    out = tmp_path / "r.html"
    run = subprocess.run(
        [sys.executable, "-m", "accountkpi", "report", "--demo", "--period", "2024Q4", "--out", str(out)],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    assert "Company KPIs — 2024Q4" in out.read_text()
    csv = tmp_path / "k.csv"
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "accountkpi",
            "kpis",
            "--demo",
            "--from",
            "2024-01-01",
            "--to",
            "2025-01-01",
            "--freq",
            "Q",
            "--by",
            "region",
            "--kpis",
            "revenue,nrr",
            "--out",
            str(csv),
        ],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    table = pd.read_csv(csv)
    assert list(table.columns) == ["region", "period", "revenue", "nrr"]
    assert len(table) == 4 * 4
    bad = subprocess.run(
        [sys.executable, "-m", "accountkpi", "kpis", "--demo", "--kpis", "revenues"],
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 2 and "unknown KPI 'revenues'" in bad.stderr and "Traceback" not in bad.stderr


def test_plots_return_labelled_axes(demo: ak.Book) -> None:
    t = demo.kpis(ak.periods("2024-01-01", "2025-01-01", "Q"), by="tier", kpis=["nrr"])
    ax = ak.plot.kpi_trend(t, "nrr", by="tier")
    assert ax.get_ylabel() == "nrr (%)" and len(ax.get_lines()) == 4
    per_account = demo.kpis("2024", by="account", kpis=["revenue"])["revenue"]
    ax = ak.plot.lorenz(per_account)
    assert re.search(r"Gini 0\.\d\d", ax.get_legend().get_texts()[0].get_text())
    ax = ak.plot.cohort_heatmap(demo.cohorts("Y"))
    assert ax.get_xlabel() == "Periods since acquisition"
    fitted = ak.ltv.ShiftedBetaGeoFitter().fit([1000, 869, 743, 653, 593, 551, 517, 491])
    ax = ak.plot.survival([1000, 869, 743, 653, 593, 551, 517, 491], fitted, horizon=12)
    assert len(ax.get_lines()) == 2
    matplotlib.pyplot.close("all")


@pytest.mark.parametrize("period", ["2023Q1", "2025-06"])
def test_report_on_other_periods(demo: ak.Book, period: str) -> None:
    assert f"Company KPIs — {period}" in ak.report.html_report(demo, ak.Period(period))
