"""The Book's schema (its tables and columns, from the core) and how input problems are reported."""

from __future__ import annotations

import re
from typing import NoReturn

from . import _core

__all__ = ["TABLES", "ValidationError", "printable", "raise_problems"]

ValidationError = _core.ValidationError
ValidationError.__module__ = "accountkpi"
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


# Control characters (C0 but for the line break, DEL, C1) and lone surrogates: shown as escapes in messages,
# so that text from the data never moves a terminal's cursor, rings its bell or breaks its encoding.
_UNPRINTABLE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def printable(text: str) -> str:
    """``text`` with control characters and lone surrogates written as escapes (ESC as ``\\x1b``)."""
    return _UNPRINTABLE.sub(lambda m: ascii(m.group())[1:-1], text)


def raise_problems(problems: list[tuple[str, int, str, str]], total: int | None = None) -> NoReturn:
    total = len(problems) if total is None else total
    lines = [f"{total} problem{'s' if total != 1 else ''} in the input:"]
    for table, row, column, reason in problems[:20]:
        where = printable(str(table)) + (f" row {row}" if row >= 0 else "")
        if column:
            column = printable(str(column))
            where += f", column {column}" if row >= 0 else f" column {column}"
        lines.append(f"  {where}: {printable(str(reason))}")
    if total > 20:
        lines.append(f"  ... and {total - 20} more")
    error = ValidationError("\n".join(lines))
    error.problems = problems
    error.total = total
    raise error
