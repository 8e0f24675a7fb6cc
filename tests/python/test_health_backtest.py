"""The health backtest and the fitted weights: small books with known outcomes (by hand in the comments),
then the demo book, whose clients leave because of the service they get."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import accountkpi as ak

# Responsiveness alone: health = 100 x timely share - 15 x unanswered (clipped at 0), so each account's
# score is set by its requests in 2024Q1 (the SLA is 2 days).
ONLY_RESPONSIVENESS = {"weights": {"responsiveness": 1.0}}
# (received, responded) per account in 2024Q1:
REQUESTS = {
    "A": [("2024-01-10", "2024-01-11")],  # 1 of 1 timely: 100
    "B": [("2024-01-10", "2024-01-11"), ("2024-02-10", "2024-02-20")],  # 1 of 2: 50
    "C": [("2024-01-10", "2024-01-11")] + [("2024-02-10", "2024-02-20")] * 3,  # 1 of 4: 25
    "D": [("2024-01-10", None)],  # 0 of 1, one unanswered: 0 - 15 -> 0
}


def small_book(
    churned: dict[str, str], requests: dict[str, list[tuple[str, str | None]]] = REQUESTS
) -> ak.Book:
    """Accounts A-D clients since 2023, revenue each month of 2024H1 while clients; `churned` gives the
    churn date of those that leave."""
    ids = list(requests)
    accounts = pd.DataFrame(
        {
            "account_id": ids,
            "acquired_on": pd.to_datetime(["2023-01-01"] * len(ids)),
            "churned_on": pd.to_datetime([churned.get(a) for a in ids]),
        }
    )
    rows = [
        (a, pd.Timestamp(f"2024-{m:02d}-01"))
        for a in ids
        for m in range(1, 7)
        if a not in churned or pd.Timestamp(f"2024-{m:02d}-01") < pd.Timestamp(churned[a])
    ]
    rows.append((ids[0], pd.Timestamp("2024-06-30")))  # data until the end of 2024Q2
    revenue = pd.DataFrame(
        {"account_id": [a for a, _ in rows], "date": [d for _, d in rows], "amount": 100.0}
    )
    req = [(a, r, s) for a, rs in requests.items() for r, s in rs]
    reqs = pd.DataFrame(
        {
            "account_id": [a for a, _, _ in req],
            "received_on": pd.to_datetime([r for _, r, _ in req]),
            "responded_on": pd.to_datetime([s for _, _, s in req]),
        }
    )
    return ak.Book.from_frames(accounts=accounts, revenue=revenue, requests=reqs)


def test_health_of_the_small_book() -> None:
    h = ak.health.health(small_book({}), "2024Q1", **ONLY_RESPONSIVENESS).set_index("account_id")
    assert h["health"].to_dict() == {"A": 100.0, "B": 50.0, "C": 25.0, "D": 0.0}


def test_perfect_ranking_gives_auc_1() -> None:
    # C (25) and D (0) leave in 2024Q2, A (100) and B (50) stay: every churner below every stayer.
    bt = ak.health.backtest(
        small_book({"C": "2024-05-15", "D": "2024-04-20"}), ["2024Q1"], **ONLY_RESPONSIVENESS
    )
    assert bt.auc == 1.0
    assert (bt.accounts, bt.churners, bt.unscored) == (4, 2, 0)
    assert bt.churn_rate == 0.5
    # Riskiest tenth of 4 accounts = 0.4 of an account, D, a churner: precision 1, lift 1 / 0.5 = 2,
    # recall 0.4 / 2 = 0.2.
    assert (bt.top_decile_precision, bt.top_decile_lift, bt.top_decile_recall) == (
        1.0,
        2.0,
        pytest.approx(0.2),
    )
    # Bands [0, 40): C, D both churned; [40, 70): B stayed; [70, 100]: A stayed.
    assert bt.bands[["band", "accounts", "churners"]].values.tolist() == [
        ["at_risk", 2, 2],
        ["watch", 1, 0],
        ["healthy", 1, 0],
    ]
    assert bt.bands["churn_rate"].tolist() == [1.0, 0.0, 0.0]
    assert bt.periods[["period", "accounts", "churners", "auc"]].values.tolist() == [["2024Q1", 4, 2, 1.0]]
    # ROC: D (0) and C (25) flagged first: TPR 1/2, 1 at FPR 0, then B, A.
    assert bt.roc["true_positive_rate"].tolist() == [0, 0.5, 1, 1, 1]
    assert bt.roc["false_positive_rate"].tolist() == [0, 0, 0, 0.5, 1]
    assert bt.scores.set_index("account_id")["churned"].to_dict() == {
        "A": False,
        "B": False,
        "C": True,
        "D": True,
    }


def test_reversed_ranking_gives_auc_0() -> None:
    bt = ak.health.backtest(
        small_book({"A": "2024-05-15", "B": "2024-04-20"}), ["2024Q1"], **ONLY_RESPONSIVENESS
    )
    assert bt.auc == 0.0
    assert bt.top_decile_precision == 0.0


def test_ties_give_auc_one_half() -> None:
    same = {a: [("2024-01-10", "2024-01-11")] for a in "ABCD"}  # all 100
    bt = ak.health.backtest(
        small_book({"A": "2024-05-15", "C": "2024-04-20"}, same), ["2024Q1"], **ONLY_RESPONSIVENESS
    )
    assert bt.auc == 0.5
    # All tied: the tenth taken at random holds churners at the overall rate: lift 1.
    assert bt.top_decile_lift == pytest.approx(1.0)


def test_churn_counts_only_within_the_horizon_and_only_clients_at_the_end() -> None:
    # D leaves in 2024Q1 itself: not a client at its end, so not in the 2024Q1 backtest; C leaves on
    # 2024-07-01, after the next quarter: a stayer with horizon 1.
    book = small_book({"D": "2024-03-20", "C": "2024-07-01"})
    with pytest.raises(
        ValueError, match=r"2024Q2: churn within the next 1 period\(s\) \(2024Q3\) is not known yet"
    ):
        ak.health.backtest(book, ["2024Q1", "2024Q2"], **ONLY_RESPONSIVENESS)  # data end on 2024-07-01
    accounts = book.to_frames()
    revenue = pd.concat(
        [
            accounts["revenue"],
            pd.DataFrame({"account_id": ["A"], "date": [pd.Timestamp("2024-09-30")], "amount": [1.0]}),
        ]
    )
    longer = ak.Book.from_frames(
        accounts=accounts["accounts"], revenue=revenue, requests=accounts["requests"]
    )
    bt = ak.health.backtest(longer, ["2024Q1"], **ONLY_RESPONSIVENESS)
    assert (bt.accounts, bt.churners) == (3, 0)
    assert math.isnan(bt.auc)  # no churner: undefined, not 0
    # With a horizon of two quarters C's churn counts: C (25) below A (100) and B (50): AUC 1.
    bt2 = ak.health.backtest(longer, ["2024Q1"], horizon=2, **ONLY_RESPONSIVENESS)
    assert (bt2.accounts, bt2.churners, bt2.auc) == (3, 1, 1.0)


def test_unscored_clients_are_counted_not_dropped() -> None:
    # A has no request: with responsiveness alone its health is NaN.
    reqs = {**REQUESTS, "A": []}
    bt = ak.health.backtest(
        small_book({"A": "2024-05-01", "D": "2024-05-01"}, reqs), "2024Q1", **ONLY_RESPONSIVENESS
    )
    assert (bt.accounts, bt.unscored, bt.unscored_churners, bt.churners) == (3, 1, 1, 1)
    assert bt.auc == 1.0  # D (0) below B (50) and C (25)


def test_bad_arguments() -> None:
    book = small_book({})
    with pytest.raises(ValueError, match="horizon"):
        ak.health.backtest(book, ["2024Q1"], horizon=0)
    with pytest.raises(ValueError, match="at least one period"):
        ak.health.backtest(book, [])
    with pytest.raises(ValueError, match=r"more than once: \['2024Q1'\]"):
        ak.health.backtest(book, ["2024Q1", ak.Period("2024-01-01", "2024-04-01")])
    with pytest.raises(ValueError, match="top_share"):
        ak.health.backtest(book, ["2024Q1"], top_share=0)
    with pytest.raises(ValueError, match="test_periods"):
        ak.health.fit_weights(book, ["2024Q1"])


@pytest.fixture(scope="module")
def demo() -> ak.Book:
    return ak.datasets.demo_book()


QUARTERS = ak.periods("2023-01-01", "2025-10-01", "Q")  # 2023Q1-2025Q3: their next quarter is in the data


def test_demo_health_predicts_next_quarter_churn(demo: ak.Book) -> None:
    bt = ak.health.backtest(demo, QUARTERS)
    assert bt.auc >= 0.7
    assert bt.top_decile_lift > 2
    assert len(bt.periods) == 11 and bt.periods["churners"].sum() == bt.churners
    # The at-risk band churns most, the healthy band least.
    rates = bt.bands.set_index("band")["churn_rate"]
    assert rates["at_risk"] > rates["watch"] > rates["healthy"]
    # The pooled figures are the scores' own: recount from the observations.
    s = bt.scores.dropna(subset=["health"])
    assert (len(s), int(s["churned"].sum())) == (bt.accounts, bt.churners)
    # Churn as the KPI engine counts it: clients at the end of 2024Q4 that churned in 2025Q1.
    q = bt.periods.set_index("period").loc["2024Q4"]
    k = demo.kpis("2025Q1", kpis=["clients_start", "churned_clients"]).iloc[0]
    assert (q["accounts"] + q["unscored"], q["churners"] + q["unscored_churners"]) == (
        k["clients_start"],
        k["churned_clients"],
    )


def test_demo_churn_follows_its_service_not_noise(demo: ak.Book) -> None:
    # Trend and margin play no part in why demo clients leave: alone, they rank no better than a coin.
    for component in ("trend", "margin"):
        bt = ak.health.backtest(demo, QUARTERS, weights={component: 1.0}, unanswered_penalty=0)
        assert 0.4 < bt.auc < 0.6, component
    for component in ("responsiveness", "cadence", "satisfaction"):
        bt = ak.health.backtest(demo, QUARTERS, weights={component: 1.0}, unanswered_penalty=0)
        assert bt.auc > 0.55, component


def test_a_manager_scope_counts_only_the_managers_clients(demo: ak.Book) -> None:
    # manager= and scope= select the same clients; each period's observations are the clients health lists
    # for that manager (scored or not), not the whole book with the others unscored.
    last = QUARTERS[-4:]
    by_manager = ak.health.backtest(demo, last, manager="F05")
    by_scope = ak.health.backtest(demo, last, scope=ak.Scope(managers=["F05"]))
    whole = ak.health.backtest(demo, last)
    assert (by_manager.accounts, by_manager.unscored, by_manager.churners) == (
        by_scope.accounts,
        by_scope.unscored,
        by_scope.churners,
    )
    listed = sum(len(ak.health.health(demo, p, manager="F05")) for p in last)
    assert 0 < by_manager.accounts + by_manager.unscored <= listed
    assert by_manager.accounts + by_manager.unscored < whole.accounts + whole.unscored


def test_fitted_weights_beat_the_defaults_out_of_time(demo: ak.Book) -> None:
    fit = ak.health.fit_weights(demo, QUARTERS)
    assert fit.converged
    assert [p.label for p in fit.test_periods] == ["2025Q1", "2025Q2", "2025Q3"]
    assert len(fit.train_periods) == 8
    assert sum(fit.weights.values()) == pytest.approx(1.0)
    assert fit.auc_test >= fit.auc_test_default
    # What drives the demo's churn gets the weight; trend and margin next to none.
    assert fit.weights["trend"] + fit.weights["margin"] < 0.05
    assert fit.unanswered_penalty > 0
    # The weights are in the form health takes, and the test AUC is what backtesting them gives.
    again = ak.health.backtest(demo, fit.test_periods, **fit.options)
    assert again.auc == pytest.approx(fit.auc_test)
    assert "out of time" in fit.summary()
    # Nothing was adopted silently: the default health is unchanged.
    assert ak.health.DEFAULT_WEIGHTS["responsiveness"] == 0.35
    default = ak.health.backtest(demo, fit.test_periods)
    assert default.auc == pytest.approx(fit.auc_test_default)


def test_fit_on_all_periods_has_no_out_of_time_figures(demo: ak.Book) -> None:
    fit = ak.health.fit_weights(demo, QUARTERS[:4], test_periods=0)
    assert fit.test_periods == [] and math.isnan(fit.auc_test) and math.isnan(fit.auc_test_default)
    assert fit.auc_train > 0.5


def test_low_level_core_matches_hand_values() -> None:
    from accountkpi import _core

    r = _core.health.ranking(np.array([10.0, 20, 20, 30, 40]), np.array([1, 0, 1, 0, 0], dtype=np.uint8))
    assert r["auc"] == pytest.approx(11 / 12)  # (3 + 2.5) / 6: see test_health_backtest.cpp
    fit = _core.health.fit_logistic(
        np.array([[0.0]] * 4 + [[1.0]] * 4), np.array([1, 0, 0, 0, 1, 1, 1, 0], dtype=np.uint8), l2=0.0
    )
    assert fit["coefficients"][0] == pytest.approx(2 * math.log(3))  # logit(3/4) - logit(1/4)


def test_report_shows_the_backtest_beside_the_at_risk_list(demo: ak.Book) -> None:
    from accountkpi.report_backtest import backtest_periods

    quarters = backtest_periods(demo, ak.Period("2025Q2"))
    # From the quarter of the first revenue line (2023Q1) to the last whose next quarter ends by 2025Q2.
    assert [quarters[0].label, quarters[-1].label, len(quarters)] == ["2023Q1", "2025Q1", 9]
    bt = ak.health.backtest(demo, quarters)
    page = ak.report.html_report(demo, ak.Period("2025Q2"))
    assert page.index("At-risk accounts") < page.index("Does health predict churn?")
    assert f"AUC {bt.auc:.2f} (0.5 is chance)" in page
    assert f"({bt.churners} churned)" in page
    # Counts as whole numbers: the at-risk band's clients and churners.
    band = bt.bands.iloc[0]
    cells = f'<th>at_risk</th><td class="text">0–40</td><td>{band.accounts:,}</td><td>{band.churners:,}</td>'
    assert cells in page
    # Nothing to backtest before the data has a next quarter.
    assert backtest_periods(demo, ak.Period("2023Q1")) == []
    assert "Does health predict churn?" not in ak.report.html_report(demo, ak.Period("2023Q1"))


def test_plot_draws_roc_and_bands(demo: ak.Book) -> None:
    import matplotlib

    matplotlib.use("Agg")
    bt = ak.health.backtest(demo, QUARTERS)
    roc, bands = ak.plot.health_backtest(bt)
    curve = roc.get_lines()[0]
    assert list(curve.get_xdata()) == bt.roc["false_positive_rate"].tolist()
    assert f"AUC {bt.auc:.2f}" in roc.get_legend().get_texts()[0].get_text()
    heights = [p.get_height() for p in bands.patches]
    assert heights == pytest.approx(bt.bands["churn_rate"].tolist())
    matplotlib.pyplot.close("all")


def test_docs_health_examples_run() -> None:
    import doctest
    from pathlib import Path

    doc = Path(__file__).resolve().parents[2] / "docs" / "health.md"
    result = doctest.testfile(str(doc), module_relative=False, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted >= 6 and result.failed == 0
