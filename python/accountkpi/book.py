"""The Book: a company's book of client accounts, validated and stored column by column in C++.

Its analyses (``book.kpis``, ``book.scorecards``, ``book.health``, ...) are thin forwards to the functions of
the modules below it (kpi, tiers, health, ltv, ...), which take the book as their first argument; this module
imports them, never the other way round (docs/architecture.md)."""

from __future__ import annotations

import csv
import numbers
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, NoReturn

import numpy as np
import pandas as pd

from . import _core
from ._columns import column_spec, from_core_column
from ._dates import Period, to_day
from ._schema import TABLES, ValidationError, raise_problems
from .bridge import revenue_bridge as _revenue_bridge
from .compare import compare as _compare
from .health import health as _health
from .kpi import table as _kpi_table
from .ltv import cohorts as _cohorts
from .ltv import historical as _ltv_historical
from .ltv._book import rfm as _rfm
from .renewals import project_status as _project_status
from .renewals import renewals as _renewals
from .sources import (
    as_pandas,
    columns_hint,
    parquet_frames,
    renamed,
    sql_frames,
    to_output,
    transaction_columns,
)
from .tiers import scorecards as _scorecards

__all__ = ["TABLES", "Book", "ValidationError"]


# Columns that the Book derives (the owner at the event's date); shown by table() but never read back.
_DERIVED = {
    "projects": {"manager_id"},
    "revenue": {"manager_id"},
    "requests": {"manager_id"},
    "surveys": {"manager_id"},
}


#: The range of ``inactivity_days`` (100 years at most: derived dates stay far inside the calendar).
_INACTIVITY_RANGE = (1, 36_500)


def _inactivity_days(value: Any) -> int:
    """``value`` checked as a whole number of days in ``_INACTIVITY_RANGE``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"inactivity_days must be a whole number of days, got {type(value).__name__}")
    lo, hi = _INACTIVITY_RANGE
    if not lo <= value <= hi:
        raise ValueError(f"inactivity_days must be between {lo} and {hi} days, got {value}")
    return int(value)


#: The values of ``keep=``: which row stands for an account given by several rows that are not its spells.
_KEEP = ("first", "last")


def _keep(keep: Any) -> str:
    if keep not in _KEEP:
        raise ValueError(f"keep must be 'first' or 'last', got {keep!r}")
    return str(keep)


def _lenient(on_error: str) -> bool:
    if on_error not in ("raise", "quarantine"):
        raise ValueError(f"on_error must be 'raise' or 'quarantine', got {on_error!r}")
    return on_error == "quarantine"


def _merged(
    problems: list[tuple[str, int, str, str]], core: list[tuple[str, int, str, str]], core_total: int
) -> tuple[list[tuple[str, int, str, str]], int]:
    """The problems found converting the input followed by the core's, without repeats: a cell this layer
    could not convert is reported once, with the reason found here; a column it found unusable as a whole
    (wrong dtype) is not reported again row by row."""
    cells = {(t, r, c) for t, r, c, _ in problems if r >= 0}
    columns = {(t, c) for t, r, c, _ in problems if r < 0 and c}
    kept = [p for p in core if (p[0], p[1], p[2]) not in cells and (p[0], p[2]) not in columns]
    return problems + kept, len(problems) + core_total - (len(core) - len(kept))


def _raise_with_core(problems: list[tuple[str, int, str, str]], build: Callable[[], Any]) -> NoReturn:
    """Raises ``problems`` (found in this layer) with those the core finds when it tries to ``build``."""
    try:
        build()
    except ValidationError as e:
        raise_problems(*_merged(problems, list(e.problems), e.total))
    raise_problems(problems)


def _rejected_frame(
    frames: Mapping[str, pd.DataFrame], rejected: list[tuple[str, int, str, str]]
) -> pd.DataFrame:
    """One row per rejected input row: table, row, column(s), reason(s), then the row's values."""
    by_row: dict[tuple[str, int], tuple[list[str], list[str]]] = {}
    for table, row, column, reason in rejected:
        columns, reasons = by_row.setdefault((table, row), ([], []))
        if column and column not in columns:
            columns.append(column)
        if reason not in reasons:
            reasons.append(reason)
    order = {t: k for k, t in enumerate(TABLES)}  # a transaction log's lines (not a Book table) come last
    records = []
    for (table, row), (columns, reasons) in sorted(
        by_row.items(), key=lambda x: (order.get(x[0][0], len(order)), x[0][1])
    ):
        record: dict[str, Any] = {
            "table": table,
            "row": row,
            "column": ", ".join(columns),
            "reason": "; ".join(reasons),
        }
        frame = frames[table]
        for name, value in frame.iloc[row].items():
            key = str(name)
            record[key if key not in _REJECTED_COLUMNS else f"{key}_value"] = value
        records.append(record)
    if not records:
        return pd.DataFrame(
            {c: pd.Series(dtype=object if c != "row" else np.int64) for c in _REJECTED_COLUMNS}
        )
    # Object columns keep every value as it came, even text that is not valid UTF-8 (which Arrow-backed
    # strings reject).
    keys = list(dict.fromkeys(k for r in records for k in r))
    out = pd.DataFrame({k: pd.Series([r.get(k) for r in records], dtype=object) for k in keys})
    out["row"] = out["row"].astype(np.int64)
    return out


