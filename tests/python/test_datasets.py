"""The data sets shipped with the package: the files are there (with their provenance and licence), each
loader gives lifetimes' columns and the counts of the original files, and the published CDNOW fits are
reproduced."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import accountkpi as ak
from accountkpi import datasets


def test_the_provenance_and_licence_ship_with_the_data() -> None:
    text = datasets.path("donations.csv").parent.joinpath("SOURCES.md").read_text(encoding="utf-8")
    assert "MIT License" in text and "Cameron Davidson-Pilon" in text and "Fader, Hardie & Lee (2005)" in text


def test_cdnow_transactions_are_the_master_file() -> None:
    t = datasets.load_cdnow_transactions()
    assert list(t.columns) == ["customer_id", "date", "cds", "amount"]
    assert len(t) == 69_659 and t["customer_id"].nunique() == 23_570
    assert t["date"].dtype.kind == "M"
    assert (t["date"].min(), t["date"].max()) == (pd.Timestamp("1997-01-01"), pd.Timestamp("1998-06-30"))
    # The first lines of the file: customer 1 bought 1 CD for 11.77 on 1997-01-01; customer 2 bought twice on
    # 1997-01-12 (1 CD for 12.00 and 5 CDs for 77.00).
    first = t.head(3)
    assert first["customer_id"].tolist() == [1, 2, 2]
    assert first["cds"].tolist() == [1, 1, 5]
    assert first["amount"].tolist() == [11.77, 12.00, 77.00]


def test_the_sample_is_the_published_tenth() -> None:
    s = datasets.load_cdnow_sample()
    assert list(s.columns) == ["customer_id", "id", "date", "cds", "amount"]
    assert len(s) == 6_919 and s["id"].nunique() == 2_357
    assert s["id"].min() == 1 and s["id"].max() == 2_357
    # Every sampled customer is a customer of the master file, with the same purchases.
    master = datasets.load_cdnow_transactions()
    assert set(s["customer_id"]) <= set(master["customer_id"])
    mine = master[master["customer_id"].isin(s["customer_id"])]
    assert len(mine) == len(s) and mine["amount"].sum() == pytest.approx(s["amount"].sum(), abs=1e-6)


def test_summaries_agree_with_each_other() -> None:
    a = datasets.load_cdnow_summary()
    b = datasets.load_cdnow_summary_with_monetary_value()
    assert a.shape == (2_357, 3) and b.shape == (2_357, 4)
    assert a.index.name == "ID" and b.index.name == "customer_id"
    np.testing.assert_array_equal(
        a[["frequency", "recency", "T"]].to_numpy(), b[["frequency", "recency", "T"]]
    )
    assert int(a["frequency"].sum()) == 2_457  # repeat transactions in the calibration period
    assert (b.loc[b["frequency"] == 0, "monetary_value"] == 0).all()
    assert (
        datasets.load_cdnow_summary_data_with_monetary_value
        is datasets.load_cdnow_summary_with_monetary_value
    )


def test_published_bgnbd_and_gamma_gamma_estimates_from_the_shipped_summary() -> None:
    s = datasets.load_cdnow_summary_with_monetary_value()
    bgf = ak.ltv.BetaGeoFitter().fit(s["frequency"], s["recency"], s["T"])
    # Fader, Hardie & Lee (2005): r = 0.243, alpha = 4.414, a = 0.793, b = 2.426, LL = -9582.4.
    got = [float(bgf.params_[k]) for k in ("r", "alpha", "a", "b")]
    np.testing.assert_allclose(got, [0.243, 4.414, 0.793, 2.426], atol=6e-4)
    repeat = s[s["frequency"] > 0]
    ggf = ak.ltv.GammaGammaFitter().fit(repeat["frequency"], repeat["monetary_value"])
    # Fader, Hardie & Lee (2005b): p = 6.25, q = 3.74, v = 15.44.
    got = [float(ggf.params_[k]) for k in ("p", "q", "v")]
    np.testing.assert_allclose(got, [6.25, 3.74, 15.44], atol=0.01)


def test_donations_are_the_bgbb_patterns() -> None:
    d = datasets.load_donations()
    assert list(d.columns) == ["frequency", "recency", "periods", "weights"]
    assert len(d) == 22 and int(d["weights"].sum()) == 11_104 and (d["periods"] == 6).all()
    assert (d["recency"] >= d["frequency"]).all() and (d["recency"] <= 6).all()


def test_example_transactions() -> None:
    t = datasets.load_transaction_data()
    assert list(t.columns) == ["date", "id"] and len(t) == 15_273 and t["id"].nunique() == 5_000
    assert t["date"].dt.year.unique().tolist() == [2014]


def test_unknown_data_set_lists_the_known_ones() -> None:
    with pytest.raises(ValueError, match=r"unknown data set 'cdnow\.csv'; known: .*donations\.csv"):
        datasets.load_dataset("cdnow.csv")
