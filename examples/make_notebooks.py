"""Writes the example notebooks from the cells below, executed, with their outputs; run it after editing them.

``python examples/make_notebooks.py`` (under a minute) runs every notebook from top to bottom in a fresh
kernel and stores it with its outputs (tables, charts), so that a reader on a code host or on the docs
site sees them without running anything. Cell ids are fixed and the data are seeded, so a run writes the same
files; tests/python/test_notebooks.py runs each notebook again and fails when its stored outputs are stale.
"""

from __future__ import annotations

from pathlib import Path

import nbclient
import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent

QUICK_START = [
    new_markdown_cell(
        "# Quick start: the KPIs of a book of accounts\n\nThe demo book is a synthetic IT-services "
        "company: a few hundred clients over three years, farmers of three tiers and closers, "
        "projects, revenue, communications, requests and surveys."
    ),
    new_code_cell(
        "import pandas as pd\nimport accountkpi as ak\n\nbook = ak.datasets.demo_book(seed=0)\nbook"
    ),
    new_markdown_cell(
        "## One KPI, one period\n\nEvery KPI is a function of the book and a period; ratios that "
        "have no denominator are NaN, never 0."
    ),
    new_code_cell(
        "ak.kpi.retention_rate(book, '2025Q2'), ak.kpi.nrr(book, '2025Q2'), "
        "ak.kpi.gross_margin(book, '2025Q2')"
    ),
    new_markdown_cell(
        "## A table: KPIs by period and group\n\n`book.kpis` computes any KPIs over any periods "
        "and groups in one pass over each table."
    ),
    new_code_cell(
        "quarters = ak.periods('2024-01-01', '2026-01-01', 'Q')\n"
        "table = book.kpis(quarters, by='region', kpis=['active_clients', 'retention_rate', 'nrr', "
        "'revenue', 'gross_margin', 'csat'])\ntable.head(8)"
    ),
    new_code_cell("ak.plot.kpi_trend(table, 'nrr', by='region');"),
    new_markdown_cell(
        "## Who owns what\n\nGrouping by manager follows the assignments over time: a revenue line "
        "counts for the manager who owned the account on its date."
    ),
    new_code_cell(
        "book.kpis('2025', by=['tier', 'manager'], kpis=['revenue', 'gross_margin', 'nrr', "
        "'timely_response_rate']).head(10)"
    ),
    new_markdown_cell("## The 80/20 rule"),
    new_code_cell(
        "revenue = book.kpis('2025', by='account', kpis=['revenue'])['revenue']\n"
        "print(ak.concentration.top_share(revenue), ak.concentration.pareto_ratio(revenue))\n"
        "ak.plot.lorenz(revenue);"
    ),
    new_markdown_cell("## Cohorts"),
    new_code_cell("cohorts = book.cohorts('Y')\nak.plot.cohort_heatmap(cohorts)\ncohorts"),
    new_markdown_cell(
        "## How revenue moved: the bridge\n\nFrom one quarter to the next, every account's change falls in "
        "one movement (new, reactivated, resumed after a billing gap, expansion, contraction, churned), so "
        "the bridge adds up to the cent; `exact=True` gives the integer millionths the engine sums."
    ),
    new_code_cell(
        "bridge = book.revenue_bridge(quarters, by='region')\n"
        "moves = ['opening', 'new', 'reactivated', 'resumed', 'expansion', 'contraction', 'churned']\n"
        "exact = book.revenue_bridge(quarters, by='region', exact=True)\n"
        "assert (exact[moves].sum(axis=1) == exact['closing']).all()\n"
        "ak.plot.revenue_bridge(bridge, period='2025Q2')\n"
        "bridge[bridge['period'] == '2025Q2']"
    ),
    new_code_cell("book.kpis(quarters, kpis=['quick_ratio', 'backlog', 'mrr', 'arr', 'renewal_rate'])"),
    new_markdown_cell(
        "## Projects\n\nPer project: billed, burn, backlog, margin and effective rate; the renewals due "
        "with the account's health; KPIs by project."
    ),
    new_code_cell("book.project_status('2025-07-01').sort_values('backlog', ascending=False).head(5)"),
    new_code_cell("book.renewals('2025-07-01', within='90D').head(10)"),
    new_code_cell(
        "book.kpis('2025Q2', by='project', kpis=['revenue', 'gross_margin', 'backlog', 'mrr']).head(5)"
    ),
]

