"""Timing, peak memory and answer checks shared by the Python benchmarks."""

from __future__ import annotations

import ctypes
import gc
import json
import math
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd


def _status_kb(name: str) -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(name + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"no {name} in /proc/self/status")


def reset_peak() -> int:
    """Returns freed heap memory to the system (so that memory reused from earlier work is counted), resets
    the peak resident set size (Linux: clear_refs 5) and returns the current one, in bytes."""
    ctypes.CDLL("libc.so.6").malloc_trim(0)
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")
    return _status_kb("VmRSS") * 1024


def peak_since(base: int) -> int:
    """Peak resident memory above `base` since the last `reset_peak`, in bytes."""
    return max(0, _status_kb("VmHWM") * 1024 - base)


@dataclass
class Measure:
    workload: str
    size: int  # accounts of the demo book (or customers of an LTV data set)
    library: str
    seconds: float  # best of `runs` (see `measure`)
    runs: int
    peak_bytes: int  # peak resident memory above the start of the first run
    check: str = ""  # how the answer was checked
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def duration(seconds: float) -> str:
    """A time as the tables show it: microseconds below a millisecond (small calls), then ms, then s."""
    if seconds < 1e-3:
        return f"{seconds * 1e6:.1f} us"
    return f"{seconds * 1e3:.1f} ms" if seconds < 10 else f"{seconds:.1f} s"


def measure(
    workload: str,
    size: int,
    library: str,
    fn: Callable[[], Any],
    runs: int = 3,
    *,
    min_seconds: float = 0.0,
    max_runs: int = 50,
) -> tuple[Measure, Any]:
    """Runs `fn` `runs` times, and on while the runs so far took less than `min_seconds` in all (at most
    `max_runs`), as ``timeit``'s autorange does for short calls: the best of three calls of a few milliseconds
    on a virtual machine says more about its state than about the call. Each run after ``gc.collect()``.
    Returns the best wall time (``extra["best_of_first"]``: the best of the first `runs`, when there were
    more) and the peak memory of the first run."""
    gc.collect()
    base = reset_peak()
    t0 = time.perf_counter()
    out = fn()
    best = spent = time.perf_counter() - t0
    peak = peak_since(base)
    done, first = 1, best
    while done < runs or (spent < min_seconds and done < max_runs):
        del out
        gc.collect()
        t0 = time.perf_counter()
        out = fn()
        took = time.perf_counter() - t0
        best, spent, done = min(best, took), spent + took, done + 1
        if done <= runs:
            first = best
    m = Measure(workload, size, library, best, done, peak)
    if done > runs:
        m.extra["best_of_first"] = first
    return m, out


def measure_small(
    workload: str, size: int, library: str, fn: Callable[[], Any], *, loops: int = 1000, repeats: int = 7
) -> tuple[Measure, Any]:
    """A small call as ``timeit`` times it: the best of ``repeats`` loops of ``loops`` calls, per call (warm
    caches, no collection in between). ``measure``'s ``gc.collect()`` before each call would time the
    collector's eviction of the caches instead, which dwarfs a call of tens of microseconds; that figure is
    kept in ``extra["cold_seconds"]`` (best of 300 such calls)."""
    cold, out = measure(workload, size, library, fn, runs=300)
    best = math.inf
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(loops):
            fn()
        best = min(best, (time.perf_counter() - t0) / loops)
    m = Measure(workload, size, library, best, repeats * loops, cold.peak_bytes)
    m.extra["cold_seconds"] = cold.seconds
    return m, out


class Disagreement(AssertionError):
    pass


def _normal(df: pd.DataFrame, key: str, kpis: list[str]) -> pd.DataFrame:
    keys = pd.Series(np.asarray(df[key], dtype=object)).where(pd.notna(df[key]), "<none>")
    period = df["period"]
    if isinstance(period.dtype, pd.CategoricalDtype):
        period = period.cat.codes
    out = pd.DataFrame({"key": keys.to_numpy(), "period": np.asarray(period, dtype=np.int64)})
    for k in kpis:
        out[k] = np.asarray(df[k], dtype=np.float64)
    # Outer joins on missing keys may leave one row per part: keep the non-missing value of each column.
    return out.groupby(["key", "period"], sort=False).first()


def compare_tables(
    engine: pd.DataFrame, engine_key: str, other: pd.DataFrame, kpis: list[str], tolerance: float = 1e-9
) -> str:
    """Checks that two long KPI tables agree cell by cell: revenue to the cent (missing = 0), ratios to
    `tolerance` relative (missing = NaN, NaN = NaN). Raises `Disagreement`; returns what was checked."""
    a = _normal(engine, engine_key, kpis)
    b = _normal(other, "key", kpis)
    both = a.join(b, how="outer", lsuffix="_a", rsuffix="_b")
    worst = 0.0
    for k in kpis:
        x, y = both[k + "_a"].to_numpy(), both[k + "_b"].to_numpy()
        if k == "revenue":
            x, y = np.nan_to_num(x), np.nan_to_num(y)
            bad = np.abs(x - y) > 0.005 + 1e-12 * np.abs(y)
        else:
            nan_x, nan_y = np.isnan(x), np.isnan(y)
            diff = np.abs(x - y) / np.maximum(1.0, np.abs(y))
            bad = (nan_x != nan_y) | (~nan_x & ~nan_y & (diff > tolerance))
            if (~nan_x & ~nan_y).any():
                worst = max(worst, float(np.nanmax(np.where(nan_x | nan_y, 0, diff))))
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise Disagreement(
                f"{k} differs in {int(bad.sum())} of {len(bad)} cells, e.g. {both.index[i]}: "
                f"accountkpi {x[i]!r} vs {y[i]!r}"
            )
    return f"{len(both)} cells equal (revenue to the cent, ratios to {tolerance:g}; worst {worst:.1e})"


def compare_values(a: Any, b: Any, tolerance: float, what: str) -> str:
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise Disagreement(f"{what}: shapes {a.shape} and {b.shape}")
    diff = np.abs(a - b) / np.maximum(1.0, np.abs(b))
    worst = float(diff.max()) if diff.size else 0.0
    if not worst <= tolerance or math.isnan(worst):
        raise Disagreement(f"{what}: {a} vs {b} (relative difference {worst:.2e} > {tolerance:g})")
    return f"{what} equal to {tolerance:g} (worst {worst:.1e})"


def write_json(path: str | None, results: list[dict[str, Any]]) -> None:
    """Writes the measures to `path` (nothing without one)."""
    if path:
        with open(path, "w") as f:
            json.dump(results, f, indent=1)
