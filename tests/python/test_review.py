"""The quarterly account review as an analyst does it (issue 22): comparisons, scorecards that can be scored
and explained, one health per account, the report. Hand-made book of tiers_books.py (numbers by hand in the
comments) and the demo book.
"""

from __future__ import annotations

import doctest
import math
import re
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import tiers_books

import accountkpi as ak
from accountkpi.tiers import ClientPortfolio, Goal, RevenuePortfolio, SingleClient

Q2 = "2024Q2"
DOCS = Path(__file__).resolve().parents[2] / "docs"


@pytest.fixture(scope="module")
def book() -> ak.Book:
    return tiers_books.book()


@pytest.fixture(scope="module")
def demo() -> ak.Book:
    return ak.datasets.demo_book()


# ---- periods and comparisons


@pytest.mark.parametrize(
    ("period", "previous", "year_ago"),
    [
        ("2025Q1", "2024Q4", "2024Q1"),
        ("2025-03", "2025-02", "2024-03"),
        ("2024", "2023", "2023"),
        (
            ak.Period("2025-01-10", "2025-01-20"),
            ak.Period("2024-12-31", "2025-01-10"),
            "2024-01-10/2024-01-20",
        ),
        (
            ak.Period("2024-02-29", "2024-03-10"),
            ak.Period("2024-02-19", "2024-02-29"),
            "2023-02-28/2023-03-10",
        ),
    ],
    ids=["quarter", "month", "year", "ten-days", "leap-day"],
)
def test_period_previous_and_year_ago(period, previous, year_ago) -> None:
    p = ak.Period(period)
    assert p.previous() == ak.Period(previous)
    assert p.year_ago() == ak.Period(year_ago)
    assert p.previous().days == p.days or p.months == p.previous().months  # same length


def test_compare_by_hand(book: ak.Book) -> None:
    c = book.compare(Q2, kpis=["revenue", "gross_margin", "active_clients"])
    assert c.attrs["periods"] == {"value": "2024Q2", "previous": "2024Q1", "year_ago": "2023Q2"}
    rev = c.set_index("kpi").loc["revenue"]
    # Q2: A 1500 + B 1000 + C 2000 + D 10000 + E 500 = 15000; Q1: A 1000 + B 2000 + C 1000 = 4000
    assert (rev["value"], rev["previous"], rev["previous_delta"]) == (15000, 4000, 11000)
    assert rev["previous_relative"] == pytest.approx(11000 / 4000)
    # 2023Q2 billed nothing: the delta is 15000, the relative delta undefined (NaN, not inf or 0)
    assert rev["year_ago"] == 0 and rev["year_ago_delta"] == 15000 and math.isnan(rev["year_ago_relative"])
    gm = c.set_index("kpi").loc["gross_margin"]
    # Q2 (15000 - 10300) / 15000; Q1 (4000 - 2100) / 4000: a fraction's delta is in points of it
    assert gm["unit"] == "fraction"
    assert gm["previous_delta"] == pytest.approx(4700 / 15000 - 1900 / 4000)
    assert c.set_index("kpi").loc["active_clients", "unit"] == "count"


def test_compare_by_account_and_custom_base(book: ak.Book) -> None:
    c = book.compare(Q2, vs=["previous", "2023"], by="account", kpis="revenue").set_index("account_id")
    assert list(c.columns[-3:]) == ["2023", "2023_delta", "2023_relative"]
    assert c.loc["B", "previous_delta"] == -1000 and c.loc["B", "previous_relative"] == -0.5  # 1000 vs 2000
    assert c.loc["D", "previous"] == 0 and math.isnan(c.loc["D", "previous_relative"])
    with pytest.raises(ValueError, match="vs takes"):
        book.compare(Q2, vs="last_year")
    with pytest.raises(ValueError, match="once"):
        book.compare(Q2, vs=["previous", "previous"])


