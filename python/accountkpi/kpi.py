"""Account-management KPIs: one value with ``accountkpi.kpi.<name>(book, period)``, or a table of them with
:meth:`accountkpi.Book.kpis`.

Every function takes the Book, a :class:`~accountkpi.Period` (or a label such as ``"2025Q1"``), an optional
``scope`` (a manager's book, a list of accounts, or a segment; see :class:`Scope`) and the KPI's options.
Ratios
whose denominator is zero are NaN, never 0. Definitions: ``docs/kpis.md``.
"""

from __future__ import annotations

import datetime as dt
import functools
import inspect
import sys
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from . import _core
from ._columns import id_values
from ._dates import Period, as_period, as_periods
from ._definitions import NOTES

# pandas >= 2.1 need not check again the codes that the engine made valid.
_VALID_CODES: dict[str, bool] = (
    {"validate": False} if "validate" in inspect.signature(pd.Categorical.from_codes).parameters else {}
)

try:  # pandas >= 3: a frame from its blocks as they are
    from pandas.api.internals import create_dataframe_from_blocks as _from_blocks
except ImportError:  # pandas 2
    _from_blocks = None

if TYPE_CHECKING:
    from .book import Book

_REGISTRY: dict[str, list[Any]] = _core.kpi.registry()

__all__ = [
    "KPIS",
    "KEYS",
    "DataCoverageWarning",
    "Scope",
    "avg_rate",
    "compound_churn",
    "data_coverage",
    "kpi_table",
    "periodic_churn",
    "release_memory",
    "table",
    "volume_band_labels",
    *_REGISTRY["name"],
]

#: Every KPI name, in the engine's order (the C++ core's KPI registry; browse it with :func:`kpi_table`).
KPIS: tuple[str, ...] = tuple(_REGISTRY["name"])
#: Keys to group by.
KEYS: tuple[str, ...] = (
    "account",
    "manager",
    "region",
    "domain",
    "service_line",
    "tier",
    "role",
    "volume_band",
    "project",
    "team",
    "unit",
    "account_group",
)
#: Default volume-band thresholds on trailing-12-month revenue (currency).
VOLUME_THRESHOLDS: tuple[float, ...] = (50_000.0, 250_000.0, 1_000_000.0)
#: Whether more is better, per KPI (the default direction of a scorecard).
HIGHER_IS_BETTER: dict[str, bool] = dict(zip(KPIS, _REGISTRY["higher_is_better"], strict=True))
_KEY_COLUMNS = {"account": "account_id", "manager": "manager_id", "project": "project_id", "unit": "unit_id"}
_ID_KEYS = ("account", "manager", "project", "team", "unit", "account_group")


@dataclass(frozen=True)
class Scope:
    """What a KPI looks at: accounts, managers' books, regions, domains, volume bands (all given lists must
    match; a crossing of them is a segment).

    Ids are the external ids of the Book (``account_id``, ``manager_id``); regions and domains are their
    names; volume bands are labels such as ``">=1,000,000"`` (see ``volume_band_labels``) or band numbers,
    judged per period on the 12 months of revenue before it. A manager's book is every event the manager
    owned at its date and every account the manager owned on its reference day of the period.

    Examples
    --------
    >>> Scope(managers=["F01"])  # one farmer's book
    Scope(accounts=(), managers=('F01',), regions=(), domains=(), volume_bands=())
    >>> Scope(regions=["EMEA"], domains=["finance"])  # a segment
    Scope(accounts=(), managers=(), regions=('EMEA',), domains=('finance',), volume_bands=())
    """

    accounts: Sequence[Any] = field(default=())
    managers: Sequence[Any] = field(default=())
    regions: Sequence[str] = field(default=())
    domains: Sequence[str] = field(default=())
    volume_bands: Sequence[str | int] = field(default=())

    def __post_init__(self) -> None:
        for name in ("accounts", "managers", "regions", "domains", "volume_bands"):
            value = getattr(self, name)
            if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
                value = (value,)
            object.__setattr__(self, name, tuple(value))

    def _resolve(self, book: Book, thresholds: Sequence[float] = VOLUME_THRESHOLDS) -> dict[str, list[int]]:
        core = book._core
        out: dict[str, list[int]] = {}
        if self.accounts:
            out["accounts"] = _core.resolve_ids(core, "accounts", [_plain(x) for x in self.accounts])
        if self.managers:
            out["managers"] = _core.resolve_ids(core, "managers", [_plain(x) for x in self.managers])
        if self.regions:
            out["regions"] = _core.resolve_categories(core, "region", list(self.regions))
        if self.domains:
            out["domains"] = _core.resolve_categories(core, "domain", list(self.domains))
        if self.volume_bands:
            labels = volume_band_labels(thresholds)
            bands = []
            for band in self.volume_bands:
                if isinstance(band, (int, np.integer)) and 0 <= band < len(labels):
                    bands.append(int(band))
                elif band in labels:
                    bands.append(labels.index(band))
                else:
                    raise KeyError(f"no volume band {band!r} (bands: {', '.join(labels)})")
            out["volume_bands"] = bands
        if any(len(v) == 0 for v in out.values()):
            raise ValueError("a scope list is empty")
        return out


