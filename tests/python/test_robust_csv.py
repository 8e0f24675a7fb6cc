"""CSV files as CRMs and billing systems export them: encodings, BOMs, quoted line breaks, ragged records,
ids that look like numbers, missing-value markers."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from robust_frames import assert_every_row_accounted_for, full_frames

import accountkpi as ak


def write(directory: Path, **files: str | bytes) -> Path:
    for name, content in files.items():
        path = directory / f"{name}.csv"
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return directory


ACCOUNTS = "account_id,name\nA,Acme\nB,Beta\n"
REVENUE = "account_id,date,amount\nA,2024-01-01,10.5\nB,2024-01-02,20\n"


def problems_of(directory: Path) -> list[tuple[str, int, str, str]]:
    with pytest.raises(ak.ValidationError) as info:
        ak.Book.from_csv(directory)
    assert info.value.total == len(info.value.problems)
    return info.value.problems


def test_a_clean_directory(tmp_path: Path) -> None:
    book = ak.Book.from_csv(write(tmp_path, accounts=ACCOUNTS, revenue=REVENUE))
    assert book.table("revenue")["amount"].tolist() == [10.5, 20.0]


def test_the_full_book_round_trips_through_csv(tmp_path: Path) -> None:
    frames = full_frames()
    for name, frame in frames.items():
        frame.to_csv(tmp_path / f"{name}.csv", index=False)
    book = ak.Book.from_csv(tmp_path)
    expected = ak.Book.from_frames(**frames)
    for table in frames:
        pd.testing.assert_frame_equal(book.table(table), expected.table(table), check_dtype=False)


def test_bom_and_crlf(tmp_path: Path) -> None:
    write(tmp_path, accounts=b"\xef\xbb\xbfaccount_id,name\r\nA,Acme\r\nB,Beta\r\n", revenue=REVENUE)
    book = ak.Book.from_csv(tmp_path)
    assert book.table("accounts")["name"].tolist() == ["Acme", "Beta"]


def test_quoted_line_breaks_and_commas_count_as_one_record(tmp_path: Path) -> None:
    accounts = 'account_id,name\nA,"Acme, Inc.\nsecond line"\nB,"Beta ""the best"""\n'
    revenue = "account_id,date,amount\nA,2024-01-01,1\nB,2024-01-02,oops\n"
    problems = problems_of(write(tmp_path, accounts=accounts, revenue=revenue))
    assert problems == [("revenue", 1, "amount", "not a number: 'oops'")]
    write(tmp_path, revenue=REVENUE)
    names = ak.Book.from_csv(tmp_path).table("accounts")["name"].tolist()
    assert names == ["Acme, Inc.\nsecond line", 'Beta "the best"']


def test_non_utf8_file_is_named(tmp_path: Path) -> None:
    write(tmp_path, accounts="account_id,name\nA,Müller\n".encode("latin-1"), revenue=REVENUE)
    problems = problems_of(tmp_path)
    assert problems[0][:3] == ("accounts", -1, "")
    assert "accounts.csv is not UTF-8 text" in problems[0][3]


@pytest.mark.parametrize(
    ("line", "fields"),
    [pytest.param("B,2024-01-02", 2, id="short"), pytest.param("B,2024-01-02,2,x", 4, id="long")],
)
def test_ragged_records_are_reported_by_row(tmp_path: Path, line: str, fields: int) -> None:
    revenue = f"account_id,date,amount\nA,2024-01-01,1\n{line}\nA,2024-01-03,3\n"
    problems = problems_of(write(tmp_path, accounts=ACCOUNTS, revenue=revenue))
    assert ("revenue", 1, "", f"has {fields} fields, the header has 3") in problems
    book, rejected = ak.Book.from_csv(tmp_path, on_error="quarantine")
    assert rejected[["table", "row"]].values.tolist() == [["revenue", 1]]
    assert book.table("revenue")["amount"].tolist() == [1.0, 3.0]


def test_empty_and_header_only_files(tmp_path: Path) -> None:
    write(tmp_path, accounts="", revenue=REVENUE)
    problems = problems_of(tmp_path)
    assert problems[0][:3] == ("accounts", -1, "") and "cannot be read as CSV" in problems[0][3]
    write(tmp_path, accounts="account_id,name\n", revenue="account_id,date,amount\n")
    book = ak.Book.from_csv(tmp_path)
    assert book.n_accounts == 0 and len(book.table("revenue")) == 0


def test_ids_are_read_as_written(tmp_path: Path) -> None:
    # "007" stays "007" (not 7), "NA" (Namibia) is an id, not a missing value; in numbers NA is missing.
    accounts = "account_id,region\n007,NA\nNA,EMEA\n"
    revenue = "account_id,date,amount\n007,2024-01-01,1\nNA,2024-01-02,NA\n"
    problems = problems_of(write(tmp_path, accounts=accounts, revenue=revenue))
    assert problems == [("revenue", 1, "amount", "missing value")]
    write(tmp_path, revenue="account_id,date,amount\n007,2024-01-01,1\nNA,2024-01-02,2\n")
    book = ak.Book.from_csv(tmp_path)
    assert book.table("accounts")["account_id"].tolist() == ["007", "NA"]
    assert book.table("accounts")["region"].tolist() == ["NA", "EMEA"]


def test_missing_required_file_and_unknown_file(tmp_path: Path) -> None:
    problems = problems_of(write(tmp_path, revenue=REVENUE, invoices="x\n1\n"))
    assert ("accounts", -1, "", "required file accounts.csv is missing") in problems
    assert any(p[0] == "invoices" and "unknown table file" in p[3] for p in problems)
    with pytest.raises(FileNotFoundError):
        ak.Book.from_csv(tmp_path / "nowhere")


def test_nul_bytes_are_a_problem_not_a_crash(tmp_path: Path) -> None:
    write(tmp_path, accounts=b"account_id,name\nA,Ac\x00me\n", revenue=REVENUE)
    try:
        ak.Book.from_csv(tmp_path)
    except ak.ValidationError as e:
        assert all(p[3] for p in e.problems)


def test_quarantine_from_csv_accounts_for_every_record(tmp_path: Path) -> None:
    accounts = "account_id,acquired_on\nA,2024-01-01\nB,1850-01-01\nC,2024-02-01\n"
    revenue = "account_id,date,amount\nA,2024-01-05,1\nB,2024-01-05,2\nC,2024-02-05,inf\nZ,2024-02-05,4\n"
    write(tmp_path, accounts=accounts, revenue=revenue)
    book, rejected = ak.Book.from_csv(tmp_path, on_error="quarantine")
    frames = {
        "accounts": pd.read_csv(tmp_path / "accounts.csv"),
        "revenue": pd.read_csv(tmp_path / "revenue.csv"),
    }
    assert_every_row_accounted_for(frames, book, rejected)
    reasons = dict(zip(zip(rejected["table"], rejected["row"], strict=True), rejected["reason"], strict=True))
    assert "outside 1900-01-01..2200-12-31" in reasons[("accounts", 1)]
    assert reasons[("revenue", 1)] == "account 'B' is rejected (accounts row 1)"
    assert reasons[("revenue", 2)] == "infinite value"
    assert reasons[("revenue", 3)] == "unknown account id 'Z'"
    assert book.table("revenue")["amount"].tolist() == [1.0]
