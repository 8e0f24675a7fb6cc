"""Segments (client, region, volume band, domain and their crossings) as `by` keys and as scopes, on the
hand-made book of tiers_books.py. Trailing-12-month revenue before Q2 2024 (2023-04-01 .. 2024-04-01):
A 1000, B 2000, C 1000, D 0, E 0; with one threshold at 1500, B alone is in the band ">=1,500"."""

from __future__ import annotations

import pytest
import tiers_books

import accountkpi as ak

Q2 = "2024Q2"


@pytest.fixture(scope="module")
def book() -> ak.Book:
    return tiers_books.book()


def test_region_by_volume_band_crossing(book: ak.Book) -> None:
    t = book.kpis(Q2, by=["region", "volume_band"], kpis="revenue", volume_thresholds=[1500])
    got = {(r, str(v)): x for r, v, x in zip(t["region"], t["volume_band"], t["revenue"], strict=True)}
    # EMEA small: A 1500 + E 500; EMEA large: B 1000; APAC small: C 2000 + D 10000
    assert got == {("EMEA", "<1,500"): 2000, ("EMEA", ">=1,500"): 1000, ("APAC", "<1,500"): 12000}


def test_segment_is_a_scope_for_every_kpi_and_a_mandate(book: ak.Book) -> None:
    segment = ak.Scope(regions=["EMEA"], volume_bands=[">=1,500"])
    assert book.kpis(Q2, kpis="revenue", scope=segment, volume_thresholds=[1500])["revenue"][0] == 1000
    assert book.kpis(Q2, kpis=["gross_margin"], scope=segment, volume_thresholds=[1500])["gross_margin"][
        0
    ] == pytest.approx(0.2)  # B: (1000 - 800) / 1000
    # a segment crossed with a manager's book: F2 in APAC is C alone
    assert ak.kpi.revenue(book, Q2, scope=ak.Scope(managers=["F2"], regions=["APAC"])) == 2000
