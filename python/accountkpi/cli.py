"""The ``accountkpi`` command line: ``summary``, ``report`` and ``kpis`` over the demo book or CSV files."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

__all__ = ["main"]


def _source(parser: argparse.ArgumentParser) -> None:
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--demo", action="store_true", help="use the built-in demo book")
    source.add_argument("--data", metavar="DIR", help="a directory with one <table>.csv per table")
    parser.add_argument("--seed", type=int, default=0, help="seed of the demo book (default 0)")


def _when(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--period", help="a period label: 2025, 2025Q1, 2025-03 (default: last whole quarter)"
    )
    parser.add_argument("--from", dest="start", metavar="DATE", help="first day (with --to)")
    parser.add_argument("--to", dest="stop", metavar="DATE", help="first day after the period (with --from)")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="accountkpi", description="Account-management KPIs over a book of client accounts."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    summary = sub.add_parser("summary", help="print a readable overview of a book")
    _source(summary)
    report = sub.add_parser("report", help="write a self-contained HTML report")
    _source(report)
    _when(report)
    report.add_argument("--out", default="report.html", help="output file (default report.html)")
    kpis = sub.add_parser("kpis", help="write the KPI table as CSV")
    _source(kpis)
    _when(kpis)
    kpis.add_argument("--freq", choices=["M", "Q", "Y"], help="split --from/--to into calendar periods")
    kpis.add_argument(
        "--by",
        action="append",
        default=[],
        help="group key (repeat to cross): account, manager, region, domain, service_line, tier, "
        "role, volume_band",
    )
    kpis.add_argument("--kpis", help="comma-separated KPI names (default: all)")
    kpis.add_argument("--out", default="-", help="output CSV file (default: standard output)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from .book import ValidationError

    try:
        book = _load(args)
        if args.command == "summary":
            from .report import summary_text

            print(summary_text(book))
        elif args.command == "report":
            from .report import html_report

            page = html_report(book, _periods(args, book)[-1] if _has_period(args) else None)
            Path(args.out).write_text(page, encoding="utf-8")
            print(f"accountkpi: wrote {args.out}", file=sys.stderr)
        elif args.command == "kpis":
            names = [k.strip() for k in args.kpis.split(",")] if args.kpis else None
            table = book.kpis(_periods(args, book), by=args.by or None, kpis=names)
            if args.out == "-":
                table.to_csv(sys.stdout, index=False)
            else:
                table.to_csv(args.out, index=False)
    except ValidationError as e:
        print(f"accountkpi: the data in {args.data} has problems:\n{e}", file=sys.stderr)
        return 2
    except (FileNotFoundError, NotADirectoryError, ValueError, KeyError, TypeError) as e:
        print(f"accountkpi: {e}", file=sys.stderr)
        return 2
    return 0


def _has_period(args: argparse.Namespace) -> bool:
    return bool(args.period or args.start or args.stop)


def _periods(args: argparse.Namespace, book: Any) -> list[Any]:
    from ._dates import Period, periods
    from .report import default_period

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
    from .book import Book
    from .datasets import demo_book

    if args.demo:
        return demo_book(args.seed)
    return Book.from_csv(args.data)
