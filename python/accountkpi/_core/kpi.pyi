"""
KPI engine
"""
from __future__ import annotations
import accountkpi._core
import collections.abc
import numpy
import numpy.typing
import typing
__all__: list[str] = ['State', 'accumulate', 'base_period', 'compound_churn', 'compute', 'data_coverage', 'finalize', 'gini', 'hhi', 'higher_is_better', 'largest_share', 'lorenz', 'names', 'pareto_ratio', 'periodic_churn', 'revenue_bridge', 'state_checksum', 'top_share', 'volume_band_labels']
class State:
    """
    Mergeable partial accumulations of a KPI request.
    """
    def __copy__(self) -> State:
        ...
    def __deepcopy__(self, memo: dict) -> State:
        ...
    def __getstate__(self) -> tuple[bytes]:
        ...
    def __setstate__(self, arg0: tuple) -> None:
        ...
    def merge(self, other: State) -> None:
        ...
    @property
    def groups(self) -> int:
        ...
    @property
    def nbytes(self) -> int:
        """
        Size of the pickled form in bytes (what a worker ships for a merge).
        """
def accumulate(book: accountkpi._core.Book, periods: collections.abc.Sequence[tuple[typing.SupportsInt | typing.SupportsIndex, typing.SupportsInt | typing.SupportsIndex]], by: collections.abc.Sequence[str], kpis: collections.abc.Sequence[str], options: dict, scope: dict, account_values: typing.Annotated[numpy.typing.ArrayLike, numpy.float64] | None = None) -> State:
    ...
def base_period(arg0: typing.SupportsInt | typing.SupportsIndex, arg1: typing.SupportsInt | typing.SupportsIndex, arg2: str) -> tuple[int, int]:
    ...
def compound_churn(churn: typing.SupportsFloat | typing.SupportsIndex, periods: typing.SupportsFloat | typing.SupportsIndex) -> float:
    ...
def compute(book: accountkpi._core.Book, periods: collections.abc.Sequence[tuple[typing.SupportsInt | typing.SupportsIndex, typing.SupportsInt | typing.SupportsIndex]], by: collections.abc.Sequence[str], kpis: collections.abc.Sequence[str], options: dict, scope: dict, account_values: typing.Annotated[numpy.typing.ArrayLike, numpy.float64] | None = None) -> dict:
    ...
def data_coverage(book: accountkpi._core.Book, periods: collections.abc.Sequence[tuple[typing.SupportsInt | typing.SupportsIndex, typing.SupportsInt | typing.SupportsIndex]], kpis: collections.abc.Sequence[str] = []) -> tuple[list, str]:
    """
    The periods the Book's data does not cover, as (period index, gap, days) and a description.
    """
def finalize(book: accountkpi._core.Book, periods: collections.abc.Sequence[tuple[typing.SupportsInt | typing.SupportsIndex, typing.SupportsInt | typing.SupportsIndex]], by: collections.abc.Sequence[str], kpis: collections.abc.Sequence[str], options: dict, state: State) -> dict:
    ...
def gini(arg0: typing.Annotated[numpy.typing.ArrayLike, numpy.float64]) -> float:
    ...
def hhi(arg0: typing.Annotated[numpy.typing.ArrayLike, numpy.float64]) -> float:
    ...
def largest_share(arg0: typing.Annotated[numpy.typing.ArrayLike, numpy.float64]) -> float:
    ...
def lorenz(arg0: typing.Annotated[numpy.typing.ArrayLike, numpy.float64]) -> tuple[numpy.typing.NDArray[numpy.float64], numpy.typing.NDArray[numpy.float64]]:
    ...
def pareto_ratio(arg0: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], arg1: typing.SupportsFloat | typing.SupportsIndex) -> float:
    ...
def periodic_churn(churn: typing.SupportsFloat | typing.SupportsIndex, periods: typing.SupportsFloat | typing.SupportsIndex) -> float:
    ...
def revenue_bridge(book: accountkpi._core.Book, periods: collections.abc.Sequence[tuple[typing.SupportsInt | typing.SupportsIndex, typing.SupportsInt | typing.SupportsIndex]], by: collections.abc.Sequence[str], base: str, scope: dict) -> dict:
    """
    The revenue bridge per (group, period): key codes, periods and each movement in exact millionths.
    """
def state_checksum(data: bytes) -> int:
    """
    The checksum that a pickled State ends with (8 bytes, little-endian).
    """
def top_share(arg0: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], arg1: typing.SupportsFloat | typing.SupportsIndex) -> float:
    ...
def volume_band_labels(thresholds: collections.abc.Sequence[typing.SupportsFloat | typing.SupportsIndex]) -> list[str]:
    ...
higher_is_better: list = [True, True, True, True, False, True, True, False, False, True, True, True, False, False, True, True, True, True, True, True, True, True, True, True, True, True, True, False, True, True, False, False, True, True, True, True, True, True, True, True, True, True, True, True, False, True, False, True, True, True, True, True, True, True, True, True, True, True, True, True, True, True, False, True, False, False, False]
names: list = ['clients_start', 'clients_end', 'active_clients', 'new_clients', 'churned_clients', 'reactivations', 'retention_rate', 'churn_rate', 'revenue_churn_rate', 'nrr', 'grr', 'expansion_revenue', 'contraction_revenue', 'churned_revenue', 'csat', 'nps', 'ces', 'renewal_rate', 'opening_revenue', 'new_revenue', 'reactivated_revenue', 'resumed_revenue', 'closing_revenue', 'quick_ratio', 'backlog', 'mrr', 'arr', 'handover_churn_rate', 'request_count', 'requests_per_account', 'request_response_days', 'unanswered_requests', 'timely_response_rate', 'request_conversion_rate', 'avg_project_size', 'median_project_size', 'projects_per_account', 'communications', 'emails', 'calls', 'meetings', 'internal_communications', 'client_communications', 'touches_per_account_month', 'days_since_last_touch', 'revenue', 'cost', 'gross_profit', 'gross_margin', 'deals', 'avg_deal_size', 'median_deal_size', 'avg_rate_hour', 'avg_rate_day', 'avg_rate_month', 'avg_rate_normalised_hour', 'arpa', 'upsell_revenue', 'cross_sell_revenue', 'new_business_revenue', 'ltv_historical', 'ltv_predicted', 'top_share', 'pareto_ratio', 'gini', 'hhi', 'largest_client_share']
