"""The ``accountkpi`` command line."""

from __future__ import annotations

import argparse
import sys

__all__ = ["main"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="accountkpi", description="Account-management KPIs over a book of accounts."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    summary = sub.add_parser("summary", help="print a readable overview of a book")
    source = summary.add_mutually_exclusive_group(required=True)
    source.add_argument("--demo", action="store_true", help="use the built-in demo book")
    source.add_argument("--data", metavar="DIR", help="a directory with one <table>.csv per table")
    summary.add_argument("--seed", type=int, default=0, help="seed of the demo book (default 0)")
    args = parser.parse_args(argv)

    from .book import ValidationError

    try:
        book = _load(args)
    except ValidationError as e:
        print(f"accountkpi: the data in {args.data} has problems:\n{e}", file=sys.stderr)
        return 2
    except (FileNotFoundError, NotADirectoryError) as e:
        print(f"accountkpi: {e}", file=sys.stderr)
        return 2
    if args.command == "summary":
        from .report import summary_text

        print(summary_text(book))
    return 0


def _load(args: argparse.Namespace):
    from .book import Book
    from .datasets import demo_book

    if args.demo:
        return demo_book(args.seed)
    return Book.from_csv(args.data)
