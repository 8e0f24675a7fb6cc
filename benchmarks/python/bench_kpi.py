"""The KPI workloads through accountkpi's Python API and through pandas, polars and DuckDB, on demo books of
10^4, 10^5 and 10^6 accounts over two years (about 2.1 x 10^5, 2.1 x 10^6 and 2.1 x 10^7 revenue lines; the 12
months computed hold about half of them). Every competitor's answer is checked against accountkpi's before its
time is kept. accountkpi computes every call (`cache=False`): with its state cache a repeated call would be
answered from memory, which no competitor does (`bench_kpis_cached.py` measures the cache).

    python3 benchmarks/python/bench_kpi.py --sizes 10000,100000
"""

from __future__ import annotations

import argparse
import gc
import sys
from dataclasses import replace
from typing import Any

import competitors as c
import numpy as np
import pandas as pd
from common import Measure, compare_tables, compare_values, duration, measure, measure_small, write_json

import accountkpi as ak

YEAR = c.YEAR
# The grouped tables: (workload, key, KPIs).
TABLES = [
    *((f"sums_by_{by}", by, c.SUMS) for by in ("account", "region", "project", "manager")),
    *((f"table_by_{by}", by, c.KPIS) for by in ("manager", "account", "region")),
]


def months() -> list[ak.Period]:
    return ak.periods(f"{YEAR}-01-01", f"{YEAR + 1}-01-01", "M")


def demo(accounts: int) -> ak.Book:
    return ak.datasets.demo_book(42, accounts=accounts, years=2, start_year=YEAR - 1, events=False)


def input_bytes(frames: dict[str, pd.DataFrame]) -> int:
    return int(sum(f.memory_usage(index=False, deep=False).sum() for f in frames.values()))


def answer_sized_arrays(frame: pd.DataFrame) -> list[np.ndarray]:
    """Arrays of as many bytes as each column of ``frame`` holds (a category's codes, numbers, ids), written
    once, so that their pages are in: what the floor with the answer writes again (memory bandwidth, not the
    page faults of memory new to the process, which a library may avoid by keeping freed memory)."""
    return [np.ones(int(b), np.uint8) for b in frame.memory_usage(index=False, deep=False)]


def write(arrays: list[np.ndarray]) -> list[np.ndarray]:
    """Every byte of ``arrays`` written once."""
    for a in arrays:
        a.fill(1)
    return arrays


