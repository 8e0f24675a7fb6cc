"""Where a Book's data comes from, and the frame library results go back in.

* Any dataframe: pandas, or anything speaking the Arrow PyCapsule interface (``__arrow_c_stream__``:
  polars, pyarrow tables and record batches, DuckDB relations...), read without a copy where the types
  allow (numbers and timestamps without missing values).
* One transaction log (:func:`transaction_columns`): its columns for the core, which derives the accounts.
* Parquet folders (:func:`parquet_frames`) and databases (:func:`sql_frames`): PostgreSQL and SQLite through
  ADBC, DuckDB through its own Arrow interface, or any DB-API connection.

:class:`accountkpi.Book`'s constructors call these; nothing here validates the data: the core does, once.
"""

from __future__ import annotations

import importlib
import os
import sqlite3
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import _core
from ._columns import column_spec
from ._schema import TABLES

__all__ = ["OUTPUTS", "REGION_RULES", "as_pandas", "parquet_frames", "sql_frames", "to_output"]

#: The values of ``output=``: the frame library a result is returned in.
OUTPUTS = ("pandas", "polars", "arrow")
#: The values of ``region_rule=`` in :meth:`accountkpi.Book.from_transactions`.
REGION_RULES = ("most_frequent", "first", "last")


def columns_hint(given: str, found: list[str]) -> str:
    """``"did you mean 'X'? "`` (by the core's edit distance) followed by the list of ``found`` columns."""
    return _core.columns_hint(given, [str(c) for c in found])


# ---------------------------------------------------------------------------------------------- dataframes


def _is_arrow_like(frame: Any) -> bool:
    return hasattr(frame, "__arrow_c_stream__") or hasattr(frame, "__arrow_c_array__")


def _arrow_table(frame: Any) -> Any:
    import pyarrow as pa  # optional: only for Arrow-speaking frames

    if isinstance(frame, pa.Table):
        return frame
    if isinstance(frame, pa.RecordBatch):
        return pa.Table.from_batches([frame])
    if hasattr(frame, "__arrow_c_stream__"):
        return pa.table(frame)
    return pa.Table.from_batches([pa.record_batch(frame)])


def as_pandas(frame: Any, table: str | None = None, names: Mapping[str, str] | None = None) -> Any:
    """``frame`` as a pandas DataFrame: a pandas frame as it is, but for its Arrow-backed columns
    (``pd.ArrowDtype``, as ``dtype_backend="pyarrow"`` reads them), which are read as an Arrow frame's; an
    Arrow-speaking one (polars, pyarrow, DuckDB...) column by column, sharing the memory of numbers and
    timestamps without missing values (``pyarrow`` is needed then). Texts (ids, words, dates written as text)
    come dictionary-encoded: Arrow computes the dictionary, the Book keeps its codes and parses each distinct
    text once. Other inputs are returned unchanged for the caller to report. ``names`` maps the Book's column
    names to the frame's."""
    names = names or {}
    roles = {names.get(c[0], c[0]): c[1] for c in TABLES[table][1]} if table in TABLES else {}
    if isinstance(frame, pd.DataFrame):
        backed = [n for n, dtype in frame.dtypes.items() if isinstance(dtype, pd.ArrowDtype)]
        if not backed:
            return frame
        return frame.assign(**{n: _from_arrow(_chunked(frame[n].array), roles.get(n)) for n in backed})
    if not _is_arrow_like(frame):
        return frame
    data = _arrow_table(frame)
    columns = {
        name: _from_arrow(column, roles.get(name))
        for name, column in zip(data.column_names, data.columns, strict=True)
    }
    return pd.DataFrame(columns, copy=False)


def _chunked(values: Any) -> Any:
    """The Arrow data behind a pandas Arrow-backed array, without a copy."""
    import pyarrow as pa  # present: pandas' Arrow-backed columns need it

    data = pa.array(values)
    return data if isinstance(data, pa.ChunkedArray) else pa.chunked_array([data])


