"""Book.append of 0.3% of the lines against Book.from_frames of the whole (process CPU time, best of 3).

"After a build" appends to one Book three times: the later times reuse memory the earlier ones freed.
"First in a process" is the append a service pays once after its build: one append in a fresh interpreter
(this script run with --first), best of 3 processes.
"""

import subprocess
import sys
import time

import numpy as np
import pandas as pd

import accountkpi as ak

frames = ak.datasets.demo_book(42, accounts=100_000, years=2, start_year=2023, events=False).to_frames()
rev = frames["revenue"]
n = len(rev)
order = np.argsort(rev["date"].to_numpy(), kind="stable")
part = np.zeros(n, dtype=np.int8)
part[order[n * 994 // 1000 : n * 997 // 1000]] = 1
part[order[n * 997 // 1000 :]] = 2
base = dict(frames, revenue=rev[part == 0])
yesterday, today = rev[part == 1], rev[part == 2]


def cpu(f):
    best = float("inf")
    for _ in range(3):
        t = time.process_time()
        out = f()
        best = min(best, time.process_time() - t)
    return best, out


if "--first" in sys.argv:
    built = ak.Book.from_frames(**base)
    t = time.process_time()
    built.append(revenue=today)
    print(time.process_time() - t)
    sys.exit()
built, book = cpu(lambda: ak.Book.from_frames(**frames))
first, before = cpu(lambda: ak.Book.from_frames(**base).append(revenue=yesterday))
base_book = ak.Book.from_frames(**base)
after_build, _ = cpu(lambda: base_book.append(revenue=today))


def second():
    b = base_book.append(revenue=yesterday)
    t = time.process_time()
    out = b.append(revenue=today)
    return time.process_time() - t, out


times = [second() for _ in range(3)]
after_append = min(t for t, _ in times)
whole = times[0][1]
periods = ak.periods("2024-01-01", "2025-01-01", "M")
pd.testing.assert_frame_equal(whole.kpis(periods, by="region"), book.kpis(periods, by="region"))
print(f"lines {n}, appended {len(today)} ({len(today) / n:.2%})")
print(f"from_frames(whole) {built * 1e3:.0f} ms CPU")
print(f"append after a build {after_build * 1e3:.1f} ms ({after_build / built:.1%})")
fresh = min(
    float(
        subprocess.run(
            [sys.executable, __file__, "--first"], capture_output=True, text=True, check=True
        ).stdout
    )
    for _ in range(3)
)
print(f"append after a build, first in a process {fresh * 1e3:.1f} ms ({fresh / built:.1%})")
print(f"append after an append {after_append * 1e3:.1f} ms ({after_append / built:.1%})")
