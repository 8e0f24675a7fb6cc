"""Lifetime-value models with the interface of the Python package ``lifetimes``.

``import accountkpi.ltv as lifetimes``-style use: the fitters ``BetaGeoFitter`` (BG/NBD),
``ModifiedBetaGeoFitter`` (MBG/NBD), ``ParetoNBDFitter`` (Pareto/NBD), ``BetaGeoBetaBinomFitter`` (BG/BB,
discrete time), ``GammaGammaFitter`` (spend), ``ShiftedBetaGeoFitter`` (contract renewals), with lifetimes'
method and attribute names, inputs (``frequency``, ``recency``, ``T``, ``monetary_value`` with lifetimes'
meaning and units) and lifetime-value conventions; ``summary_data_from_transaction_data`` and
``calibration_and_holdout_data`` to build their inputs. The work is done by the compiled core
(``accountkpi._core.ltv``) on numpy arrays, without the GIL during fits. Lifetime value measured on a Book:
``historical``, ``cohorts``, ``predicted_clv``. See ``docs/ltv.md`` for the formulas and for where accountkpi
differs from lifetimes.

Examples
--------
>>> from accountkpi import ltv
>>> sim = ltv.simulate_bgnbd(r=0.25, alpha=4.0, a=0.8, b=2.5, T=[39.0] * 2000, seed=1)
>>> bgf = ltv.BetaGeoFitter().fit(sim["frequency"], sim["recency"], sim["T"])
>>> list(bgf.params_.index)
['r', 'alpha', 'a', 'b']
"""

from __future__ import annotations

from . import plotting, utils
from ._base import BaseFitter, ConvergenceWarning, NotFittedError
from ._book import cohorts, historical, ltv_simple, predicted_clv
from .beta_geo_beta_binom_fitter import BetaGeoBetaBinomFitter
from .beta_geo_fitter import BetaGeoFitter
from .evaluation import Evaluation, evaluate
from .gamma_gamma_fitter import GammaGammaFitter
from .generate_data import (
    simulate_bgbb,
    simulate_bgnbd,
    simulate_gamma_gamma,
    simulate_mbgnbd,
    simulate_pareto_nbd,
    simulate_sbg,
)
from .intervals import clv_interval
from .modified_beta_geo_fitter import ModifiedBetaGeoFitter
from .pareto_nbd_fitter import ParetoNBDFitter
from .shifted_beta_geo_fitter import ShiftedBetaGeoFitter
from .utils import calibration_and_holdout_data, rfm_summary, summary_data_from_transaction_data

__all__ = [
    "BaseFitter",
    "BetaGeoBetaBinomFitter",
    "BetaGeoFitter",
    "ConvergenceWarning",
    "Evaluation",
    "GammaGammaFitter",
    "ModifiedBetaGeoFitter",
    "NotFittedError",
    "ParetoNBDFitter",
    "ShiftedBetaGeoFitter",
    "calibration_and_holdout_data",
    "clv_interval",
    "cohorts",
    "evaluate",
    "historical",
    "ltv_simple",
    "plotting",
    "predicted_clv",
    "rfm_summary",
    "simulate_bgbb",
    "simulate_bgnbd",
    "simulate_gamma_gamma",
    "simulate_mbgnbd",
    "simulate_pareto_nbd",
    "simulate_sbg",
    "summary_data_from_transaction_data",
    "utils",
]
