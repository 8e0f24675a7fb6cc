"""
accountkpi's compiled core; use the package accountkpi instead of this module.
"""
from __future__ import annotations
from accountkpi import ValidationError
import collections.abc
import numpy
import numpy.typing
import typing
from . import kpi
from . import ltv
from . import tiers
from . import health
__all__: list[str] = ['Book', 'ValidationError', 'append_book', 'build_book', 'build_book_lenient', 'columns_hint', 'date_iso', 'date_parse', 'demo_book', 'derive_regions', 'from_transactions', 'health', 'key_labels', 'kpi', 'ltv', 'org_chart', 'period_check', 'period_label', 'period_month', 'period_months', 'period_parse', 'period_previous', 'period_quarter', 'period_week', 'period_year', 'period_year_ago', 'periods', 'resolve_categories', 'resolve_ids', 'schema', 'similar_names', 'tiers']
class Book:
    """
    The validated, immutable, columnar book of accounts (C++ core).
    """
    def export_table(self, arg0: str) -> dict:
        ...
    def has_table(self, arg0: str) -> bool:
        ...
    def rows(self, arg0: str) -> int:
        ...
    @property
    def inactivity_days(self) -> int:
        ...
    @property
    def n_accounts(self) -> int:
        ...
    @property
    def span(self) -> typing.Any:
        ...
def append_book(book: Book, tables: dict) -> Book:
    """
    The Book of `book` with the event tables {table: {column: spec}} (revenue, interactions, requests, surveys) appended, as a build of both inputs; raises ValidationError listing every problem.
    """
def build_book(tables: dict, inactivity_days: typing.SupportsInt | typing.SupportsIndex = 365, strict_columns: bool = False, keep: str = 'first') -> Book:
    """
    Validates and builds a Book from {table: {column: spec}}; raises ValidationError listing every problem.
    """
def build_book_lenient(tables: dict, inactivity_days: typing.SupportsInt | typing.SupportsIndex, rejected: collections.abc.Sequence[tuple[str, typing.SupportsInt | typing.SupportsIndex, str, str]], strict_columns: bool = False, keep: str = 'first') -> tuple:
    """
    Builds a Book from the rows without problems: (Book, [(table, row, column, reason)]) listing every rejected row (with its dependants); raises ValidationError for problems no row can be blamed for.
    """
def columns_hint(given: str, found: collections.abc.Sequence[str]) -> str:
    """
    "did you mean 'X'? (columns found: 'a', 'b')" for a column name not among `found`.
    """
def date_iso(arg0: typing.SupportsInt | typing.SupportsIndex) -> str:
    ...
def date_parse(arg0: str) -> int:
    ...
def demo_book(seed: typing.SupportsInt | typing.SupportsIndex = 0, accounts: typing.SupportsInt | typing.SupportsIndex = 300, years: typing.SupportsInt | typing.SupportsIndex = 3, start_year: typing.SupportsInt | typing.SupportsIndex = 2023, lines_per_month: typing.SupportsInt | typing.SupportsIndex = 1, events: bool = True) -> Book:
    ...
def derive_regions(account: typing.Annotated[numpy.typing.ArrayLike, numpy.int32], region: typing.Annotated[numpy.typing.ArrayLike, numpy.int32], day: typing.Annotated[numpy.typing.ArrayLike, numpy.int32], accounts: typing.SupportsInt | typing.SupportsIndex, regions: typing.SupportsInt | typing.SupportsIndex, rule: str) -> numpy.typing.NDArray[numpy.int32]:
    """
    The region code of each account of a transaction log by `rule` (see accountkpi::derive_regions).
    """
def from_transactions(columns: dict, account: str, date: str, amount: str, cost: str | None = None, region: str | None = None, region_rule: str = 'most_frequent', inactivity_days: typing.SupportsInt | typing.SupportsIndex = 365, lenient: bool = False, rejected: collections.abc.Sequence[tuple[str, typing.SupportsInt | typing.SupportsIndex, str, str]] = []) -> typing.Any:
    """
    A Book from one transaction log {log column: spec} (accountkpi::TransactionLog): the Book, or with `lenient` (Book, [(table, row, column, reason)]); raises ValidationError naming the log's columns.
    """
def key_labels(book: Book, key: str) -> typing.Any:
    ...
def org_chart(book: Book, at: typing.SupportsInt | typing.SupportsIndex) -> dict:
    """
    Per manager (by index): depth in the reporting lines, direct reports, team size, accounts owned and team accounts on day `at` (days since 1970-01-01).
    """
def period_check(arg0: typing.SupportsInt | typing.SupportsIndex, arg1: typing.SupportsInt | typing.SupportsIndex) -> tuple:
    ...
