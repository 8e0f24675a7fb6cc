"""A column of an input frame in the core's form and back (ids, texts, dates, numbers, words), with the
problems of its values (listed per column up to a limit)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["column_spec", "from_core_column", "id_values", "narrow_codes"]

_ID_ROLES = {"key", "account", "manager", "project", "unit"}
_INT32_MIN = np.iinfo(np.int32).min
_INT32_MAX = np.iinfo(np.int32).max
_MAX_LISTED = 1000  # problems listed per column by this layer (all are counted by the core's own checks)


def _is_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


_CONTAINERS = (list, dict, set, tuple, np.ndarray, pd.Series, pd.DataFrame)


def _scalars(values: pd.Series, where: tuple[str, str] | None, problems: list | None) -> pd.Series:
    """`values` with containers (lists, dicts, sets, arrays: no cell value at all) made missing, each
    reported per row."""
    if not pd.api.types.is_object_dtype(values.dtype):
        return values
    bad = values.map(lambda x: isinstance(x, _CONTAINERS)).to_numpy(bool)
    if not bad.any():
        return values
    if where is not None and problems is not None:
        for row in np.flatnonzero(bad)[:_MAX_LISTED]:
            kind = type(values.iloc[row]).__name__
            problems.append((where[0], int(row), where[1], f"expected a single value, got a {kind}"))
    return values.where(~bad, None)


def _strs(values: Any) -> list[str]:
    """The distinct values of a column as Python strings (converted in bulk: Arrow-backed strings one by one
    are slow)."""
    return [u if type(u) is str else str(u) for u in np.asarray(values, dtype=object).tolist()]


def narrow_codes(codes: np.ndarray, n: int) -> np.ndarray:
    """Dictionary codes (with -1 for missing) in the narrowest signed integer type that holds `n` codes: the
    core reads any width, so a column of few distinct texts costs a byte or two a row, not eight."""
    for dtype in (np.int8, np.int16, np.int32):
        if n <= np.iinfo(dtype).max:
            return np.ascontiguousarray(codes, dtype=dtype)
    return np.ascontiguousarray(codes, dtype=np.int64)


def _texts(
    values: pd.Series, where: tuple[str, str] | None = None, problems: list | None = None
) -> tuple[str, np.ndarray, list[str]]:
    """Dictionary-encoded texts. Values that are no text at all (lists, dicts, sets) and texts that cannot be
    encoded as UTF-8 (lone surrogates from a bad decode) are missing here and reported per row in `problems`
    as (table, row, column, reason) when `where` = (table, column) is given."""
    if isinstance(values.dtype, pd.CategoricalDtype):  # already dictionary-encoded: keep its categories
        codes = np.ascontiguousarray(values.cat.codes.to_numpy())  # int8 to int64, as pandas holds them
        uniques = _strs(values.cat.categories)
    else:
        values = _scalars(values, where, problems)
        codes, found = pd.factorize(values, use_na_sentinel=True)
        codes = narrow_codes(codes, len(found))
        uniques = _strs(found)
    # One encode of them all, and one per text only when some text is not valid UTF-8.
    valid = _is_utf8("".join(uniques))
    invalid = [] if valid else [k for k, u in enumerate(uniques) if not _is_utf8(u)]
    if invalid:
        for k in invalid:
            rows = np.flatnonzero(codes == k)
            if where is not None and problems is not None:
                for row in rows[:_MAX_LISTED]:
                    problems.append((where[0], int(row), where[1], f"not valid UTF-8 text: {uniques[k]!a}"))
            uniques[k] = ""
        codes = codes.copy()
        codes[np.isin(codes, invalid)] = -1
    return ("texts", codes, uniques)


def _read_only(a: np.ndarray) -> bool:
    """Whether nobody can write the memory `a` views: `a` and every array it is a view of are read-only (a
    Book's own columns, Arrow and polars columns read without a copy, arrays frozen by their owner). A
    frame's column is not: pandas' blocks, or a caller's array a frame was built on with ``copy=False``, stay
    writable."""
    while isinstance(a, np.ndarray):
        if a.flags.writeable:
            return False
        a = a.base
    return True


def column_spec(table: str, name: str, role: str, s: pd.Series, problems: list) -> tuple:
    """The (kind, arrays...) description of one input column, converted without per-row Python work where the
    dtype allows; what cannot be converted is described as texts, so the C++ validation reports it by row."""
    if role in _ID_ROLES:
        return _id_column(table, name, s, problems)
    convert = {"date": _date_column, "number": _number_column}.get(role, _text_column)
    return convert(table, name, s, problems)


def _id_column(table: str, name: str, s: pd.Series, problems: list) -> tuple:
    dtype = s.dtype
    if pd.api.types.is_bool_dtype(dtype):
        problems.append((table, -1, name, "ids must be integers or texts, got booleans"))
        return _texts(s.astype(str))
    if pd.api.types.is_integer_dtype(dtype):
        return _integer_ids(s)
    if pd.api.types.is_float_dtype(dtype):
        return _float_ids(table, name, s, problems)
    if pd.api.types.is_object_dtype(dtype):
        return _object_ids(table, name, _scalars(s, (table, name), problems), problems)
    return _texts(s, (table, name), problems)


def _integer_ids(s: pd.Series) -> tuple:
    if pd.api.types.is_unsigned_integer_dtype(s.dtype) and s.max(skipna=True) > np.iinfo(np.int64).max:
        return _texts(s.astype("string"))  # beyond int64: kept exact as text ids
    if s.hasnans:  # nullable integers with missing values
        return _texts(s.astype("Int64").astype("string"))
    return ("integers", np.ascontiguousarray(s.to_numpy(dtype=np.int64)))


def _float_ids(table: str, name: str, s: pd.Series, problems: list) -> tuple:
    v = s.to_numpy(dtype=np.float64, na_value=np.nan)
    whole = ~np.isnan(v) & np.isfinite(v) & (v == np.round(v)) & (np.abs(v) < 2**53)
    for row in np.flatnonzero(~np.isnan(v) & ~whole)[:_MAX_LISTED]:
        problems.append((table, int(row), name, f"id {float(v[row])!r} is not a whole number"))
    if whole.all():
        return ("integers", v.astype(np.int64))
    return _texts(pd.Series(np.where(whole, v, np.nan)).astype("Int64").astype("string"))


def _iso_date(x: Any) -> Any:
    """A date-like value as ISO text (``None``, NaT and texts as they are), for the core to parse."""
    if isinstance(x, str) or x is None or x is pd.NaT:
        return x
    return x.isoformat()[:10] if hasattr(x, "isoformat") else ("" if pd.isna(x) else str(x))


def _date_column(table: str, name: str, s: pd.Series, problems: list) -> tuple:
    if isinstance(s.dtype, pd.DatetimeTZDtype):
        s = s.dt.tz_localize(None)
    dtype = s.dtype
    if pd.api.types.is_datetime64_dtype(dtype):
        # In the column's own unit (s, ms, us or ns), viewed as int64 without a copy: the core rounds to
        # days as numpy does. Going through nanoseconds would wrap dates outside 1677..2262 around into
        # plausible wrong ones.
        values = np.ascontiguousarray(s.to_numpy())
        unit = np.datetime_data(values.dtype)[0]
        if unit not in ("D", "s", "ms", "us", "ns"):
            values, unit = values.astype("datetime64[D]"), "D"
        return ("dates", values.view(np.int64), unit)
    if pd.api.types.is_object_dtype(dtype):
        # datetime.date, Timestamps and ISO strings side by side: ISO text for all, parsed in C++.
        return _texts(s.map(_iso_date), (table, name), problems)
    if pd.api.types.is_string_dtype(dtype) or isinstance(dtype, pd.CategoricalDtype):
        # Texts (dictionary-encoded ones too: Arrow and polars strings), parsed once per distinct text.
        return _texts(s, (table, name), problems)
    if not (pd.api.types.is_numeric_dtype(dtype) and s.isna().all()):
        problems.append((table, -1, name, f"expected dates, got a column of dtype {dtype}"))
    return ("dates", np.full(len(s), np.iinfo(np.int64).min, dtype=np.int64))


def _number_column(table: str, name: str, s: pd.Series, problems: list) -> tuple:
    dtype = s.dtype
    if pd.api.types.is_bool_dtype(dtype):
        problems.append((table, -1, name, "expected numbers, got booleans"))
        return ("numbers", np.full(len(s), np.nan))
    if pd.api.types.is_numeric_dtype(dtype):
        values = np.ascontiguousarray(s.to_numpy(dtype=np.float64, na_value=np.nan))
        if not _read_only(values):
            # The Book may keep the values as its own column (when in date order), and a Book never
            # changes: memory that someone can still write (conversions from other dtypes too, as pandas
            # may hand out its own buffer) goes without an owner, which the core copies where it keeps it
            # (on its threads, with room for appends; not at all when it puts the lines in date order).
            return ("numbers", values, None)
        return ("numbers", values)
    coerced = pd.to_numeric(s, errors="coerce")
    bad = np.flatnonzero(coerced.isna().to_numpy() & s.notna().to_numpy())
    for row in bad[:_MAX_LISTED]:
        problems.append((table, int(row), name, f"not a number: {s.iloc[row]!r}"))
    return ("numbers", np.ascontiguousarray(coerced.to_numpy(dtype=np.float64, na_value=np.nan)))


def _text_column(table: str, name: str, s: pd.Series, problems: list) -> tuple:
    """Text, category and vocabulary columns."""
    dtype = s.dtype
    if (
        pd.api.types.is_string_dtype(dtype)
        or pd.api.types.is_object_dtype(dtype)
        or isinstance(dtype, pd.CategoricalDtype)
    ):
        return _texts(s, (table, name), problems)
    return _texts(s.astype("string"), (table, name), problems)


def _id_kind(x: Any) -> str:
    if x is None or x is pd.NA or x is pd.NaT or (isinstance(x, float) and x != x):
        return "missing"
    if isinstance(x, (bool, np.bool_)):
        return "bool"
    if isinstance(x, str):
        return "text"
    if isinstance(x, (int, np.integer)):
        return "integer"
    if isinstance(x, (float, np.floating)):
        return "integer" if np.isfinite(x) and float(x).is_integer() and abs(x) < 2**53 else "fraction"
    return "other"


def _object_ids(table: str, name: str, s: pd.Series, problems: list) -> tuple:
    """Ids of an object column: all texts, or all integers (a whole float such as 1.0 is the integer 1, as in
    a float column). Booleans and fractions are problems by row; texts mixed with numbers, by column."""
    values = s.tolist()
    kind = np.array([_id_kind(x) for x in values], dtype=object)
    for row in np.flatnonzero((kind == "bool") | (kind == "fraction"))[:_MAX_LISTED]:
        what = "a boolean" if kind[row] == "bool" else "not a whole number"
        problems.append((table, int(row), name, f"id {values[row]!r} is {what}"))
    numeric = (kind == "integer") | (kind == "fraction")
    if numeric.any() and (kind == "text").any():
        problems.append((table, -1, name, "mixes text and integer ids; use one kind"))
        return _texts(s.astype("string"), (table, name), problems)
    if not numeric.any():
        return _texts(s.where(kind != "bool", None).astype("string"), (table, name), problems)
    ints = [int(x) if k == "integer" else None for x, k in zip(values, kind, strict=True)]
    if any(x is not None and not -(2**63) <= x < 2**63 for x in ints):  # beyond int64: exact as text
        return _texts(
            pd.Series([None if x is None else str(x) for x in ints], dtype="string"), (table, name), problems
        )
    column = pd.array(ints, dtype="Int64")
    if not column.isna().any():
        return ("integers", np.ascontiguousarray(column.to_numpy(dtype=np.int64)))
    return _texts(pd.Series(column).astype("string"), (table, name), problems)


def _days_column(spec: tuple) -> np.ndarray:
    days = spec[1]
    out = days.astype(np.int64).astype("datetime64[D]")
    out[(days == _INT32_MIN) | (days == _INT32_MAX)] = np.datetime64("NaT")
    return out


def _enum_column(spec: tuple) -> pd.Categorical:
    codes, words = spec[1], spec[2]
    if words[0] == "":  # an optional column: code 0 (the word "") is a missing value
        return pd.Categorical.from_codes(codes.astype(np.int16) - 1, categories=words[1:])
    return pd.Categorical.from_codes(codes.astype(np.int16), categories=words)


#: How each kind of column the core exports becomes a pandas column.
_FROM_CORE: dict[str, Callable[[tuple], Any]] = {
    "days": _days_column,
    "numbers": lambda spec: spec[1],
    "bool": lambda spec: spec[1].astype(bool),
    "texts": lambda spec: np.asarray(spec[1], dtype=object),
    "category": lambda spec: pd.Categorical.from_codes(spec[1], categories=spec[2]),
    "enum": _enum_column,
    "ids": lambda spec: id_values(spec[2], spec[1]),
}


def from_core_column(spec: tuple) -> Any:
    """A column the core exports, ``(kind, arrays...)``, as the pandas column :meth:`Book.table` shows."""
    convert = _FROM_CORE.get(spec[0])
    if convert is None:
        raise ValueError(f"unknown column kind {spec[0]!r}")
    return convert(spec)


def id_values(ids: Any, codes: np.ndarray) -> Any:
    """The external ids at ``codes`` (positions in ``ids``, -1 for none), as every output of the library shows
    ids: integer ids as int64 (a nullable ``Int64`` array when some are missing), text ids as an object array
    with None where missing. ``ids`` is what the core gives for a key: an int64 array or a list of texts."""
    missing = codes < 0
    safe = np.where(missing, 0, codes)
    if isinstance(ids, np.ndarray):
        values = ids[safe] if len(ids) else np.zeros(len(codes), dtype=np.int64)
        return pd.arrays.IntegerArray(values.astype(np.int64), missing) if missing.any() else values
    values = np.asarray(ids, dtype=object)[safe] if ids else np.full(len(codes), None, dtype=object)
    values[missing] = None
    return values
