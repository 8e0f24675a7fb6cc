"""MBG/NBD model of repeat purchasing (Batislam, Denizel & Filiztekin 2007)."""

from __future__ import annotations

from .._core import ltv as _ltv
from .beta_geo_fitter import BetaGeoFitter
from .generate_data import simulate_mbgnbd

__all__ = ["ModifiedBetaGeoFitter"]


class ModifiedBetaGeoFitter(BetaGeoFitter):
    """MBG/NBD: BG/NBD in which a customer may also drop out right after the first purchase, so customers
    without repeat purchases are not certainly alive (lifetimes' ``ModifiedBetaGeoFitter``).

    Same inputs, parameters ``r, alpha, a, b``, options, attributes and methods as :class:`BetaGeoFitter`;
    the likelihood and predictions are those of the MBG/NBD model (see ``docs/ltv.md``), computed in C++.

    Examples
    --------
    >>> import pandas as pd
    >>> mbgf = ModifiedBetaGeoFitter()
    >>> mbgf.params_ = pd.Series({"r": 0.525, "alpha": 6.183, "a": 0.891, "b": 1.614})
    >>> mbgf.conditional_probability_alive(0, 0, 10) < 1
    True
    >>> round(mbgf.conditional_expected_number_of_purchases_up_to_time(39, 2, 30.43, 38.86), 3)
    1.263
    """

    _fit_core = staticmethod(_ltv.fit_mbgnbd)
    _log_likelihood_core = staticmethod(_ltv.mbgnbd_log_likelihood)
    _conditional_expectation_core = staticmethod(
        _ltv.mbgnbd_conditional_expected_number_of_purchases_up_to_time
    )
    _alive_core = staticmethod(_ltv.mbgnbd_conditional_probability_alive)
    _expectation_core = staticmethod(_ltv.mbgnbd_expected_number_of_purchases_up_to_time)
    _pmf_core = staticmethod(_ltv.mbgnbd_probability_of_n_purchases_up_to_time)
    _simulate = staticmethod(simulate_mbgnbd)
