"""book.kpis of a year of months after a day appended, with the cache warm from before the append
(``Book.state_cache``) against ``cache=False`` (process CPU and wall time, best of 3; answers checked
equal)."""

import time

import numpy as np
import pandas as pd

import accountkpi as ak

frames = ak.datasets.demo_book(42, accounts=240_000, years=2, start_year=2023, events=False).to_frames()
rev = frames["revenue"]
n = len(rev)
order = np.argsort(rev["date"].to_numpy(), kind="stable")
today = np.zeros(n, dtype=bool)
today[order[n * 997 // 1000 :]] = True
before = ak.Book.from_frames(**dict(frames, revenue=rev[~today]))
periods = ak.periods("2024-01-01", "2025-01-01", "M")
kpis = ["revenue", "gross_margin", "avg_deal_size", "retention_rate", "churn_rate", "nrr"]


def timed(book, by, **options):
    """(CPU s, wall s, result) of the year's KPIs of ``book`` by ``by``."""
    c, w = time.process_time(), time.perf_counter()
    out = book.kpis(periods, by=by, kpis=kpis, **options)
    return time.process_time() - c, time.perf_counter() - w, out


print(f"lines {n}, appended {int(today.sum())} ({today.sum() / n:.2%})")
for by in ["manager", "account"]:
    book = before.append(revenue=rev[today])
    uncached = [timed(book, by, cache=False) for _ in range(3)]
    cached = []
    for _ in range(3):
        before.state_cache.clear()
        before.kpis(periods, by=by, kpis=kpis)  # the year, computed yesterday
        book = before.append(revenue=rev[today])
        misses = book.state_cache.hits_and_misses[1]
        cached.append(timed(book, by))
        computed = book.state_cache.hits_and_misses[1] - misses
    pd.testing.assert_frame_equal(cached[0][2], uncached[0][2])
    u_cpu, u_wall = min(t[0] for t in uncached), min(t[1] for t in uncached)
    c_cpu, c_wall = min(t[0] for t in cached), min(t[1] for t in cached)
    print(
        f"by {by}: cache=False {u_cpu * 1e3:.0f} ms CPU, {u_wall * 1e3:.0f} ms wall; "
        f"cache warm {c_cpu * 1e3:.0f} ms CPU, {c_wall * 1e3:.0f} ms wall "
        f"({computed} of {len(periods)} months computed; {c_cpu / u_cpu:.0%} of the CPU)"
    )
