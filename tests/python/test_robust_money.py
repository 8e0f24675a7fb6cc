"""Money: sums exact to the cent over millions of lines (checked against integer cents with Decimal), and
amounts with more than two decimals kept as given."""

from __future__ import annotations

import math
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

import accountkpi as ak


def _book_of(cents: np.ndarray, accounts: int, seed: int) -> tuple[ak.Book, np.ndarray]:
    rng = np.random.default_rng(seed)
    account = rng.integers(0, accounts, len(cents))
    days = np.sort(rng.integers(0, 366, len(cents)))  # in date order: the Book sums in that order
    revenue = pd.DataFrame(
        {
            "account_id": account,
            "date": np.datetime64("2024-01-01") + days.astype("timedelta64[D]"),
            "amount": cents / 100,
        }
    )
    book = ak.Book.from_frames(accounts=pd.DataFrame({"account_id": np.arange(accounts)}), revenue=revenue)
    return book, account


def _check_exact_to_the_cent(n: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    # A first line near the largest amount accepted, then many small ones (and credit notes): a naive
    # running sum in doubles loses cents on every line after the large one.
    cents = rng.integers(-5_000, 100_000, n)
    cents[0] = 9 * 10**14  # 9e12 in currency
    book, account = _book_of(cents, 1000, seed)
    total = book.kpis(ak.Period("2024"), None, ["revenue"])["revenue"].iloc[0]
    exact = Decimal(int(cents.sum())) / 100
    assert abs(Decimal(float(total)) - exact) < Decimal("0.005"), (total, exact)
    naive = np.cumsum(cents / 100)[-1]  # a sequential float loop, as the Book must not sum
    assert abs(Decimal(float(naive)) - exact) > Decimal("0.005")  # the check has teeth
    # Per account too.
    per_account = book.kpis(ak.Period("2024"), "account", ["revenue"]).set_index("account_id")["revenue"]
    exact_per_account = np.bincount(account, weights=None, minlength=1000)  # counts, for the shape only
    assert len(per_account) == len(exact_per_account)
    sums = pd.Series(cents).groupby(account).sum()
    for a, c in sums.items():
        assert abs(Decimal(float(per_account[a])) - Decimal(int(c)) / 100) < Decimal("0.005"), a


def test_sums_are_exact_to_the_cent_over_a_million_lines() -> None:
    _check_exact_to_the_cent(10**6, seed=1)


@pytest.mark.slow
def test_sums_are_exact_to_the_cent_over_ten_million_lines() -> None:
    _check_exact_to_the_cent(10**7, seed=2)


def test_amounts_are_kept_as_given_and_summed_to_the_millionth() -> None:
    amounts = [0.125, 1 / 3, 1e-7, 2 / 3, 12345.6789, -0.0001, 1e-12]
    revenue = pd.DataFrame({"account_id": ["A"] * len(amounts), "date": ["2024-03-01"] * len(amounts)})
    revenue["amount"] = amounts
    book = ak.Book.from_frames(accounts=pd.DataFrame({"account_id": ["A"]}), revenue=revenue)
    assert book.table("revenue")["amount"].tolist() == amounts  # bit for bit
    total = book.kpis(ak.Period("2024"), None, ["revenue"])["revenue"].iloc[0]
    # Each amount to the nearest millionth: 0.125 + 0.333333 + 0 + 0.666667 + 12345.6789 - 0.0001 + 0.
    assert total == 12346.8038
    assert total != math.fsum(amounts)  # the binary sum is 12346.8038001...


def test_credit_notes_cancel_to_the_cent() -> None:
    # 1e12 + 0.01 is stored with the error of its double (1e12 + 0.0100097...): its nearest millionth is
    # 1e12 + 0.010010; the sum adds no error of its own.
    cents = np.array([10**14 + 1, -(10**14), 1, -1, 33, -33])
    book, _ = _book_of(cents, 1, seed=0)
    total = book.kpis(ak.Period("2024"), None, ["revenue"])["revenue"].iloc[0]
    assert total == 0.01001
    assert round(total, 2) == 0.01


def test_regression_lines_that_cancel_in_decimals_sum_to_exactly_zero() -> None:
    # Issue 18, item 3 (as on UCI Online Retail): B's lines cancel to exactly 0.00 in decimals but not in
    # doubles (0.1 + 0.2 - 0.3 = 5.55e-17 > 0), so B joined the NRR cohort and the concentration set.
    revenue = pd.DataFrame(
        {
            "account_id": ["A", "B", "B", "B", "A", "B"],
            "date": ["2024-01-05", "2024-01-06", "2024-01-07", "2024-01-08", "2024-02-03", "2024-02-04"],
            "amount": [100.0, 0.1, 0.2, -0.3, 50.0, 40.0],
        }
    )
    book = ak.Book.from_frames(accounts=pd.DataFrame({"account_id": ["A", "B"]}), revenue=revenue)
    jan = book.kpis("2024-01", "account", ["revenue"]).set_index("account_id")["revenue"]
    assert jan["B"] == 0.0
    # February: base January, cohort {A} (B's 0 is not > 0): NRR 50 / 100; B's 40 is new revenue.
    assert ak.kpi.nrr(book, "2024-02") == 0.5
    assert ak.kpi.largest_client_share(book, "2024-01") == 1.0  # A alone
    assert ak.kpi.gini(book, "2024-01") == 0.0


def test_regression_grr_is_floored_at_zero_per_account() -> None:
    # Issue 18, item 4: credit notes beyond an account's billing made GRR negative (-0.22 on real data).
    revenue = pd.DataFrame(
        {"account_id": ["A", "A"], "date": ["2024-01-05", "2024-02-03"], "amount": [100.0, -30.0]}
    )
    book = ak.Book.from_frames(accounts=pd.DataFrame({"account_id": ["A"]}), revenue=revenue)
    assert ak.kpi.grr(book, "2024-02") == 0.0  # kept: clamp(-30, 0, 100) = 0
    assert ak.kpi.nrr(book, "2024-02") == -0.3  # NRR keeps the credit notes


@pytest.mark.parametrize("seed", range(5))
def test_random_credit_notes_sum_to_the_cent_in_every_group(seed: int) -> None:
    # Property: amounts in cents, about half of them cancelled by a credit note the same day; every group's
    # revenue is the integer sum of its cents / 100, exactly, and an account whose lines all cancel is 0.
    rng = np.random.default_rng(seed)
    n = 2000
    cents = rng.integers(-(10**7), 10**7, n)
    account = rng.integers(0, 30, n)
    day = rng.integers(0, 90, n)
    notes = rng.random(n) < 0.5
    cents = np.concatenate([cents, -cents[notes]])
    account = np.concatenate([account, account[notes]])
    day = np.concatenate([day, day[notes]])
    cents[account == 7] = 0  # account 7: only lines that cancel
    both = cents[account == 7]
    cents[np.flatnonzero(account == 7)] = np.where(np.arange(len(both)) % 2, 1999, -1999)
    if len(both) % 2:
        cents[np.flatnonzero(account == 7)[-1]] = 0
    revenue = pd.DataFrame(
        {
            "account_id": account,
            "date": np.datetime64("2024-01-01") + day.astype("timedelta64[D]"),
            "amount": cents / 100,
        }
    )
    book = ak.Book.from_frames(accounts=pd.DataFrame({"account_id": np.arange(30)}), revenue=revenue)
    got = book.kpis(ak.Period("2024Q1"), "account", ["revenue"]).set_index("account_id")["revenue"]
    want = pd.Series(cents).groupby(account).sum()
    for a, c in want.items():
        assert got[a] == int(c) / 100, a
    assert got[7] == 0.0
    total = book.kpis(ak.Period("2024Q1"), None, ["revenue"])["revenue"].iloc[0]
    assert total == int(cents.sum()) / 100
