"""The revenue bridge: how revenue moved from a base period to each period, movement by movement.

Every account's change of revenue falls in exactly one movement, so that, per period and group,
``opening + new + reactivated + resumed + expansion + contraction + churned == closing`` (contraction and
churned carry their sign). The engine sums money exactly in millionths of the currency unit: with
``exact=True`` the columns are those whole millionths (``int64``) and the identity holds exactly in integer
arithmetic; by default they are currency units, each the nearest double to the exact value. Definitions:
``docs/kpis.md``, "The revenue bridge".
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from . import _core
from .kpi import _frame, _request, _scope

if TYPE_CHECKING:
    from ._dates import Period
    from .book import Book

#: The movements, in the order a waterfall shows them (``opening`` first, ``closing`` last).
MOVEMENTS: tuple[str, ...] = (
    "opening",
    "new",
    "reactivated",
    "resumed",
    "expansion",
    "contraction",
    "churned",
    "closing",
)

__all__ = ["MOVEMENTS", "revenue_bridge"]


def revenue_bridge(
    book: Book,
    periods: Any,
    by: str | list[str] | None = None,
    base: str = "previous",
    *,
    scope: Any = None,
    exact: bool = False,
) -> pd.DataFrame:
    """The revenue bridge per (group, period): opening, the six movements and closing.

    Parameters
    ----------
    book : Book
    periods : Period, str or list
        A period or its label, or a list of them.
    by : str or list of str, optional
        Account-level keys (``account``, ``manager``, ``region``, ``domain``, ``tier``, ``role``,
        ``volume_band``): an account counts in the group it has in the period, as for ``nrr``. Not
        ``service_line``: an account's change of revenue is not in one service line.
    base : {'previous', 'year_ago'}
        The base period of the opening: the period just before (as for NRR), or the same period a year
        earlier.
    scope : Scope, list or dict, optional
        A Scope, a list of account ids or a dict, as :meth:`~accountkpi.Book.kpis` takes it.
    exact : bool
        Whole millionths of the currency unit (``int64``) instead of currency units.

    Returns
    -------
    DataFrame
        The key columns, ``period``, then ``opening``, ``new``, ``reactivated``, ``resumed``, ``expansion``,
        ``contraction`` (<= 0), ``churned`` (usually <= 0) and ``closing``.

    Examples
    --------
    >>> import accountkpi as ak
    >>> book = ak.datasets.demo_book()
    >>> b = book.revenue_bridge(ak.periods("2024-01-01", "2025-01-01", "Q"), by="region", exact=True)
    >>> list(b.columns)  # doctest: +NORMALIZE_WHITESPACE
    ['region', 'period', 'opening', 'new', 'reactivated', 'resumed', 'expansion', 'contraction',
     'churned', 'closing']
    >>> moves = ["opening", "new", "reactivated", "resumed", "expansion", "contraction", "churned"]
    >>> bool((b[moves].sum(axis=1) == b["closing"]).all())
    True
    """
    plist: list[Period]
    plist, keys, _ = _request(periods, by, None)
    if not isinstance(base, str) or base not in ("previous", "year_ago"):
        raise ValueError(f"base must be 'previous' or 'year_ago', got {base!r}")
    raw = _core.kpi.revenue_bridge(
        book._core, [(p._begin, p._end) for p in plist], keys, base, _scope(book, scope)
    )
    millionths: dict[str, np.ndarray] = raw["millionths"]
    values = {m: millionths[m] if exact else millionths[m] / 1e6 for m in MOVEMENTS}
    frame = _frame(book, plist, {"keys": raw["keys"], "period": raw["period"], "values": values}, {})
    frame.attrs["base"] = base
    return frame
