"""The same KPIs on a Dask cluster, for books too large for one machine: :func:`~accountkpi.dask.kpis`.

The event tables (``revenue``, ``interactions``, ``requests``, ``surveys``) are Dask DataFrames partitioned
any way; they are shuffled so that each of ``partitions`` account partitions holds every event of its
accounts. The dimension tables (``accounts``, ``managers``, ``assignments``, ``projects``, ``targets``) are
small: they are read once and broadcast, so every worker's Book numbers accounts, managers and categories
alike. Each worker builds a Book of its partition and reduces it, with the C++ engine, to a partial state of
its accounts; the states are merged in a tree and finalized on the client. The result equals ``book.kpis`` on
the same data, for every KPI (medians and concentration included: states keep their value lists, so they are
exact). See ``docs/dask.md``.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from . import _core
from .book import Book
from .kpi import _frame, _request, _scope
from .sources import as_pandas

try:
    import dask
    import dask.dataframe as dd
    from dask.sizeof import sizeof as _sizeof
except ImportError as e:  # pragma: no cover - exercised only without dask
    raise ImportError("accountkpi.dask needs Dask: pip install 'dask[distributed,dataframe]'") from e

if TYPE_CHECKING:
    from ._dates import Period

__all__ = ["DIMENSION_TABLES", "EVENT_TABLES", "kpis"]

#: Tables that are partitioned by account and shuffled (Dask or pandas DataFrames).
EVENT_TABLES: tuple[str, ...] = ("revenue", "interactions", "requests", "surveys")
#: Small tables broadcast whole to every worker (a Dask DataFrame given for one is computed first).
DIMENSION_TABLES: tuple[str, ...] = ("accounts", "managers", "units", "assignments", "projects", "targets")


@_sizeof.register(_core.kpi.State)
def _state_size(state: _core.kpi.State) -> int:
    return int(state.nbytes)


def _split_tables(tables: Mapping[str, Any]) -> tuple[dict[str, pd.DataFrame], dict[str, Any]]:
    """The dimension tables as pandas and the event tables as Dask frames, checked: known tables, the
    required ones present, an ``account_id`` in every event table."""
    unknown = sorted(set(tables) - set(EVENT_TABLES) - set(DIMENSION_TABLES))
    if unknown:
        known = ", ".join(DIMENSION_TABLES + EVENT_TABLES)
        raise ValueError(f"unknown table {unknown[0]!r} (expected one of {known})")
    for required in ("accounts", "revenue"):
        if required not in tables:
            raise ValueError(f"the {required!r} table is required")
    dims = {name: _pandas(tables[name], name) for name in DIMENSION_TABLES if name in tables}
    events = {name: _dask(tables[name], name) for name in EVENT_TABLES if name in tables}
    for name, frame in events.items():
        if "account_id" not in frame.columns:
            raise ValueError(f"table {name!r} has no 'account_id' column (see docs/data-model.md)")
    return dims, events


def kpis(
    tables: Mapping[str, Any],
    periods: Period | str | Sequence[Period | str],
    by: str | Sequence[str] | None = None,
    kpis: str | Sequence[str] | None = None,
    *,
    scope: Any = None,
    partitions: int | None = None,
    shuffle: bool | str = "auto",
    split_every: int = 8,
    inactivity_days: int = 365,
    **options: Any,
) -> pd.DataFrame:
    """KPIs per (group, period) computed on Dask: the same DataFrame as :meth:`accountkpi.Book.kpis`.

    Runs on the current Dask scheduler: a ``dask.distributed.Client`` when one is active, else Dask's local
    threads.

    Parameters
    ----------
    tables : mapping of table name to DataFrame
        ``accounts`` and ``revenue`` are required (see ``docs/data-model.md``). Event tables (``revenue``,
        ``interactions``, ``requests``, ``surveys``) may be Dask DataFrames, partitioned any way, or pandas,
        polars or Arrow ones (one partition); Arrow-backed columns (``dtype_backend="pyarrow"``) are read
        as in :meth:`accountkpi.Book.from_frames`. Dimension tables (``accounts``, ``managers``,
        ``assignments``, ``projects``, ``targets``) should be pandas, polars or Arrow; a Dask one is computed
        first.
    periods, by, kpis, scope, **options
        As in :meth:`accountkpi.Book.kpis`.
    partitions : int, optional
        Account partitions: each is one Book on one worker. Default: the partitions of ``revenue``. Aim for
        partitions of a few million lines.
    shuffle : {"auto", True, False}, default "auto"
        Whether the event tables are shuffled by account. ``"auto"``: not when they are already laid out by
        account, i.e. every account's events sit in partitions of one index ``i`` (partition ``i`` of every
        event table; e.g. Parquet written by account bucket); a read of the event tables finds out, and their
        own partitions are then the account partitions (unless ``partitions`` asks for another number).
        ``True``: always shuffle (skips that read). ``False``: never; an account found in two partitions is
        an error naming it.
    split_every : int, default 8
        States merged per task of the tree reduction.
    inactivity_days : int, default 365
        As in :meth:`accountkpi.Book.from_frames`.

    Raises
    ------
    accountkpi.ValidationError
        The dimension tables are checked on the client; a problem in an event table is reported by the worker
        that holds it, with rows counted within its account partition.

    Examples
    --------
    >>> import accountkpi as ak, accountkpi.dask, dask.dataframe as dd
    >>> frames = ak.datasets.demo_book(accounts=40, years=1).to_frames()
    >>> tables = {**frames, "revenue": dd.from_pandas(frames["revenue"], npartitions=3)}
    >>> t = ak.dask.kpis(tables, "2023Q2", by="region", kpis=["revenue", "gini"], partitions=2)
    >>> list(t.columns)
    ['region', 'period', 'revenue', 'gini']
    """
    if split_every < 2:
        raise ValueError(f"split_every must be at least 2, got {split_every}")
    plist, keys, names = _request(periods, by, kpis)
    dims, events = _split_tables(tables)
    # The Book of the dimension tables alone: checked once here; it numbers accounts, managers and
    # categories exactly as every worker's Book will, resolves the scope and labels the result.
    empty = {name: as_pandas(frame._meta, name) for name, frame in events.items()}
    book = Book._build({**dims, **empty}, inactivity_days)
    resolved = _scope(book, scope, options)
    days = [(p._begin, p._end) for p in plist]

    ids = _core.key_labels(book._core, "account")
    ids = np.asarray(ids) if isinstance(ids, np.ndarray) else np.asarray(ids, dtype=object)
    integer_ids = ids.dtype.kind in "iu"
    if partitions is not None and partitions < 1:
        raise ValueError(f"partitions must be at least 1, got {partitions}")
    if shuffle not in ("auto", True, False):
        raise ValueError(f"shuffle must be 'auto', True or False, got {shuffle!r}")
    laid_out = None if shuffle is True else _laid_out_by_account(events, integer_ids, strict=shuffle is False)
    if shuffle is False and partitions not in (None, laid_out[1]):
        raise ValueError(
            f"shuffle=False keeps the event tables' own {laid_out[1]} partitions; partitions={partitions} "
            "needs a shuffle"
        )
    if laid_out is not None and partitions in (None, laid_out[1]):
        account_partition, n = _partition_of_laid_out(ids, integer_ids, *laid_out)
        parts_by_table = _own_partitions(events, n)
    else:
        n = partitions if partitions is not None else events["revenue"].npartitions
        n = max(1, min(n, len(ids)))
        account_partition = _partition_of(ids, n, integer_ids)
        parts_by_table = _shuffled(events, n, integer_ids)

    shared = _broadcast(
        {
            "dims": dims,
            "account_partition": account_partition,
            "n_accounts": len(ids),
            "request": (days, keys, names, dict(options), resolved),
            "inactivity_days": inactivity_days,
        }
    )
    level = [
        dask.delayed(_partition_state, pure=True)(
            i, shared, {name: parts[i] for name, parts in parts_by_table.items()}
        )
        for i in range(n)
    ]
    while len(level) > 1:
        level = [
            dask.delayed(_merge_states, pure=True)(*level[i : i + split_every])
            for i in range(0, len(level), split_every)
        ]
    (state,) = dask.compute(level[0])
    if state is None:  # no account in scope anywhere: the answer of an empty scope
        raw = _core.kpi.compute(book._core, days, keys, names, options, resolved)
    else:
        raw = _core.kpi.finalize(book._core, days, keys, names, options, state)
    return _frame(book, plist, raw, options)


def _broadcast(obj: Any) -> Any:
    """``obj`` as an input of every partition's task: scattered once to every worker of the active
    ``distributed`` client (so that a large accounts table is not sent with each task), else in the graph."""
    client = _client()
    if client is None:
        return dask.delayed(obj, pure=True)
    return client.scatter([obj], broadcast=True, hash=False)[0]


def _client() -> Any:
    """The ``distributed`` Client that ``dask.compute`` will use here, or None (threads, processes, sync)."""
    client = getattr(dask.base.get_scheduler(), "__self__", None)
    return client if hasattr(client, "scatter") else None


def _shuffled(events: dict[str, dd.DataFrame], n: int, integer_ids: bool) -> dict[str, list[Any]]:
    """The event tables shuffled into ``n`` account partitions (``_partition_of``: a hash of the account
    id), as delayed pandas frames, partition ``i`` of every table holding the events of the same accounts.

    In one stage: each input partition is cut into its ``n`` account pieces (one task), and account
    partition ``i`` joins piece ``i`` of every input partition, so each row moves at most once. Dask's own
    shuffles (``set_index``) sort and, past 32 partitions, move every row twice (``"tasks"``) or through
    Arrow and disk (``"p2p"``): at 10^7 lines 1.4 and about 4 times slower (docs/dask.md)."""
    out = {}
    for name, frame in events.items():
        cut = [
            dask.delayed(_cut_by_account, pure=True, nout=n)(part, n, integer_ids)
            for part in frame.to_delayed()
        ]
        out[name] = [dask.delayed(_join_pieces, pure=True)([pieces[i] for pieces in cut]) for i in range(n)]
    return out


def _cut_by_account(frame: pd.DataFrame, n: int, integer_ids: bool) -> tuple[pd.DataFrame, ...]:
    """The rows of ``frame`` of each account partition ``0…n-1``, in their order."""
    part = _partition_of(frame["account_id"].to_numpy(), n, integer_ids)
    # A stable sort of 16-bit keys is numpy's radix sort: 7 ns a row against 49 for int64 (2.5 x 10^6 rows).
    order = np.argsort(part.astype(np.uint16) if n <= 1 << 16 else part, kind="stable")
    bounds = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(part, minlength=n), out=bounds[1:])
    rows = frame.take(order)
    return tuple(rows.iloc[bounds[i] : bounds[i + 1]] for i in range(n))


def _join_pieces(pieces: list[pd.DataFrame]) -> pd.DataFrame:
    return pd.concat(pieces, ignore_index=True) if len(pieces) > 1 else pieces[0]


def _laid_out_by_account(
    events: dict[str, dd.DataFrame], integer_ids: bool, strict: bool
) -> tuple[pd.Series, int] | None:
    """Where the event tables already hold each account's events in partitions of one index: each account
    key's partition index and the number of partitions; None when an account is in two (an error when
    ``strict``). One read of the tables' partitions, the first ``_PROBED`` of each table first: an account in
    two of them settles it (input not laid out by account, the common case, costs those reads only)."""
    distinct = _distinct_keys_of(events, integer_ids, 0, _PROBED)
    probed = any(frame.npartitions > _PROBED for frame in events.values())
    if probed and _partition_of_keys(distinct, strict, _PROBED) is None:
        return None
    if probed:
        rest = _distinct_keys_of(events, integer_ids, _PROBED, None)
        distinct = [first + later for first, later in zip(distinct, rest, strict=True)]
    found = _partition_of_keys(distinct, strict, None)
    return None if found is None else (found, max(frame.npartitions for frame in events.values()))


_PROBED = 2


def _distinct_keys_of(
    events: dict[str, dd.DataFrame], integer_ids: bool, lo: int, hi: int | None
) -> list[list[np.ndarray]]:
    """The distinct account keys of partitions ``lo`` to ``hi`` (exclusive; None: the last) of each event
    table, a list per table. The partitions of the whole frames, as the workers will get them: a projection
    on the column alone may be partitioned otherwise (Dask combines small Parquet partitions)."""
    return [
        list(per_table)
        for per_table in dask.compute(
            *[
                [dask.delayed(_distinct_keys)(part, integer_ids) for part in frame.to_delayed()[lo:hi]]
                for frame in events.values()
            ]
        )
    ]


def _partition_of_keys(distinct: list[list[np.ndarray]], strict: bool, first: int | None) -> pd.Series | None:
    """Each account key's partition index, from the distinct keys of each table's first partitions
    (``first`` of them; all when None); None when an account is in two (an error when ``strict``)."""
    keys = [k for per_table in distinct for k in per_table]
    index = [np.full(len(k), i, dtype=np.int64) for per_table in distinct for i, k in enumerate(per_table)]
    seen = pd.DataFrame(
        {"key": np.concatenate(keys) if keys else [], "part": np.concatenate(index) if index else []}
    )
    spread = seen.groupby("key", sort=False)["part"].agg(["min", "max"])
    split = spread[spread["min"] != spread["max"]]
    if len(split):
        if strict:
            key, (lo, hi) = split.index[:1].tolist()[0], split.iloc[0]
            raise ValueError(
                "shuffle=False, but the event tables are not laid out by account: account "
                f"{key!r} has events in partitions {lo} and {hi} ({len(split) - 1} more accounts are split"
                f"{'' if first is None else f' in the first {first} partitions'})"
            )
        return None
    return spread["min"]


def _distinct_keys(events: pd.DataFrame, integer_ids: bool) -> np.ndarray:
    return pd.unique(_account_keys(events["account_id"].to_numpy(), integer_ids))


def _partition_of_laid_out(
    ids: Any, integer_ids: bool, partition_of_key: pd.Series, n: int
) -> tuple[np.ndarray, int]:
    """Each account's partition where the input put its events; an account without events goes by its hash
    (it is counted once, in some partition)."""
    found = partition_of_key.reindex(_account_keys(ids, integer_ids)).to_numpy()
    hashed = _partition_of(ids, n, integer_ids)
    return np.where(np.isnan(found), hashed, found).astype(np.int64), n


def _own_partitions(events: dict[str, dd.DataFrame], n: int) -> dict[str, list[Any]]:
    """The event tables' own partitions as delayed pandas frames, ``n`` per table (an empty frame of the
    table's columns past a table's last partition)."""
    out = {}
    for name, frame in events.items():
        parts = list(frame.to_delayed())
        out[name] = parts + [dask.delayed(frame._meta.iloc[:0], pure=True)] * (n - len(parts))
    return out


def _pandas(frame: Any, table: str) -> pd.DataFrame:
    """A dimension table as pandas: a Dask one computed, a polars or Arrow one converted."""
    if isinstance(frame, dd.DataFrame):
        frame = frame.compute()
    return as_pandas(frame, table)


def _dask(frame: Any, table: str) -> dd.DataFrame:
    """An event table as a Dask DataFrame: one partition of a pandas, polars or Arrow frame."""
    if isinstance(frame, dd.DataFrame):
        return frame
    frame = as_pandas(frame, table)
    if isinstance(frame, pd.DataFrame):
        return dd.from_pandas(frame, npartitions=1, sort=False)
    raise TypeError(
        f"table {table!r}: expected a Dask, pandas, polars or Arrow DataFrame, got {type(frame).__name__}"
    )


def _account_keys(ids: Any, integer_ids: bool) -> pd.Series:
    """Account ids as the Book matches them: integers when the accounts table has integer ids (``"17"`` is
    17; an unreadable id is -1, which the Book reports as an unknown account), else their text."""
    values = pd.Series(ids)
    if integer_ids:
        if not pd.api.types.is_integer_dtype(values.dtype):
            values = pd.to_numeric(values, errors="coerce").fillna(-1).astype(np.int64)
        return values.astype(np.int64)
    return values.astype(str)


def _partition_of(ids: Any, n: int, integer_ids: bool) -> np.ndarray:
    """The account partition (0…n-1) of each account id: a hash of its key (``_account_keys``), so
    ``"17"`` and ``17`` land together, as the Book matches them. Integer keys by Fibonacci hashing (the
    high bits of the key times 2^64 / golden ratio, scaled to ``n``: 6 ns a key with the conversion against
    10 for pandas' hash), text keys by pandas' hash."""
    keys = _account_keys(ids, integer_ids)
    if integer_ids:
        mixed = keys.to_numpy().astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)  # wraps, as meant
        return ((mixed >> np.uint64(32)) * np.uint64(n) >> np.uint64(32)).astype(np.int64)
    hashes = pd.util.hash_pandas_object(keys, index=False).to_numpy()
    return (hashes % np.uint64(n)).astype(np.int64)


def _partition_state(i: int, shared: dict[str, Any], events: dict[str, pd.DataFrame]) -> Any:
    """The engine's partial state of account partition ``i``: its events and the broadcast dimensions."""
    accounts = np.flatnonzero(shared["account_partition"] == i)
    days, keys, names, options, scope = shared["request"]
    if "accounts" in scope:
        accounts = np.intersect1d(accounts, scope["accounts"])
    if len(accounts) == 0:
        return None
    # Partitions read with dtype_backend="pyarrow" hold Arrow-backed columns: read as from_frames reads them.
    frames = {name: as_pandas(frame.reset_index(drop=True), name) for name, frame in events.items()}
    try:
        book = Book._build({**shared["dims"], **frames}, shared["inactivity_days"])
    except ValueError as e:
        e.add_note(f"(in account partition {i}; rows are counted within it)")
        raise
    if book.n_accounts != shared["n_accounts"]:  # pragma: no cover - guards the broadcast
        raise RuntimeError("a worker's Book numbers accounts differently from the client's")
    return _core.kpi.accumulate(
        book._core, days, keys, names, options, {**scope, "accounts": accounts.tolist()}
    )


def _merge_states(*states: Any) -> Any:
    """The merge of partial states of disjoint accounts (``None``: a partition without accounts in scope).
    Inputs are left as they are: Dask may hold them for a retry."""
    present = [s for s in states if s is not None]
    if not present:
        return None
    out = copy.copy(present[0])
    for s in present[1:]:
        out.merge(s)
    return out
