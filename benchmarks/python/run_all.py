"""Runs every Python benchmark (KPI workloads against pandas, polars and DuckDB; LTV fits against lifetimes),
writes the measures as JSON and prints the table of ratios measured in the same run: accountkpi's time over
each competitor's (below 1: accountkpi is faster), and each one's peak memory.

    python3 benchmarks/python/run_all.py                         # everything: ~10 minutes on 2 cores
    python3 benchmarks/python/run_all.py --sizes 10000,100000    # smaller books only
    python3 benchmarks/python/run_all.py --readme                # also rewrite the README's table
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_kpi
import bench_ltv
from common import duration

HERE = Path(__file__).resolve().parent
README = HERE.parent / "README.md"
BEGIN, END = "<!-- results:begin -->", "<!-- results:end -->"
FLOORS = ("floor", "floor+answer")  # the libraries of bench_kpi.py that are floors, not competitors


def machine() -> dict[str, Any]:
    cpu = ""
    try:
        cpu = next(
            line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")
        )
    except (OSError, StopIteration):
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    versions = {}
    for name in ("accountkpi", "numpy", "pandas", "polars", "duckdb", "lifetimes"):
        try:
            versions[name] = __import__(name).__version__
        except Exception:
            versions[name] = "missing"
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=HERE, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        commit = ""
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(memory, 1),
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
        "versions": versions,
        "commit": commit,
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def table(results: list[dict[str, Any]]) -> str:
    """The markdown table of ratios: one row per (workload, size, competitor), with the workload's floor
    (numpy summing the columns it reads: memory bandwidth bounds it) and its floor with the answer (that, then
    writing as many bytes as the answer holds into memory whose pages are in) where the run measured them."""
    ours = {(r["workload"], r["size"]): r for r in results if r["library"] == "accountkpi"}
    floors = {
        name: {(r["workload"], r["size"]): r["seconds"] for r in results if r["library"] == name}
        for name in FLOORS
    }
    rows = [
        "| workload | size | competitor | accountkpi | competitor | ratio (ours / theirs) "
        "| floor | ours / floor | floor with the answer | ours / it | peak MiB (ours / theirs) |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        a = ours.get((r["workload"], r["size"]))
        if r["library"] == "accountkpi" or r["library"] in FLOORS or a is None:
            continue
        cells = []
        for name in FLOORS:
            floor = floors[name].get((r["workload"], r["size"]))
            cells += ["", ""] if floor is None else [duration(floor), f"{a['seconds'] / floor:.1f}"]
        peaks = f"{a['peak_bytes'] / 2**20:.0f} / {r['peak_bytes'] / 2**20:.0f}"
        rows.append(
            f"| {r['workload']} | {r['size']:,} | {r['library']} | {duration(a['seconds'])} "
            f"| {duration(r['seconds'])} | **{a['seconds'] / r['seconds']:.3f}** | {' | '.join(cells)} "
            f"| {peaks} |"
        )
    for r in results:
        if r["workload"] == "build":
            inputs = r["extra"]["input_bytes"] / 2**20
            rows.append(
                f"| build (Book.from_frames) | {r['size']:,} | input columns {inputs:.0f} MiB"
                f" | {duration(r['seconds'])} | | | | | | "
                f"| peak / input = **{r['extra']['peak_over_input']:.2f}** |"
            )
    return "\n".join(rows)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sizes", default="10000,100000,1000000", help="accounts of the demo books")
    p.add_argument("--customers", type=int, default=1_000_000, help="simulated customers of the LTV fits")
    p.add_argument("--runs", type=int, default=3, help="runs per measure below 10^6 accounts (best kept)")
    p.add_argument("--large-runs", type=int, default=2, help="runs per measure from 10^6 accounts on")
    p.add_argument(
        "--min-seconds", type=float, default=0.2, help="more runs of a short measure, up to 50 (bench_kpi.py)"
    )
    p.add_argument("--out", default=str(HERE / "results.json"), help="the JSON results file")
    p.add_argument("--readme", action="store_true", help="rewrite the results table in benchmarks/README.md")
    a = p.parse_args()
    info = machine()
    print(f"machine: {info['cpu']}, {info['cores']} cores, {info['memory_gib']} GiB; {info['versions']}")
    sizes = ["--sizes", a.sizes, "--runs", str(a.runs), "--large-runs", str(a.large_runs)]
    results = bench_kpi.main([*sizes, "--min-seconds", str(a.min_seconds)])
    results += bench_ltv.main(["--customers", str(a.customers)])
    with open(a.out, "w") as f:
        json.dump({"machine": info, "command": " ".join(sys.argv), "results": results}, f, indent=1)
    text = table(results)
    print()
    print(text)
    if a.readme:
        readme = README.read_text()
        head, rest = readme.split(BEGIN, 1)
        _, tail = rest.split(END, 1)
        stamp = (
            f"Measured {info['date']} at commit {info['commit']} on {info['cpu']} ({info['cores']} cores, "
            f"{info['memory_gib']} GiB), Python {info['python']}; "
            + ", ".join(f"{k} {v}" for k, v in info["versions"].items())
            + f".\nCommand: `python3 benchmarks/python/run_all.py {' '.join(sys.argv[1:])}`\n"
        )
        README.write_text(f"{head}{BEGIN}\n{stamp}\n{text}\n{END}{tail}")


if __name__ == "__main__":
    main()
