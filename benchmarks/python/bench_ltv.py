"""BG/NBD, MBG/NBD and Gamma-Gamma fits: accountkpi.ltv against lifetimes, on CDNOW (2,357 customers) and
on 10^6 simulated customers; BG/BB on the donations data (22 weighted rows) and on its 11,104 donors
repeated 90 times (999,360 rows); Pareto/NBD on CDNOW, and on 10^6 simulated Pareto/NBD customers only when
asked (lifetimes' fit there takes 5 minutes of CPU time, over 20 minutes on a loaded machine). The
parameters must agree (relative 1e-3: the two optimisers stop at slightly different points of the same flat
optimum) before a time is kept.

    python3 benchmarks/python/bench_ltv.py
    python3 benchmarks/python/bench_ltv.py --only pareto    # just the Pareto/NBD comparison on CDNOW
    python3 benchmarks/python/bench_ltv.py --only pareto-simulated    # Pareto/NBD, 10^6 customers
    python3 benchmarks/python/bench_ltv.py --only sbg    # shifted-beta-geometric (accountkpi only)
"""

from __future__ import annotations

import argparse
import sys
import warnings
from typing import Any

import numpy as np
import pandas as pd
from common import Measure, compare_values, measure, write_json

import accountkpi as ak


def cdnow() -> pd.DataFrame:
    return ak.datasets.load_cdnow_summary_with_monetary_value().reset_index(drop=True)


def simulated(n: int) -> pd.DataFrame:
    T = 20 + 20 * np.arange(n) / n
    s = ak.ltv.simulate_bgnbd(0.25, 4.0, 0.8, 2.5, T=T, seed=1)
    s["monetary_value"] = ak.ltv.simulate_gamma_gamma(6.0, 4.0, 15.0, s["frequency"], seed=2)
    return s


def pareto_simulated(n: int) -> pd.DataFrame:
    T = 20 + 20 * np.arange(n) / n
    return ak.ltv.simulate_pareto_nbd(0.55, 10.6, 0.61, 11.7, T=T, seed=1)


def run(name: str, data: pd.DataFrame, runs: int, lifetimes_runs: int, log: Any) -> list[Measure]:
    import lifetimes

    out: list[Measure] = []
    size = len(data)

    def keep(m: Measure, check: str) -> None:
        m.check = check
        out.append(m)
        print(
            f"  {m.workload:<22} {m.library:<10} {m.seconds * 1e3:10.1f} ms"
            f"  peak {m.peak_bytes / 2**20:8.1f} MiB  ({check})",
            file=log,
            flush=True,
        )

    f, r, t = data["frequency"].to_numpy(), data["recency"].to_numpy(), data["T"].to_numpy()
    m, ours = measure(
        f"bgnbd_{name}", size, "accountkpi", lambda: ak.ltv.BetaGeoFitter().fit(f, r, t), runs=runs
    )
    keep(m, f"log-likelihood {ours.log_likelihood_:.2f}")
    m, theirs = measure(
        f"bgnbd_{name}",
        size,
        "lifetimes",
        lambda: lifetimes.BetaGeoFitter().fit(data["frequency"], data["recency"], data["T"]),
        runs=lifetimes_runs,
    )
    names = ["r", "alpha", "a", "b"]
    keep(m, compare_values(ours.params_[names], theirs.params_[names], 1e-3, "r, alpha, a, b"))

    ret = data[data["frequency"] > 0]
    x, z = ret["frequency"].to_numpy(), ret["monetary_value"].to_numpy()
    m, ours = measure(
        f"gamma_gamma_{name}", size, "accountkpi", lambda: ak.ltv.GammaGammaFitter().fit(x, z), runs=runs
    )
    keep(m, f"{len(x)} returning customers")
    m, theirs = measure(
        f"gamma_gamma_{name}",
        size,
        "lifetimes",
        lambda: lifetimes.GammaGammaFitter().fit(ret["frequency"], ret["monetary_value"]),
        runs=lifetimes_runs,
    )
    names = ["p", "q", "v"]
    keep(m, compare_values(ours.params_[names], theirs.params_[names], 1e-3, "p, q, v"))

    m, ours = measure(
        f"mbgnbd_{name}", size, "accountkpi", lambda: ak.ltv.ModifiedBetaGeoFitter().fit(f, r, t), runs=runs
    )
    keep(m, f"log-likelihood {ours.log_likelihood_:.2f}")
    m, theirs = measure(
        f"mbgnbd_{name}",
        size,
        "lifetimes",
        lambda: lifetimes.ModifiedBetaGeoFitter().fit(data["frequency"], data["recency"], data["T"]),
        runs=lifetimes_runs,
    )
    names = ["r", "alpha", "a", "b"]
    keep(m, compare_values(ours.params_[names], theirs.params_[names], 1e-3, "r, alpha, a, b"))
    return out


