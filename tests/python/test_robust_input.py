"""The bad-input matrix over every table and column: each bad cell or column gives a specific problem
(table, row, column, reason), every problem is listed, nothing is built; in quarantine mode the bad row (and
what depends on it) is rejected and every input row is accounted for."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest
from robust_frames import assert_every_row_accounted_for, full_frames

import accountkpi as ak

Frames = dict[str, pd.DataFrame]
ENTITY = {"key": None, "account": "account", "manager": "manager", "project": "project", "unit": "unit"}
MONEY = {("projects", "value"), ("revenue", "amount"), ("revenue", "cost")}


def problems_of(frames: Frames) -> list[tuple[str, int, str, str]]:
    with pytest.raises(ak.ValidationError) as info:
        ak.Book.from_frames(**frames)
    err = info.value
    assert err.total == len(err.problems)
    return err.problems


def has(problems: list, table: str, row: int, column: str, words: str) -> bool:
    return any(p[:3] == (table, row, column) and words in p[3] for p in problems)


def set_cell(frames: Frames, table: str, column: str, value: object, row: int = 1) -> Frames:
    frame = frames[table].copy()
    values = list(frame[column].astype(object))
    values[row] = value
    cells = np.empty(len(values), dtype=object)
    cells[:] = values
    frame[column] = pd.Series(cells, index=frame.index, dtype=object)
    return {**frames, table: frame}


def test_the_full_book_is_valid() -> None:
    frames = full_frames()
    book = ak.Book.from_frames(**frames)
    assert book.table_names == list(ak.book.TABLES)
    for table, frame in frames.items():
        assert len(book.table(table)) == len(frame)


# --- one case per (table, column, kind of damage) --------------------------------------------------------


#: The damages tried on a column by its role (entities have theirs below; text and category the default).
_ROLE_DAMAGES = {
    "date": ("before-1900", "after-2200", "nat", "not-a-date", "year-1", "int-dtype"),
    "number": ("inf", "-inf", "1e15", "-1e15", "nan", "text", "negative"),
    "vocabulary": ("unknown-word", "case-and-spaces"),
}


def _damages(role: str) -> list[str]:
    damages = ["missing", "misnamed", "none", "booleans"]
    if role in ENTITY:
        return [*damages, "empty-string", "blank", "mixed-int", "unknown", "list"] + (
            ["duplicate"] if role == "key" else []
        )
    return [*damages, *_ROLE_DAMAGES.get(role, ("non-utf8", "dict"))]


def _cases() -> list:
    return [
        pytest.param(table, column, damage, id=f"{table}.{column}-{damage}")
        for table, (_required, columns) in ak.book.TABLES.items()
        for column, role, _required, _words in columns
        for damage in _damages(role)
    ]


ROLES = {t: {c[0]: c for c in cols} for t, (_, cols) in ak.book.TABLES.items()}


# Long on purpose (see the noqa): one branch per kind of damage, each a few lines beside the problem it
# expects: a table of cases written as code, read top to bottom; split in functions, the same table scattered.
def _damage(  # noqa: C901, PLR0911, PLR0912, PLR0915
    frames: Frames, table: str, column: str, damage: str
) -> tuple[Frames, Callable | None]:
    """The damaged frames and a check of the problems (None when the damage is harmless and must build)."""
    _, role, required, _words = ROLES[table][column]
    frame = frames[table]
    entity = ENTITY.get(role)

    def expect(row: int, col: str, words: str) -> Callable:
        return lambda ps: has(ps, table, row, col, words)

    if damage == "missing":
        damaged = {**frames, table: frame.drop(columns=[column])}
        if required:
            return damaged, expect(-1, column, "required column is missing")
        return damaged, "optional"
    if damage == "misnamed":
        return {**frames, table: frame.rename(columns={column: f" {column.title()}"})}, expect(
            -1, f" {column.title()}", f"did you mean '{column}'"
        )
    if damage == "booleans":
        damaged = {**frames, table: frame.assign(**{column: [True, False, True][: len(frame)]})}
        if role in ENTITY:
            return damaged, expect(-1, column, "ids must be integers or texts, got booleans")
        if role == "date":
            return damaged, expect(-1, column, "expected dates, got a column of dtype bool")
        if role == "number":
            return damaged, expect(-1, column, "expected numbers, got booleans")
        if role == "vocabulary":
            return damaged, expect(0, column, "unknown value 'True'")
        if (table, column) == ("targets", "kpi"):  # a target's KPI must be a KPI
            return damaged, expect(0, column, "unknown KPI 'True'")
        return damaged, None  # names and categories may be any text
    if damage == "none":
        damaged = set_cell(frames, table, column, None)
        if not required:
            return damaged, "optional"
        if role == "key":
            return damaged, expect(1, column, "missing id")
        if role in ENTITY:
            return damaged, expect(1, column, "missing id")
        if role == "date":
            return damaged, expect(1, column, "missing date")
        if role == "text":
            return damaged, expect(1, column, "missing text")
        return damaged, expect(1, column, "missing value")
    if damage in ("empty-string", "blank"):
        damaged = set_cell(frames, table, column, "" if damage == "empty-string" else "  ")
        if role == "key":
            return damaged, expect(1, column, "empty id")
        if damage == "blank":
            return damaged, expect(1, column, f"unknown {entity} id '  '")
        return damaged, expect(1, column, "missing id") if required else "optional"
    if damage == "mixed-int":
        if frame[column].drop(index=frame.index[1]).notna().any():
            return set_cell(frames, table, column, 7), expect(-1, column, "mixes text and integer ids")
        return set_cell(frames, table, column, 7), expect(1, column, f"unknown {entity} id '7'")
    if damage == "unknown":
        if role == "key":  # the old id is gone: what referred to it is reported
            old = frame[column].iloc[1]
            return set_cell(frames, table, column, "NEW"), lambda ps: all(f"id '{old}'" in p[3] for p in ps)
        return set_cell(frames, table, column, "ZZ"), expect(1, column, f"unknown {entity} id 'ZZ'")
    if damage == "list":
        return set_cell(frames, table, column, ["A"]), expect(
            1, column, "expected a single value, got a list"
        )
    if damage == "duplicate":
        damaged = set_cell(frames, table, column, frame[column].iloc[0])
        if table == "accounts":  # a second spell of A that overlaps its first
            return damaged, expect(1, "acquired_on", "overlaps the spell of row 0")
        return damaged, expect(1, column, "duplicate")
    if damage in ("before-1900", "after-2200", "year-1"):
        value = {"before-1900": "1899-12-31", "after-2200": "2201-01-01", "year-1": dt.date(1, 1, 1)}[damage]
        shown = {"before-1900": "1899-12-31", "after-2200": "2201-01-01", "year-1": "0001-01-01"}[damage]
        return set_cell(frames, table, column, value), expect(
            1, column, f"date {shown} is outside 1900-01-01..2200-12-31"
        )
    if damage == "nat":
        damaged = set_cell(frames, table, column, pd.NaT)
        return damaged, expect(1, column, "missing date") if required else "optional"
    if damage == "not-a-date":
        return set_cell(frames, table, column, "31/12/2023"), expect(1, column, "not a date (ISO 8601")
    if damage == "int-dtype":
        damaged = {**frames, table: frame.assign(**{column: np.arange(len(frame))})}
        return damaged, expect(-1, column, "expected dates, got a column of dtype int64")
    if damage in ("inf", "-inf"):
        return set_cell(frames, table, column, float(damage)), expect(1, column, "infinite value")
    if damage in ("1e15", "-1e15"):
        damaged = set_cell(frames, table, column, float(damage))
        if (table, column) in MONEY:
            return damaged, expect(1, column, "cannot be summed exactly to the cent")
        if column == "score":
            return damaged, expect(1, column, "is outside the nps scale 0-10")
        if column == "units" and damage == "-1e15":
            return damaged, expect(1, column, "negative units")
        if column == "units":  # units without their unit
            return damaged, expect(1, "unit", "units are given without their unit")
        return damaged, None
    if damage == "nan":
        damaged = set_cell(frames, table, column, np.nan)
        return damaged, expect(1, column, "missing value") if required else "optional"
    if damage == "text":
        return set_cell(frames, table, column, "12,5"), expect(1, column, "not a number: '12,5'")
    if damage == "negative":
        damaged = set_cell(frames, table, column, -3.0)
        if column == "units":
            return damaged, expect(1, column, "negative units")
        if column == "score":
            return damaged, expect(1, column, "is outside the nps scale 0-10")
        return damaged, None  # credit notes, write-offs and negative targets are real
    if damage == "unknown-word":
        return set_cell(frames, table, column, "bogus"), expect(1, column, "unknown value 'bogus'")
    if damage == "case-and-spaces":  # " Farmer " is farmer: not a problem
        value = frame[column].iloc[0]
        return set_cell(frames, table, column, f" {str(value).upper()} ", row=0), None
    if damage == "non-utf8":
        return set_cell(frames, table, column, "M\udcfcller"), expect(1, column, "not valid UTF-8 text")
    if damage == "dict":
        return set_cell(frames, table, column, {"x": 1}), expect(
            1, column, "expected a single value, got a dict"
        )
    raise AssertionError(damage)


@pytest.mark.parametrize(("table", "column", "damage"), _cases())
def test_bad_input_matrix(table: str, column: str, damage: str) -> None:
    frames = full_frames()
    damaged, check = _damage(frames, table, column, damage)
    if check is None:
        ak.Book.from_frames(**damaged)
        return
    if check == "optional":
        # An optional column or cell may be absent; the book builds or reports only its own consequences.
        try:
            ak.Book.from_frames(**damaged)
        except ak.ValidationError as e:
            assert all(p[0] == table for p in e.problems), e.problems
        return
    problems = problems_of(damaged)
    assert check(problems), problems
    for p in problems:
        assert p[0] in ak.book.TABLES and p[3], p
    # Quarantine: a row-level problem rejects the row (and its dependants); a column-level one still raises.
    if any(p[1] < 0 for p in problems):
        with pytest.raises(ak.ValidationError):
            ak.Book.from_frames(**damaged, on_error="quarantine")
        return
    book, rejected = ak.Book.from_frames(**damaged, on_error="quarantine")
    assert_every_row_accounted_for(damaged, book, rejected)
    for t, r, _c, _reason in problems:
        assert ((rejected["table"] == t) & (rejected["row"] == r)).any(), (t, r)


# --- whole tables -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("table", list(ak.book.TABLES))
def test_empty_tables(table: str) -> None:
    frames = full_frames()
    empty = frames[table].iloc[:0]
    if table == "accounts":
        problems = problems_of({**frames, table: empty})
        assert has(problems, "revenue", 0, "account_id", "unknown account id 'A'")
        return
    if table in ("managers", "units", "projects"):  # what referred to them is reported
        problems = problems_of({**frames, table: empty})
        assert all("unknown" in p[3] for p in problems)
        return
    book = ak.Book.from_frames(**{**frames, table: empty})
    assert len(book.table(table)) == 0


@pytest.mark.parametrize("table", list(ak.book.TABLES))
def test_table_without_columns(table: str) -> None:
    frames = full_frames()
    problems = problems_of({**frames, table: pd.DataFrame(index=range(2))})
    for column, _role, required, _ in ak.book.TABLES[table][1]:
        assert has(problems, table, -1, column, "required column is missing") == required


def test_one_row_tables() -> None:
    frames = {t: f.iloc[:1] for t, f in full_frames().items()}
    book = ak.Book.from_frames(**frames)
    for table in frames:
        assert len(book.table(table)) == 1


def test_required_tables_missing_and_unknown_ones() -> None:
    with pytest.raises(ak.ValidationError) as info:
        ak.Book._build({"invoices": pd.DataFrame({"x": [1]})}, 365)
    found = {(t, r, c) for t, r, c, _ in info.value.problems}
    assert found == {("invoices", -1, ""), ("accounts", -1, ""), ("revenue", -1, "")}


def test_all_problems_listed_up_to_the_limit_and_counted() -> None:
    frames = full_frames()
    n = 2500
    revenue = pd.DataFrame({"account_id": ["nobody"] * n, "date": ["2024-01-01"] * n, "amount": [1.0] * n})
    with pytest.raises(ak.ValidationError) as info:
        ak.Book.from_frames(accounts=frames["accounts"], revenue=revenue)
    assert info.value.total == n
    assert len(info.value.problems) == 1000
    assert f"{n} problems in the input" in str(info.value)
    assert f"... and {n - 20} more" in str(info.value)


def test_problems_in_every_table_at_once_are_all_listed() -> None:
    frames = full_frames()
    damaged = frames
    for table in frames:
        required = [c[0] for c in ak.book.TABLES[table][1][1:] if c[2]]
        if not required:  # accounts: only its id is required
            continue
        damaged = set_cell(damaged, table, required[-1], None, row=0)
    problems = problems_of(damaged)
    assert {p[0] for p in problems} == set(frames) - {
        "accounts"
    }  # accounts has no required column but its id


# --- ids and dtypes that are easy to get wrong --------------------------------------------------------------


def test_integer_ids_beyond_int64_stay_exact_as_text() -> None:
    accounts = pd.DataFrame({"account_id": np.array([2**63, 1], dtype=np.uint64)})
    revenue = pd.DataFrame(
        {
            "account_id": np.array([2**63, 1], dtype=np.uint64),
            "date": ["2024-01-01"] * 2,
            "amount": [1.0, 2.0],
        }
    )
    book = ak.Book.from_frames(accounts=accounts, revenue=revenue)
    assert sorted(book.table("accounts")["account_id"]) == ["1", str(2**63)]


def test_regression_int64_extreme_ids_do_not_crash() -> None:
    # Segfaulted: the dense lookup of integer references overflowed on ids spanning the int64 range.
    lo, hi = np.iinfo(np.int64).min, np.iinfo(np.int64).max
    accounts = pd.DataFrame({"account_id": np.array([lo, hi], dtype=np.int64)})
    revenue = pd.DataFrame(
        {"account_id": np.array([lo, 0], dtype=np.int64), "date": ["2024-01-01"] * 2, "amount": [1.0, 2.0]}
    )
    problems = problems_of({"accounts": accounts, "revenue": revenue})
    assert problems == [("revenue", 1, "account_id", "unknown account id '0'")]


def test_regression_datetimes_outside_the_nanosecond_range_keep_their_year() -> None:
    # Dates of year 1 or 9999 in datetime64[s] wrapped around through nanoseconds into 1754 and 1815.
    frames = full_frames()
    dates = np.array(["0001-01-01", "9999-12-31", "2023-04-15"], dtype="datetime64[s]")
    revenue = frames["revenue"].assign(date=pd.Series(dates))
    problems = problems_of({**frames, "revenue": revenue})
    assert has(problems, "revenue", 0, "date", "date 0001-01-01 is outside")
    assert has(problems, "revenue", 1, "date", "date 9999-12-31 is outside")


def test_times_of_day_are_floored_to_their_day_also_before_1970() -> None:
    frames = full_frames()
    revenue = frames["revenue"].assign(
        date=pd.to_datetime(["1969-12-31 23:59", "2023-03-15 12:00", "2023-04-15 00:00"])
    )
    book = ak.Book.from_frames(**{**frames, "revenue": revenue})
    assert book.table("revenue")["date"].tolist()[0] == pd.Timestamp("1969-12-31")


def test_float_ids_that_are_whole_numbers_match_integer_references() -> None:
    accounts = pd.DataFrame({"account_id": [1.0, 2.0, np.nan]})
    revenue = pd.DataFrame({"account_id": [2, 1], "date": ["2024-01-01"] * 2, "amount": [1.0, 2.0]})
    problems = problems_of({"accounts": accounts, "revenue": revenue})
    assert problems == [("accounts", 2, "account_id", "missing id")]
    accounts = pd.DataFrame({"account_id": [1.5, 2.0]})
    problems = problems_of({"accounts": accounts, "revenue": revenue})
    assert has(problems, "accounts", 0, "account_id", "id 1.5 is not a whole number")


def test_text_and_integer_ids_match_through_their_text() -> None:
    accounts = pd.DataFrame({"account_id": [10, 20]})
    revenue = pd.DataFrame({"account_id": ["20", "10"], "date": ["2024-01-01"] * 2, "amount": [1.0, 2.0]})
    book = ak.Book.from_frames(accounts=accounts, revenue=revenue)
    assert book.table("revenue")["account_id"].tolist() == [20, 10]


def test_nullable_and_categorical_columns() -> None:
    frames = full_frames()
    revenue = frames["revenue"].assign(
        amount=pd.array([1, None, 3], dtype="Int64"), account_id=pd.Categorical(["A", "B", "C"])
    )
    problems = problems_of({**frames, "revenue": revenue})
    assert problems == [("revenue", 1, "amount", "missing value")]


def test_parent_cycles_are_reported() -> None:
    frames = full_frames()
    accounts = frames["accounts"].assign(parent_id=["B", "A", None])
    problems = problems_of({**frames, "accounts": accounts})
    assert len(problems) == 1 and "form a cycle" in problems[0][3]


def test_on_error_is_checked() -> None:
    with pytest.raises(ValueError, match="on_error must be"):
        ak.Book.from_frames(**full_frames(), on_error="ignore")
