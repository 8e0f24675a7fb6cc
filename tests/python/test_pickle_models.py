"""Scorecards, mandates and fitted models pickle, also across a process boundary."""

from __future__ import annotations

import multiprocessing
import pickle
from concurrent.futures import ProcessPoolExecutor

import pandas as pd

import accountkpi as ak

SURVIVORS = [1000, 869, 743, 653, 593, 551, 517, 491]


def _score(card: ak.tiers.Scorecard) -> float:
    return card.score


def _survival(model: ak.ltv.ShiftedBetaGeoFitter) -> list[float]:
    return [float(x) for x in model.survival_function([1, 2, 3])]


def test_scorecards_and_models_round_trip(demo: ak.Book) -> None:
    card = ak.tiers.ClientPortfolio(manager="F05").evaluate(demo, "2025Q2")
    copy = pickle.loads(pickle.dumps(card))
    pd.testing.assert_frame_equal(copy.to_frame(), card.to_frame())
    rfm = demo.rfm(freq="W")
    bgf = ak.ltv.BetaGeoFitter().fit(rfm["frequency"], rfm["recency"], rfm["T"])
    pd.testing.assert_series_equal(pickle.loads(pickle.dumps(bgf)).params_, bgf.params_)
    sbg = ak.ltv.ShiftedBetaGeoFitter().fit(SURVIVORS)
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        assert pool.submit(_score, card).result() == card.score
        assert pool.submit(_survival, sbg).result() == _survival(sbg)