def _plain(x: Any) -> Any:
    return x.item() if isinstance(x, np.generic) else x


def volume_band_labels(thresholds: Sequence[float] = VOLUME_THRESHOLDS) -> list[str]:
    """The labels of the volume bands that ``thresholds`` make.

    Examples
    --------
    >>> volume_band_labels([10_000, 100_000])
    ['<10,000', '10,000-100,000', '>=100,000']
    """
    return list(_core.kpi.volume_band_labels([float(t) for t in thresholds]))


def _scope(book: Book, scope: Any, options: dict[str, Any] | None = None) -> dict[str, list[int]]:
    thresholds = (options or {}).get("volume_thresholds", VOLUME_THRESHOLDS)
    if scope is None:
        return {}
    if isinstance(scope, Scope):
        return scope._resolve(book, thresholds)
    if isinstance(scope, dict):
        return Scope(**scope)._resolve(book, thresholds)
    if isinstance(scope, (str, int, np.integer)):
        raise TypeError(
            "scope: give Scope(managers=[...]) for a manager's book or Scope(accounts=[...]) for accounts"
        )
    return Scope(accounts=list(scope))._resolve(book)


def table(
    book: Book,
    periods: Period | str | Sequence[Period | str],
    by: str | Sequence[str] | None = None,
    kpis: str | Sequence[str] | None = None,
    *,
    scope: Any = None,
    ltv_model: Any = None,
    cache: _core.kpi.StateCache | None = None,
    **options: Any,
) -> pd.DataFrame:
    """KPIs per (group, period) as a DataFrame: the engine behind :meth:`accountkpi.Book.kpis`.

    ``ltv_model``, a pair of fitted ``(BetaGeoFitter, GammaGammaFitter)`` (optionally with a third item, a
    dict of ``time``, ``discount_rate`` and ``freq`` for their CLV, default 12 months, 0.01 a month, ``"W"``),
    gives the ``ltv_predicted`` column: each account's predicted value from its RFM at the end of each
    period, averaged over the group's active clients. Without it that column is NaN. ``cache``: where the
    per-period states are looked up and kept (:attr:`accountkpi.Book.state_cache`), or None.
    """
    plist, keys, names = _request(periods, by, kpis)
    days = [(p._begin, p._end) for p in plist]
    values = None
    if ltv_model is not None and (not names or "ltv_predicted" in names):
        values = _predicted_values(book, plist, ltv_model)
    raw = _core.kpi.compute(
        book._core, days, keys, names, options, _scope(book, scope, options), values, cache
    )
    _warn_coverage(book, days, names)
    return _frame(book, plist, raw, options)