def test_compare_window_gives_survey_kpis_a_trailing_year(book: ak.Book) -> None:
    # A's three NPS answers (10, 9, 5) are in May 2024: 2024Q3 has none, its trailing 12 months has them.
    plain = book.compare("2024Q3", kpis=["nps", "revenue"]).set_index("kpi")
    assert math.isnan(plain.loc["nps", "value"])
    trailing = book.compare("2024Q3", kpis=["nps", "revenue"], window=12).set_index("kpi")
    assert trailing.loc["nps", "value"] == pytest.approx(100 / 3)  # (2 promoters - 1 detractor) / 3
    assert trailing.loc["nps", "previous"] == pytest.approx(100 / 3)  # 2023-07..2024-07 has them too
    assert math.isnan(trailing.loc["nps", "year_ago"])  # 2022-10..2023-10: no answers
    assert trailing.loc["revenue", "value"] == plain.loc["revenue", "value"]  # other KPIs keep the quarter
    with pytest.raises(ValueError, match="window"):
        book.compare(Q2, kpis="nps", window=0)


def test_compare_reconciles_with_kpis_on_the_demo(demo: ak.Book) -> None:
    c = demo.compare("2025Q2", by="region", kpis=["revenue", "retention_rate"])
    t = demo.kpis(["2025Q2", "2025Q1", "2024Q2"], by="region", kpis=["revenue", "retention_rate"])
    for label, column in (("2025Q2", "value"), ("2025Q1", "previous"), ("2024Q2", "year_ago")):
        want = t[t["period"].astype(str) == label].set_index("region")["revenue"].sort_index()
        got = c[c["kpi"] == "revenue"].set_index("region")[column].sort_index()
        np.testing.assert_allclose(got.to_numpy(), want.to_numpy())


# ---- scorecards


def test_explicit_goal_wins_over_the_targets_table(book: ak.Book) -> None:
    # The targets table sets F1's NPS target at 40; a goal that sets 20 wins, a default goal does not.
    own = SingleClient("A", "F1", scorecard=[Goal("nps", 20)]).evaluate(book, Q2).lines.set_index("kpi")
    assert own.loc["nps", "target"] == 20
    default = SingleClient("A", "F1").evaluate(book, Q2).lines.set_index("kpi")
    assert default.loc["nps", "target"] == 40
    # F2's table sets retention 0.9 (the tier default is also 0.9); an explicit 0.99 is kept
    card = ClientPortfolio("F2", scorecard=[Goal("retention_rate", 0.99)]).evaluate(book, Q2)
    assert card.lines.set_index("kpi").loc["retention_rate", "target"] == 0.99
    # without a target of its own the goal takes the table's
    card = ClientPortfolio("F2", scorecard=[Goal("retention_rate")]).evaluate(book, Q2)
    assert card.lines.set_index("kpi").loc["retention_rate", "target"] == 0.9


def test_targets_are_checked_against_the_kpi_unit(book: ak.Book) -> None:
    with pytest.raises(ValueError, match=r"retention_rate, target from the goal: 90 is outside \[-1, 1\]"):
        ClientPortfolio("F2", scorecard=[Goal("retention_rate", 90)]).evaluate(book, Q2)
    # every bad target is named, not only the first
    with pytest.raises(ValueError, match=r"(?s)gross_margin.*30 is outside.*nps.*300 is outside"):
        ClientPortfolio("F2", scorecard=[Goal("gross_margin", 30), Goal("nps", 300)]).evaluate(book, Q2)
    with pytest.raises(ValueError, match=r"1\.1 is 110%"):
        ClientPortfolio("F2", scorecard=[Goal("nrr", 110)]).evaluate(book, Q2)
    targets = tiers_books.frames()["targets"]
    targets.loc[2, "target"] = 90.0  # F2 retention_rate 90 (meant 90%)
    with pytest.raises(ValueError, match="retention_rate, target from the targets table: 90"):
        ClientPortfolio("F2").evaluate(tiers_books.book(targets=targets), Q2)
    assert ak.tiers.unit("csat") == "fraction" and ak.tiers.unit("csat", csat_method="mean") == "scale"