def _from_arrow(column: Any, role: str | None) -> Any:
    """An Arrow column (chunked) as the pandas column the Book reads best (see :func:`as_pandas`); ``role``
    is the Book's kind of the column (``"number"``, ...) when known."""
    import pyarrow as pa  # optional: only for Arrow-speaking frames
    import pyarrow.compute as pc

    column = column.combine_chunks() if column.num_chunks != 1 else column.chunk(0)
    kind = column.type
    if pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_string_view(kind):
        if role != "number":  # ids, texts, dates: parsed once per distinct text
            return pc.dictionary_encode(column.cast(pa.large_string())).to_pandas()
        return pd.Series(column.to_numpy(zero_copy_only=False), dtype=object)  # reported by row if bad
    if pa.types.is_decimal(kind):  # NUMERIC / DECIMAL: money as the Book holds it, a double
        return pd.Series(column.cast(pa.float64()).to_numpy(zero_copy_only=False))
    if pa.types.is_date(kind):
        days = column.cast(pa.date32()).cast(pa.int32()).to_numpy(zero_copy_only=False)
        values = np.where(np.isnan(days), np.iinfo(np.int64).min, days) if column.null_count else days
        return pd.Series(np.asarray(values, dtype=np.int64).view("datetime64[D]"))
    if (pa.types.is_floating(kind) or pa.types.is_integer(kind)) and column.null_count == 0:
        return pd.Series(column.to_numpy(zero_copy_only=True), copy=False)
    # Dictionaries (codes as they are), timestamps (tz-aware stay so: the day is the local one), nulls...
    return column.to_pandas()


def to_output(frame: pd.DataFrame, output: str) -> Any:
    """``frame`` in the library ``output`` names: ``"pandas"`` (as it is), ``"polars"`` or ``"arrow"``."""
    if output == "pandas":
        return frame
    if output not in OUTPUTS:
        raise ValueError(f"output must be one of {', '.join(map(repr, OUTPUTS))}, got {output!r}")
    import pyarrow as pa  # optional: only for that output

    table = pa.Table.from_pandas(frame, preserve_index=not isinstance(frame.index, pd.RangeIndex))
    if output == "arrow":
        return table
    import polars as pl  # optional: only for that output

    return pl.from_arrow(table)


def renamed(frames: Mapping[str, Any], columns: Mapping[str, Mapping[str, str]] | None) -> dict[str, Any]:
    """``frames`` with the columns renamed by ``columns`` = {table: {book column: source column}}."""
    out = dict(frames)
    for table, mapping in (columns or {}).items():
        if table not in out or out[table] is None:
            continue
        frame = out[table]
        missing = [src for src in mapping.values() if src not in frame.columns]
        if missing:
            found = [str(c) for c in frame.columns]
            raise KeyError(f"{table}: no column {missing[0]!r} to map; {columns_hint(missing[0], found)}")
        out[table] = frame.rename(columns={src: book for book, src in mapping.items()})
    return out


# -------------------------------------------------------------------------------------- transaction logs


def _days(spec: tuple) -> np.ndarray:
    """Days since 1970 of a date column as the core reads it; int64 minimum where missing or unreadable."""
    nat = np.iinfo(np.int64).min
    if spec[0] == "dates":
        values = spec[1]
        unit = spec[2] if len(spec) > 2 else "D"
        per_day = {"D": 1, "s": 86_400, "ms": 86_400_000, "us": 86_400_000_000, "ns": 86_400_000_000_000}
        return np.where(values == nat, nat, np.floor_divide(values, per_day[unit]))
    if spec[0] == "texts":
        codes, uniques = spec[1], spec[2]
        parsed = np.empty(len(uniques) + 1, dtype=np.int64)
        parsed[-1] = nat  # code -1: missing
        for k, text in enumerate(uniques):
            try:
                parsed[k] = _core.date_parse(text)
            except ValueError:
                parsed[k] = nat
        return parsed[np.where(codes < 0, len(uniques), codes)]
    return np.full(len(spec[1]), nat, dtype=np.int64)


