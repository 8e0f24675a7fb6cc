"""Smoke test of an installed accountkpi (a wheel or an sdist in a clean virtual environment, run from a
folder with no source tree): it imports, builds the demo book, computes a KPI and fits BG/NBD on the shipped
CDNOW summary to the published estimates."""

import math

import accountkpi as ak

book = ak.datasets.demo_book(seed=0, accounts=40, years=1)
revenue = ak.kpi.revenue(book, "2023Q2")
retention = ak.kpi.retention_rate(book, "2023Q2")
assert revenue > 0 and 0 <= retention <= 1, (revenue, retention)
table = book.kpis(ak.periods("2023-01-01", "2024-01-01", "Q"), by="region", kpis=["revenue", "nrr"])
assert math.isclose(table.loc[table["period"] == "2023Q2", "revenue"].sum(), revenue, rel_tol=1e-12)

summary = ak.datasets.load_cdnow_summary()
bgf = ak.ltv.BetaGeoFitter().fit(summary["frequency"], summary["recency"], summary["T"])
# Fader, Hardie & Lee (2005): r = 0.243, alpha = 4.414, a = 0.793, b = 2.426.
for name, published in {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}.items():
    assert abs(float(bgf.params_[name]) - published) < 1e-3, (name, float(bgf.params_[name]))
r = float(bgf.params_["r"])
print(f"smoke: accountkpi {ak.__version__} at {ak.__file__}: revenue 2023Q2 {revenue:.2f}, r {r:.4f}")