TIERS = [
    new_markdown_cell(
        "# Tiers, scorecards and prioritisation\n\nThree tiers of account managers, each with its "
        "own scope, scorecard and authority: a *single client* (juniors), a *client portfolio* (may "
        "prioritise and drop projects) and a *revenue portfolio* (a turnover target, run like a "
        "business)."
    ),
    new_code_cell(
        "import pandas as pd\nimport accountkpi as ak\n\n"
        "book = ak.datasets.demo_book()\nbook.table('managers').head()"
    ),
    new_markdown_cell(
        "## The quarter against the last one and a year ago\n\nOne tidy frame: value, each comparison, "
        "absolute and relative deltas (a rate's delta in points); NPS over the trailing 12 months."
    ),
    new_code_cell(
        "book.compare('2025Q2', kpis=['revenue', 'gross_margin', 'retention_rate', 'nrr', 'nps'], window=12)"
    ),
    new_markdown_cell(
        "## Every farmer's scorecard\n\nActual, target (pro-rated by days), gap, attainment (capped at "
        "1.5), weight, weighted score and the points each goal cost; KPIs that are undefined are listed, "
        "never scored as zero (and a goal unscored for a whole tier warns)."
    ),
    new_code_cell("cards = book.scorecards('2025Q2')\nak.tiers.scorecard_summary(cards)"),
    new_code_cell("ak.plot.scorecard(cards[cards['manager_id'] == 'F05']);"),
    new_markdown_cell("## A client portfolio: which accounts to grow, which to drop"),
    new_code_cell(
        "portfolio = ak.tiers.ClientPortfolio(manager='F05')\n"
        "ranking = portfolio.prioritise(book, '2025Q2')\n"
        "ranking[['priority_rank', 'account_id', 'revenue', 'growth', 'margin', 'health', 'drop_candidate', "
        "'reasons']].head(10)"
    ),
    new_markdown_cell("## A revenue portfolio: target, run rate, gap, P&L"),
    new_code_cell("ak.tiers.RevenuePortfolio(manager='F10').status(book, '2025Q2').to_frame().T"),
    new_markdown_cell("## Gaps in the organisation, farmers and closers, health"),
    new_code_cell("ak.tiers.coverage(book, '2025Q2')"),
    new_code_cell("ak.tiers.farmers_closers(book, '2025')"),
    new_code_cell(
        "scores = ak.health.health(book, '2025Q2')\nak.plot.health_distribution(scores['health'].dropna())\n"
        "ak.health.at_risk(book, '2025Q2', manager='F05')[['account_id', 'health', 'reasons']]"
    ),
    new_markdown_cell(
        "## What if we kept 5 points more clients?\n\nWhole clients, churn never below 0, the lifetime "
        "capped at 5 years and discounted at 10% a year: `profit_uplift` is the number to hold against "
        'the article\'s "+5% retention, +25% profit".'
    ),
    new_code_cell(
        "uplift = ak.whatif.retention_uplift(book, '2025', points=0.05)\n"
        "print(f'{uplift.profit_uplift:+.1%} profit over {uplift.horizon:g} years')\n"
        "for line in uplift.assumptions:\n    print('-', line)"
    ),
    new_markdown_cell("## The review story the report opens with"),
    new_code_cell("for line in ak.report.review(book, '2025Q2').story:\n    print('-', line)"),
]