def test_a_mandate_covers_only_what_its_manager_owns(book: ak.Book) -> None:
    with pytest.raises(ValueError, match=r"manager F1 owns no assignment of account\(s\) B during 2024Q2"):
        SingleClient("B", manager="F1").evaluate(book, Q2)
    with pytest.raises(ValueError, match=r"account\(s\) A during"):
        ClientPortfolio("F2", accounts=["A", "B"]).evaluate(book, Q2)
    # E is the closer C1's until 2024-08-01, then F3's: F3's mandate over E starts in Q3
    with pytest.raises(ValueError, match=r"F3 owns no assignment of account\(s\) E during 2024Q2"):
        RevenuePortfolio("F3", accounts=["E"]).evaluate(book, Q2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        card = RevenuePortfolio("F3", accounts=["E"]).evaluate(book, "2024Q3")
    assert card.manager_id == "F3"
    assert SingleClient("A").evaluate(book, Q2).tier == "single_client"  # no manager: nothing to check


def test_scorecard_summary_by_hand(book: ak.Book) -> None:
    with pytest.warns(ak.tiers.UnscoredGoalWarning):
        cards = book.scorecards(Q2)
    s = ak.tiers.scorecard_summary(cards)
    f1 = s.loc["F1"]
    assert (f1["tier"], f1["scored"], f1["unscored"]) == ("single_client", 7, 2)
    assert f1["unscored_kpis"] == "renewal_rate, avg_project_size"
    # points lost (of Σ weight 13): timely 2 (1 - (1/3) / 0.9) = 1.259; nps 2 (1 - 33.3/40) = 0.333;
    # revenue 1 - 1500/1820 = 0.176: responsiveness cost most
    assert f1["costliest_kpi"] == "timely_response_rate"
    assert f1["points_lost"] == pytest.approx(2 * (1 - (1 / 3) / 0.9) / 13)
    assert f1["gap"] == pytest.approx(0.9 - 1 / 3)
    assert s["score"].tolist() == sorted(s["score"].tolist(), reverse=True)
    assert (s["scored"] + s["unscored"]).tolist() == cards.groupby("manager_id").size()[s.index].tolist()


def test_demo_scorecards_are_scorable_in_every_quarter_of_the_last_two_years(demo: ak.Book) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", ak.tiers.UnscoredGoalWarning)
        for q in ak.periods("2024-01-01", "2026-01-01", "Q"):
            cards = demo.scorecards(q)
            assert cards["attainment"].notna().all(), (q, cards[cards["attainment"].isna()])


# ---- health and prioritisation


def _handover_book() -> ak.Book:
    """tiers_books plus two touches with E in July 2024, while the closer C1 owned it (F3 from 08-01)."""
    f = tiers_books.frames()
    extra = pd.DataFrame(
        {"account_id": ["E", "E"], "date": tiers_books.D("2024-07-05", "2024-07-20"), "channel": "email"}
    )
    return ak.Book.from_frames(
        **{**f, "interactions": pd.concat([f["interactions"], extra], ignore_index=True)}
    )


def test_health_is_one_score_per_account_whatever_the_scope() -> None:
    b = _handover_book()
    company = ak.health.health(b, "2024Q3").set_index("account_id").loc["E"]
    under_f3 = ak.health.health(b, "2024Q3", manager="F3").set_index("account_id")
    assert under_f3.index.tolist() == ["D", "E"]  # the scope lists F3's accounts
    # E in Q3: 2 touches / 3 months = 0.667 a month -> cadence 33.3 (C1's touches count under F3 too);
    # nrr 0 / 500 -> trend 0; no margin, requests or surveys: (.15 * 33.3 + .2 * 0) / .35 = 14.3
    assert company["cadence"] == pytest.approx(100 / 3)
    assert company["health"] == pytest.approx(5 / 0.35)
    pd.testing.assert_series_equal(under_f3.loc["E"], company)
    risky = ak.health.at_risk(b, "2024Q3", manager="F3")
    assert risky["account_id"].tolist() == ["D", "E"] or "E" in risky["account_id"].tolist()
    assert ak.health.at_risk(b, "2024Q3", accounts=["E"])["account_id"].tolist() == ["E"]
    with pytest.raises(ValueError, match="not both"):
        ak.health.health(b, "2024Q3", scope=ak.Scope(managers=["F3"]), manager="F3")


def test_no_health_score_from_one_component_alone(book: ak.Book) -> None:
    # D in 2024Q1: no revenue in Q1 nor 2023Q4 (trend and margin undefined), no surveys or requests;
    # only its cadence (0 touches) is known: no score, no band, the reason said.
    d = ak.health.health(book, "2024Q1").set_index("account_id").loc["D"]
    assert math.isnan(d["health"]) and pd.isna(d["band"])
    assert d["reasons"] == "not scored: only cadence known"
    assert "D" not in ak.health.at_risk(book, "2024Q1")["account_id"].tolist()
    one = ak.health.health(book, "2024Q1", min_components=1).set_index("account_id").loc["D"]
    assert one["health"] == 0.0  # the old behaviour, on request


def test_percent_options_are_refused_where_fractions_are_meant(book: ak.Book) -> None:
    with pytest.raises(ValueError, match=r"margin_floor is a fraction.*did you mean 0.15"):
        ClientPortfolio("F2").prioritise(book, Q2, margin_floor=15)
    with pytest.raises(ValueError, match="margin_target is a fraction"):
        ak.health.health(book, Q2, margin_target=30)
    with pytest.raises(ValueError, match="health_floor"):
        ClientPortfolio("F2").prioritise(book, Q2, health_floor=400)


def test_prioritise_lists_clients_without_revenue(book: ak.Book) -> None:
    # F3's D is a client in 2024Q1 without revenue in Q1 or 2023Q4: listed, value 0, not dropped
    r = RevenuePortfolio("F3")
    ranked = ak.tiers_priority.prioritise(book, "2024Q1", manager=r.manager)
    assert ranked["account_id"].tolist() == ["D"]
    assert ranked.loc[0, "revenue"] == 0 and math.isnan(ranked.loc[0, "growth"])


def test_frames_do_not_shadow_dataframe_attributes(book: ak.Book) -> None:
    attrs = set(dir(pd.DataFrame))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ak.tiers.UnscoredGoalWarning)
        cards = book.scorecards(Q2)
    frames = {
        "health": ak.health.health(book, Q2),
        "prioritise": ClientPortfolio("F2").prioritise(book, Q2),
        "scorecards": cards,
        "summary": ak.tiers.scorecard_summary(cards),
        "compare": book.compare(Q2, kpis="revenue"),
        "farmers_closers": ak.tiers.farmers_closers(book, Q2),
    }
    for name, frame in frames.items():
        assert not set(frame.columns) & attrs, (name, set(frame.columns) & attrs)