class Run:
    """The workloads on one demo book: each method times one family and keeps its measures in `out`."""

    def __init__(self, size: int, runs: int, log: Any, min_seconds: float = 0.0) -> None:
        self.size, self.runs, self.log, self.min_seconds = size, runs, log, min_seconds
        self.out: list[Measure] = []
        self.book = demo(size)
        self.periods = months()
        r = self.book.table("revenue")
        self.amount, dates = r["amount"].to_numpy(), r["date"].to_numpy()
        self.lo, self.hi = (np.searchsorted(dates, np.datetime64(f"{y}-01-01")) for y in (YEAR, YEAR + 1))
        # The columns a one-key table of sums reads (date, account, amount, cost).
        self.touched = [dates.view(np.int64), r["account_id"].to_numpy(), self.amount, r["cost"].to_numpy()]
        print(f"book of {size} accounts: {len(r)} revenue lines", file=log, flush=True)

    def keep(self, m: Measure, check: str, **extra: Any) -> None:
        m.check = check
        m.extra.update(extra)
        self.out.append(m)
        print(
            f"  {m.workload:<22} {m.library:<10} {duration(m.seconds):>13}"
            f"  peak {m.peak_bytes / 2**20:8.1f} MiB  ({check})",
            file=self.log,
            flush=True,
        )

    def measure(self, workload: str, library: str, fn: Any, runs: int | None = None) -> tuple[Measure, Any]:
        return measure(workload, self.size, library, fn, runs=runs or self.runs, min_seconds=self.min_seconds)

    def build(self) -> None:
        """Building the Book from its tables (pandas frames): time and peak memory over the input columns."""
        book, frames = self.book, self.book.to_frames()
        m, built = measure("build", self.size, "accountkpi", lambda: ak.Book.from_frames(**frames), runs=1)
        size_in = input_bytes(frames)
        same = built.rows("revenue") == book.rows("revenue") and np.array_equal(
            built.table("revenue")["amount"].to_numpy(), self.amount
        )
        if not same:
            raise AssertionError("the rebuilt book differs from the original")
        self.keep(
            m, "rebuilt book equals the original", input_bytes=size_in, peak_over_input=m.peak_bytes / size_in
        )

    def revenue_by_month(self, d: c.Inputs) -> None:
        """Revenue by month (one pass) against the floor: numpy summing the same lines' amounts."""
        lo, hi, amount, runs = self.lo, self.hi, self.amount, max(self.runs, 5)
        m, floor = self.measure("revenue_by_month", "floor", lambda: amount[lo:hi].sum(), runs=runs)
        self.keep(m, "the floor: one sum over the year's amount column", lines=int(hi - lo))
        m, ours = self.measure(
            "revenue_by_month",
            "accountkpi",
            lambda: self.book.kpis(self.periods, kpis="revenue", cache=False),
            runs=runs,
        )
        self.keep(m, compare_values(ours["revenue"].sum(), floor, 1e-12, "yearly total"))
        for lib, theirs_fn in (
            ("pandas", c.pandas_revenue_by_month),
            ("polars", c.polars_revenue_by_month),
            ("duckdb", c.duckdb_revenue_by_month),
        ):
            m, theirs = self.measure("revenue_by_month", lib, lambda f=theirs_fn: f(d))
            self.keep(m, compare_values(ours["revenue"].to_numpy(), theirs, 1e-12, "12 monthly sums"))

    def small_calls(self) -> None:
        """One KPI of one quarter as a DataFrame, against the one-value function (issue 20: the DataFrame path
        under 100 microseconds), timed warm as timeit does (see common.measure_small)."""
        book, quarter = self.book, ak.Period(f"{YEAR}Q2")
        m, small = measure_small(
            "one_kpi_one_quarter",
            self.size,
            "accountkpi",
            lambda: book.kpis(quarter, kpis="revenue", cache=False),
        )
        self.keep(m, f"a frame of one row; after gc.collect() {duration(m.extra['cold_seconds'])}")
        m, value = measure_small(
            "one_kpi_one_quarter", self.size, "kpi.revenue", lambda: ak.kpi.revenue(book, quarter)
        )
        self.keep(
            m,
            compare_values(float(small["revenue"].iloc[0]), value, 1e-12, "the quarter's revenue")
            + f"; after gc.collect() {duration(m.extra['cold_seconds'])}",
        )

    def tables(self, d: c.Inputs) -> None:
        """The grouped tables: simple sums by each key and the whole family of issue 3, each beside the floor
        of issue 20: numpy summing, once each, the year's lines of the four columns a one-key table of sums
        reads, which memory bandwidth bounds; and beside the floor with the answer: that, then writing as many
        bytes as the answer's columns hold (into arrays whose pages are in), as any library must that returns
        them (a row per account or project and month is a larger answer than the lines it sums)."""
        lo, hi = self.lo, self.hi

        def read() -> list[Any]:
            return [x[lo:hi].sum() for x in self.touched]

        floor, _ = self.measure("floor", "floor", read, runs=5)
        for workload, by, kpis in TABLES:
            self.keep(
                replace(floor, workload=workload), "numpy summing the year's date, account, amount, cost"
            )
            m, ours = self.measure(
                workload,
                "accountkpi",
                lambda by=by, k=kpis: self.book.kpis(self.periods, by=by, kpis=k, cache=False),
            )
            self.keep(m, f"{len(ours)} rows")
            answer = answer_sized_arrays(ours)
            m, _ = self.measure(workload, "floor+answer", lambda a=answer: (read(), write(a)))
            size = sum(a.nbytes for a in answer) / 2**20
            self.keep(m, f"numpy summing the same columns, then writing {size:.1f} MiB (the answer's bytes)")
            del answer
            key = "region" if by == "region" else f"{by}_id"
            for lib, theirs_fn in (
                ("pandas", c.pandas_table),
                ("polars", c.polars_table),
                ("duckdb", c.duckdb_table),
            ):
                m, theirs = self.measure(workload, lib, lambda f=theirs_fn, by=by, k=kpis: f(d, by, k))
                self.keep(m, compare_tables(ours, key, theirs, kpis))
                del theirs
                gc.collect()
            del ours
            gc.collect()

    def concentration(self, d: c.Inputs) -> None:
        """Concentration over the accounts with revenue in the year."""
        year = ak.Period(str(YEAR))
        m, ours = self.measure(
            "concentration", "accountkpi", lambda: self.book.kpis(year, kpis=c.CONCENTRATION, cache=False)
        )
        values = [float(ours[k].iloc[0]) for k in c.CONCENTRATION]
        self.keep(m, "5 measures")
        for lib, fn in (
            ("pandas", c.pandas_concentration),
            ("polars", c.polars_concentration),
            ("duckdb", c.duckdb_concentration),
        ):
            m, theirs = self.measure("concentration", lib, lambda f=fn: f(d))
            self.keep(m, compare_values(values, [theirs[k] for k in c.CONCENTRATION], 1e-9, "5 measures"))


def run(size: int, runs: int, log: Any, min_seconds: float = 0.0) -> list[Measure]:
    r = Run(size, runs, log, min_seconds)
    r.build()
    gc.collect()
    d = c.prepare(r.book)
    r.revenue_by_month(d)
    r.small_calls()
    r.tables(d)
    r.concentration(d)
    return r.out


def main(argv: list[str] | None = None) -> list[dict[str, Any]]:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sizes", default="10000,100000,1000000", help="accounts of the demo books")
    p.add_argument(
        "--runs", type=int, default=3, help="runs per measure below 10^6 accounts (the best is kept)"
    )
    p.add_argument("--large-runs", type=int, default=2, help="runs per measure from 10^6 accounts on")
    p.add_argument(
        "--min-seconds",
        type=float,
        default=0.2,
        help="more runs of a measure (up to 50) while its runs took less than this in all, as timeit's "
        "autorange (0: exactly --runs; the build is timed once)",
    )
    p.add_argument("--json", help="write the measures here")
    a = p.parse_args(argv)
    results: list[dict[str, Any]] = []
    for size in (int(s) for s in a.sizes.split(",")):
        runs = a.runs if size < 1_000_000 else a.large_runs
        results += [m.as_dict() for m in run(size, runs, sys.stdout, a.min_seconds)]
    write_json(a.json, results)
    return results


if __name__ == "__main__":
    main()
