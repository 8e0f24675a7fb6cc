"""Calendar days and half-open periods, as the C++ core defines them."""

from __future__ import annotations

import datetime as _dt
from typing import Any

import numpy as np
import pandas as pd

from . import _core

__all__ = ["DateLike", "Period", "periods", "to_day"]

DateLike = str | _dt.date | np.datetime64 | pd.Timestamp

_EPOCH = _dt.date(1970, 1, 1)


def to_day(value: Any) -> int:
    """Days since 1970-01-01 of a date-like value.

    Accepts ISO 8601 strings (``"2024-03-01"``, ``"2024-03-01T23:30:00-05:00"``), :class:`datetime.date`
    and :class:`datetime.datetime`, :class:`pandas.Timestamp` and :class:`numpy.datetime64`. The day is the
    calendar day as written, in the value's own time zone: the time of day is dropped and an offset or time
    zone is never applied (``"2024-03-01T23:30:00-05:00"`` is 1 March, as is that instant in UTC+14).

    Examples
    --------
    >>> to_day("1970-01-02")
    1
    """
    if isinstance(value, str):
        return _core.date_parse(value)
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        raise TypeError("a date must be a date-like value, not an integer; use numpy.datetime64(n, 'D')")
    if isinstance(value, pd.Timestamp) and value.tzinfo is not None:
        value = value.tz_localize(None)  # the wall-clock day, as for text with an offset
    if isinstance(value, _dt.datetime):
        value = value.date()
    if isinstance(value, _dt.date):
        return (value - _EPOCH).days
    if isinstance(value, (np.datetime64, pd.Timestamp)):
        if pd.isna(value):
            raise ValueError("a period cannot begin or end on NaT")
        return int(np.datetime64(value, "D").astype(np.int64))
    raise TypeError(f"not a date-like value: {value!r}")


def _pandas_period(p: pd.Period) -> tuple[int, int]:
    """The days ``[begin, end)`` of a pandas Period of whole days (a day, week, month, quarter, year...)."""
    begin, end = p.start_time, (p + 1).start_time
    if begin != begin.normalize() or end != end.normalize():
        raise ValueError(f"a Period is whole days; the pandas Period {p} of freq {p.freqstr} is not")
    return _core.period_check(to_day(begin), to_day(end))


def _date(day: int) -> _dt.date:
    return _EPOCH + _dt.timedelta(days=day)


