"""Revenue concentration (the 80/20 rule) over plain arrays of per-account revenue.

Only positive values take part (as in the KPI definitions: accounts with revenue in the period); NaN or
infinite values raise ``ValueError``. With no positive value the measures are NaN.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from . import _core

__all__ = ["gini", "hhi", "largest_share", "lorenz", "pareto_ratio", "top_share"]


def top_share(values: ArrayLike, p: float = 0.2) -> float:
    """Share of the total held by the top ``ceil(p * n)`` values.

    Examples
    --------
    >>> top_share([50, 20, 10, 10, 10], p=0.2)
    0.5
    """
    return _core.kpi.top_share(np.asarray(values, dtype=np.float64), p)


def pareto_ratio(values: ArrayLike, threshold: float = 0.8) -> float:
    """Smallest fraction of the values, largest first, whose sum reaches ``threshold`` of the total.

    Examples
    --------
    >>> pareto_ratio([80, 5, 5, 5, 5])
    0.2
    """
    return _core.kpi.pareto_ratio(np.asarray(values, dtype=np.float64), threshold)


def gini(values: ArrayLike) -> float:
    """Gini coefficient ``Σ_i (2i - n - 1) x_(i) / (n Σ x)`` over ascending values.

    Examples
    --------
    >>> gini([1, 1, 1, 1])
    0.0
    >>> gini([0, 0, 0, 10])  # zeros do not take part: one positive value
    0.0
    """
    return _core.kpi.gini(np.asarray(values, dtype=np.float64))


def hhi(values: ArrayLike) -> float:
    """Herfindahl-Hirschman index: the sum of squared shares (0..1).

    Examples
    --------
    >>> hhi([50, 50])
    0.5
    """
    return _core.kpi.hhi(np.asarray(values, dtype=np.float64))


def largest_share(values: ArrayLike) -> float:
    """The largest single share of the total.

    Examples
    --------
    >>> largest_share([3, 1])
    0.75
    """
    return _core.kpi.largest_share(np.asarray(values, dtype=np.float64))


def lorenz(values: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """The Lorenz curve ``(i/n, cumsum_i / total)`` over ascending values, starting at ``(0, 0)``.

    Examples
    --------
    >>> x, y = lorenz([1, 3])
    >>> x.tolist(), y.tolist()
    ([0.0, 0.5, 1.0], [0.0, 0.25, 1.0])
    """
    return _core.kpi.lorenz(np.asarray(values, dtype=np.float64))
