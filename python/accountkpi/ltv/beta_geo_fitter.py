"""BG/NBD model of repeat purchasing (Fader, Hardie & Lee 2005, "Counting your customers the easy way")."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .._core import ltv as _ltv
from ._base import BaseFitter, _broadcast, _column, _per_horizon, _threads
from .generate_data import simulate_bgnbd

__all__ = ["BetaGeoFitter"]


class BetaGeoFitter(BaseFitter):
    """BG/NBD model of repeat purchasing, with lifetimes' ``BetaGeoFitter`` interface.

    Parameters
    ----------
    penalizer_coef : float
        L2 penalty ``penalizer_coef * (r^2 + alpha_s^2 + a^2 + b^2)`` on the mean negative log-likelihood,
        alpha_s = alpha / max(T) being alpha in lifetimes' rescaled time unit (max T = 1), as lifetimes 0.11
        does. 0 = plain MLE.

    Attributes
    ----------
    params_ : pandas.Series
        ``r, alpha, a, b`` (alpha in the time unit of ``T``).
    log_likelihood_ : float
        Total log-likelihood at the estimates (penalty excluded).
    standard_errors_, variance_matrix_, confidence_intervals_ : pandas objects
        From the inverse of the exact Hessian of the negative log-likelihood (NaN when it is not positive
        definite, and the fit is then not converged).
    data : pandas.DataFrame
        ``frequency, recency, T`` (and ``weights`` when given) of the fit, indexed by ``index``.
    converged_ : bool
        False when the fit did not reach an interior maximum; ``convergence_["message"]`` says why.

    Examples
    --------
    >>> from accountkpi.ltv import simulate_bgnbd
    >>> sim = simulate_bgnbd(r=0.25, alpha=4.0, a=0.8, b=2.5, T=[39.0] * 3000, seed=2)
    >>> bgf = BetaGeoFitter().fit(sim["frequency"], sim["recency"], sim["T"])
    >>> bgf.converged_
    True
    """

    _names = ("r", "alpha", "a", "b")
    # The compiled functions of the model (MBG/NBD subclasses with its own).
    _fit_core = staticmethod(_ltv.fit_bgnbd)
    _log_likelihood_core = staticmethod(_ltv.bgnbd_log_likelihood)
    _conditional_expectation_core = staticmethod(
        _ltv.bgnbd_conditional_expected_number_of_purchases_up_to_time
    )
    _alive_core = staticmethod(_ltv.bgnbd_conditional_probability_alive)
    _expectation_core = staticmethod(_ltv.bgnbd_expected_number_of_purchases_up_to_time)
    _pmf_core = staticmethod(_ltv.bgnbd_probability_of_n_purchases_up_to_time)
    _simulate = staticmethod(simulate_bgnbd)

    def __init__(self, penalizer_coef: float = 0.0) -> None:
        self.penalizer_coef = float(penalizer_coef)

    def fit(
        self,
        frequency: Any,
        recency: Any,
        T: Any,
        weights: Any = None,
        initial_params: Any = None,
        verbose: bool = False,
        tol: float = 1e-7,
        index: Any = None,
        *,
        threads: int = 0,
        **kwargs: Any,
    ) -> BetaGeoFitter:
        """Fit the model by maximum likelihood (Newton's method on the exact Hessian, in C++).

        Parameters
        ----------
        frequency : array-like
            Repeat purchases per customer (whole numbers >= 0).
        recency : array-like
            Time from the first to the last purchase (0 when frequency is 0), <= T.
        T : array-like
            Time from the first purchase to the end of observation (>= 0; customers with T = 0 add nothing
            to the likelihood), same unit as recency.
        weights : array-like, optional
            Number of identical customers each row stands for.
        initial_params : sequence of 4 floats, optional
            Starting ``r, alpha, a, b`` in the data's units (lifetimes takes log-parameters here).
        verbose : bool
            Print how the optimiser ended.
        tol : float
            Tolerance on the gradient norm of the mean negative log-likelihood in the log-parameters.
        index : array-like, optional
            Labels of the customers for ``data``.
        threads : int, keyword-only
            Threads that sum the likelihood (0, the default: one per core). The rows are summed in chunks of
            fixed size (32,768 rows) added in order, so the fitted parameters are the same bit for bit for
            any number of threads; data of one chunk use one thread.
        **kwargs
            ``max_iterations`` (default 1000); lifetimes' scipy options are accepted and ignored.

        Returns
        -------
        BetaGeoFitter
            ``self``, fitted.

        Examples
        --------
        >>> from accountkpi.ltv import simulate_bgnbd
        >>> sim = simulate_bgnbd(0.25, 4.0, 0.8, 2.5, T=[39.0] * 5000, seed=1)
        >>> bgf = BetaGeoFitter().fit(sim["frequency"], sim["recency"], sim["T"])
        >>> sorted(bgf.params_.index), bgf.converged_
        (['a', 'alpha', 'b', 'r'], True)
        """
        f, r, t = _column(frequency, "frequency"), _column(recency, "recency"), _column(T, "T")
        w = None if weights is None else _column(weights, "weights")
        out = self._fit_core(
            f,
            r,
            t,
            w,
            penalizer_coef=self.penalizer_coef,
            max_iterations=int(kwargs.get("max_iterations", 1000)),
            gradient_tolerance=float(tol),
            initial=[] if initial_params is None else [float(v) for v in initial_params],
            threads=_threads(threads),
        )
        data = {"frequency": f.copy(), "recency": r.copy(), "T": t.copy()}
        if w is not None:
            data["weights"] = w.copy()
        self._scale = 1.0 / float(t.max()) if t.size and t.max() > 0 else 1.0
        self._store(out, data, index, verbose)
        return self

    def _settings(self) -> dict[str, Any]:
        return {"penalizer_coef": self.penalizer_coef, "_scale": getattr(self, "_scale", 1.0)}

    @classmethod
    def _negative_log_likelihood(
        cls, log_params: Any, freq: Any, rec: Any, T: Any, weights: Any, penalizer_coef: float
    ) -> float:
        """lifetimes' objective: the weighted mean negative log-likelihood at ``exp(log_params)`` = (r,
        alpha, a, b) in the data's time unit, plus ``penalizer_coef * sum(params^2)``."""
        params = np.exp(np.asarray(log_params, dtype=float))
        x, tx, t, w = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (freq, rec, T, weights)))
        w = np.ascontiguousarray(w.ravel())
        ll = cls._log_likelihood_core(
            tuple(params),
            _column(x.ravel(), "frequency"),
            _column(tx.ravel(), "recency"),
            _column(t.ravel(), "T"),
            w,
        )
        return -ll / w.sum() + penalizer_coef * float((params**2).sum())

    def conditional_expected_number_of_purchases_up_to_time(
        self, t: Any, frequency: Any, recency: Any, T: Any
    ) -> Any:
        """Expected repeat purchases of each customer in the next ``t`` time units, given their history.

        Parameters
        ----------
        t : float or array-like
            Horizon (>= 0) in the time unit of the fit; broadcast with the customers.
        frequency, recency, T : float or array-like
            The customers' RFM summary, as in :meth:`fit`.

        Returns
        -------
        float, numpy.ndarray or pandas.Series
            A float for scalar inputs, else one value per customer (a Series with the input's index when an
            input is a Series).

        Examples
        --------
        >>> bgf = BetaGeoFitter()
        >>> bgf.params_ = pd.Series([0.243, 4.414, 0.793, 2.426], index=["r", "alpha", "a", "b"])
        >>> round(bgf.conditional_expected_number_of_purchases_up_to_time(39, 2, 30.43, 38.86), 3)
        1.226
        """
        compute = _per_horizon(self._conditional_expectation_core, self._params())
        return _broadcast(compute, t, frequency, recency, T)

    def predict(self, t: Any, frequency: Any, recency: Any, T: Any) -> Any:
        """Alias of :meth:`conditional_expected_number_of_purchases_up_to_time` (lifetimes' ``predict``)."""
        return self.conditional_expected_number_of_purchases_up_to_time(t, frequency, recency, T)

    def conditional_probability_alive(self, frequency: Any, recency: Any, T: Any) -> Any:
        """Probability that each customer is still active at T (1 for customers without repeat purchases).

        Examples
        --------
        >>> bgf = BetaGeoFitter()
        >>> bgf.params_ = pd.Series([0.243, 4.414, 0.793, 2.426], index=["r", "alpha", "a", "b"])
        >>> bgf.conditional_probability_alive([0, 2], [0.0, 30.43], [38.86, 38.86]).round(3).tolist()
        [1.0, 0.727]
        >>> bgf.conditional_probability_alive(2, 30.43, 38.86) > 0.7
        True
        """
        params = self._params()
        return _broadcast(lambda f, r, t: self._alive_core(params, f, r, t), frequency, recency, T)

    def conditional_probability_alive_matrix(
        self, max_frequency: int | None = None, max_recency: int | None = None
    ) -> np.ndarray:
        """P(alive) on the grid recency 0..max_recency (rows) x frequency 0..max_frequency (columns), at T =
        max_recency (defaults: the largest frequency and T of the fit's data), as lifetimes.

        Examples
        --------
        >>> bgf = BetaGeoFitter()
        >>> bgf.params_ = pd.Series([0.243, 4.414, 0.793, 2.426], index=["r", "alpha", "a", "b"])
        >>> bgf.conditional_probability_alive_matrix(max_frequency=3, max_recency=5).shape
        (6, 4)
        """
        max_frequency = max_frequency or int(self.data["frequency"].max())
        max_recency = max_recency or int(self.data["T"].max())
        recency, frequency = np.meshgrid(
            np.arange(max_recency + 1, dtype=float), np.arange(max_frequency + 1, dtype=float), indexing="ij"
        )
        return np.asarray(self.conditional_probability_alive(frequency, recency, float(max_recency)))

    def expected_number_of_purchases_up_to_time(self, t: Any) -> Any:
        """Expected repeat purchases in (0, t] of a new customer picked at random (scalar or array ``t``).

        Examples
        --------
        >>> bgf = BetaGeoFitter()
        >>> bgf.params_ = pd.Series([0.243, 4.414, 0.793, 2.426], index=["r", "alpha", "a", "b"])
        >>> round(bgf.expected_number_of_purchases_up_to_time(39), 3)
        1.197
        """
        params = self._params()
        return _broadcast(lambda tt: self._expectation_core(params, tt), t)

    def probability_of_n_purchases_up_to_time(self, t: Any, n: Any) -> Any:
        """P(X(t) = n): probability that a new customer makes exactly n repeat purchases in (0, t].

        Examples
        --------
        >>> bgf = BetaGeoFitter()
        >>> bgf.params_ = pd.Series([0.243, 4.414, 0.793, 2.426], index=["r", "alpha", "a", "b"])
        >>> round(bgf.probability_of_n_purchases_up_to_time(39, 0), 4)
        0.5738
        """
        params = self._params()
        return _broadcast(lambda tt, nn: self._pmf_core(params, tt, nn), t, n)

    def generate_new_data(self, size: int = 1, T: Any = None, seed: int | None = None) -> pd.DataFrame:
        """Simulate ``size`` customers from the fitted model, observed for ``T`` (default: the fit's T).

        Returns ``frequency, recency, T`` and the true ``lambda``, ``p`` and ``alive`` of each customer.

        Examples
        --------
        >>> bgf = BetaGeoFitter()
        >>> bgf.params_ = pd.Series([0.243, 4.414, 0.793, 2.426], index=["r", "alpha", "a", "b"])
        >>> len(bgf.generate_new_data(size=5, T=39.0, seed=1))
        5
        """
        if T is None:
            T = self.data["T"].to_numpy()
        times = np.resize(np.asarray(T, dtype=float), size) if np.ndim(T) else np.full(size, float(T))
        if seed is None:
            seed = int(np.random.default_rng().integers(2**62))
        return self._simulate(*self._params(), T=times, seed=seed)
