"""The ``accountkpi`` command line: ``summary``, ``report`` and ``kpis`` over the demo book or your data (CSV
or Parquet files, a DuckDB or SQLite file, a PostgreSQL database)."""

from __future__ import annotations

import argparse
import os
import sys
import tomllib
from pathlib import Path
from typing import Any, NoReturn

import pandas as pd

from ._dates import Period, periods
from ._schema import printable
from .book import Book, ValidationError
from .datasets import demo_book
from .kpi import kpi_table
from .report import default_period, html_report, summary_text, xlsx_report
from .sources import database_kind

__all__ = ["main", "neutralise_formulas", "read_mapping"]


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line on standard error (exit code 2)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"accountkpi: {printable(message)} (see {self.prog} --help)\n")


def _seed(text: str) -> int:
    try:
        seed = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--seed must be a whole number, got {text!r}") from None
    if not 0 <= seed < 2**64:
        raise argparse.ArgumentTypeError(f"--seed must be between 0 and 2^64 - 1, got {seed}")
    return seed


def _source(parser: argparse.ArgumentParser) -> None:
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--demo", action="store_true", help="use the built-in demo book")
    source.add_argument(
        "--data",
        metavar="SOURCE",
        help="a folder with one <table>.csv or <table>.parquet per table, a DuckDB or SQLite file, or a "
        "postgresql:// (sqlite:///, duckdb:///) URL",
    )
    parser.add_argument(
        "--columns",
        metavar="FILE",
        help="a TOML (.toml) or YAML (.yaml, .yml: needs PyYAML) file mapping your column names to the "
        'Book\'s, one section per table ([revenue] account_id = "CustomerID", or revenue: {account_id: '
        "CustomerID}), and optionally a queries section of SQL per table",
    )
    parser.add_argument("--seed", type=_seed, default=0, help="seed of the demo book (default 0)")


def _when(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--period", help="a period label: 2025, 2025Q1, 2025-03 (default: last whole quarter)"
    )
    parser.add_argument("--from", dest="start", metavar="DATE", help="first day (with --to)")
    parser.add_argument("--to", dest="stop", metavar="DATE", help="first day after the period (with --from)")