LTV = [
    new_markdown_cell(
        "# Lifetime value on CDNOW\n\nThe CDNOW sample (2,357 customers, first purchases in Q1 1997, "
        "39-week calibration period) is the standard data set of the customer-lifetime-value "
        "literature. We fit BG/NBD for repeat purchases and Gamma-Gamma for spend, and compare with "
        "the published estimates (Fader, Hardie & Lee 2005)."
    ),
    new_code_cell(
        "import pandas as pd\nimport accountkpi as ak\n\n"
        "# shipped with the package (lifetimes' copy; provenance and licence in accountkpi/datasets/data)\n"
        "summary = ak.datasets.load_cdnow_summary_with_monetary_value()\n"
        "summary.head()"
    ),
    new_code_cell(
        "bgf = ak.ltv.BetaGeoFitter()\n"
        "bgf.fit(summary['frequency'], summary['recency'], summary['T'])\nbgf.summary"
    ),
    new_markdown_cell(
        "The published estimates are r = 0.243, alpha = 4.414, a = 0.793, b = 2.426 (log-likelihood -9582.4)."
    ),
    new_code_cell(
        "assert abs(bgf.params_['r'] - 0.243) < 0.001 and abs(bgf.params_['b'] - 2.426) < 0.002\n"
        "bgf.log_likelihood_"
    ),
    new_code_cell(
        "repeat = summary[summary['frequency'] > 0]\n"
        "ggf = ak.ltv.GammaGammaFitter().fit(repeat['frequency'], repeat['monetary_value'])\nggf.params_"
    ),
    new_code_cell(
        "clv = ggf.customer_lifetime_value(bgf, summary['frequency'], summary['recency'], summary['T'], "
        "summary['monetary_value'], time=12, discount_rate=0.01, freq='W')\n"
        "pd.Series(clv).describe()"
    ),
    new_markdown_cell(
        "## Contract renewals: the shifted-beta-geometric model\n\nFader & Hardie (2007): "
        "survivors of a cohort of 1,000 customers after each renewal."
    ),
    new_code_cell(
        "survivors = [1000, 869, 743, 653, 593, 551, 517, 491]\n"
        "sbg = ak.ltv.ShiftedBetaGeoFitter().fit(survivors)\nprint(sbg.params_)\n"
        "ak.plot.survival(survivors, sbg, horizon=12);"
    ),
    new_markdown_cell(
        "## Validation on a holdout period\n\nFit on the 39 calibration weeks (to 1997-09-30), predict the "
        "39 holdout weeks (to 1998-06-30), compare with what the customers did. The same split for MBG/NBD, "
        "which lets a customer drop out right after the first purchase."
    ),
    new_code_cell(
        "transactions = ak.datasets.load_cdnow_sample()\n"
        "split = ak.ltv.calibration_and_holdout_data(transactions, 'id', 'date', '1997-09-30', '1998-06-30', "
        "freq='W')\n"
        "models = {'BG/NBD': ak.ltv.BetaGeoFitter(), 'MBG/NBD': ak.ltv.ModifiedBetaGeoFitter()}\n"
        "for name, model in models.items():\n"
        "    model.fit(split['frequency_cal'], split['recency_cal'], split['T_cal'])\n"
        "    print(name, ak.ltv.evaluate(model, split))"
    ),
    new_code_cell("ak.ltv.evaluate(models['BG/NBD'], split).by_frequency"),
    new_code_cell(
        "ak.ltv.plotting.plot_calibration_purchases_vs_holdout_purchases(models['BG/NBD'], split);\n"
        "ak.ltv.plotting.plot_period_transactions(models['BG/NBD']);\n"
        "ak.ltv.plotting.plot_probability_alive_matrix(models['BG/NBD']);"
    ),
    new_markdown_cell(
        "## Honest fits\n\nA fit that did not reach an interior maximum says so: here nobody has lapsed "
        "(everyone bought on the last day), so the likelihood keeps rising towards 'nobody ever leaves'."
    ),
    new_code_cell(
        "import warnings\n"
        "with warnings.catch_warnings(record=True):\n"
        "    warnings.simplefilter('always')\n"
        "    t = [10, 20, 30, 40, 50]\n"
        "    no_churn = ak.ltv.BetaGeoFitter().fit([1, 2, 3, 4, 5], t, t)\n"
        "print(no_churn.converged_)\nprint(no_churn.convergence_['message'])"
    ),
    new_markdown_cell(
        "## Discrete opportunities: BG/BB on the donations data\n\nFader, Hardie & Shang (2010): 11,104 "
        "donors of 1995, observed at the yearly drives of 1996-2001. Published: alpha = 1.204, beta = 0.750, "
        "gamma = 0.657, delta = 2.783."
    ),
    new_code_cell(
        "d = ak.datasets.load_donations()\n"
        "bbf = ak.ltv.BetaGeoBetaBinomFitter()\n"
        "bbf.fit(d['frequency'], d['recency'], d['periods'], d['weights'])\n"
        "print(bbf.summary)\n"
        "bbf.expected_number_of_transactions_in_first_n_periods(6).round(1)"
    ),
    new_markdown_cell(
        "## Saving a model\n\nA fitted model saves as JSON (parameters, covariance, convergence, data)."
    ),
    new_code_cell(
        "import json, tempfile, os\n"
        "path = os.path.join(tempfile.mkdtemp(), 'bgf.json')\n"
        "bgf.save_model(path, save_data=False)\n"
        "print(json.load(open(path))['params'])\n"
        "ak.ltv.BetaGeoFitter().load_model(path)"
    ),
    new_markdown_cell(
        "## The same on a Book\n\n`book.rfm()` builds the RFM summary from revenue lines; "
        "`ak.ltv.predicted_clv` fits BG/NBD and Gamma-Gamma on it, in revenue or gross profit."
    ),
    new_code_cell(
        "book = ak.datasets.demo_book()\nrfm = book.rfm(freq='W')\n"
        "ak.ltv.BetaGeoFitter().fit(rfm['frequency'], rfm['recency'], rfm['T']).params_"
    ),
    new_code_cell(
        "ak.ltv.predicted_clv(book, end='2026-01-01', measure='gross_profit').sort_values('clv').tail()"
    ),
]