_REJECTED_COLUMNS = ("table", "row", "column", "reason")


def _read_csv(
    path: Path,
    table: str,
    columns: list[tuple[str, str, bool, list[str]]],
    problems: list,
    rename: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """One CSV file as a frame: ids and texts as written (only an empty field is missing), numbers and dates
    with the usual missing markers; records with another number of fields than the header are reported.
    ``rename`` maps the Book's column names to the file's."""
    rename = dict(rename or {})
    # pandas fills short records with missing values silently and refuses a whole file for one long record;
    # count the fields of each record first (the csv module reads quoted line breaks as pandas does).
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f, skipinitialspace=True)
        header = next(reader, None)
        width = len(header) if header else 0
        row = 0
        for fields in reader:
            if not fields:  # a blank line: pandas skips it too
                continue
            if len(fields) != width:
                problems.append((table, row, "", f"has {len(fields)} fields, the header has {width}"))
            row += 1
    missing = [src for src in rename.values() if header is None or src not in header]
    if missing:
        found = [str(c) for c in header or []]
        raise KeyError(f"{path.name}: no column {missing[0]!r} to map; {columns_hint(missing[0], found)}")
    name = {c[0]: rename.get(c[0], c[0]) for c in columns}  # the file's name of each of the Book's columns
    text_columns = [name[c[0]] for c in columns if c[1] not in ("date", "number")]
    # Dates stay text for the core's one date rule (pandas would read 20110205 as an integer).
    date_columns = [name[c[0]] for c in columns if c[1] == "date"]
    frame = pd.read_csv(
        path,
        encoding="utf-8-sig",
        usecols=range(width) if width else None,
        dtype=dict.fromkeys(text_columns + date_columns, "string"),
        keep_default_na=False,
        na_values={name[c[0]]: [""] if name[c[0]] in text_columns else _NA_MARKERS for c in columns},
        skipinitialspace=True,
    )
    return frame.rename(columns={src: book for book, src in rename.items()}) if rename else frame


# What pandas reads as missing by default; only for number and date columns here.
_NA_MARKERS = [
    "", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN", "<NA>",
    "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null",
]  # fmt: skip


