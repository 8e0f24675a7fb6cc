"""The components of the health score, in the order its weights, frames and fitted coefficients use: the
one list that the score (:mod:`accountkpi.health`) and its backtest (:mod:`accountkpi.health_backtest`)
share."""

from __future__ import annotations

__all__ = ["COMPONENTS"]

#: The components of the health score.
COMPONENTS: tuple[str, ...] = ("satisfaction", "cadence", "responsiveness", "trend", "margin")
