"""The KPI workloads through accountkpi's Python API and through pandas, polars and DuckDB, on demo books of
10^4, 10^5 and 10^6 accounts over two years (about 2.1 x 10^5, 2.1 x 10^6 and 2.1 x 10^7 revenue lines; the 12
months computed hold about half of them). Every competitor's answer is checked against accountkpi's before its
time is kept.

    python3 benchmarks/python/bench_kpi.py --sizes 10000,100000
"""

from __future__ import annotations

import argparse
import gc
import sys
from typing import Any

import competitors as c
import numpy as np
import pandas as pd
from common import Measure, compare_tables, compare_values, duration, measure, measure_small, write_json

import accountkpi as ak

YEAR = c.YEAR


def months() -> list[ak.Period]:
    return ak.periods(f"{YEAR}-01-01", f"{YEAR + 1}-01-01", "M")


def demo(accounts: int) -> ak.Book:
    return ak.datasets.demo_book(42, accounts=accounts, years=2, start_year=YEAR - 1, events=False)


def input_bytes(frames: dict[str, pd.DataFrame]) -> int:
    return int(sum(f.memory_usage(index=False, deep=False).sum() for f in frames.values()))


def run(size: int, runs: int, log: Any) -> list[Measure]:
    out: list[Measure] = []

    def keep(m: Measure, check: str, **extra: Any) -> None:
        m.check = check
        m.extra.update(extra)
        out.append(m)
        print(
            f"  {m.workload:<22} {m.library:<10} {duration(m.seconds):>13}"
            f"  peak {m.peak_bytes / 2**20:8.1f} MiB  ({check})",
            file=log,
            flush=True,
        )

    book = demo(size)
    lines = book.rows("revenue")
    print(f"book of {size} accounts: {lines} revenue lines", file=log, flush=True)

    # Building the Book from its tables (as pandas frames): time and peak memory over the input columns.
    frames = book.to_frames()
    m, built = measure(
        "build", size, "accountkpi", lambda frames=frames: ak.Book.from_frames(**frames), runs=1
    )
    size_in = input_bytes(frames)
    same = built.rows("revenue") == lines and np.array_equal(
        built.table("revenue")["amount"].to_numpy(), book.table("revenue")["amount"].to_numpy()
    )
    if not same:
        raise AssertionError("the rebuilt book differs from the original")
    keep(m, "rebuilt book equals the original", input_bytes=size_in, peak_over_input=m.peak_bytes / size_in)
    del built, frames
    gc.collect()

    d = c.prepare(book)
    periods = months()
    r = book.table("revenue")
    amount, dates = r["amount"].to_numpy(), r["date"].to_numpy()
    lo, hi = (
        np.searchsorted(dates, np.datetime64(f"{YEAR}-01-01")),
        np.searchsorted(dates, np.datetime64(f"{YEAR + 1}-01-01")),
    )

    # Revenue by month (one pass) against the floor: numpy summing the same lines' amounts.
    m, floor = measure("revenue_by_month", size, "numpy_sum", lambda: amount[lo:hi].sum(), runs=max(runs, 5))
    keep(m, "the floor: one sum over the year's amount column", lines=int(hi - lo))
    m, ours = measure(
        "revenue_by_month", size, "accountkpi", lambda: book.kpis(periods, kpis="revenue"), runs=max(runs, 5)
    )
    keep(m, compare_values(ours["revenue"].sum(), floor, 1e-12, "yearly total"))
    for lib, fn in (
        ("pandas", c.pandas_revenue_by_month),
        ("polars", c.polars_revenue_by_month),
        ("duckdb", c.duckdb_revenue_by_month),
    ):
        m, theirs = measure("revenue_by_month", size, lib, lambda fn=fn: fn(d), runs=runs)
        keep(m, compare_values(ours["revenue"].to_numpy(), theirs, 1e-12, "12 monthly sums"))

    # A small call: one KPI of one quarter as a DataFrame, against the one-value function (issue 20: the
    # DataFrame path under 100 microseconds), timed warm as timeit does (see common.measure_small).
    quarter = ak.Period(f"{YEAR}Q2")
    m, small = measure_small(
        "one_kpi_one_quarter", size, "accountkpi", lambda: book.kpis(quarter, kpis="revenue")
    )
    keep(m, f"a frame of one row; after gc.collect() {duration(m.extra['cold_seconds'])}")
    m, value = measure_small(
        "one_kpi_one_quarter", size, "kpi.revenue", lambda: ak.kpi.revenue(book, quarter)
    )
    keep(
        m,
        compare_values(float(small["revenue"].iloc[0]), value, 1e-12, "the quarter's revenue")
        + f"; after gc.collect() {duration(m.extra['cold_seconds'])}",
    )

    # The grouped table of issue 3, by manager and by account.
    for by in ("manager", "account"):
        workload = f"table_by_{by}"
        m, ours = measure(
            workload, size, "accountkpi", lambda by=by: book.kpis(periods, by=by, kpis=c.KPIS), runs=runs
        )
        keep(m, f"{len(ours)} rows")
        for lib, fn in (("pandas", c.pandas_table), ("polars", c.polars_table), ("duckdb", c.duckdb_table)):
            m, theirs = measure(workload, size, lib, lambda fn=fn, by=by: fn(d, by), runs=runs)
            keep(m, compare_tables(ours, f"{by}_id", theirs, c.KPIS))
            del theirs
            gc.collect()
        del ours
        gc.collect()

    # Concentration over the accounts with revenue in the year.
    year = ak.Period(str(YEAR))
    m, ours = measure(
        "concentration", size, "accountkpi", lambda: book.kpis(year, kpis=c.CONCENTRATION), runs=runs
    )
    values = [float(ours[k].iloc[0]) for k in c.CONCENTRATION]
    keep(m, "5 measures")
    for lib, fn in (
        ("pandas", c.pandas_concentration),
        ("polars", c.polars_concentration),
        ("duckdb", c.duckdb_concentration),
    ):
        m, theirs = measure("concentration", size, lib, lambda fn=fn: fn(d), runs=runs)
        keep(m, compare_values(values, [theirs[k] for k in c.CONCENTRATION], 1e-9, "5 measures"))
    return out


def main(argv: list[str] | None = None) -> list[dict[str, Any]]:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sizes", default="10000,100000,1000000", help="accounts of the demo books")
    p.add_argument(
        "--runs", type=int, default=3, help="runs per measure below 10^6 accounts (the best is kept)"
    )
    p.add_argument("--large-runs", type=int, default=2, help="runs per measure from 10^6 accounts on")
    p.add_argument("--json", help="write the measures here")
    a = p.parse_args(argv)
    results: list[dict[str, Any]] = []
    for size in (int(s) for s in a.sizes.split(",")):
        results += [m.as_dict() for m in run(size, a.runs if size < 1_000_000 else a.large_runs, sys.stdout)]
    write_json(a.json, results)
    return results


if __name__ == "__main__":
    main()