def period_label(arg0: typing.SupportsInt | typing.SupportsIndex, arg1: typing.SupportsInt | typing.SupportsIndex) -> str:
    ...
def period_month(arg0: typing.SupportsInt | typing.SupportsIndex, arg1: typing.SupportsInt | typing.SupportsIndex) -> tuple:
    ...
def period_months(arg0: typing.SupportsInt | typing.SupportsIndex, arg1: typing.SupportsInt | typing.SupportsIndex) -> float:
    ...
def period_parse(arg0: str) -> tuple:
    ...
def period_previous(arg0: typing.SupportsInt | typing.SupportsIndex, arg1: typing.SupportsInt | typing.SupportsIndex) -> tuple:
    ...
def period_quarter(arg0: typing.SupportsInt | typing.SupportsIndex, arg1: typing.SupportsInt | typing.SupportsIndex) -> tuple:
    ...
def period_week(arg0: typing.SupportsInt | typing.SupportsIndex, arg1: typing.SupportsInt | typing.SupportsIndex) -> tuple:
    ...
def period_year(arg0: typing.SupportsInt | typing.SupportsIndex) -> tuple:
    ...
def period_year_ago(arg0: typing.SupportsInt | typing.SupportsIndex, arg1: typing.SupportsInt | typing.SupportsIndex) -> tuple:
    ...
def periods(arg0: typing.SupportsInt | typing.SupportsIndex, arg1: typing.SupportsInt | typing.SupportsIndex, arg2: str) -> list:
    ...
def resolve_categories(book: Book, column: str, names: collections.abc.Sequence[str]) -> list[int]:
    """
    Codes of category names; KeyError naming every one missing.
    """
def resolve_ids(book: Book, table: str, ids: list) -> list[int]:
    """
    Indices of external ids (integers matched through their text); KeyError naming every one missing.
    """
def similar_names(given: str, names: collections.abc.Sequence[str]) -> list[str]:
    """
    The names among `names` that `given` likely misspells (case, spaces, one or two edits), in order.
    """
__version__: str = '0.1.0'
schema: list = [('accounts', True, [('account_id', 'key', True, list()), ('name', 'text', False, list()), ('region', 'category', False, list()), ('domain', 'category', False, list()), ('parent_id', 'account', False, list()), ('acquired_on', 'date', False, list()), ('churned_on', 'date', False, list())]), ('managers', False, [('manager_id', 'key', True, list()), ('name', 'text', False, list()), ('role', 'vocabulary', True, ['farmer', 'closer', 'head']), ('tier', 'vocabulary', False, ['single_client', 'client_portfolio', 'revenue_portfolio']), ('reports_to', 'manager', False, list()), ('unit_id', 'unit', False, list())]), ('units', False, [('unit_id', 'key', True, list()), ('name', 'text', False, list()), ('kind', 'vocabulary', True, ['sales_department', 'account_management', 'client_unit']), ('head_id', 'manager', False, list()), ('parent_id', 'unit', False, list()), ('account_id', 'account', False, list())]), ('projects', False, [('project_id', 'key', True, list()), ('account_id', 'account', True, list()), ('service_line', 'category', False, list()), ('kind', 'vocabulary', False, ['new', 'upsell', 'cross_sell', 'renewal']), ('signed_on', 'date', True, list()), ('start', 'date', False, list()), ('end', 'date', False, list()), ('value', 'number', True, list()), ('billing', 'vocabulary', False, ['fixed', 'hour', 'day', 'month'])]), ('assignments', False, [('manager_id', 'manager', True, list()), ('account_id', 'account', True, list()), ('project_id', 'project', False, list()), ('start', 'date', True, list()), ('end', 'date', False, list())]), ('revenue', True, [('account_id', 'account', True, list()), ('project_id', 'project', False, list()), ('date', 'date', True, list()), ('amount', 'number', True, list()), ('cost', 'number', False, list()), ('units', 'number', False, list()), ('unit', 'vocabulary', False, ['hour', 'day', 'month'])]), ('interactions', False, [('account_id', 'account', True, list()), ('manager_id', 'manager', False, list()), ('date', 'date', True, list()), ('channel', 'vocabulary', True, ['email', 'call', 'meeting']), ('party', 'vocabulary', False, ['client', 'internal'])]), ('requests', False, [('account_id', 'account', True, list()), ('received_on', 'date', True, list()), ('responded_on', 'date', False, list()), ('project_id', 'project', False, list())]), ('surveys', False, [('account_id', 'account', True, list()), ('date', 'date', True, list()), ('kind', 'vocabulary', True, ['csat', 'nps', 'ces']), ('score', 'number', True, list())]), ('targets', False, [('manager_id', 'manager', True, list()), ('kpi', 'text', True, list()), ('begin', 'date', True, list()), ('end', 'date', True, list()), ('target', 'number', True, list())])]