def derived_regions(ids: pd.Series, regions: pd.Series, dates: pd.Series, rule: str) -> tuple[Any, Any]:
    """The distinct account ids of a transaction log (in order of first appearance) and each one's region by
    ``rule``: ``most_frequent`` (the region on most of its lines; a tie goes to the one on the latest line),
    ``first`` or ``last`` (the region of its earliest or latest line). Lines are ordered by day, then by
    position; lines without a region do not count, and an account without any has no region. The rule is
    the core's (``accountkpi::derive_regions``), one linear pass."""
    if rule not in REGION_RULES:
        raise ValueError(f"region_rule must be one of {', '.join(map(repr, REGION_RULES))}, got {rule!r}")
    account, accounts = pd.factorize(ids, use_na_sentinel=True)
    if isinstance(regions.dtype, pd.CategoricalDtype):  # already codes: no hashing
        region, names = regions.cat.codes.to_numpy(), regions.cat.categories
    else:
        region, names = pd.factorize(regions, use_na_sentinel=True)
    day = _days(column_spec("revenue", "date", "date", dates, []))
    # Days outside the calendar the Book takes are as missing: the build reports those lines.
    day = np.where((day < -(2**31) + 1) | (day > 2**31 - 1), -(2**31), day).astype(np.int32)
    chosen = _core.derive_regions(account.astype(np.int32), region.astype(np.int32), day, len(accounts),
                                  len(names), rule)  # fmt: skip
    if not len(names):
        return accounts, chosen.astype(object)
    return accounts, pd.Categorical.from_codes(chosen, categories=names).remove_unused_categories()


#: The core's reading of each column a transaction log is read for (by the Book's name of the column).
_LOG_ROLES = {"date": "date", "amount": "number", "cost": "number", "region": "category"}


def _log_ids(s: pd.Series, name: str, problems: list) -> tuple:
    """A log's customer ids in the core's form: numbers as they are (how pandas holds integer ids with gaps:
    floats, NaN where missing; the core takes the whole ones as integer ids), nullable integers with gaps as
    such numbers when they are exact, other dtypes as any id column."""
    if pd.api.types.is_float_dtype(s.dtype):
        return ("numbers", np.ascontiguousarray(s.to_numpy(dtype=np.float64, na_value=np.nan)))
    if pd.api.types.is_integer_dtype(s.dtype) and s.hasnans:
        values = s.to_numpy(dtype=np.float64, na_value=np.nan)
        if np.nanmax(np.abs(values), initial=0.0) < 2**53:
            return ("numbers", values)
    return column_spec("transactions", name, "account", s, problems)


def transaction_columns(
    transactions: Any, names: Mapping[str, str | None]
) -> tuple[pd.DataFrame, dict[str, tuple], list[tuple]]:
    """A transaction log for the core's ``from_transactions``: the log as a pandas frame, its columns in the
    core's form ({log column: spec}; the columns ``names`` does not name are empty: the core uses their names
    only to hint at a misnamed column) and the problems found converting them (table ``transactions``, the
    log's names). ``names`` maps the Book's ``account_id``, ``date``, ``amount``, ``cost`` and ``region`` to
    the log's columns (None: absent)."""
    given = {book: src for book, src in names.items() if src is not None}
    frame = as_pandas(transactions, "revenue", given)
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(
            f"transactions must be a DataFrame (pandas, polars, Arrow), got {type(frame).__name__}"
        )
    book_of = {src: book for book, src in given.items()}
    problems: list[tuple] = []
    columns: dict[str, tuple] = {}
    for k, name in enumerate(frame.columns):
        key = str(name)
        if key in columns:
            problems.append(("transactions", -1, key, "column appears more than once"))
            continue
        book = book_of.get(key)
        if book is None:
            columns[key] = ("texts", np.empty(0, dtype=np.int8), [])
            continue
        s = frame.iloc[:, k]
        if book == "account_id":
            columns[key] = _log_ids(s, key, problems)
        else:
            columns[key] = column_spec("transactions", key, _LOG_ROLES[book], s, problems)
    return frame, columns, problems


# ----------------------------------------------------------------------------------------- files, databases


