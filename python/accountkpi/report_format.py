"""How the report shows values: each column's unit, a number in its unit, HTML tables formatted by unit, and
charts as inline PNG images. Shared by :mod:`accountkpi.report` and its sections."""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from .kpi import KPIS
from .tiers import unit

__all__ = ["format_value", "html_table", "html_value", "kpi_rows", "png", "unit_of"]

#: Units of report columns that are not KPIs (KPI columns take :func:`accountkpi.tiers.unit`).
_COLUMN_UNITS = {
    "health": "score",
    "satisfaction": "score",
    "cadence": "score",
    "responsiveness": "score",
    "trend": "score",
    "margin": "fraction",
    "growth": "fraction",
    "priority": "fraction",
    "score": "fraction",
    "attainment": "fraction",
    "points_lost": "points",
    "new_logo_share": "fraction",
    "new_logo_revenue": "currency",
    "existing_revenue": "currency",
    "base_revenue": "currency",
    "clv_12_months": "currency",
    "mean": "currency",
    "sum": "currency",
    "count": "count",
    "requests": "count",
    "unanswered": "count",
    "accounts": "count",
    "clients": "count",
    "scored": "count",
    "unscored": "count",
    "drop_candidates": "count",
    "unhealthy": "count",
    "priority_rank": "count",
    "team_size": "count",
    "team_accounts": "count",
    "weight": "scale",
}


def unit_of(name: str) -> str:
    """The unit a report shows a column or KPI in: a KPI's :func:`accountkpi.tiers.unit`, else the report's
    own (``score`` 0-100, ``points`` of a score, ...); ``text`` when unknown.

    Examples
    --------
    >>> unit_of("retention_rate"), unit_of("active_clients"), unit_of("revenue"), unit_of("health")
    ('fraction', 'count', 'currency', 'score')
    """
    if name in KPIS:
        return unit(name)
    if name.endswith(("_delta", "_relative")):
        return name.rsplit("_", 1)[1]
    return _COLUMN_UNITS.get(name, "text")


def format_value(unit: str, x: Any) -> str:
    """One number as the report shows it: counts as integers, fractions and ratios as percent, money with
    thousands separators and no decimals, NPS and 0-100 scores with one decimal.

    Examples
    --------
    >>> format_value("count", 10.0), format_value("fraction", 0.9612), format_value("currency", 1234567.8)
    ('10', '96.1%', '1,234,568')
    >>> format_value("nps", 31.25), format_value("points", 0.0421), format_value("fraction", float("nan"))
    ('31.2', '4.2 pts', 'n/a')
    """
    if x is None or (isinstance(x, (float, np.floating)) and np.isnan(x)):
        return "n/a"
    if isinstance(x, (bool, np.bool_)):
        return "yes" if x else ""
    if not isinstance(x, (int, float, np.integer, np.floating)):
        return str(x)
    if unit == "points":
        return f"{x * 100:.1f} pts"
    return _FORMATS.get(unit, "{:,.2f}").format(x)


#: The format of a number by unit (``points`` aside: hundredths shown as points); others with two decimals.
_FORMATS = {
    "count": "{:,.0f}",
    "currency": "{:,.0f}",
    "fraction": "{:.1%}",
    "ratio": "{:.1%}",
    "relative": "{:.1%}",
    "nps": "{:,.1f}",
    "score": "{:,.1f}",
    "days": "{:,.1f}",
}


def html_value(unit: str, x: Any) -> str:
    text = html.escape(format_value(unit, x))
    return '<span class="na">n/a</span>' if text == "n/a" else text


#: Columns whose unit is the unit of the KPI named in another column of the same row.
_BY_ROW_KPI = {"actual": "kpi", "target": "kpi", "gap": "kpi", "value": "kpi"}


def html_table(frame: pd.DataFrame, index: bool = True, units: dict[str, str] | None = None) -> str:
    """An HTML table; each number formatted by its column's unit (``units`` overrides :func:`unit_of`), or by
    the row's KPI for the columns of a goal (``actual``, ``target``, ``gap`` of the ``kpi`` or the
    ``costliest_kpi``)."""
    cols = list(frame.columns)
    col_units = {c: (units or {}).get(str(c), unit_of(str(c))) for c in cols}
    kpi_col = "kpi" if "kpi" in cols else "costliest_kpi" if "costliest_kpi" in cols else None
    head = "".join(
        f"<th>{html.escape(str(c))}</th>" for c in ([frame.index.name or ""] if index else []) + cols
    )
    rows = []
    for key, row in frame.iterrows():
        cells = [f"<th>{html.escape(str(key))}</th>"] if index else []
        cells += [
            f'<td class="text">{html.escape(row[c])}</td>'
            if isinstance(row[c], str)
            else f"<td>{html_value(_cell_unit(c, row, col_units, kpi_col), row[c])}</td>"
            for c in cols
        ]
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _cell_unit(column: Any, row: pd.Series, col_units: dict[Any, str], kpi_col: str | None) -> str:
    if kpi_col is not None and str(column) in _BY_ROW_KPI and isinstance(row[kpi_col], str):
        return unit_of(row[kpi_col])
    return col_units[column]


def kpi_rows(frame: pd.DataFrame) -> str:
    """An HTML table with one KPI a row: each cell formatted by its row's KPI (deltas of a fraction in
    points, relative deltas in percent)."""
    cols = list(frame.columns)
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in ["KPI", *cols])
    rows = []
    for kpi, row in frame.iterrows():
        u = unit_of(str(kpi))
        cells = [f"<th>{html.escape(str(kpi))}</th>"]
        for c in cols:
            cu = u
            if str(c).startswith("Δ") and u in ("fraction", "ratio"):
                cu = "points"
            elif str(c).startswith("%"):
                cu = "relative"
            text = html_value(cu, row[c])
            signed = str(c).startswith(("Δ", "%")) and row[c] > 0
            cells.append(f"<td>{'+' if signed else ''}{text}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def png(draw: Callable[[Any], Any], size: tuple[float, float] = (7.0, 3.6)) -> str:
    import matplotlib  # optional heavy dependency: imported only to draw

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt  # (as above)

    fig, ax = plt.subplots(figsize=size, layout="constrained")
    draw(ax)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110)
    plt.close(fig)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f'<img alt="chart" src="data:image/png;base64,{data}">'
