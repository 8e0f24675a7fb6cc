"""Shifted-beta-geometric model of contract renewals (Fader & Hardie 2007, "How to project customer
retention")."""

from __future__ import annotations

from typing import Any

import numpy as np

from .._core import ltv as _ltv
from ._base import BaseFitter, _column

__all__ = ["ShiftedBetaGeoFitter"]


class ShiftedBetaGeoFitter(BaseFitter):
    """Shifted-beta-geometric model of contract renewals.

    Fader & Hardie (2007), "How to project customer retention", Journal of Interactive Marketing 21(1).

    Examples
    --------
    >>> sbg = ShiftedBetaGeoFitter().fit([1000, 869, 743, 653, 593, 551, 517, 491])
    >>> sbg.params_.round(3).tolist()
    [0.668, 3.806]
    """

    _names = ("alpha", "beta")

    def fit(self, survivors: Any) -> ShiftedBetaGeoFitter:
        """Fit on a cohort's survivors: the cohort size, then the number still active after each period.

        Parameters
        ----------
        survivors : array-like
            Non-increasing counts n_0 > 0, n_1, ..., n_k (k >= 1).

        Examples
        --------
        >>> ShiftedBetaGeoFitter().fit([1000, 631, 468, 382, 326, 289, 262, 241]).params_.round(3).tolist()
        [0.704, 1.182]
        """
        self._store(_ltv.fit_sbg(_column(survivors, "survivors")))
        return self

    def _map(self, fn: Any, t: Any) -> float | np.ndarray:
        out = fn(self._params(), _column(np.atleast_1d(t), "t"))
        return float(out[0]) if np.ndim(t) == 0 else out

    def survival_function(self, t: Any) -> float | np.ndarray:
        """Share of the cohort still active after t periods, B(alpha, beta + t) / B(alpha, beta).

        Examples
        --------
        >>> sbg = ShiftedBetaGeoFitter().fit([1000, 869, 743, 653, 593, 551, 517, 491])
        >>> round(sbg.survival_function(1), 3)
        0.851
        """
        return self._map(_ltv.sbg_survival_function, t)

    def retention_rate(self, t: Any) -> float | np.ndarray:
        """Probability of renewing at the end of period t (t >= 1) for a customer active through t - 1.

        Examples
        --------
        >>> sbg = ShiftedBetaGeoFitter().fit([1000, 869, 743, 653, 593, 551, 517, 491])
        >>> sbg.retention_rate([1, 2, 12]).round(3).tolist()
        [0.851, 0.878, 0.957]
        """
        return self._map(_ltv.sbg_retention_rate, t)

    def churn_probability(self, t: Any) -> float | np.ndarray:
        """P(T = t): probability of leaving at the end of period t (t >= 1).

        Examples
        --------
        >>> sbg = ShiftedBetaGeoFitter().fit([1000, 869, 743, 653, 593, 551, 517, 491])
        >>> round(sbg.churn_probability(1), 3)
        0.149
        """
        return self._map(_ltv.sbg_churn_probability, t)

    def discounted_expected_residual_lifetime(self, discount_rate: float, renewals: int = 0) -> float:
        """DERL (Fader & Hardie 2010), in periods, of a customer who has made ``renewals`` renewals.

        Counts the coming renewal undiscounted and later periods discounted at ``discount_rate`` per period
        (> 0); multiply by the margin per period for the residual value.

        Examples
        --------
        >>> sbg = ShiftedBetaGeoFitter().fit([1000, 869, 743, 653, 593, 551, 517, 491])
        >>> round(sbg.discounted_expected_residual_lifetime(0.1), 2)
        5.41
        """
        return float(
            _ltv.sbg_discounted_expected_residual_lifetime(
                self._params(), float(discount_rate), int(renewals)
            )
        )
