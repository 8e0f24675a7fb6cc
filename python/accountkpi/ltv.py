"""Lifetime-value models: BG/NBD, Gamma-Gamma, shifted-beta-geometric, and the simple formula.

The fitters mirror the Python package ``lifetimes`` (``BetaGeoFitter``, ``GammaGammaFitter``) so that its
users feel at home: the same inputs (``frequency``, ``recency``, ``T``, ``monetary_value`` with lifetimes'
meaning and units), the same parameter names and the same lifetime-value conventions. The work is done by the
compiled core
(``accountkpi._core.ltv``) on numpy arrays, without the GIL during fits. See ``docs/ltv.md`` for the formulas.

Examples
--------
>>> from accountkpi import ltv
>>> sim = ltv.simulate_bgnbd(r=0.25, alpha=4.0, a=0.8, b=2.5, T=[39.0] * 2000, seed=1)
>>> bgf = ltv.BetaGeoFitter().fit(sim["frequency"], sim["recency"], sim["T"])
>>> list(bgf.params_.index)
['r', 'alpha', 'a', 'b']
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from . import _core
from ._core import ltv as _ltv

__all__ = [
    "BetaGeoFitter",
    "ConvergenceWarning",
    "GammaGammaFitter",
    "ShiftedBetaGeoFitter",
    "cohorts",
    "historical",
    "ltv_simple",
    "predicted_clv",
    "rfm_summary",
    "simulate_bgnbd",
    "simulate_gamma_gamma",
    "simulate_sbg",
]


class ConvergenceWarning(RuntimeWarning):
    """A maximum-likelihood fit stopped before converging; ``convergence_`` on the fitter says why."""


def _column(values: Any, name: str) -> np.ndarray:
    """A contiguous 1-d float64 array of ``values`` (a view when it already is one)."""
    a = np.ascontiguousarray(np.asarray(values, dtype=np.float64))
    if a.ndim != 1:
        raise ValueError(f"{name} must be 1-d, got shape {a.shape}")
    return a


def _index_of(*values: Any) -> pd.Index | None:
    """The index of the first pandas argument, so that predictions come back aligned with the input."""
    for v in values:
        if isinstance(v, pd.Series | pd.DataFrame):
            return v.index
    return None


def _result(values: np.ndarray, index: pd.Index | None) -> np.ndarray | pd.Series:
    return values if index is None else pd.Series(values, index=index)


def _summary(params: pd.Series, standard_errors: pd.Series) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "coef": params,
            "se(coef)": standard_errors,
            "lower 95% bound": params - 1.96 * standard_errors,
            "upper 95% bound": params + 1.96 * standard_errors,
        }
    )


class _Fitted:
    """Shared bookkeeping of a maximum-likelihood fit.

    ``params_``, ``standard_errors_``, ``variance_matrix_`` and ``data`` are built from the fit's result on
    first access (on a few thousand customers the fit itself takes less time than building these pandas
    objects); assigning one replaces it, and a new fit replaces them all.
    """

    _names: tuple[str, ...] = ()
    _lazy = ("params_", "standard_errors_", "variance_matrix_", "data")
    params_: pd.Series
    standard_errors_: pd.Series
    variance_matrix_: pd.DataFrame
    log_likelihood_: float
    convergence_: dict[str, Any]

    def _store(self, out: dict[str, Any], data: dict[str, np.ndarray] | None = None) -> None:
        for name in self._lazy:
            self.__dict__.pop(name, None)
        self._fit_result = out
        self._fit_data = data
        self.log_likelihood_ = float(out["log_likelihood"])
        self.convergence_ = dict(out["convergence"])
        if not self.convergence_.get("converged", True):
            warnings.warn(
                f"{type(self).__name__} did not converge ({self.convergence_.get('message')}); the "
                "parameters may be meaningless: check the data (a model without churn or spend "
                "heterogeneity has no finite estimate) before using them",
                ConvergenceWarning,
                stacklevel=3,
            )

    def __getattr__(self, name: str) -> Any:
        # Called only for attributes that are not set: the results of the last fit, built once.
        out = self.__dict__.get("_fit_result")
        data = self.__dict__.get("_fit_data")
        if out is None or name not in self._lazy or (name == "data" and data is None):
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        names = list(self._names)
        value: pd.Series | pd.DataFrame
        if name == "params_":
            value = pd.Series(out["params"], index=names, dtype=float)
        elif name == "standard_errors_":
            value = pd.Series(out["standard_errors"], index=names, dtype=float)
        elif name == "variance_matrix_":
            value = pd.DataFrame(out["covariance"], index=names, columns=names)
        else:
            value = pd.DataFrame(data)
        self.__dict__[name] = value
        return value

    def _require_fit(self) -> None:
        if not hasattr(self, "params_"):
            raise RuntimeError(f"{type(self).__name__} is not fitted yet: call fit() first")

    @property
    def summary(self) -> pd.DataFrame:
        """Estimates, standard errors and normal 95 % intervals, one row per parameter."""
        self._require_fit()
        return _summary(self.params_, self.standard_errors_)

    def __repr__(self) -> str:
        if not hasattr(self, "params_"):
            return f"<accountkpi.ltv.{type(self).__name__}: not fitted>"
        params = ", ".join(f"{k}: {v:.2f}" for k, v in self.params_.items())
        return f"<accountkpi.ltv.{type(self).__name__}: fitted with {params}>"


class BetaGeoFitter(_Fitted):
    """BG/NBD model of repeat purchasing (Fader, Hardie & Lee 2005, "Counting your customers the easy way").

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
        Log-likelihood at the estimates (penalty excluded).
    standard_errors_ : pandas.Series
        From the inverse of the (analytic) Hessian of the negative log-likelihood.
    variance_matrix_ : pandas.DataFrame
        That inverse Hessian.
    data : pandas.DataFrame
        ``frequency, recency, T`` of the fit.
    convergence_ : dict
        ``converged``, ``iterations``, ``evaluations``, ``gradient_norm``, ``message``.

    Examples
    --------
    >>> sim = simulate_bgnbd(r=0.25, alpha=4.0, a=0.8, b=2.5, T=[39.0] * 3000, seed=2)
    >>> bgf = BetaGeoFitter().fit(sim["frequency"], sim["recency"], sim["T"])
    >>> bgf.convergence_["converged"]
    True
    """

    _names = ("r", "alpha", "a", "b")

    def __init__(self, penalizer_coef: float = 0.0) -> None:
        self.penalizer_coef = float(penalizer_coef)

    def fit(self, frequency: Any, recency: Any, T: Any, weights: Any = None) -> BetaGeoFitter:
        """Fit the model by maximum likelihood.

        Parameters
        ----------
        frequency : array-like
            Repeat purchases per customer (whole numbers >= 0).
        recency : array-like
            Time from the first to the last purchase (0 when frequency is 0), <= T.
        T : array-like
            Time from the first purchase to the end of observation (> 0), same unit as recency.
        weights : array-like, optional
            Number of identical customers each row stands for.

        Returns
        -------
        BetaGeoFitter
            ``self``, fitted.

        Raises
        ------
        ValueError
            Naming the argument and the first offending row (negative, NaN, recency > T, sizes differ, ...).

        Examples
        --------
        >>> sim = simulate_bgnbd(0.25, 4.0, 0.8, 2.5, T=[39.0] * 5000, seed=1)
        >>> bgf = BetaGeoFitter().fit(sim["frequency"], sim["recency"], sim["T"])
        >>> sorted(bgf.params_.index), bool(bgf.convergence_["converged"])
        (['a', 'alpha', 'b', 'r'], True)
        """
        f, r, t = _column(frequency, "frequency"), _column(recency, "recency"), _column(T, "T")
        w = None if weights is None else _column(weights, "weights")
        out = _ltv.fit_bgnbd(f, r, t, w, penalizer_coef=self.penalizer_coef)
        self._store(out, {"frequency": f.copy(), "recency": r.copy(), "T": t.copy()})
        return self

    def _params(self) -> tuple[float, float, float, float]:
        self._require_fit()
        return tuple(float(v) for v in self.params_)  # type: ignore[return-value]

    def conditional_expected_number_of_purchases_up_to_time(
        self, t: float, frequency: Any, recency: Any, T: Any
    ) -> np.ndarray | pd.Series:
        """Expected repeat purchases of each customer in the next ``t`` time units, given their history.

        Parameters
        ----------
        t : float
            Horizon (>= 0) in the time unit of the fit.
        frequency, recency, T : array-like
            The customers' RFM summary, as in :meth:`fit`.

        Returns
        -------
        numpy.ndarray or pandas.Series
            One value per customer (a Series with the input's index when an input is a Series).

        Examples
        --------
        >>> bgf = BetaGeoFitter()
        >>> bgf.params_ = pd.Series([0.243, 4.414, 0.793, 2.426], index=["r", "alpha", "a", "b"])
        >>> e = bgf.conditional_expected_number_of_purchases_up_to_time(39, [2], [30.43], [38.86])
        >>> round(float(e[0]), 3)
        1.226
        """
        out = _ltv.bgnbd_conditional_expected_number_of_purchases_up_to_time(
            self._params(),
            float(t),
            _column(frequency, "frequency"),
            _column(recency, "recency"),
            _column(T, "T"),
        )
        return _result(out, _index_of(frequency, recency, T))

    predict = conditional_expected_number_of_purchases_up_to_time

    def conditional_probability_alive(self, frequency: Any, recency: Any, T: Any) -> np.ndarray | pd.Series:
        """Probability that each customer is still active at T (1 for customers without repeat purchases).

        Examples
        --------
        >>> bgf = BetaGeoFitter()
        >>> bgf.params_ = pd.Series([0.243, 4.414, 0.793, 2.426], index=["r", "alpha", "a", "b"])
        >>> bgf.conditional_probability_alive([0, 2], [0.0, 30.43], [38.86, 38.86]).round(3).tolist()
        [1.0, 0.727]
        """
        out = _ltv.bgnbd_conditional_probability_alive(
            self._params(), _column(frequency, "frequency"), _column(recency, "recency"), _column(T, "T")
        )
        return _result(out, _index_of(frequency, recency, T))

    def expected_number_of_purchases_up_to_time(self, t: Any) -> float | np.ndarray | pd.Series:
        """Expected repeat purchases in (0, t] of a new customer picked at random (scalar or array ``t``).

        Examples
        --------
        >>> bgf = BetaGeoFitter()
        >>> bgf.params_ = pd.Series([0.243, 4.414, 0.793, 2.426], index=["r", "alpha", "a", "b"])
        >>> round(bgf.expected_number_of_purchases_up_to_time(39), 3)
        1.197
        """
        scalar = np.ndim(t) == 0
        out = _ltv.bgnbd_expected_number_of_purchases_up_to_time(
            self._params(), _column(np.atleast_1d(t), "t")
        )
        if scalar:
            return float(out[0])
        return _result(out, _index_of(t))


class GammaGammaFitter(_Fitted):
    """Gamma-Gamma model of spend per transaction (Fader, Hardie & Lee 2005; Fader & Hardie 2013).

    Parameters
    ----------
    penalizer_coef : float
        L2 penalty ``penalizer_coef * (p^2 + q^2 + v^2)`` on the mean negative log-likelihood (as lifetimes).

    Examples
    --------
    >>> m = simulate_gamma_gamma(p=6.0, q=4.0, v=15.0, frequency=[1, 2, 3, 4] * 500, seed=3)
    >>> ggf = GammaGammaFitter().fit([1, 2, 3, 4] * 500, m)
    >>> list(ggf.params_.index)
    ['p', 'q', 'v']
    """

    _names = ("p", "q", "v")

    def __init__(self, penalizer_coef: float = 0.0) -> None:
        self.penalizer_coef = float(penalizer_coef)

    def fit(self, frequency: Any, monetary_value: Any, weights: Any = None) -> GammaGammaFitter:
        """Fit on customers with repeat purchases.

        Parameters
        ----------
        frequency : array-like
            Repeat purchases (whole numbers > 0): filter ``frequency > 0`` first, as with lifetimes.
        monetary_value : array-like
            Mean value of the repeat purchases (> 0).
        weights : array-like, optional
            Number of identical customers each row stands for.

        Examples
        --------
        >>> frequency = [1, 2, 5, 3] * 500
        >>> ggf = GammaGammaFitter().fit(frequency, simulate_gamma_gamma(6.0, 4.0, 15.0, frequency, seed=2))
        >>> bool(ggf.params_["p"] > 0)
        True
        """
        f = _column(frequency, "frequency")
        m = _column(monetary_value, "monetary_value")
        w = None if weights is None else _column(weights, "weights")
        out = _ltv.fit_gamma_gamma(f, m, w, penalizer_coef=self.penalizer_coef)
        self._store(out, {"frequency": f.copy(), "monetary_value": m.copy()})
        return self

    def _params(self) -> tuple[float, float, float]:
        self._require_fit()
        return tuple(float(v) for v in self.params_)  # type: ignore[return-value]

    def conditional_expected_average_profit(
        self, frequency: Any = None, monetary_value: Any = None
    ) -> np.ndarray | pd.Series:
        """Expected mean transaction value of each customer, ``p (v + x m) / (p x + q - 1)``.

        Customers without repeat purchases (x = 0) get the population mean ``p v / (q - 1)``; NaN where the
        expectation does not exist (``p x + q <= 1``). Without arguments: for the data of the fit.

        Examples
        --------
        >>> ggf = GammaGammaFitter()
        >>> ggf.params_ = pd.Series([6.25, 3.74, 15.44], index=["p", "q", "v"])
        >>> ggf.conditional_expected_average_profit([2, 0], [22.35, 0.0]).round(2).tolist()
        [24.66, 35.22]
        """
        if frequency is None and monetary_value is None:
            frequency, monetary_value = self.data["frequency"], self.data["monetary_value"]
        out = _ltv.gamma_gamma_conditional_expected_average_profit(
            self._params(), _column(frequency, "frequency"), _column(monetary_value, "monetary_value")
        )
        return _result(out, _index_of(frequency, monetary_value))

    def customer_lifetime_value(
        self,
        transaction_model: BetaGeoFitter,
        frequency: Any,
        recency: Any,
        T: Any,
        monetary_value: Any,
        time: int = 12,
        discount_rate: float = 0.01,
        freq: str = "D",
    ) -> np.ndarray | pd.Series:
        """Discounted customer lifetime value with lifetimes' conventions.

        ``sum_{k=1..time} E[M] (N(k u) - N((k-1) u)) / (1 + discount_rate)^k``, where N(t) is the BG/NBD
        expected number of purchases in the next t time units, E[M] the expected average profit, and u the
        number of time units of the fitted data in a month: 30 for ``freq="D"``, 4.345 for ``"W"``, 1 for
        ``"M"``, 720 for ``"H"``. ``time`` is in months and ``discount_rate`` is per month. ``freq`` must be
        the unit of ``T`` in the transaction model's data (lifetimes' default ``"D"`` means days).

        Examples
        --------
        >>> bgf = BetaGeoFitter()
        >>> bgf.params_ = pd.Series([0.243, 4.414, 0.793, 2.426], index=["r", "alpha", "a", "b"])
        >>> ggf = GammaGammaFitter()
        >>> ggf.params_ = pd.Series([6.25, 3.74, 15.44], index=["p", "q", "v"])
        >>> clv = ggf.customer_lifetime_value(bgf, [2], [30.43], [38.86], [22.35], freq="W")
        >>> bool(clv[0] > 0)
        True
        """
        out = _ltv.customer_lifetime_value(
            self._params(),
            transaction_model._params(),
            _column(frequency, "frequency"),
            _column(recency, "recency"),
            _column(T, "T"),
            _column(monetary_value, "monetary_value"),
            months=int(time),
            discount_rate=float(discount_rate),
            units_per_month=_ltv.units_per_month(freq),
        )
        return _result(out, _index_of(frequency, recency, T, monetary_value))


class ShiftedBetaGeoFitter(_Fitted):
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

    def _params(self) -> tuple[float, float]:
        self._require_fit()
        return float(self.params_["alpha"]), float(self.params_["beta"])

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


def simulate_bgnbd(
    r: float, alpha: float, a: float, b: float, T: Sequence[float] | np.ndarray, seed: int = 0
) -> pd.DataFrame:
    """Draw BG/NBD customers with known parameters (deterministic per seed).

    Parameters
    ----------
    r, alpha, a, b : float
        Model parameters (> 0); alpha in the time unit of ``T``.
    T : array-like
        Observation time of each customer (> 0).
    seed : int
        Seed of the generator.

    Returns
    -------
    pandas.DataFrame
        ``frequency, recency, T`` and the true ``lambda``, ``p`` and ``alive`` of each customer.

    Examples
    --------
    >>> sim = simulate_bgnbd(0.25, 4.0, 0.8, 2.5, T=[30.0, 30.0], seed=1)
    >>> list(sim.columns)
    ['frequency', 'recency', 'T', 'lambda', 'p', 'alive']
    """
    out = _ltv.simulate_bgnbd((r, alpha, a, b), _column(T, "T"), int(seed))
    return pd.DataFrame({k: out[k] for k in ("frequency", "recency", "T", "lambda", "p", "alive")})


def simulate_gamma_gamma(p: float, q: float, v: float, frequency: Any, seed: int = 0) -> np.ndarray:
    """Draw the mean transaction value of customers with the given repeat frequencies (0 where it is 0).

    Examples
    --------
    >>> m = simulate_gamma_gamma(6.0, 4.0, 15.0, frequency=[0, 1, 5], seed=1)
    >>> m.shape, float(m[0])
    ((3,), 0.0)
    """
    return _ltv.simulate_gamma_gamma((p, q, v), _column(frequency, "frequency"), int(seed))


def simulate_sbg(alpha: float, beta: float, cohort_size: int, periods: int, seed: int = 0) -> np.ndarray:
    """Draw a cohort's survivors n_0 = cohort_size, n_1, ..., n_periods under the sBG model.

    Examples
    --------
    >>> s = simulate_sbg(0.7, 1.2, cohort_size=1000, periods=4, seed=1)
    >>> len(s), int(s[0])
    (5, 1000)
    """
    return _ltv.simulate_sbg((alpha, beta), int(cohort_size), int(periods), int(seed))


def ltv_simple(
    margin_per_period: float,
    churn_per_period: float,
    discount_rate_per_period: float,
    horizon_periods: int | None = None,
) -> float:
    """Lifetime value ``m r / (1 + d - r)`` (infinite horizon) or ``sum_{t=1..T} m r^t / (1 + d)^t``.

    All three rates are per the same period (month, quarter, year) of the caller's choice; r = 1 - churn.
    Churn 0 without a horizon returns NaN (an account that never churns has no finite lifetime here), never
    inf.

    Examples
    --------
    >>> round(ltv_simple(100.0, 0.05, 0.01), 2)
    1583.33
    >>> round(ltv_simple(100.0, 0.05, 0.01, horizon_periods=12), 2)
    824.06
    """
    return float(
        _ltv.ltv_simple(
            float(margin_per_period),
            float(churn_per_period),
            float(discount_rate_per_period),
            horizon_periods,
        )
    )


_FREQ_UNITS = {"D": "D", "W": "W", "M": "M", "H": "h", "h": "h"}


def rfm_summary(
    transactions: pd.DataFrame,
    customer_id_col: str,
    datetime_col: str,
    monetary_value_col: str | None = None,
    observation_period_end: Any = None,
    freq: str = "D",
) -> pd.DataFrame:
    """RFM summary of a transaction log, as lifetimes' ``summary_data_from_transaction_data``.

    Transactions are first collapsed to one per customer and period of ``freq`` (amounts summed); then per
    customer: ``frequency`` = periods with a purchase minus 1 (repeat purchases), ``recency`` = periods from
    the first to the last purchase, ``T`` = periods from the first purchase to ``observation_period_end``
    (default: the last transaction), ``monetary_value`` = mean amount of the repeat periods (0 without
    repeats). Transactions in periods after ``observation_period_end`` are ignored. Periods are calendar
    periods of ``freq`` ("D" days, "W" weeks, "M" months, "H" hours).

    Examples
    --------
    >>> days = ["2024-01-01", "2024-01-01", "2024-01-11", "2024-01-05"]
    >>> tx = pd.DataFrame({"id": [1, 1, 1, 2], "date": pd.to_datetime(days), "amount": [5.0, 5.0, 20.0, 7.0]})
    >>> rfm = rfm_summary(tx, "id", "date", "amount", observation_period_end="2024-01-31")
    >>> rfm  # doctest: +NORMALIZE_WHITESPACE
        frequency  recency     T  monetary_value
    id
    1         1.0     10.0  30.0            20.0
    2         0.0      0.0  26.0             0.0
    """
    if freq not in _FREQ_UNITS:
        raise ValueError(f"freq must be one of {sorted(_FREQ_UNITS)}, got {freq!r}")
    for col in (customer_id_col, datetime_col) + ((monetary_value_col,) if monetary_value_col else ()):
        if col not in transactions.columns:
            raise KeyError(f"transactions has no column {col!r}")
    unit = _FREQ_UNITS[freq]
    dates = pd.to_datetime(transactions[datetime_col])
    if dates.isna().any():
        raise ValueError(
            f"{datetime_col} has a missing date at row {int(np.flatnonzero(dates.isna().to_numpy())[0])}"
        )
    end = dates.max() if observation_period_end is None else pd.Timestamp(observation_period_end)
    # As lifetimes: compare periods, so a purchase later on the last day (hour, week) still counts.
    end_ordinal = pd.Period(end, freq=unit).ordinal
    all_periods = dates.dt.to_period(unit)
    keep = all_periods.array.asi8 <= end_ordinal
    period = all_periods[keep]
    ordinal = period.array.asi8  # integer period numbers
    frame = pd.DataFrame({"customer": transactions[customer_id_col].to_numpy()[keep], "period": ordinal})
    if monetary_value_col is not None:
        frame["amount"] = np.asarray(transactions[monetary_value_col], dtype=np.float64)[keep]
    # One row per customer and period (amounts summed), in period order.
    per_period = frame.groupby(["customer", "period"], sort=True).sum().reset_index()
    grouped = per_period.groupby("customer", sort=True)["period"]
    first, last, count = grouped.min(), grouped.max(), grouped.count()
    out = pd.DataFrame(
        {
            "frequency": (count - 1).astype(float),
            "recency": (last - first).astype(float),
            "T": (end_ordinal - first).astype(float),
        }
    )
    if monetary_value_col is not None:
        repeat = per_period[
            per_period["period"].to_numpy() != first.reindex(per_period["customer"]).to_numpy()
        ]
        means = repeat.groupby("customer")["amount"].mean()
        out["monetary_value"] = means.reindex(out.index).fillna(0.0)
    out.index.name = customer_id_col
    return out


def _end_day(book: Any, end: Any) -> int:
    from ._dates import to_day

    if end is not None:
        return to_day(end)
    span = book.span
    if span is None:
        raise ValueError("the book has no dated events; give end=")
    return span._end


def historical(book: Any, end: Any = None, measure: str = "gross_profit") -> pd.Series:
    """Historical LTV per account: gross profit (or revenue) from the account's first revenue line up to the
    day before ``end`` (default: the end of the book's data).

    Parameters
    ----------
    book : Book
    end : date-like, optional
        First day not counted.
    measure : {"gross_profit", "revenue"}

    Returns
    -------
    Series indexed by ``account_id`` (currency); 0 for accounts without revenue.

    Examples
    --------
    >>> import accountkpi as ak
    >>> ltv = ak.ltv.historical(ak.datasets.demo_book(), end="2025-01-01")
    >>> bool((ltv.index == ak.datasets.demo_book().table("accounts")["account_id"].unique()).all())
    True
    """
    if measure not in ("gross_profit", "revenue"):
        raise ValueError(f"measure must be 'gross_profit' or 'revenue', got {measure!r}")
    values = _core.ltv.historical(book._core, _end_day(book, end), measure == "revenue")
    ids = _core.key_labels(book._core, "account")
    return pd.Series(values, index=pd.Index(ids, name="account_id"), name=f"ltv_{measure}")


def cohorts(book: Any, freq: str = "Q", measure: str = "logo", end: Any = None) -> pd.DataFrame:
    """Cohort table: accounts grouped by the period of their first acquisition, followed period by period.

    Parameters
    ----------
    book : Book
    freq : {"M", "Q", "Y"}
        Calendar periods of the cohorts and of the ages.
    measure : {"logo", "revenue"}
        ``"logo"``: share of the cohort's accounts that are clients on the last day of each period;
        ``"revenue"``: the cohort's revenue in each period over its revenue in its first period.
    end : date-like, optional
        The first day after the data (default: the end of the book's data); periods that end after it are NaN.

    Returns
    -------
    DataFrame with one row per cohort (index: the cohort's period label), a column ``size`` (accounts) and one
    column per age 0, 1, 2, ... (periods since acquisition). Cells a cohort has not reached are NaN, never 0;
    reactivated accounts stay in their first cohort.

    Examples
    --------
    >>> import accountkpi as ak
    >>> table = ak.ltv.cohorts(ak.datasets.demo_book(), freq="Y")
    >>> float(table.loc["2023", 0]) <= 1.0
    True
    """
    from ._dates import Period

    if measure not in ("logo", "revenue"):
        raise ValueError(f"measure must be 'logo' or 'revenue', got {measure!r}")
    periods, sizes, ages, cells = _core.ltv.cohorts(
        book._core, freq, measure == "revenue", _end_day(book, end)
    )
    labels = [Period._from_days(p).label for p in periods]
    table = pd.DataFrame(np.asarray(cells).reshape(len(labels), ages), index=pd.Index(labels, name="cohort"))
    table.insert(0, "size", np.asarray(sizes, dtype=np.int64))
    return table


def predicted_clv(
    book: Any,
    end: Any = None,
    *,
    time: float = 12,
    discount_rate: float = 0.01,
    freq: str = "W",
    penalizer_coef: float = 0.0,
) -> pd.DataFrame:
    """Predicted lifetime value per account from the book's own revenue lines.

    BG/NBD says how often an account buys and whether it is still alive, Gamma-Gamma how much (the
    non-contractual setting).

    The RFM summary is built with :meth:`Book.rfm` up to the day before ``end`` (default: the end of the
    data), in units of ``freq``; ``time`` is in months and ``discount_rate`` is per month (lifetimes'
    conventions).

    Returns
    -------
    DataFrame indexed by ``account_id`` (accounts with a purchase before the last day): ``frequency, recency,
    T, monetary_value, probability_alive, expected_purchases`` (over ``time`` months) and ``clv``
    (discounted revenue over ``time`` months).

    Raises
    ------
    RuntimeError
        When a model does not converge on this book (its parameters would be meaningless).

    Examples
    --------
    >>> import accountkpi as ak
    >>> clv = ak.ltv.predicted_clv(ak.datasets.demo_book(), end="2026-01-01")
    >>> bool((clv["clv"] >= 0).all())
    True
    """
    import datetime as _dt

    day = _end_day(book, end)
    observation_end = _dt.date(1970, 1, 1) + _dt.timedelta(days=day - 1)
    rfm = book.rfm(observation_period_end=observation_end, freq=freq)
    rfm = rfm[rfm["T"] > 0]  # an account whose first purchase is on the last day has no history yet
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # raised below with the reason
        bgf = BetaGeoFitter(penalizer_coef).fit(rfm["frequency"], rfm["recency"], rfm["T"])
        repeat = rfm[(rfm["frequency"] > 0) & (rfm["monetary_value"] > 0)]
        ggf = GammaGammaFitter(penalizer_coef).fit(repeat["frequency"], repeat["monetary_value"])
    for model in (bgf, ggf):
        if not model.convergence_["converged"]:
            raise RuntimeError(
                f"{type(model).__name__} did not converge on this book ({model.convergence_['message']}); "
                "try penalizer_coef > 0 or a longer history"
            )
    units_per_month = _ltv.units_per_month(freq)  # lifetimes' factors: D 30, W 4.345, M 1
    out = rfm.copy()
    out["probability_alive"] = np.asarray(
        bgf.conditional_probability_alive(rfm["frequency"], rfm["recency"], rfm["T"]), dtype=float
    )
    out["expected_purchases"] = np.asarray(
        bgf.conditional_expected_number_of_purchases_up_to_time(
            time * units_per_month, rfm["frequency"], rfm["recency"], rfm["T"]
        ),
        dtype=float,
    )
    out["clv"] = np.asarray(
        ggf.customer_lifetime_value(
            bgf,
            rfm["frequency"],
            rfm["recency"],
            rfm["T"],
            rfm["monetary_value"],
            time=time,
            discount_rate=discount_rate,
            freq=freq,
        ),
        dtype=float,
    )
    return out
