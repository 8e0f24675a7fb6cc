"""BG/BB model of discrete-time repeat transactions (Fader, Hardie & Shang 2010)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .._core import ltv as _ltv
from ._base import BaseFitter, _broadcast, _column, _per_horizon
from .generate_data import simulate_bgbb

__all__ = ["BetaGeoBetaBinomFitter"]


class BetaGeoBetaBinomFitter(BaseFitter):
    """BG/BB model of transactions at discrete opportunities (yearly donations, annual events), with
    lifetimes' ``BetaGeoBetaBinomFitter`` interface.

    Inputs per customer: ``frequency`` x (repeat transactions), ``recency`` t_x (the opportunity of the last
    one, 0 when x = 0) and ``n_periods`` n (opportunities observed), whole numbers with x <= t_x <= n.
    Parameters ``alpha, beta`` (transaction probability ~ Beta) and ``gamma, delta`` (drop-out probability ~
    Beta). Fitted in C++ by Newton's method on the exact Hessian; identical rows are evaluated once.

    Examples
    --------
    >>> bbf = BetaGeoBetaBinomFitter()
    >>> bbf.params_ = pd.Series({"alpha": 1.204, "beta": 0.750, "gamma": 0.657, "delta": 2.783})
    >>> round(bbf.conditional_probability_alive(1, 6, 6, 6), 2)
    0.93
    """

    _names = ("alpha", "beta", "gamma", "delta")

    def __init__(self, penalizer_coef: float = 0.0) -> None:
        self.penalizer_coef = float(penalizer_coef)

    def fit(
        self,
        frequency: Any,
        recency: Any,
        n_periods: Any,
        weights: Any = None,
        initial_params: Any = None,
        verbose: bool = False,
        tol: float = 1e-7,
        index: Any = None,
        **kwargs: Any,
    ) -> BetaGeoBetaBinomFitter:
        """Fit the model by maximum likelihood.

        Parameters
        ----------
        frequency, recency, n_periods : array-like
            x, t_x and n of each customer (or each group of identical customers with ``weights``).
        weights : array-like, optional
            Number of customers each row stands for.
        initial_params : sequence of 4 floats, optional
            Starting ``alpha, beta, gamma, delta`` (lifetimes takes log-parameters here).
        verbose, tol, index, **kwargs
            As :meth:`BetaGeoFitter.fit`.

        Examples
        --------
        >>> import accountkpi as ak
        >>> d = ak.datasets.load_donations()
        >>> bbf = BetaGeoBetaBinomFitter().fit(d["frequency"], d["recency"], d["periods"], d["weights"])
        >>> bbf.params_.round(3).tolist()
        [1.204, 0.75, 0.657, 2.783]
        """
        f, r, n = (
            _column(frequency, "frequency"),
            _column(recency, "recency"),
            _column(n_periods, "n_periods"),
        )
        w = np.ones_like(f) if weights is None else _column(weights, "weights")
        out = _ltv.fit_bgbb(
            f,
            r,
            n,
            w,
            penalizer_coef=self.penalizer_coef,
            max_iterations=int(kwargs.get("max_iterations", 1000)),
            gradient_tolerance=float(tol),
            initial=[] if initial_params is None else [float(v) for v in initial_params],
        )
        data = {"frequency": f.copy(), "recency": r.copy(), "n_periods": n.copy(), "weights": w.copy()}
        self._store(out, data, index, verbose)
        return self

    def conditional_expected_number_of_purchases_up_to_time(
        self, m_periods_in_future: Any, frequency: Any, recency: Any, n_periods: Any
    ) -> Any:
        """Expected transactions of each customer in the next ``m_periods_in_future`` opportunities (FHS
        2010, eq. 13).

        Examples
        --------
        >>> bbf = BetaGeoBetaBinomFitter()
        >>> bbf.params_ = pd.Series({"alpha": 1.204, "beta": 0.750, "gamma": 0.657, "delta": 2.783})
        >>> bbf.conditional_expected_number_of_purchases_up_to_time(5, 6, 6, 6) > 3
        True
        """
        compute = _per_horizon(_ltv.bgbb_conditional_expected_number_of_purchases_up_to_time, self._params())
        return _broadcast(compute, m_periods_in_future, frequency, recency, n_periods)

    def predict(self, m_periods_in_future: Any, frequency: Any, recency: Any, n_periods: Any) -> Any:
        """Alias of :meth:`conditional_expected_number_of_purchases_up_to_time`."""
        return self.conditional_expected_number_of_purchases_up_to_time(
            m_periods_in_future, frequency, recency, n_periods
        )

    def conditional_probability_alive(
        self, m_periods_in_future: Any, frequency: Any, recency: Any, n_periods: Any
    ) -> Any:
        """P(alive at opportunity n + m_periods_in_future | x, t_x, n) (FHS 2010, eq. A10)."""
        compute = _per_horizon(_ltv.bgbb_conditional_probability_alive, self._params())
        return _broadcast(compute, m_periods_in_future, frequency, recency, n_periods)

    def generate_new_data(
        self, size: int = 1, n_periods: Any = None, seed: int | None = None
    ) -> pd.DataFrame:
        """Simulate ``size`` customers from the fitted model over ``n_periods`` opportunities each
        (default: the fit's, repeated as needed).

        Returns ``frequency, recency, n_periods`` and the true ``p``, ``theta`` and ``alive`` of each
        customer.

        Examples
        --------
        >>> bbf = BetaGeoBetaBinomFitter()
        >>> bbf.params_ = pd.Series({"alpha": 1.204, "beta": 0.750, "gamma": 0.657, "delta": 2.783})
        >>> sim = bbf.generate_new_data(size=4, n_periods=6, seed=1)
        >>> sim["n_periods"].tolist()
        [6.0, 6.0, 6.0, 6.0]
        """
        if n_periods is None:
            n_periods = self.data["n_periods"].to_numpy()
        n = (
            np.resize(np.asarray(n_periods, dtype=float), size)
            if np.ndim(n_periods)
            else np.full(size, n_periods)
        )
        if seed is None:
            seed = int(np.random.default_rng().integers(2**62))
        return simulate_bgbb(*self._params(), n_periods=n.astype(float), seed=seed)

    def expected_number_of_transactions_in_first_n_periods(self, n: int) -> pd.DataFrame:
        """Expected number of customers with x = 0..n transactions in the first n opportunities: P(X(n) = x)
        times the number of customers of the fit (FHS 2010, eq. 7; the probabilities themselves without
        data), in a column ``model`` indexed by ``frequency``.

        Examples
        --------
        >>> bbf = BetaGeoBetaBinomFitter()
        >>> bbf.params_ = pd.Series({"alpha": 1.204, "beta": 0.750, "gamma": 0.657, "delta": 2.783})
        >>> round(float(bbf.expected_number_of_transactions_in_first_n_periods(6)["model"].sum()), 6)
        1.0
        """
        params = self._params()
        try:
            total = float(self.data["weights"].sum())
        except (AttributeError, TypeError):
            total = 1.0
        probabilities = [
            _ltv.bgbb_probability_of_n_purchases(params, float(n), float(x)) for x in range(n + 1)
        ]
        index = pd.Index(range(n + 1), name="frequency")
        return pd.DataFrame({"model": np.asarray(probabilities) * total}, index=index)
