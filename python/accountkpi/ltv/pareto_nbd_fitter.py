"""Pareto/NBD model of repeat purchasing (Schmittlein, Morrison & Colombo 1987; Fader, Hardie & Lee 2005)."""

from __future__ import annotations

from typing import Any

import numpy as np

from .._core import ltv as _ltv
from ._base import _broadcast
from .beta_geo_fitter import BetaGeoFitter
from .generate_data import simulate_pareto_nbd

__all__ = ["ParetoNBDFitter"]


class ParetoNBDFitter(BetaGeoFitter):
    """Pareto/NBD: purchases at a gamma-distributed Poisson rate (``r``, ``alpha``) during an exponential
    lifetime whose rate is gamma-distributed (``s``, ``beta``), with lifetimes' ``ParetoNBDFitter`` interface.

    The inputs, options, attributes and methods are those of :class:`BetaGeoFitter` (``fit``,
    ``conditional_expected_number_of_purchases_up_to_time``, ``conditional_probability_alive`` and its
    matrix, ``expected_number_of_purchases_up_to_time``, ``probability_of_n_purchases_up_to_time``,
    ``generate_new_data``, ``save_model``/``load_model``) and
    :meth:`conditional_probability_of_n_purchases_up_to_time`; the parameters are ``r, alpha, s, beta``
    (alpha and beta in the time unit of ``T``), and ``penalizer_coef`` penalises ``r^2 + alpha_s^2 + s^2 +
    beta_s^2`` with alpha and beta in the unit where max(T) = 1, as lifetimes. The likelihood is FHL's 2F1
    closed form with its exact gradient and Hessian, computed in C++ (see ``docs/ltv.md``). Customers
    without repeat purchases are not certainly alive.

    Examples
    --------
    >>> import pandas as pd
    >>> pnbd = ParetoNBDFitter()
    >>> pnbd.params_ = pd.Series({"r": 0.5534, "alpha": 10.5802, "s": 0.6061, "beta": 11.6562})
    >>> round(pnbd.conditional_probability_alive(0, 0, 38.86), 3)
    0.295
    >>> round(pnbd.conditional_expected_number_of_purchases_up_to_time(39, 2, 30.43, 38.86), 3)
    1.455
    """

    _names = ("r", "alpha", "s", "beta")
    _fit_core = staticmethod(_ltv.fit_pareto_nbd)
    _log_likelihood_core = staticmethod(_ltv.pareto_nbd_log_likelihood)
    _conditional_expectation_core = staticmethod(
        _ltv.pareto_nbd_conditional_expected_number_of_purchases_up_to_time
    )
    _alive_core = staticmethod(_ltv.pareto_nbd_conditional_probability_alive)
    _expectation_core = staticmethod(_ltv.pareto_nbd_expected_number_of_purchases_up_to_time)
    _pmf_core = staticmethod(_ltv.pareto_nbd_probability_of_n_purchases_up_to_time)
    _simulate = staticmethod(simulate_pareto_nbd)

    def conditional_probability_of_n_purchases_up_to_time(
        self, n: Any, t: Any, frequency: Any, recency: Any, T: Any
    ) -> Any:
        """Probability that each customer makes exactly ``n`` purchases in the next ``t`` time units, given
        their history (lifetimes' method of the same name and signature).

        Alive at T, a customer's rates follow the posterior Gamma(r + x, alpha + T) and Gamma(s, beta + T), so
        this is P(alive) times :meth:`probability_of_n_purchases_up_to_time` of a new customer with those
        parameters, plus 1 - P(alive) when ``n`` is 0.

        Parameters
        ----------
        n : int or array-like
            Number of purchases (whole, >= 0).
        t : float or array-like
            Horizon (>= 0) in the time unit of the fit.
        frequency, recency, T : float or array-like
            The customers' RFM summary, as in :meth:`fit`; all arguments are broadcast together.

        Returns
        -------
        float, numpy.ndarray or pandas.Series
            A float for scalar inputs, else one value per element of the broadcast shape (a Series with the
            input's index when an input is a Series).

        Examples
        --------
        >>> import pandas as pd
        >>> pnbd = ParetoNBDFitter()
        >>> pnbd.params_ = pd.Series({"r": 0.5534, "alpha": 10.5802, "s": 0.6061, "beta": 11.6562})
        >>> pmf = pnbd.conditional_probability_of_n_purchases_up_to_time
        >>> [round(pmf(n, 39, 2, 30.43, 38.86), 3) for n in range(3)]
        [0.408, 0.219, 0.152]
        """
        params = self._params()

        def compute(
            nn: np.ndarray, tt: np.ndarray, f: np.ndarray, r: np.ndarray, big_t: np.ndarray
        ) -> np.ndarray:
            out = np.empty_like(f)
            pairs = np.unique(np.stack([nn, tt], axis=1), axis=0)
            for count, horizon in pairs:
                rows = (nn == count) & (tt == horizon)
                out[rows] = _ltv.pareto_nbd_conditional_probability_of_n_purchases_up_to_time(
                    params, float(count), float(horizon), f[rows], r[rows], big_t[rows]
                )
            return out

        return _broadcast(compute, n, t, frequency, recency, T)