# ---- sBG on a healthy cohort


def test_sbg_on_a_cohort_without_heterogeneity_warns_and_stays_finite() -> None:
    survivors = 10000 * 0.96 ** np.arange(6)
    with pytest.warns(ak.ltv.ConvergenceWarning, match="geometric limit"):
        fit = ak.ltv.ShiftedBetaGeoFitter().fit(survivors)
    alpha, beta = fit.params_["alpha"], fit.params_["beta"]
    assert alpha / (alpha + beta) == pytest.approx(0.04)  # churned / customer-periods at risk
    # Predictions from a fit that did not converge warn again (issue 17's honest fits), and stay finite.
    with pytest.warns(ak.ltv.ConvergenceWarning, match="did not converge"):
        s = fit.survival_function(np.arange(0, 13))
    np.testing.assert_allclose(s, 0.96 ** np.arange(0, 13), rtol=1e-5)  # alpha + beta ~ 1e6: nearly geometric


# ---- the report


def test_review_story_on_the_demo(demo: ak.Book) -> None:
    r = ak.report.review(demo, "2025Q2")
    assert r.unscored == []
    company = r.company.set_index("kpi")
    assert r.story[0].startswith("Revenue in 2025Q2 was ")
    rel = company.loc["revenue", "previous_relative"]
    assert f"{rel:+.1%} on 2025Q1" in r.story[0]
    behind = (r.scorecard_summary["score"] < 1).sum()
    assert any(
        s.startswith(f"{behind} of {len(r.scorecard_summary)} managers are behind target") for s in r.story
    )
    assert any(s.startswith(f"{len(r.at_risk)} of {len(r.health)} clients are at risk") for s in r.story)
    assert any(s.startswith("What if: keeping 5 more points") for s in r.story)
    assert set(r.farmers_closers["period"].astype(str)) == {"2025Q2", "2024Q2"}
    assert len(r.priorities) == (demo.table("managers")["tier"].astype(str) == "client_portfolio").sum()


