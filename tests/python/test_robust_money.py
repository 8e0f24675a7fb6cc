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


def test_amounts_with_more_than_two_decimals_keep_their_precision() -> None:
    amounts = [0.125, 1 / 3, 1e-7, 2 / 3, 12345.6789, -0.0001, 1e-12]
    revenue = pd.DataFrame({"account_id": ["A"] * len(amounts), "date": ["2024-03-01"] * len(amounts)})
    revenue["amount"] = amounts
    book = ak.Book.from_frames(accounts=pd.DataFrame({"account_id": ["A"]}), revenue=revenue)
    assert book.table("revenue")["amount"].tolist() == amounts  # bit for bit
    total = book.kpis(ak.Period("2024"), None, ["revenue"])["revenue"].iloc[0]
    assert total == pytest.approx(math.fsum(amounts), rel=1e-15, abs=0)


def test_credit_notes_cancel_to_the_cent() -> None:
    # 1e12 + 0.01 is stored with the error of its double (~1e-4); the sum adds no error of its own.
    cents = np.array([10**14 + 1, -(10**14), 1, -1, 33, -33])
    book, _ = _book_of(cents, 1, seed=0)
    total = book.kpis(ak.Period("2024"), None, ["revenue"])["revenue"].iloc[0]
    assert total == math.fsum(cents / 100)
    assert round(total, 2) == 0.01
