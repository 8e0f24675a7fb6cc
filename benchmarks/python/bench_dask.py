"""How accountkpi.dask.kpis grows from 10^6 to 10^8 revenue lines on a local Dask cluster.

Revenue lines are generated partition by partition on the workers (``dask.dataframe.from_map``), each
partition holding random accounts (``--layout random``: not split by account, so they are shuffled) or the
accounts of one bucket ``account_id mod partitions`` (``--layout by-account``: as a lake partitioned by
account, which is not shuffled), so 10^8 lines are never whole in memory. Up to
``--check-up-to`` lines the answer is checked against ``book.kpis`` on one machine; above, the total
revenue is checked against Dask's own sum of the generated amounts.

Run by hand (it takes minutes at 10^8):

    python benchmarks/python/bench_dask.py --lines 1e6 1e7 1e8 --workers 2
    python benchmarks/python/bench_dask.py --lines 1e7 --layout by-account
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

import accountkpi as ak
import accountkpi.dask as akd

START = np.datetime64("2023-01-01")
DAYS = 3 * 365
REGIONS = ["EMEA", "APAC", "AMER", "LATAM"]


def accounts_table(n: int) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame(
        {
            "account_id": np.arange(n, dtype=np.int64),
            "region": pd.Categorical.from_codes(rng.integers(0, len(REGIONS), n), categories=REGIONS),
        }
    )


def revenue_part(i: int, lines: int, n_accounts: int, buckets: int = 0) -> pd.DataFrame:
    """Partition ``i``: random accounts (of bucket ``i`` of ``buckets`` when given), dates over three
    years, amounts in currency with cents."""
    rng = np.random.default_rng([42, i])
    days = rng.integers(0, DAYS, lines)
    if buckets:
        accounts = i + buckets * rng.integers(0, -(-(n_accounts - i) // buckets), lines, dtype=np.int64)
    else:
        accounts = rng.integers(0, n_accounts, lines, dtype=np.int64)
    return pd.DataFrame(
        {
            "account_id": accounts,
            "date": (START + days.astype("timedelta64[D]")).astype("datetime64[s]"),
            "amount": np.round(rng.gamma(2.0, 400.0, lines), 2),
        }
    )


def main() -> None:
    import dask.dataframe as dd
    from distributed import Client, LocalCluster

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=float, nargs="+", default=[1e6, 1e7, 1e8])
    parser.add_argument("--lines-per-partition", type=float, default=2.5e6)
    parser.add_argument("--lines-per-account", type=float, default=200.0)
    parser.add_argument("--max-accounts", type=int, default=500_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--memory-limit", default="8GiB", help="per worker")
    parser.add_argument("--check-up-to", type=float, default=1e7)
    parser.add_argument("--layout", choices=["random", "by-account"], default="random")
    parser.add_argument(
        "--shuffle", choices=["auto", "true"], default="auto", help="accountkpi.dask's shuffle="
    )
    args = parser.parse_args()
    shuffle = True if args.shuffle == "true" else "auto"

    periods = ak.periods("2023-01-01", "2026-01-01", "Q")
    with (
        LocalCluster(
            n_workers=args.workers,
            threads_per_worker=1,
            memory_limit=args.memory_limit,
            dashboard_address=":0",
        ) as cluster,
        Client(cluster),
    ):
        header = ("lines", "accounts", "parts", "dask s", "lines/s", "1 machine s")
        print(" ".join(f"{h:>{w}}" for h, w in zip(header, (12, 9, 5, 8, 11, 11), strict=True)), " check")
        for total in (int(x) for x in args.lines):
            per = int(min(args.lines_per_partition, total))
            parts = -(-total // per)
            n_accounts = int(min(args.max_accounts, max(100, total / args.lines_per_account)))
            accounts = accounts_table(n_accounts)
            sizes = [per] * (parts - 1) + [total - per * (parts - 1)]
            buckets = parts if args.layout == "by-account" else 0
            revenue = dd.from_map(revenue_part, range(parts), sizes, n_accounts=n_accounts, buckets=buckets)
            tables = {"accounts": accounts, "revenue": revenue}

            t0 = time.perf_counter()
            got = akd.kpis(tables, periods, by="region", partitions=parts, shuffle=shuffle)
            seconds = time.perf_counter() - t0

            single = float("nan")
            if total <= args.check_up_to:
                t0 = time.perf_counter()
                frames = [revenue_part(i, sizes[i], n_accounts, buckets) for i in range(parts)]
                book = ak.Book.from_frames(accounts=accounts, revenue=pd.concat(frames, ignore_index=True))
                want = book.kpis(periods, by="region")
                single = time.perf_counter() - t0
                del book, frames
                pd.testing.assert_frame_equal(got, want, check_exact=False, rtol=1e-12)
                check = "= book.kpis"
            else:
                expected = revenue["amount"].sum().compute()
                assert abs(got["revenue"].sum() - expected) <= 1e-9 * abs(expected), (
                    got["revenue"].sum(),
                    expected,
                )
                check = "total revenue"
            print(
                f"{total:>12,} {n_accounts:>9,} {parts:>5} {seconds:>8.1f} {total / seconds:>11,.0f} "
                f"{single:>11.1f}  {check} ({args.layout}, shuffle={args.shuffle})",
                flush=True,
            )


if __name__ == "__main__":
    main()