def execute(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Runs the notebook top to bottom in a fresh kernel from this folder (charts inline, as PNG)."""
    client = nbclient.NotebookClient(
        nb,
        timeout=600,
        kernel_name="python3",
        record_timing=False,
        resources={"metadata": {"path": str(HERE)}},
    )
    client.execute()
    for cell in nb.cells:  # one stream output per run of prints: how the kernel flushed them is not content
        merged: list = []
        for out in cell.get("outputs", []):
            last = merged[-1] if merged else None
            if (
                out.output_type == "stream"
                and last
                and last.output_type == "stream"
                and last.name == out.name
            ):
                last.text += out.text
            else:
                merged.append(out)
        if cell.cell_type == "code":
            cell.outputs = merged
    return nb


def notebook(cells: list) -> nbformat.NotebookNode:
    """The notebook of ``cells``, with fixed cell ids (a rewrite changes only what changed)."""
    for i, cell in enumerate(cells):
        cell.id = f"cell-{i:02d}"
    return new_notebook(
        cells=cells,
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
    )


NOTEBOOKS = {
    "01_quick_start.ipynb": QUICK_START,
    "02_tiers_and_scorecards.ipynb": TIERS,
    "03_ltv_cdnow.ipynb": LTV,
}


if __name__ == "__main__":
    for name, cells in NOTEBOOKS.items():
        nb = execute(notebook(cells))
        nb.metadata.pop("language_info", None)  # the kernel's exact Python version: not part of the example
        nbformat.write(nb, HERE / name)
        print("wrote", name)
