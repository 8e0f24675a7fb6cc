"""Readable overviews of a Book."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .book import Book

__all__ = ["summary_text"]


def summary_text(book: Book) -> str:
    """A plain-text overview of ``book``: its tables, its clients, its revenue and margin per year."""
    lines = [f"accountkpi book: {book.n_accounts} accounts"]
    span = book.span
    if span is not None:
        lines.append(f"events from {span.begin} to the day before {span.end}")
    counts = "  ".join(f"{t} {book.rows(t):,}" for t in book.table_names)
    lines.append(f"rows: {counts}")
    revenue = book.table("revenue")
    if len(revenue):
        year = revenue["date"].dt.year
        by_year = (
            pd.DataFrame({"revenue": revenue["amount"], "cost": revenue["cost"]})
            .groupby(year.to_numpy())
            .sum()
        )
        by_year["gross margin"] = (by_year["revenue"] - by_year["cost"]) / by_year["revenue"].where(
            by_year["revenue"] != 0, np.nan
        )
        lines.append("")
        lines.append("revenue by year")
        lines.append(by_year.to_string(float_format=lambda x: f"{x:,.2f}"))
    return "\n".join(lines)
