"""The Book: a company's book of client accounts, validated and stored column by column in C++."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import _core

__all__ = ["TABLES", "Book", "ValidationError"]

ValidationError = _core.ValidationError
ValidationError.__doc__ = """Raised when input tables have problems; nothing is built then.

Attributes
----------
problems : list of tuple
    Every problem found (up to 1000): ``(table, row, column, reason)`` with ``row`` the 0-based position
    of the row in its input table, or -1 when the problem concerns a whole table or column.
total : int
    The number of problems found, including any beyond those listed.
"""

#: The tables a Book can hold, in schema order: {table: (required, [(column, role, required, words)])}.
TABLES: dict[str, tuple[bool, list[tuple[str, str, bool, list[str]]]]] = {
    name: (required, columns) for name, required, columns in _core.schema
}
_ID_ROLES = {"key", "account", "manager", "project"}
_INT32_MIN = np.iinfo(np.int32).min
_INT32_MAX = np.iinfo(np.int32).max
# Columns that the Book derives (the owner at the event's date); shown by table() but never read back.
_DERIVED = {
    "projects": {"manager_id"},
    "revenue": {"manager_id"},
    "requests": {"manager_id"},
    "surveys": {"manager_id"},
}


def _problems_frame(problems: list[tuple[str, int, str, str]]) -> pd.DataFrame:
    return pd.DataFrame(problems, columns=["table", "row", "column", "reason"])


def _raise(problems: list[tuple[str, int, str, str]], total: int | None = None) -> None:
    total = len(problems) if total is None else total
    lines = [f"{total} problem{'s' if total != 1 else ''} in the input:"]
    for table, row, column, reason in problems[:20]:
        where = table + (f" row {row}" if row >= 0 else "")
        if column:
            where += f", column {column}" if row >= 0 else f" column {column}"
        lines.append(f"  {where}: {reason}")
    if total > 20:
        lines.append(f"  ... and {total - 20} more")
    error = ValidationError("\n".join(lines))
    error.problems = problems
    error.total = total
    raise error


def _texts(values: pd.Series) -> tuple[str, np.ndarray, list[str]]:
    if isinstance(values.dtype, pd.CategoricalDtype):  # already dictionary-encoded: keep its categories
        return (
            "texts",
            np.ascontiguousarray(values.cat.codes.to_numpy(), dtype=np.int64),
            [str(c) for c in values.cat.categories],
        )
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    return ("texts", np.ascontiguousarray(codes, dtype=np.int64), [str(u) for u in uniques])


def _column_spec(table: str, name: str, role: str, s: pd.Series, problems: list) -> tuple:
    """The (kind, arrays...) description of one input column, converted without per-row Python work where the
    dtype allows; what cannot be converted is described as texts, so the C++ validation reports it by row."""
    dtype = s.dtype
    if role in _ID_ROLES:
        if pd.api.types.is_bool_dtype(dtype):
            problems.append((table, -1, name, "ids must be integers or texts, got booleans"))
            return _texts(s.astype(str))
        if pd.api.types.is_integer_dtype(dtype):
            if s.hasnans:  # nullable integers with missing values
                return _texts(s.astype("Int64").astype("string"))
            return ("integers", np.ascontiguousarray(s.to_numpy(dtype=np.int64)))
        if pd.api.types.is_float_dtype(dtype):
            v = s.to_numpy(dtype=np.float64, na_value=np.nan)
            finite = v[~np.isnan(v)]
            if np.all(finite == np.round(finite)) and np.all(np.abs(finite) < 2**53):
                if len(finite) == len(v):
                    return ("integers", v.astype(np.int64))
                return _texts(pd.Series(v).astype("Int64").astype("string"))
            return _texts(s.astype("string"))
        if pd.api.types.is_object_dtype(dtype):
            kinds = {type(x) for x in s.dropna().unique()}
            if any(issubclass(k, str) for k in kinds) and any(
                issubclass(k, (int, np.integer)) for k in kinds
            ):
                problems.append((table, -1, name, "mixes text and integer ids; use one kind"))
        return _texts(s.astype("string") if pd.api.types.is_object_dtype(dtype) else s)
    if role == "date":
        if isinstance(dtype, pd.DatetimeTZDtype):
            s = s.dt.tz_localize(None)
            dtype = s.dtype
        if pd.api.types.is_datetime64_dtype(dtype):
            # One copy: the column's own datetime64 values, floored to days (NaT stays NaT = INT64_MIN).
            days = s.to_numpy().astype("datetime64[D]").view(np.int64)
            return ("dates", np.ascontiguousarray(days))
        if pd.api.types.is_object_dtype(dtype):
            # datetime.date, Timestamps and ISO strings side by side: ISO text for all, parsed in C++.
            def iso(x: Any) -> Any:
                return (
                    x
                    if isinstance(x, str) or x is None or x is pd.NaT
                    else (x.isoformat()[:10] if hasattr(x, "isoformat") else ("" if pd.isna(x) else str(x)))
                )

            return _texts(s.map(iso))
        if pd.api.types.is_string_dtype(dtype):
            return _texts(s)
        if pd.api.types.is_numeric_dtype(dtype) and s.isna().all():
            return ("dates", np.full(len(s), np.iinfo(np.int64).min, dtype=np.int64))
        problems.append((table, -1, name, f"expected dates, got a column of dtype {dtype}"))
        return ("dates", np.full(len(s), np.iinfo(np.int64).min, dtype=np.int64))
    if role == "number":
        if pd.api.types.is_bool_dtype(dtype):
            problems.append((table, -1, name, "expected numbers, got booleans"))
            return ("numbers", np.full(len(s), np.nan))
        if pd.api.types.is_numeric_dtype(dtype):
            return ("numbers", np.ascontiguousarray(s.to_numpy(dtype=np.float64, na_value=np.nan)))
        coerced = pd.to_numeric(s, errors="coerce")
        bad = np.flatnonzero(coerced.isna().to_numpy() & s.notna().to_numpy())
        for row in bad[:1000]:
            problems.append((table, int(row), name, f"not a number: {s.iloc[row]!r}"))
        return ("numbers", np.ascontiguousarray(coerced.to_numpy(dtype=np.float64, na_value=np.nan)))
    # text, category, vocabulary
    if (
        pd.api.types.is_string_dtype(dtype)
        or pd.api.types.is_object_dtype(dtype)
        or isinstance(dtype, pd.CategoricalDtype)
    ):
        return _texts(s)
    return _texts(s.astype("string"))


def _from_core_column(spec: tuple) -> Any:
    kind = spec[0]
    if kind == "days":
        days = spec[1]
        out = days.astype(np.int64).astype("datetime64[D]")
        out[(days == _INT32_MIN) | (days == _INT32_MAX)] = np.datetime64("NaT")
        return out
    if kind == "numbers":
        return spec[1]
    if kind == "bool":
        return spec[1].astype(bool)
    if kind == "texts":
        return np.asarray(spec[1], dtype=object)
    if kind == "category":
        return pd.Categorical.from_codes(spec[1], categories=spec[2])
    if kind == "enum":
        codes, words = spec[1], spec[2]
        if words[0] == "":
            return pd.Categorical.from_codes(codes.astype(np.int16) - 1, categories=words[1:])
        return pd.Categorical.from_codes(codes.astype(np.int16), categories=words)
    if kind == "ids":
        codes, ids = spec[1], spec[2]
        missing = codes < 0
        safe = np.where(missing, 0, codes)
        if isinstance(ids, np.ndarray):
            values = ids[safe] if len(ids) else np.zeros(len(codes), dtype=np.int64)
            if missing.any():
                return pd.arrays.IntegerArray(values.astype(np.int64), missing)
            return values
        values = np.asarray(ids, dtype=object)[safe] if ids else np.full(len(codes), None, dtype=object)
        values[missing] = None
        return values
    raise ValueError(f"unknown column kind {kind!r}")


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

    __slots__ = ("_core",)

    def __init__(self, core: _core.Book) -> None:
        if not isinstance(core, _core.Book):
            raise TypeError("use Book.from_frames(...) or Book.from_csv(...) to build a Book")
        self._core = core

    @classmethod
    def from_frames(
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
        *,
        inactivity_days: int = 365,
    ) -> Book:
        """Validate the tables and build a Book.

        Parameters
        ----------
        accounts, revenue : DataFrame
            Required tables. ``accounts`` has one row per account, or one row per client spell when
            ``acquired_on`` is given on each of the account's rows.
        managers, assignments, projects, interactions, requests, surveys, targets : DataFrame, optional
        inactivity_days : int, default 365
            For accounts without ``acquired_on``: client spells are derived from revenue, ending this
            many days after the last revenue date not followed by another within this many days.

        Raises
        ------
        ValidationError
            Listing every problem (table, 0-based row, column, reason); nothing is built.
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
        }
        return cls._build({k: v for k, v in frames.items() if v is not None}, inactivity_days)

    @classmethod
    def _build(cls, frames: Mapping[str, pd.DataFrame], inactivity_days: int) -> Book:
        problems: list[tuple[str, int, str, str]] = []
        tables: dict[str, dict[str, tuple]] = {}
        for table, frame in frames.items():
            if table not in TABLES:
                problems.append((table, -1, "", f"unknown table (expected one of {', '.join(TABLES)})"))
                continue
            if not isinstance(frame, pd.DataFrame):
                problems.append((table, -1, "", f"expected a pandas DataFrame, got {type(frame).__name__}"))
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
                    columns[key] = ("texts", np.full(len(frame), -1, dtype=np.int64), [])
                    continue
                columns[key] = _column_spec(table, key, role, frame[name], problems)
            tables[table] = columns
        try:
            core = _core.build_book(tables, inactivity_days)
        except ValidationError as e:
            # A cell this layer could not convert is reported once, with the reason found here.
            seen = {(t, r, c) for t, r, c, _ in problems if r >= 0}
            core_problems = [p for p in e.problems if (p[0], p[1], p[2]) not in seen]
            _raise(problems + core_problems, len(problems) + e.total - (len(e.problems) - len(core_problems)))
        if problems:
            _raise(problems)
        return cls(core)

    @classmethod
    def from_csv(cls, directory: str | os.PathLike[str], *, inactivity_days: int = 365) -> Book:
        """Read one ``<table>.csv`` per table from ``directory`` and build a Book.

        Files are UTF-8 (a byte-order mark is allowed); dates are ISO ``YYYY-MM-DD``. Unreadable files are
        reported in the same :class:`ValidationError` as the problems in their rows (rows are 0-based data
        rows: line = row + 2).
        """
        directory = Path(directory)
        if not directory.is_dir():
            raise FileNotFoundError(f"no such directory: {directory}")
        frames: dict[str, pd.DataFrame] = {}
        problems: list[tuple[str, int, str, str]] = []
        for table, (required, _columns) in TABLES.items():
            path = directory / f"{table}.csv"
            if not path.exists():
                if required:
                    problems.append((table, -1, "", f"required file {path.name} is missing"))
                continue
            try:
                frames[table] = pd.read_csv(
                    path, encoding="utf-8-sig", dtype=None, keep_default_na=True, skipinitialspace=True
                )
            except UnicodeDecodeError as e:
                problems.append(
                    (table, -1, "", f"{path.name} is not UTF-8 text ({e.reason} at byte {e.start})")
                )
            except (pd.errors.ParserError, pd.errors.EmptyDataError) as e:
                problems.append((table, -1, "", f"{path.name} cannot be read as CSV: {e}"))
        for extra in sorted(p.stem for p in directory.glob("*.csv") if p.stem not in TABLES):
            problems.append(
                (extra, -1, "", f"unknown table file {extra}.csv (expected one of {', '.join(TABLES)})")
            )
        if problems:
            try:
                cls._build(frames, inactivity_days)
            except ValidationError as e:
                _raise(problems + list(e.problems), len(problems) + e.total)
            _raise(problems)
        return cls._build(frames, inactivity_days)

    def table(self, name: str) -> pd.DataFrame:
        """One table as a DataFrame, in the Book's order (events sorted by date, stable).

        ``name`` is one of the input tables or ``"spells"`` (one row per client spell, given or derived).
        Numeric columns are read-only views of the Book's memory (no copy). Event tables carry a derived
        ``manager_id``: the account's (or project's) owner at the event's date.
        """
        cols = self._core.export_table(name)
        return pd.DataFrame({k: _from_core_column(v) for k, v in cols.items()})

    def kpis(
        self,
        periods: Any,
        by: str | list[str] | None = None,
        kpis: str | list[str] | None = None,
        *,
        scope: Any = None,
        **options: Any,
    ) -> pd.DataFrame:
        """KPIs as a DataFrame: one row per (group, period), one column per KPI.

        Parameters
        ----------
        periods : Period, str or list of them
            E.g. ``ak.periods("2024-01-01", "2025-01-01", "M")`` or ``"2024Q1"``.
        by : str or list of str, optional
            Group keys among ``account``, ``manager``, ``region``, ``domain``, ``service_line``, ``tier``,
            ``role``; a list crosses them. Events count for the manager who owned them at their date; accounts
            for the manager who owned them on their last client day of the period.
        kpis : str or list of str, optional
            KPI names (``accountkpi.kpi.KPIS``); all of them when omitted.
        scope : Scope, list of account ids or dict, optional
        **options
            ``retention_method`` ('set' | 'textbook'), ``churn_method`` ('start_cohort' | 'include_new'),
            ``revenue_churn_method`` ('gross' | 'net'), ``nrr_base`` ('previous' | 'year_ago'),
            ``csat_method`` ('share' | 'mean'), ``ces_method`` ('mean' | 'top_box'), ``sla_days`` (2),
            ``top_p`` (0.2), ``pareto_threshold`` (0.8), ``hours_per_day`` (8), ``days_per_month`` (21).

        Examples
        --------
        >>> import accountkpi as ak
        >>> book = ak.datasets.demo_book()
        >>> t = book.kpis(ak.periods("2024-01-01", "2025-01-01", "Q"), by="region", kpis=["revenue", "nrr"])
        >>> list(t.columns)
        ['region', 'period', 'revenue', 'nrr']
        """
        from .kpi import table

        return table(self, periods, by, kpis, scope=scope, **options)

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
        from ._dates import Period

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
