"""The components of the health score, in the order its weights, frames and fitted coefficients use: the
one list that the score (:mod:`accountkpi.health`) and its backtest (:mod:`accountkpi.health_backtest`)
share, as the C++ core defines it (``accountkpi::health::Component``)."""

from __future__ import annotations

from . import _core

__all__ = ["COMPONENTS"]

#: The components of the health score.
COMPONENTS: tuple[str, ...] = tuple(_core.health.components)
