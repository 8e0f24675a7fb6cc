"""Data from where it lives (issue 19): polars and Arrow frames, Parquet folders, SQLite and DuckDB files, and
a real PostgreSQL server started for these tests; the same Book from each, and results in polars or Arrow."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import accountkpi as ak
from accountkpi.cli import main

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")


@pytest.fixture(scope="module")
def frames() -> dict[str, pd.DataFrame]:
    """A small book's tables with plain texts (no categoricals), as files and databases hold them: their
    categories then come in the order of first appearance, whatever the source."""
    frames = ak.datasets.demo_book(11, accounts=25, years=1, start_year=2024, events=False).to_frames()
    for frame in frames.values():
        for name in frame.columns:
            if isinstance(frame[name].dtype, pd.CategoricalDtype):
                frame[name] = frame[name].astype(object)
    return frames


@pytest.fixture(scope="module")
def reference(frames: dict[str, pd.DataFrame]) -> ak.Book:
    return ak.Book.from_frames(**frames)


def arrow(frame: pd.DataFrame) -> pa.Table:
    """The frame as an Arrow table with plain types, as a database or a Parquet writer holds them."""
    table = pa.Table.from_pandas(frame, preserve_index=False)
    for k, field in enumerate(table.schema):
        if pa.types.is_dictionary(field.type):
            table = table.set_column(k, field.name, table.column(k).cast(field.type.value_type))
    return table


def assert_same_book(a: ak.Book, b: ak.Book) -> None:
    assert a.table_names == b.table_names
    for t in [*a.table_names, "spells"]:
        pd.testing.assert_frame_equal(a.table(t), b.table(t), check_exact=True, obj=t)


# ------------------------------------------------------------------------------------------ polars and Arrow


def test_pyarrow_tables_build_the_same_book(frames: dict[str, pd.DataFrame], reference: ak.Book) -> None:
    book = ak.Book.from_frames(**{t: arrow(f) for t, f in frames.items()})
    assert_same_book(book, reference)


def test_polars_frames_build_the_same_book(frames: dict[str, pd.DataFrame], reference: ak.Book) -> None:
    pl = pytest.importorskip("polars")
    book = ak.Book.from_frames(**{t: pl.from_arrow(arrow(f)) for t, f in frames.items()})
    assert_same_book(book, reference)


def test_pandas_frames_with_arrow_backed_columns_build_the_same_book(
    frames: dict[str, pd.DataFrame], reference: ak.Book
) -> None:
    # As pandas.read_parquet(..., dtype_backend="pyarrow") gives them: timestamps, nullable integers, texts.
    backed = {t: arrow(f).to_pandas(types_mapper=pd.ArrowDtype) for t, f in frames.items()}
    assert isinstance(backed["revenue"]["date"].dtype, pd.ArrowDtype)
    assert_same_book(ak.Book.from_frames(**backed), reference)


def test_arrow_numbers_and_timestamps_are_not_copied() -> None:
    revenue = pa.table(
        {
            "account_id": pa.array(["A", "B", "A"]),
            "date": pa.array(np.array(["2024-01-01", "2024-01-02", "2024-01-03"], dtype="datetime64[us]")),
            "amount": pa.array([10.0, 20.0, 30.0]),
        }
    )
    from accountkpi.sources import as_pandas

    frame = as_pandas(revenue, "revenue")
    for column in ("amount", "date"):
        assert np.shares_memory(frame[column].to_numpy(), revenue.column(column).chunk(0).to_numpy()), column
    assert isinstance(frame["account_id"].dtype, pd.CategoricalDtype)  # encoded by Arrow, codes kept
    book = ak.Book.from_frames(pa.table({"account_id": ["A", "B"]}), revenue)
    # In date order already: the Book keeps the Arrow buffer of the amounts as it is.
    amount = book.table("revenue")["amount"].to_numpy()
    assert np.shares_memory(amount, revenue.column("amount").chunk(0).to_numpy())


def test_polars_transaction_log_with_timestamps_and_nulls() -> None:
    pl = pytest.importorskip("polars")
    log = pl.DataFrame(
        {
            "customer": [1, 2, None, 1],
            "at": ["2024-01-01T10:00:00", "2024-01-02 11:00:00", "2024-01-02T12:00:00", "2024-02-01T00:00"],
            "sales": [10.0, 20.0, 5.0, None],
        }
    ).with_columns(pl.col("at").str.to_datetime(format=None, time_zone="Europe/Paris"))
    with pytest.raises(ak.ValidationError) as e:
        ak.Book.from_transactions(log, account="customer", date="at", amount="sales")
    # The line without a customer (row 2) and the one without an amount (row 3), by their rows in the log.
    assert sorted((p[1], p[2]) for p in e.value.problems) == [(2, "customer"), (3, "sales")]
    book, rejected = ak.Book.from_transactions(
        log, account="customer", date="at", amount="sales", on_error="quarantine"
    )
    assert rejected["row"].tolist() == [2, 3]
    # The local (Paris) day of each timestamp: 1 and 2 January.
    assert book.table("revenue")["date"].astype(str).tolist() == ["2024-01-01", "2024-01-02"]


@pytest.mark.parametrize("output", ["polars", "arrow"])
def test_results_in_polars_or_arrow(reference: ak.Book, output: str) -> None:
    expected = reference.kpis("2024Q2", by="region", kpis=["revenue", "nrr"])
    got = reference.kpis("2024Q2", by="region", kpis=["revenue", "nrr"], output=output)
    table = reference.table("revenue", output=output)
    if output == "polars":
        pl = pytest.importorskip("polars")
        assert isinstance(got, pl.DataFrame) and isinstance(table, pl.DataFrame)
        got = got.to_arrow()
        table = table.to_arrow()
    assert isinstance(got, pa.Table)
    assert got.column_names == list(expected.columns)
    assert got.column("revenue").to_pylist() == expected["revenue"].tolist()
    assert table.num_rows == reference.rows("revenue")
    with pytest.raises(ValueError, match="output must be one of"):
        reference.kpis("2024Q2", kpis="revenue", output="excel")


# ---------------------------------------------------------------------------------------- files and databases


@pytest.fixture(scope="module")
def parquet_dir(frames: dict[str, pd.DataFrame], tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("parquet")
    for table, frame in frames.items():
        if table == "revenue":  # a folder of parts, as Spark and DuckDB write them
            (directory / "revenue").mkdir()
            half = len(frame) // 2
            pq.write_table(arrow(frame.iloc[:half]), directory / "revenue" / "part-0.parquet")
            pq.write_table(arrow(frame.iloc[half:]), directory / "revenue" / "part-1.parquet")
        else:
            pq.write_table(arrow(frame), directory / f"{table}.parquet")
    return directory


def test_parquet_folder(parquet_dir: Path, reference: ak.Book) -> None:
    assert_same_book(ak.Book.from_parquet(parquet_dir), reference)


def test_parquet_problems_are_listed(parquet_dir: Path, tmp_path: Path) -> None:
    shutil.copy(parquet_dir / "accounts.parquet", tmp_path / "accounts.parquet")
    (tmp_path / "revnue.parquet").write_bytes(b"not parquet")
    with pytest.raises(ak.ValidationError) as e:
        ak.Book.from_parquet(tmp_path)
    problems = [(p[0], p[3]) for p in e.value.problems]
    assert ("revenue", "required file revenue.parquet is missing") in problems
    expected = f"unknown table file revnue.parquet (expected one of {', '.join(ak.book.TABLES)})"
    assert ("revnue", expected) in problems


@pytest.fixture(scope="module")
def sqlite_file(frames: dict[str, pd.DataFrame], tmp_path_factory: pytest.TempPathFactory) -> Path:
    dbapi = pytest.importorskip("adbc_driver_sqlite.dbapi")
    path = tmp_path_factory.mktemp("sqlite") / "book.db"
    with dbapi.connect(str(path)) as conn, conn.cursor() as cursor:
        for table, frame in frames.items():
            cursor.adbc_ingest(table, arrow(frame), mode="create")
        conn.commit()
    return path


@pytest.fixture(scope="module")
def duckdb_file(frames: dict[str, pd.DataFrame], tmp_path_factory: pytest.TempPathFactory) -> Path:
    duckdb = pytest.importorskip("duckdb")
    path = tmp_path_factory.mktemp("duckdb") / "book.duckdb"
    with duckdb.connect(str(path)) as conn:
        for table, frame in frames.items():
            data = arrow(frame)  # noqa: F841 - read by DuckDB by name
            conn.execute(f"CREATE TABLE {table} AS SELECT * FROM data")
    return path


def _server_binaries() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


@pytest.fixture(scope="module")
def postgres_url(frames: dict[str, pd.DataFrame]) -> Iterator[str]:
    """A throwaway PostgreSQL cluster on a local socket (no TCP), holding the frames' tables."""
    bindir = _server_binaries()
    if bindir is None:
        pytest.skip("the PostgreSQL server is not installed (Debian: apt-get install postgresql)")
    dbapi = pytest.importorskip("adbc_driver_postgresql.dbapi")
    root = Path(tempfile.mkdtemp(prefix="akpg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:  # the server refuses to run as root
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            subprocess.run(["useradd", "--system", "--no-create-home", "postgres"], check=True)
        shutil.chown(root, "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    data = root / "data"
    run = {"check": True, "capture_output": True, "text": True}
    try:
        subprocess.run([*as_user, bindir / "initdb", "-D", data, "-U", "akpi", "-A", "trust", "-N"], **run)
        options = f"-k {root} -c listen_addresses='' -c fsync=off"
        subprocess.run(
            [*as_user, bindir / "pg_ctl", "-D", data, "-l", root / "log", "-o", options, "-w", "start"], **run
        )
        url = f"postgresql:///postgres?host={root}&user=akpi"
        with dbapi.connect(url) as conn, conn.cursor() as cursor:
            for table, frame in frames.items():
                cursor.adbc_ingest(table, arrow(frame), mode="create")
            conn.commit()
        yield url
    finally:
        subprocess.run(
            [*as_user, bindir / "pg_ctl", "-D", data, "-m", "immediate", "stop"], capture_output=True
        )
        shutil.rmtree(root, ignore_errors=True)


def test_sqlite_file(sqlite_file: Path, reference: ak.Book) -> None:
    assert_same_book(ak.Book.from_sql(f"sqlite:///{sqlite_file}"), reference)
    assert_same_book(ak.Book.from_sql(sqlite_file), reference)  # a file: its kind read from its header


def test_sqlite3_connection(sqlite_file: Path, reference: ak.Book) -> None:
    import sqlite3

    with sqlite3.connect(sqlite_file) as conn:
        assert_same_book(ak.Book.from_sql(conn), reference)


def test_duckdb_file(duckdb_file: Path, reference: ak.Book) -> None:
    assert_same_book(ak.Book.from_sql(f"duckdb:///{duckdb_file}"), reference)
    assert_same_book(ak.Book.from_sql(str(duckdb_file)), reference)


def test_postgresql_server(postgres_url: str, reference: ak.Book) -> None:
    assert_same_book(ak.Book.from_sql(postgres_url), reference)


def test_postgresql_queries_map_the_columns(postgres_url: str, frames: dict[str, pd.DataFrame]) -> None:
    # A CRM's own names, mapped by the queries; NUMERIC money arrives as doubles.
    queries = {
        "accounts": "SELECT account_id AS id FROM accounts",
        "revenue": "SELECT account_id AS customer, date AS invoiced_on, amount::numeric(12, 2) AS total "
        "FROM revenue",
    }
    columns = {"accounts": {"account_id": "id"}, "revenue": {"account_id": "customer", "date": "invoiced_on",
                                                              "amount": "total"}}  # fmt: skip
    book = ak.Book.from_sql(postgres_url, queries, columns=columns)
    expected = ak.Book.from_frames(
        frames["accounts"][["account_id"]], frames["revenue"][["account_id", "date", "amount"]]
    )
    assert book.rows("revenue") == expected.rows("revenue")
    assert ak.kpi.revenue(book, "2024") == pytest.approx(ak.kpi.revenue(expected, "2024"), abs=1e-6)


def test_database_problems_are_listed(postgres_url: str) -> None:
    with pytest.raises(ak.ValidationError) as e:
        ak.Book.from_sql(
            postgres_url, {"accounts": "SELECT * FROM accounts", "revenue": "SELECT * FROM nowhere"}
        )
    failed = [p for p in e.value.problems if p[3].startswith("the query failed")]
    assert [p[:3] for p in failed] == [("revenue", -1, "")]
    assert 'relation "nowhere" does not exist' in failed[0][3]
    # Each failed query is reported with its own reason, not the first one's aborted transaction.
    with pytest.raises(ak.ValidationError) as e:
        ak.Book.from_sql(
            postgres_url, {"accounts": "SELECT * FROM crm_one", "revenue": "SELECT * FROM crm_two"}
        )
    failed = [p for p in e.value.problems if p[3].startswith("the query failed")]
    assert [p[0] for p in failed] == ["accounts", "revenue"]
    assert 'relation "crm_one" does not exist' in failed[0][3]
    assert 'relation "crm_two" does not exist' in failed[1][3]


def test_a_database_without_the_required_tables(tmp_path: Path) -> None:
    duckdb = pytest.importorskip("duckdb")
    path = tmp_path / "empty.duckdb"
    with duckdb.connect(str(path)) as conn:
        conn.execute("CREATE TABLE accounts (account_id VARCHAR)")
    with pytest.raises(ak.ValidationError, match="revenue: required table is missing from the database"):
        ak.Book.from_sql(path)


@pytest.mark.parametrize("source", ["csv", "parquet", "sqlite", "duckdb", "postgresql"])
def test_the_cli_reads_every_source(
    request: pytest.FixtureRequest,
    source: str,
    reference: ak.Book,
    tmp_path: Path,
    capsys: pytest.CaptureFixture,
) -> None:
    if source == "csv":
        for table, frame in reference.to_frames().items():
            frame.to_csv(tmp_path / f"{table}.csv", index=False)
        data = str(tmp_path)
    else:
        fixture = {"parquet": "parquet_dir", "sqlite": "sqlite_file", "duckdb": "duckdb_file"}.get(source)
        data = str(request.getfixturevalue(fixture)) if fixture else request.getfixturevalue("postgres_url")
    assert main(["kpis", "--data", data, "--period", "2024Q2", "--kpis", "revenue,nrr"]) == 0
    out = capsys.readouterr().out
    expected = reference.kpis("2024Q2", kpis=["revenue", "nrr"])
    got = pd.read_csv(pd.io.common.StringIO(out))
    assert got["revenue"].tolist() == pytest.approx(expected["revenue"].tolist())
    assert got["nrr"].tolist() == pytest.approx(expected["nrr"].tolist())


def test_the_cli_maps_columns_from_a_toml_file(
    reference: ak.Book, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    frames = reference.to_frames()
    frames["accounts"][["account_id"]].rename(columns={"account_id": "Customer"}).to_csv(
        tmp_path / "accounts.csv", index=False
    )
    revenue = frames["revenue"][["account_id", "date", "amount"]]
    revenue.rename(columns={"account_id": "Customer", "amount": "Sales"}).to_csv(
        tmp_path / "revenue.csv", index=False
    )
    mapping = tmp_path / "columns.toml"
    mapping.write_text(
        '[accounts]\naccount_id = "Customer"\n\n[revenue]\naccount_id = "Customer"\namount = "Sales"\n'
    )
    assert (
        main(
            [
                "kpis",
                "--data",
                str(tmp_path),
                "--columns",
                str(mapping),
                "--period",
                "2024",
                "--kpis",
                "revenue",
            ]
        )
        == 0
    )
    got = pd.read_csv(pd.io.common.StringIO(capsys.readouterr().out))
    assert got["revenue"].tolist() == pytest.approx([ak.kpi.revenue(reference, "2024")])
    mapping.write_text('[revenue]\namount = "Sale"\n')
    assert main(["kpis", "--data", str(tmp_path), "--columns", str(mapping), "--period", "2024"]) == 2
    assert "did you mean 'Sales'?" in capsys.readouterr().err


def test_text_dates_and_ids_from_polars_and_arrow_are_read_once_per_distinct_text() -> None:
    pl = pytest.importorskip("polars")
    log = {
        "customer": ["C1", "C2", "C1", "C3"],
        "at": ["2024-01-01 10:00:00", "2024-01-01 10:00:00", "2024-02-03T09:00:00+01:00", "not a day"],
        "sales": [10.0, 20.0, 5.0, 1.0],
    }
    names = {"account": "customer", "date": "at", "amount": "sales"}
    results = []
    for frame in (pd.DataFrame(log), pl.DataFrame(log), pa.table(log)):
        with pytest.raises(ak.ValidationError) as e:
            ak.Book.from_transactions(frame, **names)
        assert [p[1:] for p in e.value.problems] == [
            (
                3,
                "at",
                "not a date (ISO 8601: 2024-03-01, 20240301, 2024-W09-5, 2024W095 or 2024-061, optionally "
                "with a time and offset): 'not a day'",
            )
        ]
        book, _ = ak.Book.from_transactions(frame, **names, on_error="quarantine")
        results.append(book.table("revenue").astype({"account_id": object}))
    for other in results[1:]:
        pd.testing.assert_frame_equal(other, results[0])
    assert results[0]["date"].astype(str).tolist() == ["2024-01-01", "2024-01-01", "2024-02-03"]


def test_arrow_numbers_written_as_text_under_your_own_names_are_parsed_by_row() -> None:
    # The mapping tells which of your columns are numbers: their texts are parsed (and reported) by row.
    revenue = pa.table({"who": ["A", "A"], "when": ["2024-01-01", "2024-01-02"], "total": ["1.5", "x"]})
    columns = {"revenue": {"account_id": "who", "date": "when", "amount": "total"}}
    with pytest.raises(ak.ValidationError) as e:
        ak.Book.from_frames(pa.table({"account_id": ["A"]}), revenue, columns=columns)
    assert [p[1:] for p in e.value.problems] == [(1, "amount", "not a number: 'x'")]
    log = pa.table({"who": ["A"], "when": ["2024-01-01"], "total": ["2.5"]})
    book = ak.Book.from_transactions(log, account="who", date="when", amount="total")
    assert book.table("revenue")["amount"].tolist() == [2.5]


# ------------------------------------------------------------------------- from_sql reads the Book's columns

# A wide CRM: the Book reads the customer (under its own name), the region, the date and the amount; the
# notes, the phone and the invoice PDF stay in the database.
WIDE = {
    "accounts": pd.DataFrame(
        {
            "Customer": ["A", "B"],
            "notes": ["long text " * 100] * 2,
            "region": ["EMEA", "APAC"],
            "phone": ["1", "2"],
        }
    ),
    "revenue": pd.DataFrame(
        {
            "invoice_pdf": [b"%PDF".hex()] * 2,
            "Customer": ["A", "B"],
            "date": ["2024-01-05", "2024-02-01"],
            "amount": [100.0, 50.0],
        }
    ),
}
WIDE_COLUMNS = {"accounts": {"account_id": "Customer"}, "revenue": {"account_id": "Customer"}}


def _database(kind: str, tables: dict[str, pd.DataFrame], path: Path) -> Path:
    if kind == "sqlite":
        import sqlite3

        with sqlite3.connect(path) as conn:
            for name, frame in tables.items():
                frame.to_sql(name, conn, index=False)
        return path
    duckdb = pytest.importorskip("duckdb")
    with duckdb.connect(str(path)) as conn:
        for name, frame in tables.items():
            conn.register("frame", frame)
            conn.execute(f"CREATE TABLE {name} AS SELECT * FROM frame")
    return path


@pytest.mark.parametrize("kind", ["sqlite", "duckdb"])
def test_without_queries_only_the_columns_the_book_uses_are_read(kind: str, tmp_path: Path) -> None:
    from accountkpi.sources import sql_frames

    path = _database(kind, WIDE, tmp_path / f"crm.{kind}")
    frames, problems = sql_frames(path, None, WIDE_COLUMNS)
    assert problems == []
    assert list(frames["accounts"].columns) == ["Customer", "region"]  # in the Book's column order
    assert list(frames["revenue"].columns) == ["Customer", "date", "amount"]
    book = ak.Book.from_sql(path, columns=WIDE_COLUMNS)
    assert book.kpis("2024Q1", by="region", kpis="revenue")[["region", "revenue"]].values.tolist() == [
        ["EMEA", 100.0],
        ["APAC", 50.0],
    ]


@pytest.mark.parametrize("kind", ["sqlite", "duckdb"])
def test_a_misspelt_or_missing_column_is_named_with_every_column_the_table_has(
    kind: str, tmp_path: Path
) -> None:
    tables = {"accounts": WIDE["accounts"], "revenue": WIDE["revenue"].rename(columns={"amount": "ammount"})}
    path = _database(kind, tables, tmp_path / f"crm.{kind}")
    with pytest.raises(ak.ValidationError) as e:
        ak.Book.from_sql(path, columns=WIDE_COLUMNS)
    assert sorted(e.value.problems) == [
        ("revenue", -1, "ammount", "unknown column; did you mean 'amount'?"),
        (
            "revenue",
            -1,
            "amount",
            "required column is missing; did you mean 'ammount'? "
            "(columns found: 'invoice_pdf', 'Customer', 'date', 'ammount')",
        ),
    ]
    with pytest.raises(KeyError, match=r"revenue: no column 'Client' to map; .*'Customer'"):
        ak.Book.from_sql(path, columns={**WIDE_COLUMNS, "revenue": {"account_id": "Client"}})


def test_without_queries_postgresql_reads_only_the_books_columns(postgres_url: str) -> None:
    from accountkpi.sources import sql_frames

    dbapi = pytest.importorskip("adbc_driver_postgresql.dbapi")
    with dbapi.connect(postgres_url, autocommit=True) as conn, conn.cursor() as cursor:
        cursor.execute("CREATE DATABASE crm")
    url = postgres_url.replace("/postgres?", "/crm?")  # a database of its own, on the same server
    with dbapi.connect(url) as conn, conn.cursor() as cursor:
        for name, frame in WIDE.items():
            cursor.adbc_ingest(name, pa.Table.from_pandas(frame, preserve_index=False), mode="create")
        conn.commit()
    frames, problems = sql_frames(url, None, WIDE_COLUMNS)
    assert problems == []
    assert list(frames["accounts"].columns) == ["Customer", "region"]
    assert list(frames["revenue"].columns) == ["Customer", "date", "amount"]
    assert ak.kpi.revenue(ak.Book.from_sql(url, columns=WIDE_COLUMNS), "2024Q1") == 150.0