def parquet_frames(directory: str | os.PathLike[str]) -> tuple[dict[str, pd.DataFrame], list[tuple]]:
    """One frame per ``<table>.parquet`` file (or ``<table>/`` folder of Parquet parts) in ``directory``,
    and the problems found (missing required tables, unknown table files, unreadable files)."""
    import pyarrow.parquet as pq  # optional: only to read Parquet

    directory = Path(directory)
    if not directory.is_dir():
        raise FileNotFoundError(f"no such directory: {directory}")
    frames: dict[str, pd.DataFrame] = {}
    problems: list[tuple] = []
    for table, (required, _) in TABLES.items():
        path = next((p for p in (directory / f"{table}.parquet", directory / table) if p.exists()), None)
        if path is None:
            if required:
                problems.append((table, -1, "", f"required file {table}.parquet is missing"))
            continue
        try:
            frames[table] = as_pandas(pq.read_table(path), table)
        except (OSError, ValueError) as e:  # pyarrow's ArrowInvalid is a ValueError
            problems.append((table, -1, "", f"{path.name} cannot be read as Parquet: {e}"))
    for extra in sorted(p.stem for p in directory.glob("*.parquet") if p.stem not in TABLES):
        problems.append(
            (extra, -1, "", f"unknown table file {extra}.parquet (expected one of {', '.join(TABLES)})")
        )
    return frames, problems


_DUCKDB_MAGIC = b"DUCK"  # at byte 8 of a DuckDB database file
_SQLITE_MAGIC = b"SQLite format 3\x00"


def database_kind(source: str) -> str | None:
    """``"postgresql"``, ``"sqlite"`` or ``"duckdb"`` for a URL or a database file, else None."""
    lower = source.lower()
    for prefix, kind in (
        ("postgresql://", "postgresql"),
        ("postgres://", "postgresql"),
        ("sqlite://", "sqlite"),
        ("duckdb://", "duckdb"),
    ):
        if lower.startswith(prefix):
            return kind
    path = Path(source)
    if path.is_file():
        with open(path, "rb") as f:
            head = f.read(16)
        if head == _SQLITE_MAGIC:
            return "sqlite"
        if head[8:12] == _DUCKDB_MAGIC:
            return "duckdb"
    return None


def _file_of(url: str) -> str:
    """The path of ``sqlite:///path`` or ``duckdb:///path`` (or a plain path)."""
    for prefix in ("sqlite:///", "duckdb:///", "sqlite://", "duckdb://"):
        if url.lower().startswith(prefix):
            return url[len(prefix) :]
    return url


def _needs(module: str, package: str) -> Any:
    try:
        return importlib.import_module(module)
    except ImportError:
        raise ImportError(f"reading this database needs {package}: pip install {package}") from None


def _connect(source: str) -> tuple[Any, str]:
    kind = database_kind(source)
    if kind == "postgresql":
        return _needs("adbc_driver_postgresql.dbapi", "adbc-driver-postgresql").connect(source), kind
    if kind == "sqlite":
        adbc_sqlite = _needs("adbc_driver_sqlite.dbapi", "adbc-driver-sqlite")

        path = _file_of(source)
        if not Path(path).is_file():
            raise FileNotFoundError(f"no such database file: {path}")
        return adbc_sqlite.connect(f"file:{path}?mode=ro"), kind
    if kind == "duckdb":
        duckdb = _needs("duckdb", "duckdb")
        path = _file_of(source)
        if not Path(path).is_file():
            raise FileNotFoundError(f"no such database file: {path}")
        return duckdb.connect(path, read_only=True), kind
    raise ValueError(
        f"not a database: {source!r} (expected a postgresql:// URL, a sqlite:/// or duckdb:/// URL, or a "
        "SQLite or DuckDB file)"
    )


def _kind_of(connection: Any) -> str:
    module = type(connection).__module__
    if module.startswith("duckdb"):
        return "duckdb"
    if module.startswith("adbc_driver_manager"):
        return "adbc"
    if isinstance(connection, sqlite3.Connection):
        return "sqlite3"
    return "dbapi"


def _query(connection: Any, kind: str, sql: str) -> Any:
    """The result of ``sql`` as an Arrow table (ADBC, DuckDB) or a pandas DataFrame (other DB-API)."""
    if kind == "duckdb":
        relation = connection.sql(sql)
        return relation.to_arrow_table() if hasattr(relation, "to_arrow_table") else relation.arrow()
    cursor = connection.cursor()
    try:
        cursor.execute(sql)
        if kind == "adbc":
            return cursor.fetch_arrow_table()
        names = [d[0] for d in cursor.description]
        rows = cursor.fetchall()
    finally:
        cursor.close()
    return pd.DataFrame.from_records(rows, columns=names)