def run_bgbb(name: str, data: pd.DataFrame, runs: int, lifetimes_runs: int, log: Any) -> list[Measure]:
    import lifetimes

    out: list[Measure] = []
    columns = [data[c].to_numpy(dtype=float) for c in ("frequency", "recency", "periods")]
    weights = data["weights"].to_numpy(dtype=float) if "weights" in data else None
    size = int(weights.sum()) if weights is not None else len(data)
    m, ours = measure(
        f"bgbb_{name}",
        size,
        "accountkpi",
        lambda: ak.ltv.BetaGeoBetaBinomFitter().fit(*columns, weights),
        runs=runs,
    )
    m.check = f"{len(data)} rows, log-likelihood {ours.log_likelihood_:.2f}"
    out.append(m)
    m, theirs = measure(
        f"bgbb_{name}",
        size,
        "lifetimes",
        lambda: lifetimes.BetaGeoBetaBinomFitter().fit(
            data["frequency"], data["recency"], data["periods"], None if weights is None else data["weights"]
        ),
        runs=lifetimes_runs,
    )
    names = ["alpha", "beta", "gamma", "delta"]
    m.check = compare_values(ours.params_[names], theirs.params_[names], 1e-3, "alpha, beta, gamma, delta")
    out.append(m)
    for m in out:
        print(
            f"  {m.workload:<22} {m.library:<10} {m.seconds * 1e3:10.1f} ms  ({m.check})",
            file=log,
            flush=True,
        )
    return out


def run_pareto(name: str, data: pd.DataFrame, runs: int, lifetimes_runs: int, log: Any) -> list[Measure]:
    import lifetimes

    f, r, t = data["frequency"].to_numpy(), data["recency"].to_numpy(), data["T"].to_numpy()
    m, ours = measure(
        f"pareto_nbd_{name}",
        len(data),
        "accountkpi",
        lambda: ak.ltv.ParetoNBDFitter().fit(f, r, t),
        runs=runs,
    )
    m.check = f"log-likelihood {ours.log_likelihood_:.2f}"
    out = [m]
    m, theirs = measure(
        f"pareto_nbd_{name}",
        len(data),
        "lifetimes",
        lambda: lifetimes.ParetoNBDFitter().fit(data["frequency"], data["recency"], data["T"]),
        runs=lifetimes_runs,
    )
    names = ["r", "alpha", "s", "beta"]
    m.check = compare_values(ours.params_[names], pd.Series(theirs.params_)[names], 1e-3, "r, alpha, s, beta")
    out.append(m)
    for m in out:
        print(
            f"  {m.workload:<22} {m.library:<10} {m.seconds * 1e3:10.1f} ms  ({m.check})",
            file=log,
            flush=True,
        )
    return out


def run_sbg(log: Any) -> list[Measure]:
    """Shifted-beta-geometric fits (accountkpi only: lifetimes has no such model) on Fader & Hardie's
    "regular" cohort and on a simulated cohort of 10^6 customers over 12 periods: a fit reads one survivor
    count per period, so the cohort's size does not change its cost."""
    out = []
    cohorts = {
        "regular": [1000, 631, 468, 382, 326, 289, 262, 241],
        "cohort_1e6": ak.ltv.simulate_sbg(0.7, 1.2, cohort_size=1_000_000, periods=12, seed=1),
    }
    for name, survivors in cohorts.items():
        m, fit = measure(
            f"sbg_{name}",
            int(survivors[0]),
            "accountkpi",
            lambda s=survivors: ak.ltv.ShiftedBetaGeoFitter().fit(s),
            5,
        )
        m.check = f"alpha {fit.params_['alpha']:.3f}, beta {fit.params_['beta']:.3f}"
        out.append(m)
        print(
            f"  {m.workload:<22} {m.library:<10} {m.seconds * 1e3:10.2f} ms  ({m.check})",
            file=log,
            flush=True,
        )
    return out


def main(argv: list[str] | None = None) -> list[dict[str, Any]]:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--customers", type=int, default=1_000_000, help="simulated customers")
    p.add_argument("--json", help="write the measures here")
    p.add_argument("--only", choices=["pareto", "pareto-simulated", "sbg"], help="run only this comparison")
    a = p.parse_args(argv)
    warnings.simplefilter("ignore")  # lifetimes' deprecation warnings under current pandas
    if a.only == "sbg":
        results = [m.as_dict() for m in run_sbg(sys.stdout)]
        write_json(a.json, results)
        return results
    if a.only is not None:
        data = cdnow() if a.only == "pareto" else pareto_simulated(a.customers)
        runs = (5, 3) if a.only == "pareto" else (3, 1)
        results = [m.as_dict() for m in run_pareto(a.only.replace("pareto-", ""), data, *runs, sys.stdout)]
        write_json(a.json, results)
        return results
    results = [m.as_dict() for m in run("cdnow", cdnow(), 5, 3, sys.stdout)]
    results += [m.as_dict() for m in run_pareto("cdnow", cdnow(), 5, 3, sys.stdout)]
    results += [m.as_dict() for m in run("simulated", simulated(a.customers), 1, 1, sys.stdout)]
    donations = ak.datasets.load_donations()
    results += [m.as_dict() for m in run_bgbb("donations", donations, 5, 3, sys.stdout)]
    donors = donations.loc[donations.index.repeat(donations["weights"] * 90)].drop(columns="weights")
    results += [m.as_dict() for m in run_bgbb("donors_x90", donors, 1, 1, sys.stdout)]
    results += [m.as_dict() for m in run_sbg(sys.stdout)]
    write_json(a.json, results)
    return results


if __name__ == "__main__":
    main()