def test_report_formats_and_lists_everything(demo: ak.Book) -> None:
    page = ak.report.html_report(demo, "2025Q2")
    assert "Review — 2025Q2: what changed and what to do" in page
    for heading in ("Farmers and closers", "Prioritisation per portfolio manager", "What if retention"):
        assert heading in page
    assert "Every goal of every scorecard is scored." in page
    # the at-risk heading's count is the number of rows listed
    m = re.search(r"At-risk accounts \((\d+) of (\d+) clients\)</h2>(.*?)</table>", page, re.S)
    assert m is not None and m.group(3).count("<tr>") - 1 == int(m.group(1))
    # counts as integers, ratios as percent
    assert ak.report.format_value("count", 10.0) == "10"
    assert ak.report.format_value("fraction", 0.9612) == "96.1%"
    assert ak.report.format_value("currency", 1234567.8) == "1,234,568"
    company = page[page.index("Company KPIs") : page.index("Segments")]
    assert re.search(r"<th>active_clients</th><td>\d+</td>", company)
    assert re.search(r"<th>retention_rate</th><td>\d+\.\d%</td>", company)


def test_report_on_a_book_of_accounts_and_revenue_only() -> None:
    f = tiers_books.frames()
    bare = ak.Book.from_frames(accounts=f["accounts"], revenue=f["revenue"])
    r = ak.report.review(bare, Q2)
    assert r.scorecards.empty and r.farmers_closers.empty and r.priorities.empty
    assert r.story[0].startswith("Revenue in 2024Q2 was 15.0k, +275.0% on 2024Q1")  # 15000 / 4000 - 1
    page = ak.report.html_report(bare, Q2)
    assert "Scorecards per manager" not in page and "Review — 2024Q2" in page


def test_cli_report_xlsx(tmp_path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    out = tmp_path / "review.xlsx"
    run = subprocess.run(
        [sys.executable, "-m", "accountkpi", "report", "--demo", "--period", "2025Q2", "--xlsx", str(out)],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[:4] == ["story", "company", "movers", "scorecard_summary"]
    assert wb["story"]["A2"].value.startswith("Revenue in 2025Q2 was ")
    header = [c.value for c in wb["scorecard_summary"][1]]
    score = wb["scorecard_summary"].cell(row=2, column=header.index("score") + 1)
    assert score.number_format == "0.0%"


# ---- the docs


@pytest.mark.parametrize("doc", sorted(DOCS.glob("*.md")), ids=lambda p: p.name)
def test_docs_examples_run(doc: Path) -> None:
    result = doctest.testfile(
        str(doc), module_relative=False, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    )
    assert result.failed == 0
    if doc.name == "tiers.md":
        assert result.attempted >= 15