class Book:
    """A company's book of client accounts: validated, immutable and columnar.

    Build one with :meth:`from_frames` or :meth:`from_csv` (or :func:`accountkpi.datasets.demo_book`). Only
    ``accounts`` and ``revenue`` are required; see ``docs/data-model.md`` for every table and column.
    A Book is safe to share between threads and pickles to a compact, version-independent form.

    Examples
    --------
    >>> import pandas as pd, accountkpi as ak
    >>> accounts = pd.DataFrame({"account_id": ["A", "B"], "region": ["EMEA", "APAC"]})
    >>> revenue = pd.DataFrame({"account_id": ["A", "B"], "amount": [1000.0, 250.0],
    ...                         "date": pd.to_datetime(["2024-01-05", "2024-02-01"])})
    >>> book = ak.Book.from_frames(accounts=accounts, revenue=revenue)
    >>> book.n_accounts, len(book.table("revenue"))
    (2, 2)
    """

    __slots__ = ("_cache", "_core", "_derived")

    def __init__(self, core: _core.Book) -> None:
        if not isinstance(core, _core.Book):
            raise TypeError("use Book.from_frames(...) or Book.from_csv(...) to build a Book")
        self._core = core
        self._derived: dict[Any, Any] = {}
        self._cache: _core.kpi.StateCache | None = None

    @property
    def state_cache(self) -> _core.kpi.StateCache:
        """The cache of per-period states that :meth:`kpis` reads and fills (``cache=True``): one for this
        Book and the Books appended to it, at most 256 MB (``max_bytes``; least recently used first out).
        ``bytes``, ``size`` and ``hits_and_misses`` say what it holds; ``clear()`` empties it."""
        if self._cache is None:
            self._cache = _core.kpi.StateCache()
        return self._cache

    def _memo(self, what: Any, make: Callable[[], Any]) -> Any:
        """``make()``, made once per Book (which never changes) and kept under ``what``: the key labels and
        dtypes of the result frames, which a small request would otherwise rebuild every time."""
        try:
            return self._derived[what]
        except KeyError:
            return self._derived.setdefault(what, make())

    @classmethod
    def from_frames(  # noqa: PLR0917 — one frame per table in schema order; accounts, revenue often positional
        cls,
        accounts: pd.DataFrame,
        revenue: pd.DataFrame,
        managers: pd.DataFrame | None = None,
        assignments: pd.DataFrame | None = None,
        projects: pd.DataFrame | None = None,
        interactions: pd.DataFrame | None = None,
        requests: pd.DataFrame | None = None,
        surveys: pd.DataFrame | None = None,
        targets: pd.DataFrame | None = None,
        units: pd.DataFrame | None = None,
        *,
        inactivity_days: int = 365,
        on_error: str = "raise",
        columns: Mapping[str, Mapping[str, str]] | None = None,
        strict_columns: bool = False,
        keep: str = "first",
    ) -> Any:
        """Validate the tables and build a Book.

        Parameters
        ----------
        accounts, revenue : DataFrame
            Required tables. ``accounts`` has one row per account, or one row per client spell when
            ``acquired_on`` is given on each of the account's rows.
            Each table may be a pandas DataFrame or any frame speaking the Arrow PyCapsule interface
            (polars, pyarrow), whose numbers and timestamps without missing values are read without a copy.
        managers, assignments, projects, interactions, requests, surveys, targets, units : DataFrame, optional
            The organisation (all optional, see docs/organisation.md): ``managers.reports_to`` (a
            manager_id) and ``managers.unit_id``; ``units`` with ``unit_id``, ``name``, ``kind``
            (``sales_department`` | ``account_management`` | ``client_unit``), ``head_id``, ``parent_id``
            and ``account_id`` (the client a client unit serves). A reporting line or unit tree with a
            cycle is a problem naming the cycle.
        columns : dict of table name to {book column: your column}, optional
            Renames your columns to the Book's, e.g. ``{"revenue": {"account_id": "CustomerID"}}``.
        inactivity_days : int, default 365
            For accounts without ``acquired_on``: client spells are derived from revenue, ending this
            many days after the last revenue date not followed by another within this many days.
        on_error : {"raise", "quarantine"}, default "raise"
            ``"raise"``: any problem raises :class:`ValidationError` and nothing is built.
            ``"quarantine"``: returns ``(book, rejected)``, the Book of the rows without problems and a
            DataFrame of the rejected rows, one per rejected input row: ``table``, ``row`` (0-based
            position in its input table), ``column`` and ``reason`` (several joined by ``"; "`` when a row
            has several problems), then the row's own values. A rejected account (manager, project) takes
            the rows that refer to it with it, each with a reason naming the row it depended on; an
            account's other spell rows go too. Every input row is in the Book or in ``rejected``.
            Problems no row can be blamed for (a missing table or column, a column of the wrong dtype)
            still raise.
        strict_columns : bool, default False
            Every column a table does not know is a problem (naming the table's columns). Otherwise unknown
            columns are ignored, except one that looks like a misspelt known column the table lacks (``cots``
            for ``cost``): that is always a problem naming the likely column.
        keep : {"first", "last"}, default "first"
            The row that stands for an account given by several ``accounts`` rows that are not its spells
            (no ``acquired_on``: a CRM export with a client twice, or in two countries), or by a row that
            repeats another exactly: its first row in the input or its last (the latest update, in an
            export that appends changes). The other rows are problems naming the kept row and each column
            that differs with both values (``on_error="raise"``: all of them in one error), or, with
            ``on_error="quarantine"``, rejected rows: the account stays, with its revenue and everything
            else that refers to it. Rows with ``acquired_on`` are the account's spells: all count, and the
            names, regions, domains and parents they give must agree with the kept row's.

        Raises
        ------
        ValidationError
            Listing every problem (table, 0-based row, column, reason); nothing is built.

        Notes
        -----
        Columns are read without copies where their dtype fits. When ``revenue`` is already sorted by date,
        its ``amount``, ``cost`` and ``units`` become part of the Book as they are (no copy) when nobody can
        write their memory (read-only to its root: a Book's own frames from :meth:`to_frames`, Arrow and
        polars columns); otherwise they are copied once, so that no later edit of the frame or of the arrays
        it was built on reaches the Book.

        Examples
        --------
        >>> import pandas as pd, accountkpi as ak
        >>> accounts = pd.DataFrame({"account_id": ["A", "B"]})
        >>> revenue = pd.DataFrame({"account_id": ["A", "Z"], "amount": [10.0, 5.0],
        ...                         "date": ["2024-01-05", "2024-01-06"]})
        >>> book, rejected = ak.Book.from_frames(accounts, revenue, on_error="quarantine")
        >>> rejected[["table", "row", "column", "reason"]].values.tolist()
        [['revenue', 1, 'account_id', "unknown account id 'Z'"]]
        """
        frames = {
            "accounts": accounts,
            "revenue": revenue,
            "managers": managers,
            "assignments": assignments,
            "projects": projects,
            "interactions": interactions,
            "requests": requests,
            "surveys": surveys,
            "targets": targets,
            "units": units,
        }
        mapped = columns or {}
        frames = renamed(
            {k: as_pandas(v, k, mapped.get(k)) for k, v in frames.items() if v is not None}, mapped
        )
        inactivity_days = _inactivity_days(inactivity_days)
        if _lenient(on_error):
            return cls._build_lenient(
                frames, inactivity_days, strict_columns=strict_columns, keep=_keep(keep)
            )
        return cls._build(frames, inactivity_days, strict_columns=strict_columns, keep=_keep(keep))

    @staticmethod
    def _convert(
        frames: Mapping[str, pd.DataFrame],
    ) -> tuple[dict[str, dict[str, tuple]], list[tuple[str, int, str, str]]]:
        """The core's column descriptions of `frames`, and the problems found while converting them."""
        problems: list[tuple[str, int, str, str]] = []
        tables: dict[str, dict[str, tuple]] = {}
        for table, frame in frames.items():
            if table not in TABLES:
                problems.append((table, -1, "", f"unknown table (expected one of {', '.join(TABLES)})"))
                continue
            if not isinstance(frame, pd.DataFrame):
                problems.append(
                    (
                        table,
                        -1,
                        "",
                        f"expected a DataFrame (pandas, polars or Arrow), got {type(frame).__name__}",
                    )
                )
                continue
            if frame.columns.duplicated().any():
                for name in frame.columns[frame.columns.duplicated()].unique():
                    problems.append((table, -1, str(name), "column appears more than once"))
                frame = frame.loc[:, ~frame.columns.duplicated()]
            roles = {c[0]: c[1] for c in TABLES[table][1]}
            columns: dict[str, tuple] = {}
            for name in frame.columns:
                key = str(name)
                role = roles.get(key)
                if role is None:
                    # Unknown columns are ignored by the core unless they look like a misspelt known one; pass
                    # their names (as empty texts) so that it can say so.
                    columns[key] = ("texts", np.full(len(frame), -1, dtype=np.int8), [])
                    continue
                columns[key] = column_spec(table, key, role, frame[name], problems)
            tables[table] = columns
        return tables, problems

    @classmethod
    def _build(
        cls,
        frames: Mapping[str, pd.DataFrame],
        inactivity_days: int,
        strict_columns: bool = False,
        keep: str = "first",
    ) -> Book:
        tables, problems = cls._convert(frames)
        try:
            core = _core.build_book(tables, inactivity_days, strict_columns, keep)
        except ValidationError as e:
            raise_problems(*_merged(problems, list(e.problems), e.total))
        if problems:
            raise_problems(problems)
        return cls(core)

    def append(
        self,
        *,
        revenue: pd.DataFrame | None = None,
        interactions: pd.DataFrame | None = None,
        requests: pd.DataFrame | None = None,
        surveys: pd.DataFrame | None = None,
    ) -> Book:
        """A new Book with these event rows appended; this Book is unchanged.

        The rows are validated as :meth:`from_frames` validates them and may refer only to this Book's
        accounts, projects and managers (a new account, project or manager means building the Book again).
        The new Book is the one that building this Book's input followed by these rows gives, with the same
        ``inactivity_days``: the spells derived from revenue, the owners at each row's date and every KPI
        are the same. Rows dated at or after this Book's last row of their table cost in proportion to
        their number (the revenue arrays are shared, see ``docs/data-model.md``); earlier rows are merged.

        Parameters
        ----------
        revenue, interactions, requests, surveys : DataFrame, optional
            New rows, with the columns of :meth:`from_frames`.

        Raises
        ------
        ValidationError
            Every problem of the rows, by table, row (0-based in the frame given), column and reason.

        Examples
        --------
        >>> import pandas as pd
        >>> import accountkpi as ak
        >>> book = ak.Book.from_frames(
        ...     accounts=pd.DataFrame({"account_id": ["A"]}),
        ...     revenue=pd.DataFrame({"account_id": ["A"], "date": ["2024-01-05"], "amount": [100.0]}),
        ... )
        >>> later = book.append(
        ...     revenue=pd.DataFrame({"account_id": ["A"], "date": ["2024-02-05"], "amount": [50.0]})
        ... )
        >>> book.rows("revenue"), later.rows("revenue")
        (1, 2)
        """
        given = {"revenue": revenue, "interactions": interactions, "requests": requests, "surveys": surveys}
        tables, problems = self._convert({name: frame for name, frame in given.items() if frame is not None})
        try:
            core = _core.append_book(self._core, tables)
        except ValidationError as e:
            raise_problems(*_merged(problems, list(e.problems), e.total))
        if problems:
            raise_problems(problems)
        appended = type(self)(core)
        appended._cache = self.state_cache  # one cache for the lineage: unchanged periods are reused
        return appended

    @classmethod
    def _build_lenient(
        cls,
        frames: Mapping[str, pd.DataFrame],
        inactivity_days: int,
        found: list | None = None,
        strict_columns: bool = False,
        keep: str = "first",
    ) -> tuple[Book, pd.DataFrame]:
        tables, problems = cls._convert(frames)
        problems = list(found or []) + problems
        structural = [p for p in problems if p[1] < 0]
        if structural:
            _raise_with_core(
                problems, lambda: _core.build_book(tables, inactivity_days, strict_columns, keep)
            )
        try:
            core, rejected = _core.build_book_lenient(tables, inactivity_days, problems, strict_columns, keep)
        except ValidationError as e:
            raise_problems(*_merged(problems, list(e.problems), e.total))
        return cls(core), _rejected_frame(frames, rejected)

    @classmethod
    def from_csv(
        cls,
        directory: str | os.PathLike[str],
        *,
        columns: Mapping[str, Mapping[str, str]] | None = None,
        inactivity_days: int = 365,
        on_error: str = "raise",
        keep: str = "first",
    ) -> Any:
        """Read one ``<table>.csv`` per table from ``directory`` and build a Book.

        Files are UTF-8 (a byte-order mark is allowed); dates are ISO 8601 text (``2024-03-01``,
        ``20240301``, ``2024-W09-5``, with or without a time: see docs/data-model.md); quoted fields may hold
        commas and line breaks. Ids, names and words are read as text, exactly as written (``007`` stays
        ``"007"``, ``NA`` is the text ``"NA"``): only an empty field is missing there; in number and date
        columns the usual markers (``NA``, ``NaN``, ``null``) are missing too. Unreadable files and rows
        whose number of fields differs from the header's are reported in the same
        :class:`ValidationError` as the problems in the rows (rows are 0-based data records, not lines).
        ``on_error="quarantine"`` returns ``(book, rejected)`` as :meth:`from_frames` does; ``columns``
        renames the files' columns and ``keep`` chooses the row of an account given twice, as in
        :meth:`from_frames`.
        """
        lenient = _lenient(on_error)
        keep = _keep(keep)
        inactivity_days = _inactivity_days(inactivity_days)
        directory = Path(directory)
        if not directory.is_dir():
            raise FileNotFoundError(f"no such directory: {directory}")
        frames: dict[str, pd.DataFrame] = {}
        problems: list[tuple[str, int, str, str]] = []
        for table, (required, spec) in TABLES.items():
            path = directory / f"{table}.csv"
            if not path.exists():
                if required:
                    problems.append((table, -1, "", f"required file {path.name} is missing"))
                continue
            try:
                frames[table] = _read_csv(path, table, spec, problems, (columns or {}).get(table, {}))
            except UnicodeDecodeError as e:
                problems.append(
                    (table, -1, "", f"{path.name} is not UTF-8 text ({e.reason} at byte {e.start})")
                )
            except (pd.errors.ParserError, pd.errors.EmptyDataError, csv.Error) as e:
                problems.append((table, -1, "", f"{path.name} cannot be read as CSV: {e}"))
        for extra in sorted(p.stem for p in directory.glob("*.csv") if p.stem not in TABLES):
            problems.append(
                (extra, -1, "", f"unknown table file {extra}.csv (expected one of {', '.join(TABLES)})")
            )
        return cls._build_found(frames, problems, inactivity_days, lenient, keep)

    @classmethod
    def _build_found(
        cls,
        frames: Mapping[str, pd.DataFrame],
        problems: list,
        inactivity_days: int,
        lenient: bool,
        keep: str = "first",
    ) -> Any:
        """The Book of frames read from files or a database, with the problems found reading them listed
        beside the core's."""
        structural = any(r < 0 for _, r, _, _ in problems)
        if lenient and not structural:
            return cls._build_lenient(frames, inactivity_days, problems, keep=keep)
        if problems:
            _raise_with_core(problems, lambda: cls._build(frames, inactivity_days, keep=keep))
        return cls._build(frames, inactivity_days, keep=keep)

    @classmethod
    def from_parquet(
        cls,
        directory: str | os.PathLike[str],
        *,
        columns: Mapping[str, Mapping[str, str]] | None = None,
        inactivity_days: int = 365,
        on_error: str = "raise",
        keep: str = "first",
    ) -> Any:
        """Read one ``<table>.parquet`` file (or ``<table>/`` folder of Parquet parts) per table from
        ``directory`` and build a Book, as :meth:`from_csv` does for CSV files (needs ``pyarrow``).

        Columns keep their Parquet types: numbers and timestamps without missing values are not copied on
        the way in, texts are dictionary-encoded by Arrow. ``columns`` renames source columns and ``keep``
        chooses the row of an account given twice, as in :meth:`from_frames`.
        """
        lenient = _lenient(on_error)
        keep = _keep(keep)
        inactivity_days = _inactivity_days(inactivity_days)
        frames, problems = parquet_frames(directory)
        return cls._build_found(renamed(frames, columns), problems, inactivity_days, lenient, keep)

    @classmethod
    def from_sql(
        cls,
        source: Any,
        queries: Mapping[str, str] | None = None,
        *,
        columns: Mapping[str, Mapping[str, str]] | None = None,
        inactivity_days: int = 365,
        on_error: str = "raise",
        keep: str = "first",
    ) -> Any:
        """Read the tables from a database and build a Book.

        Parameters
        ----------
        source : str, path or connection
            A URL: ``postgresql://user@host/db`` (through ADBC: ``pip install adbc-driver-postgresql``),
            ``sqlite:///path/to/file.db`` (``adbc-driver-sqlite``), ``duckdb:///path/to/file.duckdb``
            (``duckdb``); a SQLite or DuckDB file's path; or an open connection: ADBC, DuckDB, ``sqlite3``
            or any DB-API 2 connection (left open).
        queries : dict of table name to SQL, optional
            The query that reads each table, e.g. ``{"revenue": "SELECT customer AS account_id, ..."}``.
            By default each of the Book's tables that the database has (``accounts``, ``revenue``, ...) is
            read, only the columns the Book uses (under the names ``columns`` maps them to), so that
            the other columns of a wide CRM table stay in the database. A column that looks like a
            misspelt Book column is read too, and named in the error with a suggestion.
        columns, inactivity_days, on_error, keep
            As in :meth:`from_frames`.

        Notes
        -----
        Results come as Arrow tables from ADBC and DuckDB (no per-row Python objects); ``NUMERIC`` and
        ``DECIMAL`` columns become doubles, as the Book holds money. A query that fails and a required
        table the database lacks are reported in the :class:`ValidationError` with the data's problems.
        """
        lenient = _lenient(on_error)
        keep = _keep(keep)
        inactivity_days = _inactivity_days(inactivity_days)
        frames, problems = sql_frames(source, queries, columns)
        return cls._build_found(renamed(frames, columns), problems, inactivity_days, lenient, keep)

    @classmethod
    def from_transactions(
        cls,
        transactions: Any,
        *,
        account: str = "account_id",
        date: str = "date",
        amount: str = "amount",
        cost: str | None = None,
        region: str | None = None,
        region_rule: str = "most_frequent",
        inactivity_days: int = 365,
        on_error: str = "raise",
    ) -> Any:
        """Build a Book from one transaction log: one row per invoice line (customer, date, amount, and
        maybe a cost and a region), as billing systems and shops export them.

        Parameters
        ----------
        transactions : DataFrame
            pandas, polars or pyarrow (any object with ``__arrow_c_stream__``).
        account, date, amount : str
            The log's columns of the customer id, the date (any date form :meth:`from_frames` takes: ISO
            text with or without a time and offset, datetimes of any unit or time zone) and the amount.
        cost, region : str, optional
            The log's columns of the line's cost and of the customer's region (country...).
        region_rule : {"most_frequent", "first", "last"}, default "most_frequent"
            An account's region when its lines name several: the one on most of its lines (a tie goes to
            the one on the latest line), or the one of its earliest or latest line. Lines are ordered by
            day, then by their position in the log; lines without a region do not count.
        inactivity_days, on_error
            As in :meth:`from_frames`.

        Notes
        -----
        The accounts are the distinct customer ids of the log; client spells are derived from the revenue
        as for accounts without ``acquired_on``. Every line is a revenue line (credit notes included): a
        line without a customer id or with a bad date or amount is reported (``on_error="raise"``) or
        rejected (``"quarantine"``), never dropped silently, as the log has it: table ``transactions``,
        ``row`` its position in the log and ``column`` the log's own name (``InvoiceDate``, not ``date``);
        the rejected lines' values come under the log's names too.

        Examples
        --------
        >>> import pandas as pd, accountkpi as ak
        >>> log = pd.DataFrame({"CustomerID": [17850, 17850, 13047],
        ...                     "InvoiceDate": ["2010-12-01 08:26:00", "2011-01-05T10:00:00+01:00",
        ...                                     "2010-12-01 08:34:00"],
        ...                     "Sales": [15.3, 22.0, 54.08],
        ...                     "Country": ["United Kingdom", "France", "United Kingdom"]})
        >>> book = ak.Book.from_transactions(log, account="CustomerID", date="InvoiceDate", amount="Sales",
        ...                                  region="Country", region_rule="last")
        >>> book.table("accounts")[["account_id", "region"]].astype(str).values.tolist()
        [['17850', 'France'], ['13047', 'United Kingdom']]
        """
        names = {"account_id": account, "date": date, "amount": amount, "cost": cost, "region": region}
        for key, value in names.items():
            if value is not None and not isinstance(value, str):
                raise TypeError(
                    f"{key.replace('_id', '')}= must be a column name, got {type(value).__name__}"
                )
        lenient = _lenient(on_error)
        inactivity_days = _inactivity_days(inactivity_days)
        frame, columns, problems = transaction_columns(transactions, names)
        built = _core.from_transactions(
            columns, account, date, amount, cost, region, region_rule, inactivity_days, lenient, problems
        )
        if not lenient:
            return cls(built)
        return cls(built[0]), _rejected_frame({"transactions": frame}, built[1])

    def table(self, name: str, *, output: str = "pandas") -> Any:
        """One table as a DataFrame, in the Book's order (events sorted by date, stable).

        ``output="polars"`` or ``"arrow"`` returns it as a polars DataFrame or a pyarrow Table instead.

        ``name`` is one of the input tables or ``"spells"`` (one row per client spell, given or derived).
        Numeric columns are read-only views of the Book's memory (no copy). Event tables carry a derived
        ``manager_id``: the account's (or project's) owner at the event's date.
        """
        cols = self._core.export_table(name)
        # copy=False: pandas (3, copy-on-write) would otherwise copy every column it is given.
        frame = pd.DataFrame({k: from_core_column(v) for k, v in cols.items()}, copy=False)
        if output == "pandas":
            return frame
        return to_output(frame, output)

    def kpis(
        self,
        periods: Any,
        by: str | list[str] | None = None,
        kpis: str | list[str] | None = None,
        *,
        scope: Any = None,
        ltv_model: Any = None,
        output: str = "pandas",
        cache: bool = True,
        **options: Any,
    ) -> Any:
        """KPIs as a DataFrame: one row per (group, period), one column per KPI.

        Parameters
        ----------
        periods : Period, str or list of them
            E.g. ``ak.periods("2024-01-01", "2025-01-01", "M")`` or ``"2024Q1"``.
        by : str or list of str, optional
            Group keys among ``account``, ``manager``, ``region``, ``domain``, ``service_line``, ``tier``,
            ``role``, ``volume_band``, ``project``; a list crosses them. Events count for the manager who
            owned them at their date; accounts for the manager who owned them on their last client day of
            the period. By ``project`` or ``service_line`` the per-account KPIs are NaN.
            The organisation's keys roll up a tree and their rows overlap: ``team`` (a manager with everyone
            below him in the reporting lines), ``unit`` (a unit with its sub-units), ``account_group`` (a
            top-level account with all its descendants); every ratio is recomputed over the group.
        kpis : str or list of str, optional
            KPI names (``accountkpi.kpi.KPIS``); all of them when omitted.
        scope : Scope, list of account ids or dict, optional
        output : {"pandas", "polars", "arrow"}, default "pandas"
            The library of the result: a pandas DataFrame, a polars DataFrame or a pyarrow Table.
        cache : bool, default True
            Reuse the states of periods computed before for the same keys, KPIs' measures, options and scope,
            on this Book or on the Book it was appended to when nothing those periods read changed (see
            :attr:`state_cache`), and keep those computed now; the answer is the same, bit for bit. False
            computes every period and keeps nothing. Requests with ``ltv_model`` do not use it.
        **options
            ``retention_method`` ('set' | 'textbook'), ``churn_method`` ('start_cohort' | 'include_new'),
            ``revenue_churn_method`` ('gross' | 'net'), ``nrr_base`` ('previous' | 'year_ago'),
            ``csat_method`` ('share' | 'mean'), ``ces_method`` ('mean' | 'top_box'), ``sla_days`` (2),
            ``top_p`` (0.2), ``pareto_threshold`` (0.8), ``hours_per_day`` (8), ``days_per_month`` (21),
            ``handover_days`` (90).

        Examples
        --------
        >>> import accountkpi as ak
        >>> book = ak.datasets.demo_book()
        >>> t = book.kpis(ak.periods("2024-01-01", "2025-01-01", "Q"), by="region", kpis=["revenue", "nrr"])
        >>> list(t.columns)
        ['region', 'period', 'revenue', 'nrr']
        """
        result = _kpi_table(
            self,
            periods,
            by,
            kpis,
            scope=scope,
            ltv_model=ltv_model,
            cache=self.state_cache if cache else None,
            **options,
        )
        return to_output(result, output)

    def revenue_bridge(
        self,
        periods: Any,
        by: str | list[str] | None = None,
        base: str = "previous",
        *,
        scope: Any = None,
        exact: bool = False,
    ) -> pd.DataFrame:
        """How revenue moved from the base period: opening, new, reactivated, resumed, expansion,
        contraction, churned and closing per (group, period), adding up exactly; see
        :func:`accountkpi.bridge.revenue_bridge`."""
        return _revenue_bridge(self, periods, by, base, scope=scope, exact=exact)

    def project_status(self, as_of: Any) -> pd.DataFrame:
        """Every project signed before ``as_of``: billed, burn, backlog, margin, effective rate, days to end;
        see :func:`accountkpi.renewals.project_status`."""
        return _project_status(self, as_of)

    def renewals(self, as_of: Any, within: Any = "90D", **health_options: Any) -> pd.DataFrame:
        """Projects ending in ``[as_of, as_of + within)`` with value, billed, burn, margin and the account's
        health and reasons; see :func:`accountkpi.renewals.renewals`."""
        return _renewals(self, as_of, within, **health_options)

    def health(self, period: Any, **options: Any) -> pd.DataFrame:
        """Health score (0-100) of every account that is a client in ``period``, with its components, band
        and reasons; see :func:`accountkpi.health.health` for the options (``weights``, ``scope``, ...).

        Examples
        --------
        >>> import accountkpi as ak
        >>> h = ak.datasets.demo_book().health("2024Q2")
        >>> list(h.columns[:3])
        ['account_id', 'health', 'band']
        """
        return _health(self, period, **options)

    def cohorts(self, freq: str = "Q", measure: str = "logo", end: Any = None) -> pd.DataFrame:
        """Cohorts by acquisition period × periods since acquisition; see :func:`accountkpi.ltv.cohorts`."""
        return _cohorts(self, freq, measure, end)

    def ltv_historical(self, end: Any = None, measure: str = "gross_profit") -> pd.Series:
        """Historical LTV per account; see :func:`accountkpi.ltv.historical`."""
        return _ltv_historical(self, end, measure)

    def rfm(self, observation_period_end: Any = None, freq: str = "D") -> pd.DataFrame:
        """RFM summary of the revenue lines, with lifetimes' meaning of ``frequency``, ``recency``, ``T`` and
        ``monetary_value`` (see :func:`accountkpi.ltv.rfm_summary`).

        A purchase is a day on which the account's revenue lines add up to more than 0 (exactly, to the
        millionth), so credit notes reduce a purchase and never count as one; purchases are then counted once
        per ``freq`` ("D" days, "W" weeks from Monday, "M" calendar months) with their amounts summed.
        ``observation_period_end`` defaults to the day of the last purchase; purchases in periods after the
        one containing it are left out, and accounts without a purchase up to then have no row. Computed in
        C++ in one pass (``accountkpi::ltv::rfm``). Indexed by ``account_id``.

        Examples
        --------
        >>> import accountkpi as ak
        >>> rfm = ak.datasets.demo_book().rfm(observation_period_end="2025-12-31")
        >>> list(rfm.columns)
        ['frequency', 'recency', 'T', 'monetary_value']
        """
        return _rfm(self, observation_period_end, freq)

    def scorecards(
        self, period: Any, *, cap: float = 1.5, book_targets: bool = True, **options: Any
    ) -> pd.DataFrame:
        """Every farmer's scorecard over ``period``: ``manager_id, tier, kpi, actual, target, attainment,
        weight, score``. See :func:`accountkpi.tiers.scorecards`.

        Examples
        --------
        >>> import accountkpi as ak
        >>> cards = ak.datasets.demo_book().scorecards("2024Q2")
        >>> bool(cards.groupby("manager_id")["score"].sum(min_count=1).notna().all())
        True
        """
        return _scorecards(self, period, cap=cap, book_targets=book_targets, **options)

    def compare(
        self,
        period: Any,
        vs: Any = ("previous", "year_ago"),
        by: str | list[str] | None = None,
        kpis: str | list[str] | None = None,
        **kwargs: Any,
    ) -> pd.DataFrame:
        """The KPIs of ``period`` beside the previous period's and a year ago's, with absolute and relative
        deltas (one row per group and KPI). See :func:`accountkpi.compare.compare`.

        Examples
        --------
        >>> import accountkpi as ak
        >>> c = ak.datasets.demo_book().compare("2025Q2", kpis="revenue")
        >>> bool(c["previous_delta"].iloc[0] == c["value"].iloc[0] - c["previous"].iloc[0])
        True
        """
        return _compare(self, period, vs, by, kpis, **kwargs)

    def org_chart(self, at: Any = None) -> pd.DataFrame:
        """The organisation chart: one row per manager, in the ``managers`` table's order.

        Columns: ``manager_id, name, role, reports_to, unit_id, depth`` (0 at the top of a reporting line),
        ``direct_reports``, ``team_size`` (the managers of the team, the manager included),
        ``accounts_owned`` and ``team_accounts`` (accounts whose owner on day ``at`` is the manager, or
        anyone in the team). ``at`` defaults to the last day with an event. A team is what
        ``book.kpis(..., by="team")`` rolls up: the manager and everyone below, directly or not.

        Examples
        --------
        >>> import accountkpi as ak
        >>> chart = ak.datasets.demo_book().org_chart()
        >>> list(chart.columns)[:6]
        ['manager_id', 'name', 'role', 'reports_to', 'unit_id', 'depth']
        """
        if at is None:
            span = self.span
            day = 0 if span is None else span._end - 1
        else:
            day = to_day(at)
        managers = self.table("managers")
        chart = _core.org_chart(self._core, day)
        out = managers[["manager_id", "name", "role", "reports_to", "unit_id"]].copy()
        for column, values in chart.items():
            out[column] = values
        return out

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every table the Book was built from, as DataFrames."""
        return {t: self.table(t) for t in self.table_names}

    @property
    def table_names(self) -> list[str]:
        """The names of the tables the Book was built from, in schema order."""
        return [t for t in TABLES if self._core.has_table(t)]

    @property
    def n_accounts(self) -> int:
        """Number of accounts."""
        return self._core.n_accounts

    def rows(self, table: str) -> int:
        """Number of rows of ``table`` (or ``"spells"``)."""
        return self._core.rows(table)

    @property
    def inactivity_days(self) -> int:
        """The inactivity (days) used to derive client spells from revenue."""
        return self._core.inactivity_days

    @property
    def span(self) -> Any:
        """The :class:`Period` from the first to the last dated event, or None for a book without events."""
        days = self._core.span
        return None if days is None else Period._from_days(days)

    def __repr__(self) -> str:
        counts = ", ".join(f"{t}={self._core.rows(t)}" for t in TABLES if self._core.has_table(t))
        return f"<accountkpi.Book {counts}>"

    def to_frames(self) -> dict[str, pd.DataFrame]:
        """The input tables as :meth:`from_frames` takes them (without the derived owner columns).

        ``Book.from_frames(**book.to_frames())`` builds an equal Book.
        """
        frames = {}
        for t, frame in self.tables().items():
            frames[t] = frame.drop(columns=[c for c in _DERIVED.get(t, ()) if c in frame.columns])
        return frames

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (self.to_frames(), self.inactivity_days))


def _rebuild(frames: dict[str, pd.DataFrame], inactivity_days: int) -> Book:
    return Book._build(frames, inactivity_days)
