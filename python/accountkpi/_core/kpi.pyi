"""
KPI engine
"""
from __future__ import annotations
import accountkpi._core
import collections.abc
import numpy
import numpy.typing
import typing
__all__: list[str] = ['State', 'StateCache', 'accumulate', 'base_period', 'compound_churn', 'compute', 'data_coverage', 'finalize', 'gini', 'hhi', 'largest_share', 'lorenz', 'options', 'pareto_ratio', 'periodic_churn', 'registry', 'release_memory', 'revenue_bridge', 'state_checksum', 'top_share', 'volume_band_labels']
class StateCache:
    """
    The per-period states of KPI requests already computed, reused for the same periods of the same Book or of a Book appended to it where nothing they read changed; at most max_bytes, least recently used dropped first.
    """
    def __init__(self, max_bytes: typing.SupportsInt | typing.SupportsIndex = 268435456) -> None:
        ...
    def clear(self) -> None:
        """
        Drops every state.
        """
    @property
    def bytes(self) -> int:
        """
        The bytes of the states held.
        """
    @property
    def hits_and_misses(self) -> tuple[int, int]:
        """
        Periods found and periods computed since the cache was made.
        """
    @property
    def max_bytes(self) -> int:
        ...
    @property
    def size(self) -> int:
        """
        The states held (one per period and request).
        """
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
def accumulate(book: accountkpi._core.Book, periods: collections.abc.Sequence[tuple[typing.SupportsInt | typing.SupportsIndex, typing.SupportsInt | typing.SupportsIndex]], by: collections.abc.Sequence[str], kpis: collections.abc.Sequence[str], options: dict, scope: dict, account_values: typing.Annotated[numpy.typing.ArrayLike, numpy.float64] | None = None, cache: StateCache = None) -> State:
    ...
def base_period(arg0: typing.SupportsInt | typing.SupportsIndex, arg1: typing.SupportsInt | typing.SupportsIndex, arg2: str) -> tuple[int, int]:
    ...
def compound_churn(churn: typing.SupportsFloat | typing.SupportsIndex, periods: typing.SupportsFloat | typing.SupportsIndex) -> float:
    ...
def compute(book: accountkpi._core.Book, periods: collections.abc.Sequence[tuple[typing.SupportsInt | typing.SupportsIndex, typing.SupportsInt | typing.SupportsIndex]], by: collections.abc.Sequence[str], kpis: collections.abc.Sequence[str], options: dict, scope: dict, account_values: typing.Annotated[numpy.typing.ArrayLike, numpy.float64] | None = None, cache: StateCache = None) -> dict:
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
def options() -> list:
    """
    The KPI options as (field of kpi::Options, key of a request's options, keyword of the one-value functions).
    """
def pareto_ratio(arg0: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], arg1: typing.SupportsFloat | typing.SupportsIndex) -> float:
    ...
def periodic_churn(churn: typing.SupportsFloat | typing.SupportsIndex, periods: typing.SupportsFloat | typing.SupportsIndex) -> float:
    ...
def registry() -> dict:
    """
    The KPI registry as columns: name, definition, formula, unit, higher_is_better, level, flow, options (the option keys that change each KPI), one item per KPI in the engine's order.
    """
def release_memory() -> int:
    """
    Gives back the memory that requests keep for the next ones; returns its bytes.
    """
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
