"""Concurrency and lifetime: one Book read from many threads, heavy calls without the GIL, arrays that keep
their owner alive, pickles across a process boundary."""

from __future__ import annotations

import gc
import multiprocessing
import os
import pickle
import threading
import time
import warnings
import weakref
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import numpy as np
import pandas as pd
import pytest

import accountkpi as ak
from accountkpi import _core

PERIODS = ("2023-01-01", "2026-01-01", "Q")
REQUESTS = [
    {"by": "manager"},
    {"by": "region", "kpis": ["revenue", "nrr", "grr"]},
    {"by": ["tier", "domain"]},
    {"by": None, "retention_method": "textbook"},
    {"by": "account", "kpis": ["revenue", "gross_margin"]},
    {"by": "volume_band"},
]


@pytest.fixture(scope="module")
def book() -> ak.Book:
    return ak.datasets.demo_book(seed=3, accounts=600, years=3, lines_per_month=2)


def kpis_of(book: ak.Book, request: dict) -> pd.DataFrame:
    request = dict(request)
    return book.kpis(ak.periods(*PERIODS), request.pop("by"), request.pop("kpis", None), **request)


def test_kpis_from_many_threads_equal_a_single_threaded_run(book: ak.Book) -> None:
    expected = [kpis_of(book, r) for r in REQUESTS]
    jobs = [k % len(REQUESTS) for k in range(4 * len(REQUESTS))]
    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(lambda k: (k, kpis_of(book, REQUESTS[k])), jobs))
    for k, got in results:
        pd.testing.assert_frame_equal(got, expected[k])


def test_tables_from_many_threads(book: ak.Book) -> None:
    expected = {t: book.table(t) for t in [*book.table_names, "spells"]}
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda t: (t, book.table(t)), list(expected) * 3))
    for t, got in results:
        pd.testing.assert_frame_equal(got, expected[t])


def test_the_engine_releases_the_gil() -> None:
    # While one thread is inside the C++ engine, another keeps running Python: its longest pause is a small
    # part of the engine call (with the GIL held it would be the whole call).
    big = ak.datasets.demo_book(seed=1, accounts=2000, years=3, lines_per_month=4)
    periods = [(p._begin, p._end) for p in ak.periods("2023-01-01", "2026-01-01", "M")]
    call = lambda: _core.kpi.compute(big._core, periods, ["account"], [], {}, {})  # noqa: E731
    start = time.perf_counter()
    call()
    alone = time.perf_counter() - start
    done = threading.Event()
    worker = threading.Thread(target=lambda: (call(), done.set()))
    stamps = []
    worker.start()
    while not done.is_set():
        stamps.append(time.perf_counter())
    worker.join()
    longest_pause = max(np.diff(stamps), default=0.0)
    assert longest_pause < 0.5 * alone, (longest_pause, alone)


def test_arrays_without_copies_keep_the_book_alive(tiny_frames: dict[str, pd.DataFrame]) -> None:
    book = ak.Book.from_frames(**tiny_frames)
    core_ref = weakref.ref(book._core)
    amount = book.table("revenue")["amount"].to_numpy()
    dates = book.table("revenue")["date"].to_numpy()
    assert not amount.flags.writeable and not amount.flags.owndata
    del book
    gc.collect()
    assert core_ref() is not None  # the array holds the C++ Book
    _ = [np.ones(10_000) for _ in range(100)]  # reuse freed memory if there were any
    assert amount.tolist() == [100.0, 50.0, 25.5]
    assert len(dates) == 3
    del amount, dates
    gc.collect()
    assert core_ref() is None  # once the views are gone, the Book goes too


def test_regression_table_columns_are_views_not_copies(tiny_frames: dict[str, pd.DataFrame]) -> None:
    # pandas 3 copied every column handed to DataFrame(...): "no copy" was a copy.
    book = ak.Book.from_frames(**tiny_frames)
    amount = book.table("revenue")["amount"].to_numpy()
    base = amount
    while isinstance(base, np.ndarray):
        base = base.base
    assert isinstance(base, _core.Book)


def test_a_kpi_table_outlives_the_book() -> None:
    book = ak.datasets.demo_book(seed=0)
    table = book.kpis(ak.periods("2024-01-01", "2025-01-01", "Q"), by="region", kpis=["revenue"])
    expected = table.copy(deep=True)
    del book
    gc.collect()
    _ = [np.ones(10_000) for _ in range(100)]
    pd.testing.assert_frame_equal(table, expected)


def _kpis_in_child(payload: bytes) -> bytes:
    book = pickle.loads(payload)
    return pickle.dumps([kpis_of(book, r) for r in REQUESTS[:3]] + [book.table("revenue")])


def test_pickle_round_trips_across_processes(book: ak.Book) -> None:
    payload = pickle.dumps(book)
    expected = [kpis_of(book, r) for r in REQUESTS[:3]] + [book.table("revenue")]
    context = multiprocessing.get_context("spawn")  # no fork of a threaded parent
    with ProcessPoolExecutor(max_workers=2, mp_context=context) as pool:
        results = list(pool.map(_kpis_in_child, [payload, payload]))
    for result in results:
        for got, want in zip(pickle.loads(result), expected, strict=True):
            pd.testing.assert_frame_equal(got, want)


_FORKED_BOOK: ak.Book | None = None


def _split_kpis_in_forked_child(_: int) -> pd.DataFrame:
    assert _FORKED_BOOK is not None
    return _FORKED_BOOK.kpis(
        ak.periods("2024-01-01", "2025-01-01", "M"), "account", ["revenue", "gross_margin"]
    )


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this platform")
def test_a_forked_child_splits_requests_after_its_parent_did() -> None:
    # The parent's large requests ran on the engine's kept threads, which a forked child does not have: the
    # child's requests neither wait for them nor differ.
    global _FORKED_BOOK
    _FORKED_BOOK = ak.datasets.demo_book(seed=7, accounts=10_000, years=2, start_year=2023, events=False)
    expected = _split_kpis_in_forked_child(0)  # about 2 x 10^5 lines and account-periods: split in two
    context = multiprocessing.get_context("fork")
    with warnings.catch_warnings():
        # Python 3.12+ warns of any fork of a process with threads (the engine's wait between requests).
        warnings.simplefilter("ignore", DeprecationWarning)
        with ProcessPoolExecutor(max_workers=2, mp_context=context) as pool:
            results = list(pool.map(_split_kpis_in_forked_child, [0, 1], timeout=120))
    for got in results:
        pd.testing.assert_frame_equal(got, expected)


def test_pickle_keeps_every_table_and_option() -> None:
    frames = {
        "accounts": pd.DataFrame({"account_id": [10, 20], "name": ["Ä ö", "x\ny"]}),
        "revenue": pd.DataFrame(
            {"account_id": [10, 20], "date": ["2024-01-01", "2024-02-29"], "amount": [0.125, -3.5]}
        ),
    }
    book = ak.Book.from_frames(**frames, inactivity_days=30)
    copy = pickle.loads(pickle.dumps(book, protocol=pickle.HIGHEST_PROTOCOL))
    assert copy.inactivity_days == 30
    for name in [*book.table_names, "spells"]:
        pd.testing.assert_frame_equal(copy.table(name), book.table(name))
