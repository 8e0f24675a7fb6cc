"""Gamma-Gamma model of spend per transaction (Fader, Hardie & Lee 2005; Fader & Hardie 2013)."""

from __future__ import annotations

from typing import Any

from .._core import ltv as _ltv
from ._base import BaseFitter, _broadcast, _column
from .utils import _customer_lifetime_value

__all__ = ["GammaGammaFitter"]


class GammaGammaFitter(BaseFitter):
    """Gamma-Gamma model of spend per transaction, with lifetimes' ``GammaGammaFitter`` interface.

    Parameters
    ----------
    penalizer_coef : float
        L2 penalty ``penalizer_coef * (p^2 + q^2 + v^2)`` on the mean negative log-likelihood (as lifetimes).

    Examples
    --------
    >>> from accountkpi.ltv import simulate_gamma_gamma
    >>> m = simulate_gamma_gamma(p=6.0, q=4.0, v=15.0, frequency=[1, 2, 3, 4] * 500, seed=3)
    >>> ggf = GammaGammaFitter().fit([1, 2, 3, 4] * 500, m)
    >>> list(ggf.params_.index)
    ['p', 'q', 'v']
    """

    _names = ("p", "q", "v")

    def __init__(self, penalizer_coef: float = 0.0) -> None:
        self.penalizer_coef = float(penalizer_coef)

    def fit(
        self,
        frequency: Any,
        monetary_value: Any,
        weights: Any = None,
        initial_params: Any = None,
        verbose: bool = False,
        tol: float = 1e-7,
        index: Any = None,
        q_constraint: bool = False,
        **kwargs: Any,
    ) -> GammaGammaFitter:
        """Fit on customers with repeat purchases.

        Parameters
        ----------
        frequency : array-like
            Repeat purchases (whole numbers > 0): filter ``frequency > 0`` first, as with lifetimes.
        monetary_value : array-like
            Mean value of the repeat purchases (> 0).
        weights : array-like, optional
            Number of identical customers each row stands for.
        initial_params : sequence of 3 floats, optional
            Starting ``p, q, v`` (lifetimes takes log-parameters here).
        verbose : bool
            Print how the optimiser ended.
        tol : float
            Tolerance on the gradient norm of the mean negative log-likelihood in the log-parameters.
        index : array-like, optional
            Labels of the customers for ``data``.
        q_constraint : bool
            Keep q > 1, so that the population mean spend ``p v / (q - 1)`` exists.
        **kwargs
            ``max_iterations`` (default 1000); lifetimes' scipy options are accepted and ignored.

        Examples
        --------
        >>> from accountkpi.ltv import simulate_gamma_gamma
        >>> frequency = [1, 2, 5, 3] * 500
        >>> ggf = GammaGammaFitter().fit(frequency, simulate_gamma_gamma(6.0, 4.0, 15.0, frequency, seed=2))
        >>> bool(ggf.params_["p"] > 0)
        True
        """
        f = _column(frequency, "frequency")
        m = _column(monetary_value, "monetary_value")
        w = None if weights is None else _column(weights, "weights")
        out = _ltv.fit_gamma_gamma(
            f,
            m,
            w,
            penalizer_coef=self.penalizer_coef,
            max_iterations=int(kwargs.get("max_iterations", 1000)),
            gradient_tolerance=float(tol),
            initial=[] if initial_params is None else [float(v) for v in initial_params],
            q_constraint=bool(q_constraint),
        )
        data = {"frequency": f.copy(), "monetary_value": m.copy()}
        if w is not None:
            data["weights"] = w.copy()
        self._store(out, data, index, verbose)
        return self

    def conditional_expected_average_profit(self, frequency: Any = None, monetary_value: Any = None) -> Any:
        """Expected mean transaction value of each customer, ``p (v + x m) / (p x + q - 1)``.

        Customers without repeat purchases (x = 0) get the population mean ``p v / (q - 1)``; NaN where the
        expectation does not exist (``p x + q <= 1``). Without arguments: for the data of the fit.

        Examples
        --------
        >>> import pandas as pd
        >>> ggf = GammaGammaFitter()
        >>> ggf.params_ = pd.Series([6.25, 3.74, 15.44], index=["p", "q", "v"])
        >>> ggf.conditional_expected_average_profit([2, 0], [22.35, 0.0]).round(2).tolist()
        [24.66, 35.22]
        >>> round(ggf.conditional_expected_average_profit(2, 22.35), 2)
        24.66
        """
        if frequency is None and monetary_value is None:
            frequency, monetary_value = self.data["frequency"], self.data["monetary_value"]
        params = self._params()
        return _broadcast(
            lambda f, m: _ltv.gamma_gamma_conditional_expected_average_profit(params, f, m),
            frequency,
            monetary_value,
        )

    def customer_lifetime_value(
        self,
        transaction_prediction_model: Any,
        frequency: Any,
        recency: Any,
        T: Any,
        monetary_value: Any,
        time: int = 12,
        discount_rate: float = 0.01,
        freq: str = "D",
    ) -> Any:
        """Discounted customer lifetime value with lifetimes' conventions.

        ``sum_{k=1..time} E[M] (N(k u) - N((k-1) u)) / (1 + discount_rate)^k``, where N(t) is the
        transaction model's expected number of purchases in the next t time units (any fitter of this
        package with ``predict``), E[M] the expected average profit, and u the number of time units of the
        fitted data in a month: 30 for ``freq="D"``, 4.345 for ``"W"``, 1 for ``"M"``, 720 for ``"H"``.
        ``time`` is in months and ``discount_rate`` is per month.

        Examples
        --------
        >>> import pandas as pd
        >>> from accountkpi.ltv import BetaGeoFitter
        >>> bgf = BetaGeoFitter()
        >>> bgf.params_ = pd.Series([0.243, 4.414, 0.793, 2.426], index=["r", "alpha", "a", "b"])
        >>> ggf = GammaGammaFitter()
        >>> ggf.params_ = pd.Series([6.25, 3.74, 15.44], index=["p", "q", "v"])
        >>> clv = ggf.customer_lifetime_value(bgf, [2], [30.43], [38.86], [22.35], freq="W")
        >>> bool(clv[0] > 0)
        True
        """
        profit = self.conditional_expected_average_profit(frequency, monetary_value)
        return _customer_lifetime_value(
            transaction_prediction_model, frequency, recency, T, profit, time, discount_rate, freq
        )
