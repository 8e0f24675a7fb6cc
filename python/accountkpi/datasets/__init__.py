"""Built-in data: the demo book of a synthetic IT-services company."""

from __future__ import annotations

from . import _core
from .book import Book

__all__ = ["demo_book"]


def demo_book(
    seed: int = 0,
    *,
    accounts: int = 300,
    years: int = 3,
    start_year: int = 2023,
    lines_per_month: int = 1,
    events: bool = True,
) -> Book:
    """A deterministic synthetic IT-services company: the same seed gives the same book on every machine.

    Clients across four regions and six domains, farmers of all three tiers and closers, projects of every
    kind and billing unit with costs, monthly revenue lines (with a few credit notes), communications, client
    requests (some answered late, some never), CSAT and NPS surveys, churned and reactivated clients, and
    yearly targets.

    Parameters
    ----------
    seed : int
        Seed of the generator.
    accounts : int
        Accounts that were ever clients.
    years : int
        Calendar years of activity, from ``start_year``.
    lines_per_month : int
        Revenue lines per active project and month; raise it (with ``accounts``) for large books.
    events : bool
        Whether to generate communications, requests and surveys. Without them the other tables are the same
        and a large book generates several times faster.

    Examples
    --------
    >>> book = demo_book(seed=1, accounts=50, years=1)
    >>> book.n_accounts
    50
    """
    for name, value in (("accounts", accounts), ("years", years), ("lines_per_month", lines_per_month)):
        if value < 1:
            raise ValueError(f"{name} must be at least 1, got {value}")
    return Book(_core.demo_book(seed, accounts, years, start_year, lines_per_month, events))
