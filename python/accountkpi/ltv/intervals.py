"""Confidence intervals for predicted lifetime values: the delta method on the fits' covariance matrices."""

from __future__ import annotations

from statistics import NormalDist
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["clv_interval"]


def _with_params(model: Any, values: np.ndarray) -> Any:
    """A copy of ``model`` predicting with ``values`` (the fit's convergence verdict kept)."""
    twin = type(model).__new__(type(model))
    twin.__dict__.update({k: v for k, v in model.__dict__.items() if k in ("penalizer_coef", "convergence_")})
    twin.params_ = pd.Series(values, index=model.params_.index)
    return twin


def clv_interval(
    gamma_gamma_model: Any,
    transaction_model: Any,
    frequency: Any,
    recency: Any,
    T: Any,
    monetary_value: Any,
    time: int = 12,
    discount_rate: float = 0.01,
    freq: str = "D",
    level: float = 0.95,
) -> pd.DataFrame:
    """Each customer's CLV (as :meth:`GammaGammaFitter.customer_lifetime_value`) with a confidence interval
    for it from the uncertainty of the estimated parameters.

    Delta method: with theta the parameters of both models (independent fits, so their covariance is
    block-diagonal) and g the gradient of the CLV in theta (central differences, relative step 1e-5),
    se = sqrt(g' Sigma g) and the interval is clv -/+ z se, z the normal quantile of ``level``. It is the
    uncertainty of the expected value, not of what the customer will actually spend (that is far wider).
    NaN where a model has no finite covariance (a fit that did not converge).

    Returns
    -------
    DataFrame with ``clv``, ``se``, ``lower``, ``upper``, indexed like the input Series (or 0..n-1).

    Examples
    --------
    >>> from accountkpi.ltv import BetaGeoFitter, GammaGammaFitter, simulate_bgnbd, simulate_gamma_gamma
    >>> sim = simulate_bgnbd(0.25, 4.0, 0.8, 2.5, T=[39.0] * 3000, seed=1)
    >>> sim["m"] = simulate_gamma_gamma(6.0, 4.0, 15.0, sim["frequency"], seed=2)
    >>> bgf = BetaGeoFitter().fit(sim["frequency"], sim["recency"], sim["T"])
    >>> repeat = sim[sim["frequency"] > 0]
    >>> ggf = GammaGammaFitter().fit(repeat["frequency"], repeat["m"])
    >>> out = clv_interval(ggf, bgf, [2], [30.0], [39.0], [20.0], freq="W")
    >>> bool(out["lower"][0] < out["clv"][0] < out["upper"][0])
    True
    """
    if not 0 < level < 1:
        raise ValueError(f"level must be in (0, 1), got {level!r}")
    index = next((v.index for v in (frequency, recency, T, monetary_value) if isinstance(v, pd.Series)), None)
    f, r, t, m = (np.atleast_1d(np.asarray(v, dtype=float)) for v in (frequency, recency, T, monetary_value))

    def clv(gg: Any, tm: Any) -> np.ndarray:
        out = gg.customer_lifetime_value(tm, f, r, t, m, time=time, discount_rate=discount_rate, freq=freq)
        return np.asarray(out, dtype=float)

    value = clv(gamma_gamma_model, transaction_model)
    variance = np.zeros_like(value)
    for model, rebuild in (
        (gamma_gamma_model, lambda p: clv(_with_params(gamma_gamma_model, p), transaction_model)),
        (transaction_model, lambda p: clv(gamma_gamma_model, _with_params(transaction_model, p))),
    ):
        theta = model.params_.to_numpy(dtype=float)
        sigma = model.variance_matrix_.to_numpy(dtype=float)
        gradient = np.empty((len(value), len(theta)))
        for j in range(len(theta)):
            h = 1e-5 * theta[j]
            up, down = theta.copy(), theta.copy()
            up[j] += h
            down[j] -= h
            gradient[:, j] = (rebuild(up) - rebuild(down)) / (2 * h)
        variance += np.einsum("ij,jk,ik->i", gradient, sigma, gradient)
    se = np.sqrt(variance)
    z = NormalDist().inv_cdf(0.5 + level / 2)
    frame = pd.DataFrame({"clv": value, "se": se, "lower": value - z * se, "upper": value + z * se})
    if index is not None and len(index) == len(frame):
        frame.index = index
    return frame