class DataCoverageWarning(UserWarning):
    """A request reaches where the Book's data cannot answer: periods outside the data, partial periods, or
    periods whose churn the data cannot show (see :func:`data_coverage`). The figures are computed anyway;
    they describe the data, not the whole period."""


def _warn_coverage(book: Book, days: list[tuple[int, int]], kpis: list[str]) -> None:
    notes, text = _core.kpi.data_coverage(book._core, days, kpis)
    if notes:
        warnings.warn(text, DataCoverageWarning, stacklevel=4)


def data_coverage(
    book: Book, periods: Period | str | Sequence[Period | str], kpis: str | Sequence[str] | None = None
) -> pd.DataFrame:
    """The periods that the Book's data does not fully cover, one row per period and gap: ``outside`` (no
    day of the period has data), ``partial`` (more than ``max(7, days / 10)`` of its days lie before the first
    or after the last dated event), ``churn_unseen`` (client spells are derived from revenue and the period
    begins within ``inactivity_days`` of the data's first day, so churn in it cannot be seen: only when
    ``kpis`` (default: all) count churn); ``days`` counts the days concerned. Empty when the data covers
    every period. :meth:`Book.kpis` warns with a :class:`DataCoverageWarning` for the same periods.

    Examples
    --------
    >>> import accountkpi as ak
    >>> book = ak.datasets.demo_book()
    >>> ak.kpi.data_coverage(book, ["2019Q4", "2024Q1"])
       period      gap  days
    0  2019Q4  outside    92
    """
    plist = as_periods(periods)
    names = [kpis] if isinstance(kpis, str) else list(kpis or [])
    notes, _ = _core.kpi.data_coverage(book._core, [(p._begin, p._end) for p in plist], names)
    return pd.DataFrame(
        {
            "period": [plist[i].label for i, _, _ in notes],
            "gap": [gap for _, gap, _ in notes],
            "days": np.array([d for _, _, d in notes], dtype=np.int64),
        }
    )


def _predicted_values(book: Book, plist: list[Period], ltv_model: Any) -> np.ndarray:
    """Each account's predicted CLV at the end of each period, period-major, NaN without purchases."""
    bgf, ggf, *rest = ltv_model
    settings = {"time": 12, "discount_rate": 0.01, "freq": "W", **(rest[0] if rest else {})}
    ids = _core.key_labels(book._core, "account")
    position = pd.Index(ids)
    out = np.full((len(plist), len(position)), np.nan)
    for k, p in enumerate(plist):
        rfm = book.rfm(observation_period_end=p.end - dt.timedelta(days=1), freq=settings["freq"])
        rfm = rfm[rfm["T"] > 0]
        if rfm.empty:
            continue
        clv = ggf.customer_lifetime_value(
            bgf, rfm["frequency"], rfm["recency"], rfm["T"], rfm["monetary_value"], **settings
        )
        out[k, position.get_indexer(rfm.index)] = np.asarray(clv, dtype=float)
    return out.ravel()


def _request(
    periods: Any, by: str | Sequence[str] | None, kpis: str | Sequence[str] | None
) -> tuple[list[Period], list[str], list[str]]:
    """The periods, group keys and KPI names of a request, checked."""
    plist = as_periods(periods)
    keys = [by] if isinstance(by, str) else list(by or [])
    for k in keys:
        if k not in KEYS:
            raise ValueError(f"unknown group key {k!r} (expected one of {', '.join(KEYS)})")
    names = [kpis] if isinstance(kpis, str) else list(kpis or [])
    unknown = [k for k in names if k not in HIGHER_IS_BETTER]
    if unknown:
        raise ValueError(f"unknown KPI {unknown[0]!r}; see accountkpi.kpi.KPIS")
    return plist, keys, names


@functools.lru_cache(maxsize=256)
def _categories(labels: tuple[str, ...], ordered: bool = False) -> pd.CategoricalDtype:
    """The categorical dtype of ``labels``, made once: pandas checks and hashes the categories each time one
    is made, which cost more than a small request's whole computation."""
    return pd.CategoricalDtype(pd.Index(labels), ordered=ordered)


