"""By team next to by manager (issue 15): the grouped table of bench_kpi (12 monthly periods x revenue,
gross_margin, avg_deal_size, retention_rate, churn_rate, nrr) on demo books of 10^4 and 10^5 accounts whose
managers are put in a reporting tree (an owner, two heads, every farmer and closer under a head: 3 levels).
The team rows are checked before their time is kept: each team's revenue is the sum of its members' rows by
manager, and the owner's row is the ungrouped table.

    python3 benchmarks/python/bench_org.py --sizes 10000,100000
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

import accountkpi as ak

KPIS = ["revenue", "gross_margin", "avg_deal_size", "retention_rate", "churn_rate", "nrr"]


def book_with_tree(accounts: int) -> tuple[ak.Book, dict[str, str]]:
    frames = ak.datasets.demo_book(accounts=accounts, years=2, start_year=2023).to_frames()
    managers = frames["managers"]
    ids = managers["manager_id"].astype(str).tolist()
    heads = ["B-OWNER", "B-HEAD1", "B-HEAD2"]
    boss = {"B-HEAD1": "B-OWNER", "B-HEAD2": "B-OWNER"}
    for k, m in enumerate(ids):
        boss[m] = heads[1 + k % 2]
    extra = pd.DataFrame({"manager_id": heads, "role": ["head"] * 3})
    managers = pd.concat([managers, extra], ignore_index=True)
    managers["reports_to"] = [boss.get(m) for m in managers["manager_id"].astype(str)]
    frames["managers"] = managers
    return ak.Book.from_frames(**frames), boss


def best_of(runs: int, f) -> tuple[float, pd.DataFrame]:
    times, out = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        out = f()
        times.append(time.perf_counter() - t0)
    return min(times), out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    months = ak.periods("2024-01-01", "2025-01-01", "M")
    for n in (int(s) for s in args.sizes.split(",")):
        book, boss = book_with_tree(n)
        t_manager, by_manager = best_of(args.runs, lambda b=book: b.kpis(months, by="manager", kpis=KPIS))
        t_team, by_team = best_of(args.runs, lambda b=book: b.kpis(months, by="team", kpis=KPIS))
        # The check: a team's revenue is the sum of its members' (everyone below, directly or not).
        below: dict[str, set[str]] = {}
        for m in [*boss, "B-OWNER"]:
            up = m
            while up is not None:
                below.setdefault(up, set()).add(m)
                up = boss.get(up)
        revenue = by_manager.pivot_table(
            index="manager_id", columns="period", values="revenue", observed=True
        )
        team_revenue = by_team.pivot_table(index="team", columns="period", values="revenue", observed=True)
        for team, members in below.items():
            if team not in team_revenue.index:
                continue
            want = revenue.loc[revenue.index.isin(members)].sum()
            assert np.allclose(team_revenue.loc[team], want, rtol=1e-12), team
        whole = book.kpis(months, kpis=KPIS)
        owner = by_team[by_team["team"] == "B-OWNER"].reset_index(drop=True)
        assert np.allclose(owner[KPIS].to_numpy(), whole[KPIS].to_numpy(), rtol=1e-12, equal_nan=True)
        print(
            f"{n:>8} accounts, {book.rows('revenue'):>9} lines: by manager {t_manager * 1e3:7.1f} ms "
            f"({len(by_manager)} rows), by team {t_team * 1e3:7.1f} ms ({len(by_team)} rows), "
            f"ratio {t_team / t_manager:.2f}"
        )


if __name__ == "__main__":
    main()