def _kpi_list() -> str:
    """The KPIs with their unit and definition, from the core's KPI registry (:func:`kpi_table`)."""
    table = kpi_table()
    width = max(map(len, table.index))
    rows = [f"  {name:<{width}}  {row.unit:<11}  {row.definition}" for name, row in table.iterrows()]
    return "KPIs (name, unit, definition; docs/kpis.md has the formulas and variants):\n" + "\n".join(rows)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="accountkpi", description="Account-management KPIs over a book of client accounts.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    summary = sub.add_parser("summary", help="print a readable overview of a book")
    _source(summary)
    report = sub.add_parser("report", help="write a self-contained HTML report")
    _source(report)
    _when(report)
    report.add_argument("--out", default="report.html", help="output file (default report.html)")
    report.add_argument(
        "--xlsx",
        metavar="FILE",
        help="write the review's tables to an Excel workbook instead (needs openpyxl)",
    )
    kpis = sub.add_parser(
        "kpis",
        help="write the KPI table as CSV",
        epilog=_kpi_list(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _source(kpis)
    _when(kpis)
    kpis.add_argument(
        "--freq", choices=["W", "M", "Q", "Y"], help="split --from/--to into ISO weeks or calendar periods"
    )
    kpis.add_argument(
        "--by",
        action="append",
        default=[],
        help="group key (repeat to cross): account, manager, region, domain, service_line, tier, "
        "role, volume_band, project, and the organisation's roll-ups team, unit, account_group",
    )
    kpis.add_argument("--kpis", help="comma-separated KPI names, listed below (default: all)")
    kpis.add_argument("--out", default="-", help="output CSV file (default: standard output)")
    kpis.add_argument(
        "--keep-formulas",
        action="store_true",
        help="write text cells that start with = + - @ as they are (by default they get a leading ' so "
        "that a spreadsheet shows them as text instead of running them as formulas)",
    )
    return parser


def _say(message: str) -> None:
    print(f"accountkpi: {printable(message)}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    """Runs the command line; returns the exit code (0, or 2 for a problem with the data, a file or an
    argument, each told in one line on standard error; 130 when interrupted)."""
    args = _parser().parse_args(argv)
    try:
        _run(args)
    except ValidationError as e:
        _say(f"the data in {args.data} has problems:\n{e}")
        return 2
    except BrokenPipeError:
        # The reader went away (`accountkpi kpis ... | head -1`): stop quietly, and keep Python from
        # complaining about standard output when it flushes it at exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
        return 0
    except OSError as e:
        where = f" {e.filename}" if e.filename else ""
        _say(f"cannot use{where}: {e.strerror or e}")
        return 2
    except (ValueError, KeyError, TypeError, ImportError) as e:
        _say(str(e.args[0]) if isinstance(e, KeyError) and e.args else str(e))
        return 2
    except KeyboardInterrupt:
        _say("interrupted")
        return 130
    return 0


def _run(args: argparse.Namespace) -> None:
    book = _load(args)
    if args.command == "summary":
        print(summary_text(book))
    elif args.command == "report":
        period = _periods(args, book)[-1] if _has_period(args) else None
        if args.xlsx:
            xlsx_report(book, args.xlsx, period)
        else:
            Path(args.out).write_text(html_report(book, period), encoding="utf-8")
        _say(f"wrote {args.xlsx or args.out}")
    elif args.command == "kpis":
        names = [k.strip() for k in args.kpis.split(",")] if args.kpis else None
        table = book.kpis(_periods(args, book), by=args.by or None, kpis=names)
        if not args.keep_formulas:
            table = neutralise_formulas(table)
        if args.out == "-":
            table.to_csv(sys.stdout, index=False)
            sys.stdout.flush()  # a closed pipe shows here, inside the handler of main
        else:
            table.to_csv(args.out, index=False)


#: What a spreadsheet reads as the start of a formula (OWASP's list for CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formulas(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with every text cell that a spreadsheet would run as a formula (one starting with ``=``,
    ``+``, ``-``, ``@``, a tab or a carriage return) prefixed with ``'``; numbers are left alone.

    Examples
    --------
    >>> import pandas as pd
    >>> neutralise_formulas(pd.DataFrame({"id": ["=1+1", "A"], "x": [-1.0, 2.0]})).values.tolist()
    [["'=1+1", -1.0], ['A', 2.0]]
    """
    out = {}
    for name, column in table.items():
        values = column.cat.categories if isinstance(column.dtype, pd.CategoricalDtype) else column
        if values.dtype == object or pd.api.types.is_string_dtype(values.dtype):
            column = column.astype(object).map(_neutral)
        out[name] = column
    return pd.DataFrame(out, index=table.index)


def _neutral(value: Any) -> Any:
    return "'" + value if isinstance(value, str) and value.startswith(_FORMULA_STARTS) else value


def _has_period(args: argparse.Namespace) -> bool:
    return bool(args.period or args.start or args.stop)


def _periods(args: argparse.Namespace, book: Any) -> list[Any]:
    if args.period and (args.start or args.stop):
        raise ValueError("give --period or --from/--to, not both")
    if args.period:
        return [Period(args.period)]
    if args.start or args.stop:
        if not (args.start and args.stop):
            raise ValueError("--from and --to go together")
        freq = getattr(args, "freq", None)
        return periods(args.start, args.stop, freq) if freq else [Period(args.start, args.stop)]
    return [default_period(book)]


def _load(args: argparse.Namespace) -> Any:
    if args.demo:
        if args.columns:
            raise ValueError("--columns goes with --data")
        return demo_book(args.seed)
    return read_book(args.data, args.columns)


def _load_mapping_text(path: Path) -> Any:
    """The contents of a TOML or YAML file (by its extension); ValueError when it cannot be read as one."""
    suffix = path.suffix.lower()
    if suffix == ".toml":
        with open(path, "rb") as f:
            try:
                return tomllib.load(f)
            except tomllib.TOMLDecodeError as e:
                raise ValueError(f"{path} is not valid TOML: {e}") from None
    if suffix in (".yaml", ".yml"):
        try:
            import yaml  # optional: only for YAML mapping files
        except ImportError:
            raise ImportError(f"reading {path} needs PyYAML: pip install pyyaml") from None
        with open(path, encoding="utf-8") as f:
            try:
                return yaml.safe_load(f)
            except yaml.YAMLError as e:
                raise ValueError(f"{path} is not valid YAML: {' '.join(str(e).split())}") from None
    raise ValueError(f"{path}: a column mapping is a .toml, .yaml or .yml file")


def read_mapping(path: str) -> dict[str, dict[str, str]]:
    r"""The column mapping of a TOML or YAML file: {table: {book column: your column}}, and optionally
    ``queries``: {table: SQL}. Every entry is checked: a table maps names to names.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "columns.yaml"
    >>> _ = f.write_text("revenue:\n  account_id: CustomerID\n  amount: Sales\n")
    >>> read_mapping(str(f))
    {'revenue': {'account_id': 'CustomerID', 'amount': 'Sales'}}
    """
    content = _load_mapping_text(Path(path))
    if content is None:  # an empty YAML file
        return {}
    if not isinstance(content, dict):
        raise ValueError(f"{path}: expected one section per table, got a {type(content).__name__}")
    for table, entries in content.items():
        if not isinstance(entries, dict):
            raise ValueError(f"{path}: {table} must map names to names, got a {type(entries).__name__}")
        for key, value in entries.items():
            if not isinstance(key, str) or not isinstance(value, str):
                raise ValueError(f"{path}: {table}.{key} must be a name, got {value!r}")
    return content


def read_book(data: str, columns_file: str | None = None) -> Any:
    """The Book of ``--data``: a folder of CSV or Parquet files, a database file or URL; ``columns_file``
    is a TOML or YAML mapping {table: {book column: your column}} with an optional ``queries`` table of
    SQL (:func:`read_mapping`)."""
    columns: dict[str, Any] = read_mapping(columns_file) if columns_file else {}
    queries = columns.pop("queries", None)
    if database_kind(data):
        return Book.from_sql(data, queries, columns=columns)
    if queries is not None:
        raise ValueError(f"{columns_file}: [queries] is for databases, and {data} is not one")
    directory = Path(data)
    if directory.is_dir() and any(directory.glob("*.parquet")):
        return Book.from_parquet(directory, columns=columns)
    if not directory.exists():
        raise FileNotFoundError(f"no such folder or database: {data}")
    if not directory.is_dir():
        raise ValueError(f"{data} is neither a folder of CSV or Parquet files nor a DuckDB or SQLite file")
    return Book.from_csv(directory, columns=columns)
