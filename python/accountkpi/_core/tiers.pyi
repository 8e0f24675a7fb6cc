"""
Management tiers: mandates, scorecards, coverage
"""
from __future__ import annotations
import accountkpi._core
import collections.abc
import typing
__all__: list[str] = ['attainment', 'book_target', 'coverage', 'default_authority', 'default_priority_weights', 'default_scorecard', 'evaluate', 'handovers', 'is_flow', 'prioritise', 'priority_parts', 'retention_inputs', 'retention_uplift', 'revenue_status', 'scorecards', 'target_problem', 'unit']
def attainment(actual: typing.SupportsFloat | typing.SupportsIndex, target: typing.SupportsFloat | typing.SupportsIndex, higher_is_better: bool, cap: typing.SupportsFloat | typing.SupportsIndex) -> float:
    ...
def book_target(book: accountkpi._core.Book, manager: typing.SupportsInt | typing.SupportsIndex, kpi: str, period: tuple[typing.SupportsInt | typing.SupportsIndex, typing.SupportsInt | typing.SupportsIndex]) -> float:
    ...
def coverage(book: accountkpi._core.Book, period: tuple[typing.SupportsInt | typing.SupportsIndex, typing.SupportsInt | typing.SupportsIndex], max_accounts: typing.SupportsInt | typing.SupportsIndex, max_accounts_single_client: typing.SupportsInt | typing.SupportsIndex) -> dict:
    ...
def default_authority(tier: str) -> list[str]:
    ...
def default_scorecard(tier: str) -> list:
    ...
def evaluate(book: accountkpi._core.Book, tier: str, manager: typing.SupportsInt | typing.SupportsIndex, accounts: collections.abc.Sequence[typing.SupportsInt | typing.SupportsIndex], goals: collections.abc.Sequence[tuple[str, typing.SupportsFloat | typing.SupportsIndex, typing.SupportsFloat | typing.SupportsIndex, bool, tuple[typing.SupportsInt | typing.SupportsIndex, typing.SupportsInt | typing.SupportsIndex] | None, bool]], period: tuple[typing.SupportsInt | typing.SupportsIndex, typing.SupportsInt | typing.SupportsIndex], cap: typing.SupportsFloat | typing.SupportsIndex, book_targets: bool, options: dict) -> tuple[list, float]:
    ...
def handovers(book: accountkpi._core.Book, period: tuple[typing.SupportsInt | typing.SupportsIndex, typing.SupportsInt | typing.SupportsIndex], days: typing.SupportsInt | typing.SupportsIndex) -> dict:
    """
    Every handover of an account from a closer to a farmer in the period, with what followed in `days`.
    """
def is_flow(arg0: str) -> bool:
    ...
def prioritise(book: accountkpi._core.Book, period: tuple[typing.SupportsInt | typing.SupportsIndex, typing.SupportsInt | typing.SupportsIndex], portfolio: dict, level: str, weights: typing.Annotated[collections.abc.Sequence[typing.SupportsFloat | typing.SupportsIndex], "FixedSize(4)"], shrink: typing.SupportsFloat | typing.SupportsIndex, margin_floor: typing.SupportsFloat | typing.SupportsIndex, health_floor: typing.SupportsFloat | typing.SupportsIndex, health_rule: dict, options: dict) -> dict:
    """
    The portfolio's accounts or projects ranked by priority (value, growth, margin, health), flagged, with their reasons; item: account or project index.
    """
def retention_inputs(book: accountkpi._core.Book, period: tuple[typing.SupportsInt | typing.SupportsIndex, typing.SupportsInt | typing.SupportsIndex], scope: dict, options: dict) -> dict:
    """
    What the book says over the period for the retention what-if: clients at the start, churned, active, the gross profit, and the period's length in years.
    """
def retention_uplift(clients_start: typing.SupportsInt | typing.SupportsIndex, churned_clients: typing.SupportsInt | typing.SupportsIndex, gross_profit: typing.SupportsFloat | typing.SupportsIndex, active_clients: typing.SupportsFloat | typing.SupportsIndex, period_years: typing.SupportsFloat | typing.SupportsIndex, points: typing.SupportsFloat | typing.SupportsIndex, horizon_years: typing.SupportsFloat | typing.SupportsIndex, discount: typing.SupportsFloat | typing.SupportsIndex) -> dict:
    ...
def revenue_status(book: accountkpi._core.Book, manager: typing.SupportsInt | typing.SupportsIndex, accounts: collections.abc.Sequence[typing.SupportsInt | typing.SupportsIndex], target: typing.SupportsFloat | typing.SupportsIndex, target_period: tuple[typing.SupportsInt | typing.SupportsIndex, typing.SupportsInt | typing.SupportsIndex] | None, period: tuple[typing.SupportsInt | typing.SupportsIndex, typing.SupportsInt | typing.SupportsIndex], options: dict) -> dict:
    ...
def scorecards(book: accountkpi._core.Book, period: tuple[typing.SupportsInt | typing.SupportsIndex, typing.SupportsInt | typing.SupportsIndex], cap: typing.SupportsFloat | typing.SupportsIndex, book_targets: bool, options: dict) -> dict:
    ...
def target_problem(kpi: str, target: typing.SupportsFloat | typing.SupportsIndex, options: dict) -> str:
    ...
def unit(kpi: str, options: dict) -> str:
    ...
default_priority_weights: tuple = (0.4, 0.2, 0.2, 0.2)
priority_parts: tuple = ('value', 'growth', 'margin', 'health')