@functools.lru_cache(maxsize=256)
def _column_index(names: tuple[str, ...]) -> pd.Index:
    return pd.Index(names)


def _texts_array(texts: Sequence[str]) -> Any:
    """``texts`` as the array a DataFrame's constructor makes of them (``str`` under pandas 3), or None when
    it keeps them as Python objects."""
    array = pd.Series(np.asarray(texts, dtype=object), copy=False).array
    return None if array.dtype == object else array


@functools.lru_cache(maxsize=256)
def _period_labels(days: tuple[tuple[int, int], ...]) -> tuple[pd.CategoricalDtype | None, Any]:
    """The period column's dtype for ``days``: the categories of the periods' labels, or when two periods
    share a label, None and the labels as a frame holds texts (made once per list of periods)."""
    labels = tuple(_core.period_label(b, e) for b, e in days)
    if len(set(labels)) == len(labels):
        return _categories(labels), None
    texts = _texts_array(labels)
    return None, np.asarray(labels, dtype=object) if texts is None else texts


# Results of up to this many rows hold their KPI columns in one block (copied together, which costs nothing
# at this size, and makes row access fast); larger ones keep the engine's arrays without a copy.
_SMALL_RESULT = 4096


def _frame(book: Book, plist: list[Period], raw: dict[str, Any], options: dict[str, Any]) -> pd.DataFrame:
    """The DataFrame of the engine's columns ``raw`` (labels of keys from ``book``'s dimension tables)."""
    columns: dict[str, Any] = {}
    for key, codes, ids, missing in raw["keys"]:
        columns[_KEY_COLUMNS.get(key, key)] = _key_column(book, key, codes, options, ids=ids, missing=missing)
    dtype, texts = _period_labels(tuple((p._begin, p._end) for p in plist))
    codes = raw["period"]
    columns["period"] = (
        texts.take(codes) if dtype is None else pd.Categorical.from_codes(codes, dtype=dtype, **_VALID_CODES)
    )
    columns.update(raw["values"])
    return _assemble(columns, len(codes))


def _assemble(columns: dict[str, Any], rows: int) -> pd.DataFrame:
    """The frame of ``columns`` as ``pd.DataFrame(columns)`` makes it, from its blocks when pandas can (a few
    microseconds, against tens for the constructor's checks and inference, which the columns have had)."""
    if _from_blocks is None:
        return pd.DataFrame(columns, copy=False)  # the engine's arrays, owned by the frame: no copy
    blocks: list[tuple[Any, np.ndarray]] = []
    numbers: list[int] = []
    for i, values in enumerate(columns.values()):
        if not isinstance(values, np.ndarray):
            blocks.append((values, np.array([i])))
        elif values.dtype == np.float64 and rows <= _SMALL_RESULT:
            numbers.append(i)
        else:
            blocks.append((values.reshape(1, -1), np.array([i])))
    if numbers:
        values = list(columns.values())
        blocks.append((np.vstack([values[i] for i in numbers]), np.array(numbers)))
    return _from_blocks(blocks, pd.RangeIndex(rows), _column_index(tuple(columns)).copy())


def _key_column(
    book: Book,
    key: str,
    codes: np.ndarray,
    options: dict[str, Any],
    *,
    ids: np.ndarray | None = None,
    missing: bool = False,
) -> Any:
    """The column of group ``key`` at ``codes`` (-1 for none); ``ids``, when the key's ids are integers, the
    engine's int64 ids at ``codes`` (0 where none, and ``missing`` tells whether one is), as
    :func:`~accountkpi._columns.id_values` would make them."""
    if ids is not None:
        return pd.arrays.IntegerArray(ids, codes < 0) if missing else ids
    if key == "volume_band":
        labels = volume_band_labels(options.get("volume_thresholds", VOLUME_THRESHOLDS))
        return pd.Categorical.from_codes(codes, dtype=_categories(tuple(labels), True))
    return _labels(book, key, codes)