def _recover(connection: Any) -> None:
    """Ends the transaction a failed query left aborted (PostgreSQL refuses every later query until then),
    so that each table's query is tried and its own problem reported."""
    try:
        connection.rollback()
    except Exception:  # nothing to roll back (DuckDB, autocommit), or no transactions at all
        pass


def _tables_in(connection: Any, kind: str) -> set[str]:
    """The names of the tables (and views) the connection sees, lower-cased."""
    if kind == "sqlite3" or (kind == "adbc" and connection.adbc_get_info().get("vendor_name") == "SQLite"):
        sql = "SELECT name FROM sqlite_master WHERE type IN ('table', 'view')"
    else:
        sql = "SELECT table_name FROM information_schema.tables"
    result = _query(connection, kind, sql)
    names = result.column(0).to_pylist() if not isinstance(result, pd.DataFrame) else result.iloc[:, 0]
    return {str(n).lower() for n in names}


def _quoted(name: str) -> str:
    """``name`` as a quoted SQL identifier (PostgreSQL, SQLite and DuckDB alike)."""
    return '"' + name.replace('"', '""') + '"'


def _columns_of(result: Any) -> list[str]:
    return [str(c) for c in (result.columns if isinstance(result, pd.DataFrame) else result.column_names)]


def _book_query(
    connection: Any, kind: str, table: str, mapping: Mapping[str, str], problems: list[tuple]
) -> str:
    """The query that reads only the columns of ``table`` the Book uses, under their names in the database
    (``mapping``: {book column: database column}), so that a wide CRM table does not travel. Columns that
    look like a misspelt Book column the table lacks come too, for the Book to name them; a mapped or
    required column the table lacks is reported here with every column it has."""
    try:
        found = _columns_of(_query(connection, kind, f"SELECT * FROM {table} LIMIT 0"))  # the names only
    except Exception:  # reported by table when the query proper fails too
        _recover(connection)
        return f"SELECT * FROM {table}"
    for src in mapping.values():
        if src not in found:
            raise KeyError(f"{table}: no column {src!r} to map; {columns_hint(src, found)}")
    source = {name: mapping.get(name, name) for name, *_ in TABLES[table][1]}
    wanted = [src for src in source.values() if src in found]
    lacking = [src for src in source.values() if src not in found]
    wanted += [c for c in found if c not in wanted and _core.similar_names(c, lacking)]
    for name, _, required, _ in TABLES[table][1]:
        if required and source[name] not in found:
            problems.append(
                (table, -1, name, f"required column is missing; {columns_hint(source[name], found)}")
            )
    if not wanted:
        return f"SELECT * FROM {table} LIMIT 0"
    return f"SELECT {', '.join(map(_quoted, wanted))} FROM {table}"


def sql_frames(
    source: Any,
    queries: Mapping[str, str] | None = None,
    columns: Mapping[str, Mapping[str, str]] | None = None,
) -> tuple[dict[str, pd.DataFrame], list[tuple]]:
    """One frame per table read from a database, and the problems found. ``source`` is a URL
    (``postgresql://...``, ``sqlite:///path``, ``duckdb:///path``), a SQLite or DuckDB file, or an open
    connection (ADBC, DuckDB, sqlite3 or any DB-API one), left open. ``queries`` maps table names to SQL;
    by default each of the Book's tables that the database has is read, only the columns the Book uses
    (named as ``columns`` maps them: {table: {book column: database column}})."""
    owned = isinstance(source, (str, os.PathLike))
    connection, kind = _connect(os.fspath(source)) if owned else (source, _kind_of(source))
    if kind in ("postgresql", "sqlite"):
        kind = "adbc"
    frames: dict[str, pd.DataFrame] = {}
    problems: list[tuple] = []
    try:
        if queries is None:
            present = _tables_in(connection, kind)
            queries = {
                t: _book_query(connection, kind, t, (columns or {}).get(t, {}), problems)
                for t in TABLES
                if t in present
            }
            for table, (required, _) in TABLES.items():
                if required and table not in queries:
                    problems.append((table, -1, "", "required table is missing from the database"))
        for table, sql in queries.items():
            try:
                frames[table] = as_pandas(_query(connection, kind, sql), table)
            except Exception as e:
                problems.append((table, -1, "", f"the query failed: {str(e).strip().splitlines()[0]}"))
                _recover(connection)
    finally:
        if owned:
            connection.close()
    return frames, problems
