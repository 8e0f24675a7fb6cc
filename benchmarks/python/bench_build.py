"""Build speed per line on an Online Retail-like transaction log, from 10^5 to 2 x 10^7 lines (issue 19).

The UCI Online Retail file (541,909 invoice lines, 4,372 customers, 38 countries, one year) is read from
``--online-retail PATH`` (its CSV export: InvoiceDate, Quantity, UnitPrice, CustomerID, Country) and tiled
(customers renumbered per tile, dates kept) to each size. Nothing is fetched: without the file, a synthetic
log of the same shape is generated (about 124 lines per customer, 38 countries, timestamps over one year):
with ``--countries per-customer`` (the default) each customer in one country and one in 200 in two, as in the
file (a handful of its 4,372 customers are in two); with ``--countries random`` each line's country drawn at
random, so that every customer is in every country (the region rule's worst case).

For each size: ``Book.from_transactions`` (ns per line, best of ``--runs``) and, of that, the C++ part
(``accountkpi::TransactionLog``: accounts derived, ids hashed once, Book built) on the columns already
converted; then the build plus a first query (revenue by month) against DuckDB answering the same query
straight from the frame; answers are compared to the cent before a time is kept.

    python benchmarks/python/bench_build.py --sizes 1e5 1e6 1e7 2e7
"""

from __future__ import annotations

import argparse
import gc
import time
from pathlib import Path

import numpy as np
import pandas as pd

import accountkpi as ak
from accountkpi import _core
from accountkpi.sources import transaction_columns


def synthetic(n: int, countries: str = "per-customer", seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    customers = max(1, n // 124)
    seconds = rng.integers(0, 365 * 86_400, n)  # one year of timestamps
    start = np.datetime64("2010-12-01T00:00:00", "s")
    ids = rng.integers(12_346, 12_346 + customers, n)
    drawn = rng.integers(0, 38, n)
    if countries == "per-customer":  # its id's country; one customer in 200 in the next one too, on odd draws
        drawn = (ids + ((ids % 200 == 0) & (drawn % 2 == 1))) % 38
    return pd.DataFrame(
        {
            "CustomerID": ids,
            "InvoiceDate": start + np.sort(seconds).astype("timedelta64[s]"),
            "Sales": np.round(rng.gamma(1.5, 12.0, n), 2),
            "Country": pd.Categorical.from_codes(drawn, [f"country {k}" for k in range(38)]),
        }
    )


def tiled(path: Path, n: int) -> pd.DataFrame:
    raw = pd.read_csv(path, usecols=["InvoiceDate", "Quantity", "UnitPrice", "CustomerID", "Country"])
    raw = raw.dropna(subset=["CustomerID"])
    base = pd.DataFrame(
        {
            "CustomerID": raw["CustomerID"].astype(np.int64).to_numpy(),
            "InvoiceDate": pd.to_datetime(raw["InvoiceDate"]).to_numpy(),
            "Sales": (raw["Quantity"] * raw["UnitPrice"]).to_numpy(),
            "Country": raw["Country"].astype("category"),
        }
    )
    tiles = -(-n // len(base))
    out = pd.concat([base.assign(CustomerID=base["CustomerID"] + 100_000 * k) for k in range(tiles)])
    return out.iloc[:n].sort_values("InvoiceDate", kind="stable").reset_index(drop=True)


def best(fn, runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        gc.collect()
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", type=float, default=[1e5, 1e6, 1e7, 2e7])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--online-retail", type=Path, help="the UCI Online Retail CSV (optional)")
    parser.add_argument(
        "--countries",
        choices=["per-customer", "random"],
        default="per-customer",
        help="the synthetic log's countries: as in Online Retail, or each line's at random (the worst case)",
    )
    args = parser.parse_args()
    import duckdb

    names = {"account": "CustomerID", "date": "InvoiceDate", "amount": "Sales", "region": "Country"}
    months = ak.periods("2010-12-01", "2011-12-01", "M")
    print(
        "| lines | source | from_transactions (s) | ns per line | of which C++, ns per line "
        "| build + first query (s) | DuckDB query (s) | DuckDB / ours |"
    )
    print("|---:|---|---:|---:|---:|---:|---:|---:|")
    for size in args.sizes:
        n = int(size)
        log = tiled(args.online_retail, n) if args.online_retail else synthetic(n, args.countries)
        source = "Online Retail, tiled" if args.online_retail else f"synthetic, {args.countries}"
        build_s, book = best(lambda log=log: ak.Book.from_transactions(log, **names), args.runs)
        columns = {"account_id": "CustomerID", "date": "InvoiceDate", "amount": "Sales", "region": "Country"}
        _, converted, _ = transaction_columns(log, columns)
        core_s, _ = best(
            lambda converted=converted: _core.from_transactions(converted, **names),
            args.runs,
        )
        del converted

        def first_query(log: pd.DataFrame = log) -> np.ndarray:
            book = ak.Book.from_transactions(log, **names)
            return book.kpis(months, kpis="revenue")["revenue"].to_numpy()

        both_s, ours = best(first_query, args.runs)
        con = duckdb.connect()
        con.register("log", log)
        sql = (
            "SELECT date_trunc('month', InvoiceDate) AS m, sum(Sales) FROM log "
            "WHERE CustomerID IS NOT NULL GROUP BY m ORDER BY m"
        )
        duck_s, theirs = best(lambda con=con, sql=sql: con.sql(sql).fetchnumpy(), args.runs)
        con.close()
        # DuckDB lists only the months with lines; ours has every month (0 when empty).
        found = [ak.Period(str(m)[:7]) for m in theirs["m"].astype("datetime64[M]")]
        ours_found = np.array([ours[months.index(p)] for p in found])
        assert np.allclose(ours_found, theirs["sum(Sales)"], rtol=0, atol=0.005), (ours, theirs)
        assert np.all(np.delete(ours, [months.index(p) for p in found]) == 0)
        print(
            f"| {n:.0e} | {source} | {build_s:.3f} | {build_s / n * 1e9:.1f} | {core_s / n * 1e9:.1f} "
            f"| {both_s:.3f} | {duck_s:.3f} "
            f"| {duck_s / both_s:.2f}x |",
            flush=True,
        )
        del log, book


if __name__ == "__main__":
    main()