def _labels(book: Book, key: str, codes: np.ndarray) -> Any:
    """The labels of ``key`` (a dimension of ``book``) at ``codes``, -1 for none: ids, or categories."""
    if key in _ID_KEYS:
        ids, texts = book._memo(("ids", key), lambda: _ids(book, key))
        if texts is not None and (codes >= 0).any():  # texts as a frame holds them; all missing: objects
            return texts.take(codes, allow_fill=True)
        return id_values(ids, codes)
    dtype = book._memo(("categories", key), lambda: _key_categories(book, key))
    if key == "tier":  # code 0 is no tier
        codes = codes - 1
    return pd.Categorical.from_codes(np.where(codes < 0, -1, codes), dtype=dtype)


def _ids(book: Book, key: str) -> tuple[Any, Any]:
    """The external ids of ``key``'s codes, and when they are texts the array a frame makes of them."""
    ids = _core.key_labels(book._core, key)
    return ids, None if isinstance(ids, np.ndarray) else _texts_array(ids)


def _key_categories(book: Book, key: str) -> pd.CategoricalDtype:
    labels = _core.key_labels(book._core, key)
    return _categories(tuple(labels[1:] if key == "tier" else labels))


def _value(name: str, book: Book, period: Period | str, scope: Any, options: dict[str, Any]) -> float:
    p = as_period(period)
    raw = _core.kpi.compute(
        book._core, [(p._begin, p._end)], [], [name], options, _scope(book, scope, options)
    )
    return float(raw["values"][name][0])


def kpi_table() -> pd.DataFrame:
    """The KPI registry of the C++ core as a DataFrame, one row per KPI in the engine's order.

    Columns: ``definition`` (one line), ``formula``, ``unit`` (``count``, ``fraction``, ``ratio``, ``nps``,
    ``scale``, ``currency``, ``per_account`` or ``days``, under the default options),
    ``higher_is_better``, ``level`` (``event``: each event in the group of its own attributes;
    ``account``: each account in one group per period, NaN by service line and project), ``flow`` (adds up
    over days, so a target is pro-rated by days) and ``options`` (the options of
    :meth:`accountkpi.Book.kpis` that change it).

    Examples
    --------
    >>> table = kpi_table()
    >>> row = table.loc["retention_rate"]
    >>> row["unit"], bool(row["higher_is_better"]), row["level"], bool(row["flow"]), row["options"]
    ('fraction', True, 'account', False, ('retention_method',))
    >>> table[table["unit"] == "days"].index.tolist()
    ['request_response_days', 'days_since_last_touch']
    """
    columns = {k: v for k, v in _REGISTRY.items() if k != "name"}
    columns["options"] = [tuple(o) for o in _REGISTRY["options"]]
    return pd.DataFrame(columns, index=pd.Index(KPIS, name="kpi"))


def _options_of(name: str) -> list[tuple[str, str]]:
    """The options that change KPI ``name``, each as (its keyword in the one-value function, ``method``; its
    name in :meth:`accountkpi.Book.kpis`, ``retention_method``)."""
    keyword = {key: word for _, key, word in _core.kpi.options()}
    return [(keyword[key], key) for key in _REGISTRY["options"][KPIS.index(name)]]