class Period:
    """A half-open range of calendar days ``[begin, end)``.

    A day ``d`` belongs to the period when ``begin <= d < end``. Build one from two date-likes, from a label
    (``Period("2025Q1")``, ``Period("2025-03")``, ``Period("2025")``, ``Period("2025-W03")`` for an ISO
    week), from a :class:`pandas.Period` of whole days (``pd.Period("2025Q1")``, ``pd.Period("2025-01-06",
    "W")``), or with :meth:`week`, :meth:`month`, :meth:`quarter` and :meth:`year`. Wherever accountkpi
    takes a period, it takes any of these.

    Examples
    --------
    >>> p = Period("2024-01-01", "2024-04-01")
    >>> p.days, p.label
    (91, '2024Q1')
    >>> Period("2025-03") == Period.month(2025, 3)
    True
    >>> import pandas as pd
    >>> Period(pd.Period("2025Q1")).label, Period(pd.Period("2025-01-08", "W")).label
    ('2025Q1', '2025-W02')
    """

    __slots__ = ("_begin", "_end")

    def __init__(self, begin: DateLike | Period | pd.Period, end: DateLike | None = None) -> None:
        if isinstance(begin, Period) and end is None:
            b, e = begin._begin, begin._end
        elif isinstance(begin, pd.Period) and end is None:
            b, e = _pandas_period(begin)
        elif end is None:
            if not isinstance(begin, str):
                raise TypeError(
                    "Period(label) takes a label such as '2025Q1' or a pandas Period; otherwise give begin "
                    "and end"
                )
            b, e = _core.period_parse(begin)
        else:
            b, e = _core.period_check(to_day(begin), to_day(end))
        self._begin: int = b
        self._end: int = e

    @classmethod
    def _from_days(cls, days: tuple[int, int]) -> Period:
        p = cls.__new__(cls)
        p._begin, p._end = days
        return p

    @classmethod
    def week(cls, year: int, week: int) -> Period:
        """The ISO 8601 week ``week`` (1-52, or 53 in years that have one) of the ISO year ``year``: Monday to
        Sunday, week 1 being the week of the year's first Thursday.

        Examples
        --------
        >>> Period.week(2025, 1)
        Period('2024-12-30', '2025-01-06')
        """
        return cls._from_days(_core.period_week(year, week))

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        """The calendar month ``year``-``month`` (1-12)."""
        return cls._from_days(_core.period_month(year, month))

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        """The calendar quarter ``quarter`` (1-4) of ``year``."""
        return cls._from_days(_core.period_quarter(year, quarter))

    @classmethod
    def year(cls, year: int) -> Period:
        """The calendar year ``year``."""
        return cls._from_days(_core.period_year(year))

    @property
    def begin(self) -> _dt.date:
        """The first day of the period."""
        return _date(self._begin)

    @property
    def end(self) -> _dt.date:
        """The first day after the period."""
        return _date(self._end)

    @property
    def days(self) -> int:
        """Number of days in the period."""
        return self._end - self._begin

    @property
    def months(self) -> float:
        """Length in months: whole calendar months when it is made of them, else days / (365.2425 / 12)."""
        return _core.period_months(self._begin, self._end)

    @property
    def label(self) -> str:
        """``"2025"``, ``"2025Q1"``, ``"2025-03"``, ``"2025-W03"`` (an ISO week) or
        ``"2025-01-05/2025-02-05"``."""
        return _core.period_label(self._begin, self._end)

    def previous(self) -> Period:
        """The period of the same length just before this one: the previous calendar months when the period is
        whole months, else the same number of days before :attr:`begin` (the base of ``nrr_base="previous"``).

        Examples
        --------
        >>> Period("2025Q1").previous().label, Period("2025-03").previous().label
        ('2024Q4', '2025-02')
        >>> Period("2025-01-10", "2025-01-20").previous()
        Period('2024-12-31', '2025-01-10')
        """
        return Period._from_days(_core.period_previous(self._begin, self._end))

    def year_ago(self) -> Period:
        """The same days a year earlier: 12 months earlier when the period is whole months, 52 weeks earlier
        for an ISO week (Monday to Monday), else each bound one calendar year earlier, 29 February becoming
        28 February (the base of ``nrr_base="year_ago"``).

        Examples
        --------
        >>> Period("2025Q2").year_ago().label
        '2024Q2'
        >>> Period("2024-02-29", "2024-03-10").year_ago()
        Period('2023-02-28', '2023-03-10')
        """
        return Period._from_days(_core.period_year_ago(self._begin, self._end))

    def __contains__(self, day: DateLike) -> bool:
        return self._begin <= to_day(day) < self._end

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Period) and (self._begin, self._end) == (other._begin, other._end)

    def __hash__(self) -> int:
        return hash((self._begin, self._end))

    def __lt__(self, other: Period) -> bool:
        return (self._begin, self._end) < (other._begin, other._end)

    def __repr__(self) -> str:
        return f"Period('{self.begin.isoformat()}', '{self.end.isoformat()}')"

    def __str__(self) -> str:
        return self.label

    def __reduce__(self) -> tuple[Any, ...]:
        return (Period._from_days, ((self._begin, self._end),))


def periods(start: DateLike, end: DateLike, freq: str = "M") -> list[Period]:
    """The consecutive calendar periods of ``freq`` (``"W"`` for ISO weeks from Monday, ``"M"``, ``"Q"`` or
    ``"Y"``) covering ``[start, end)``.

    The first period contains ``start`` and the last contains the day before ``end``.

    Examples
    --------
    >>> [p.label for p in periods("2024-01-15", "2024-04-01", "M")]
    ['2024-01', '2024-02', '2024-03']
    >>> [p.label for p in periods("2025-01-01", "2025-01-13", "W")]
    ['2025-W01', '2025-W02']
    """
    return [Period._from_days(d) for d in _core.periods(to_day(start), to_day(end), freq)]


def as_period(period: Period | DateLike | pd.Period) -> Period:
    """``period`` as a :class:`Period`: a Period as it is, anything else as ``Period(period)`` takes it
    (``"2024Q2"``, ``"2024-03"``, a pandas Period...)."""
    return period if isinstance(period, Period) else Period(period)


def as_periods(periods: Any) -> list[Period]:
    """One period or a sequence of them as a list of :class:`Period` (see :func:`as_period`); at least one.

    Examples
    --------
    >>> [p.label for p in as_periods("2024Q1")], [p.label for p in as_periods(["2024-01", "2024-02"])]
    (['2024Q1'], ['2024-01', '2024-02'])
    """
    if isinstance(periods, (Period, str, pd.Period)):
        periods = [periods]
    out = [as_period(p) for p in periods]
    if not out:
        raise ValueError("give at least one period")
    return out
