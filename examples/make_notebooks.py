"""Writes the example notebooks from the cells below, executed, with their outputs; run it after editing them.

``python examples/make_notebooks.py`` (a minute or two) runs every notebook from top to bottom in a fresh
kernel and stores it with its outputs (tables, charts), so that a reader on a code host or on the docs
site sees them without running anything; ``python examples/make_notebooks.py 04`` runs only those whose file
names start so. Cell ids are fixed and the data are seeded, so a run writes the same
files; tests/python/test_notebooks.py runs each notebook again and fails when its stored outputs are stale.
"""

from __future__ import annotations

import sys
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

CRM_REVIEW = [
    new_markdown_cell(
        "# From a CRM export to the quarterly account review\n\nAn analyst's quarter end: the CRM and the "
        "billing system export their tables as CSV files, each with its own column names; we map them onto "
        "the Book's tables, see which rows the Book refused and why, and build the quarterly account review: "
        "KPIs by manager and account against the previous quarter, the health score and the at-risk list, "
        "the revenue bridge and the review report."
    ),
    new_markdown_cell(
        "## The export\n\nIn real life the files come from your systems. So that this notebook runs "
        "anywhere, we write them here from the demo book, renamed as a CRM and a billing system name them, "
        "with the billing system's dates written `31/01/2025` and a few of the mistakes real exports have."
    ),
    new_code_cell(
        "import re\nimport tempfile\nfrom pathlib import Path\n\nimport pandas as pd\n"
        "import accountkpi as ak\n\n"
        "# per table of the Book: the export's file, {Book column: the export's column}\n"
        "CRM = {\n"
        "    'accounts': ('Accounts.csv', {\n"
        "        'account_id': 'Account ID', 'name': 'Account Name', 'region': 'Sales Region',\n"
        "        'domain': 'Industry', 'parent_id': 'Parent Account ID', 'acquired_on': 'Customer Since',\n"
        "        'churned_on': 'Churn Date'}),\n"
        "    'managers': ('Users.csv', {\n"
        "        'manager_id': 'User ID', 'name': 'Full Name', 'role': 'Role', 'tier': 'AM Tier',\n"
        "        'reports_to': 'Manager ID', 'unit_id': 'Department ID'}),\n"
        "    'units': ('Departments.csv', {\n"
        "        'unit_id': 'Department ID', 'name': 'Department', 'kind': 'Type',\n"
        "        'head_id': 'Head User ID', 'parent_id': 'Parent Department ID',\n"
        "        'account_id': 'Dedicated Account ID'}),\n"
        "    'assignments': ('AccountTeam.csv', {\n"
        "        'manager_id': 'Owner ID', 'account_id': 'Account ID', 'project_id': 'Project No',\n"
        "        'start': 'Owner From', 'end': 'Owner To'}),\n"
        "    'projects': ('Projects.csv', {\n"
        "        'project_id': 'Project No', 'account_id': 'Account ID', 'service_line': 'Service Line',\n"
        "        'kind': 'Deal Type', 'signed_on': 'Close Date', 'start': 'Start Date', 'end': 'End Date',\n"
        "        'value': 'Contract Value', 'billing': 'Billing Type'}),\n"
        "    'revenue': ('Invoices.csv', {\n"
        "        'account_id': 'Customer No', 'project_id': 'Project No', 'date': 'Invoice Date',\n"
        "        'amount': 'Net Amount', 'cost': 'Cost of Sales', 'units': 'Qty', 'unit': 'UoM'}),\n"
        "    'interactions': ('Activities.csv', {\n"
        "        'account_id': 'Account ID', 'manager_id': 'Assigned To', 'date': 'Activity Date',\n"
        "        'channel': 'Activity Type', 'party': 'Initiated By'}),\n"
        "    'requests': ('Cases.csv', {\n"
        "        'account_id': 'Account ID', 'received_on': 'Opened', 'responded_on': 'First Response',\n"
        "        'project_id': 'Project No'}),\n"
        "    'surveys': ('Surveys.csv', {\n"
        "        'account_id': 'Account ID', 'date': 'Response Date', 'kind': 'Survey', 'score': 'Score'}),\n"
        "    'targets': ('Quotas.csv', {\n"
        "        'manager_id': 'User ID', 'kpi': 'Metric', 'begin': 'Period Start', 'end': 'Period End',\n"
        "        'target': 'Quota'}),\n"
        "}\n\n"
        "export = Path(tempfile.mkdtemp()) / 'crm_export'\nexport.mkdir()\n"
        "for table, frame in ak.datasets.demo_book(seed=0).to_frames().items():\n"
        "    file, names = CRM[table]\n"
        "    frame = frame.rename(columns=names)\n"
        "    if table == 'revenue':  # the billing system: day first, and three bad lines\n"
        "        frame['Invoice Date'] = frame['Invoice Date'].dt.strftime('%d/%m/%Y')\n"
        "        frame = frame.astype({'Customer No': str, 'Net Amount': str})\n"
        "        frame.loc[100, 'Net Amount'] = 'TBD'\n"
        "        frame.loc[200, 'Customer No'] = '9999'\n"
        "        frame.loc[300, 'Invoice Date'] = '31/02/2025'\n"
        "    if table == 'surveys':  # an NPS answer out of its 0-10 scale\n"
        "        frame.loc[50, 'Score'] = 11\n"
        "    if table == 'requests':  # a first response typed before the case was opened\n"
        "        frame.loc[12, 'First Response'] = pd.Timestamp('2020-01-01')\n"
        "    frame.to_csv(export / file, index=False, date_format='%Y-%m-%d')\n"
        "sorted(p.name for p in export.iterdir())"
    ),
    new_markdown_cell(
        "## Reading it\n\nEvery column is read as text (`dtype=str`): the Book parses numbers and ISO dates "
        "itself and reports every value it cannot read by file row, where `pandas` would turn a whole "
        "column into text or guess a date. The one conversion the Book does not do is the billing system's "
        "day-first dates: we rewrite those that parse as ISO and leave the others as they are, for the "
        "Book to report."
    ),
    new_code_cell(
        "frames = {\n"
        "    table: pd.read_csv(export / file, dtype=str, keep_default_na=False, na_values=[''])\n"
        "    for table, (file, _) in CRM.items()\n"
        "}\n"
        "billed = frames['revenue']['Invoice Date']\n"
        "parsed = pd.to_datetime(billed, format='%d/%m/%Y', errors='coerce')\n"
        "frames['revenue']['Invoice Date'] = parsed.dt.strftime('%Y-%m-%d').where(parsed.notna(), billed)\n"
        "frames['revenue'].head()"
    ),
    new_markdown_cell(
        "## The column mapping and the quarantine report\n\n`columns=` maps each table's columns onto the "
        "Book's; `on_error='quarantine'` builds the Book of the rows without problems and returns the "
        "others with every reason (a row is the 0-based data row of its file). Nothing is dropped "
        "silently: every row of the export is in the Book or in `rejected`."
    ),
    new_code_cell(
        "book, rejected = ak.Book.from_frames(\n"
        "    **frames, columns={table: names for table, (_, names) in CRM.items()}, on_error='quarantine'\n"
        ")\n"
        "print(book)\n"
        "rejected[['table', 'row', 'column', 'reason']].assign(\n"
        "    file=rejected['table'].map({t: f for t, (f, _) in CRM.items()}),\n"
        "    export_column=[CRM[t][1].get(c, c) for t, c in zip(rejected['table'], rejected['column'])],\n"
        ")"
    ),
    new_code_cell(
        "for table, frame in frames.items():\n"
        "    kept, refused = len(book.table(table)), (rejected['table'] == table).sum()\n"
        "    assert kept + refused == len(frame), table\n"
        "print('every row of the export is in the Book or in rejected')"
    ),
    new_markdown_cell(
        "## The quarter against the previous one\n\nThe review covers the last whole quarter of the data. "
        "`ak.compare.compare` gives each KPI of the quarter beside the previous quarter's, with deltas (a "
        "rate's in points): here by account manager, the owner at each line's date."
    ),
    new_code_cell(
        "quarter = ak.report.default_period(book)\nprevious = quarter.previous()\n"
        "print(quarter, 'against', previous)\n"
        "kpis = ['revenue', 'gross_margin', 'clients_end', 'nrr', 'timely_response_rate']\n"
        "by_manager = ak.compare.compare(book, quarter, vs='previous', by='manager', kpis=kpis)\n"
        "by_manager = by_manager[by_manager['manager_id'].notna()]  # accounts nobody owned at the time\n"
        "wide = by_manager.pivot(index='manager_id', columns='kpi', values=['value', 'previous_delta'])\n"
        "wide.columns = [kpi if v == 'value' else f'{kpi} Δ' for v, kpi in wide.columns]\n"
        "wide[[c for kpi in kpis for c in (kpi, f'{kpi} Δ')]].round(3)"
    ),
    new_markdown_cell(
        "By account: the clients whose revenue moved most since the previous quarter, with their margin."
    ),
    new_code_cell(
        "by_account = ak.compare.compare(\n"
        "    book, quarter, vs='previous', by='account', kpis=['revenue', 'gross_margin']\n)\n"
        "accounts = by_account.pivot(index='account_id', columns='kpi', values=['value', 'previous_delta'])\n"
        "accounts.columns = [kpi if v == 'value' else f'{kpi} Δ' for v, kpi in accounts.columns]\n"
        "accounts = accounts[['revenue', 'revenue Δ', 'gross_margin', 'gross_margin Δ']]\n"
        "accounts.sort_values('revenue Δ', key=abs, ascending=False).round(3).head(8)"
    ),
    new_markdown_cell(
        "## Health and the at-risk list\n\nThe health score (0-100) of every client from satisfaction, "
        "contact cadence, responsiveness, revenue trend and margin, with the reasons behind a low one."
    ),
    new_code_cell(
        "scores = ak.health.health(book, quarter)\n"
        "print(scores['band'].value_counts().to_dict())\n"
        "ak.plot.health_distribution(scores['health'].dropna());"
    ),
    new_code_cell(
        "risky = ak.health.at_risk(book, quarter)\n"
        "shown = ['account_id', 'health', 'satisfaction', 'cadence', 'responsiveness', 'reasons']\n"
        "risky[shown].round(1).head(10)"
    ),
    new_markdown_cell(
        "## The revenue bridge\n\nFrom the previous quarter's revenue to this one's: every account's change "
        "falls in exactly one movement, so the bridge adds up."
    ),
    new_code_cell(
        "bridge = book.revenue_bridge([previous, quarter])\n"
        "ak.plot.revenue_bridge(bridge, period=quarter.label)\nbridge"
    ),
    new_markdown_cell(
        "## The account review\n\n`ak.report.review` computes the review's numbers once and tells the story "
        "of the quarter; `html_report` writes them, with charts, as one self-contained page to send round "
        "(`xlsx_report` as a workbook)."
    ),
    new_code_cell(
        "review = ak.report.review(book, quarter)\nfor line in review.story:\n    print('-', line)"
    ),
    new_code_cell("review.scorecard_summary.round(3).head()"),
    new_code_cell(
        "page = export.parent / f'account-review-{quarter.label}.html'\n"
        "page.write_text(ak.report.html_report(book, quarter), encoding='utf-8')\n"
        "for heading in re.findall('<h2>(.*?)</h2>', page.read_text(encoding='utf-8')):\n"
        "    print(heading)"
    ),
    new_markdown_cell(
        "The export and the report were written to a temporary folder; with your own files, point "
        "`export` at the folder your systems write and the report where your team reads it."
    ),
    new_code_cell("import shutil\n\nshutil.rmtree(export.parent)"),
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
    "04_crm_export_to_quarterly_review.ipynb": CRM_REVIEW,
}


if __name__ == "__main__":
    chosen = sys.argv[1:]  # file names (or their first characters, "04"); all notebooks when none are given
    for name, cells in NOTEBOOKS.items():
        if chosen and not any(name.startswith(c) for c in chosen):
            continue
        nb = execute(notebook(cells))
        nb.metadata.pop("language_info", None)  # the kernel's exact Python version: not part of the example
        nbformat.write(nb, HERE / name)
        print("wrote", name)