def _make(name: str) -> Callable[..., float]:
    row = KPIS.index(name)
    summary, formula, edges = _REGISTRY["definition"][row], _REGISTRY["formula"][row], NOTES.get(name, "")
    options_of = _options_of(name)
    names = {**dict(options_of), **{key: key for _, key in options_of}}  # the keyword or the Book.kpis name

    def kpi(book: Book, period: Period | str, *, scope: Any = None, **options: Any) -> float:
        engine: dict[str, Any] = {}
        for key, value in options.items():
            if key not in names:
                allowed = ", ".join(dict.fromkeys(names)) or "none"
                raise TypeError(f"{name}() got an unexpected option {key!r} (options: {allowed})")
            if names[key] in engine:
                raise TypeError(f"{name}() got {key!r} and its other name; give one")
            engine[names[key]] = value
        return _value(name, book, period, scope, engine)

    opts = (
        ", ".join(
            f"``{k}``" + (f" (or ``{v}`` as in ``Book.kpis``)" if v != k else "") for k, v in options_of
        )
        or "none"
    )
    kpi.__name__ = kpi.__qualname__ = name
    kpi.__doc__ = f"""{summary}

    Formula: ``{formula}``.

    {edges}

    Parameters
    ----------
    book : Book
    period : Period or str
        A half-open period ``[begin, end)`` or a label such as ``"2025Q1"``.
    scope : Scope, optional
        Restrict to a manager's book, a list of accounts, or a segment.
    **options
        Options of this KPI: {opts}.

    Examples
    --------
    >>> import accountkpi as ak
    >>> book = ak.datasets.demo_book()
    >>> value = ak.kpi.{name}(book, "2024Q2")

    See ``docs/kpis.md#{name}``.
    """
    return kpi


_module = sys.modules[__name__]
for _name in KPIS:
    setattr(_module, _name, _make(_name))


def release_memory() -> int:
    """Gives back to the operating system the memory that requests keep for the next ones, and returns its
    bytes: the states' blocks and the answers' columns that numpy has freed, up to a thirty-second of the
    machine's memory each (from 256 MiB to 1 GiB), which spare the next large request the cost of memory new
    to the process (by project at 10^6 accounts, about 170 ms a request against 230-255 ms, and no stalls of
    a second). For a long-lived process done with large requests; the next ones fault their memory in afresh.

    Examples
    --------
    >>> import accountkpi as ak
    >>> book = ak.datasets.demo_book(7, accounts=5000, events=False)
    >>> months = ak.periods("2024-01-01", "2025-01-01", "M")
    >>> frame = book.kpis(months, by="account", kpis=["revenue", "cost"], cache=False)
    >>> len(frame) * 8 >= 256 * 1024  # a column of 256 KiB or more is kept once freed
    True
    >>> del frame
    >>> release_memory() > 0, release_memory()
    (True, 0)
    """
    return int(_core.kpi.release_memory())


def avg_rate(
    book: Book, period: Period | str, unit: str = "hour", *, scope: Any = None, **options: Any
) -> float:
    """Average rate per billing unit: ``Σ amount / Σ units`` over revenue lines billed in ``unit``.

    ``unit`` is ``"hour"``, ``"day"``, ``"month"``, or ``"normalised_hour"`` (all units as hours, with
    ``hours_per_day`` = 8 and ``days_per_month`` = 21 by default). 0 units -> NaN.

    Examples
    --------
    >>> import accountkpi as ak
    >>> rate = ak.kpi.avg_rate(ak.datasets.demo_book(), "2024", unit="day")
    """
    if unit not in ("hour", "day", "month", "normalised_hour"):
        raise ValueError(f"unit must be 'hour', 'day', 'month' or 'normalised_hour', got {unit!r}")
    return getattr(_module, f"avg_rate_{unit}")(book, period, scope=scope, **options)


def compound_churn(churn: float, periods: float = 12) -> float:
    """Churn of one period compounded over ``periods`` periods: ``1 - (1 - churn)^periods``.

    Examples
    --------
    >>> round(compound_churn(0.02, 12), 4)  # 2% a month is 21.5% a year, not 24%
    0.2153
    """
    return _core.kpi.compound_churn(churn, periods)


def periodic_churn(churn: float, periods: float = 12) -> float:
    """The per-period churn that compounds to ``churn`` over ``periods`` periods.

    ``1 - (1 - churn)^(1/periods)``.

    Examples
    --------
    >>> round(periodic_churn(0.2153, 12), 4)
    0.02
    """
    return _core.kpi.periodic_churn(churn, periods)
