"""Simulated customers with known parameters (deterministic per seed), for tests and model checks."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from .._core import ltv as _ltv
from ._base import _column

__all__ = [
    "simulate_bgbb",
    "simulate_bgnbd",
    "simulate_gamma_gamma",
    "simulate_mbgnbd",
    "simulate_pareto_nbd",
    "simulate_sbg",
]


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


def simulate_mbgnbd(
    r: float, alpha: float, a: float, b: float, T: Sequence[float] | np.ndarray, seed: int = 0
) -> pd.DataFrame:
    """Draw MBG/NBD customers: as :func:`simulate_bgnbd`, but a customer may also drop out right after the
    first purchase, with the same probability ``p``.

    Examples
    --------
    >>> sim = simulate_mbgnbd(0.25, 4.0, 0.8, 2.5, T=[30.0] * 1000, seed=1)
    >>> bool(((sim["frequency"] == 0) & ~sim["alive"]).any())  # gone without a repeat purchase
    True
    """
    out = _ltv.simulate_mbgnbd((r, alpha, a, b), _column(T, "T"), int(seed))
    return pd.DataFrame({k: out[k] for k in ("frequency", "recency", "T", "lambda", "p", "alive")})


def simulate_pareto_nbd(
    r: float, alpha: float, s: float, beta: float, T: Sequence[float] | np.ndarray, seed: int = 0
) -> pd.DataFrame:
    """Draw Pareto/NBD customers with known parameters (deterministic per seed).

    Each customer buys at rate ``lambda`` ~ Gamma(r, rate alpha) for an exponential lifetime of rate ``mu`` ~
    Gamma(s, rate beta), with exponential gaps between purchases up to the end of the lifetime or ``T``
    (>= 0), whichever comes first (C++, the generator of the other simulators).

    Returns
    -------
    pandas.DataFrame
        ``frequency, recency, T`` and the true ``lambda``, ``mu`` and ``alive`` (at T) of each customer.

    Examples
    --------
    >>> sim = simulate_pareto_nbd(0.55, 10.58, 0.61, 11.67, T=[39.0] * 3, seed=1)
    >>> list(sim.columns)
    ['frequency', 'recency', 'T', 'lambda', 'mu', 'alive']
    """
    out = _ltv.simulate_pareto_nbd((r, alpha, s, beta), _column(T, "T"), int(seed))
    return pd.DataFrame({k: out[k] for k in ("frequency", "recency", "T", "lambda", "mu", "alive")})


def simulate_bgbb(
    alpha: float, beta: float, gamma: float, delta: float, n_periods: Any, seed: int = 0
) -> pd.DataFrame:
    """Draw BG/BB customers over ``n_periods`` transaction opportunities each (whole numbers >= 1): at each
    opportunity an alive customer first drops out with probability ``theta`` ~ Beta(gamma, delta), then
    transacts with probability ``p`` ~ Beta(alpha, beta).

    Returns ``frequency, recency, n_periods`` and the true ``p``, ``theta`` and ``alive`` of each customer.

    Examples
    --------
    >>> sim = simulate_bgbb(1.2, 0.75, 0.66, 2.8, n_periods=[6] * 3, seed=1)
    >>> list(sim.columns)
    ['frequency', 'recency', 'n_periods', 'p', 'theta', 'alive']
    """
    out = _ltv.simulate_bgbb((alpha, beta, gamma, delta), _column(n_periods, "n_periods"), int(seed))
    return pd.DataFrame({k: out[k] for k in ("frequency", "recency", "n_periods", "p", "theta", "alive")})


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
