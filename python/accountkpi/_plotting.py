"""The matplotlib set-up every chart shares (matplotlib is imported only when a chart is drawn)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["axes"]


def axes(ax: Axes | None, size: tuple[float, float] = (7.0, 4.0)) -> Axes:
    """``ax`` itself, or the axes of a new figure of ``size`` inches (constrained layout) when None."""
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt  # optional heavy dependency: imported only to draw

    _, ax = plt.subplots(figsize=size, layout="constrained")
    return ax
