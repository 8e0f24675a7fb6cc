"""The benchmark workloads written as a competent user would write them in pandas, polars and DuckDB, from the
tables a Book exports (``book.table("revenue")`` etc.), following docs/kpis.md to the letter:

- periods are the 12 calendar months of ``YEAR``; an event dated ``d`` is in ``[begin, end)``;
- ``revenue`` = sum of amounts, ``gross_margin`` = (revenue - cost) / revenue, ``avg_deal_size`` = mean value
  of the projects signed in the month; by manager these follow the owner at the event's date (the exported
  ``manager_id`` of each revenue line and project);
- ``retention_rate`` = |S and E| / |S|, ``churn_rate`` = |C| / |S| with S the clients on ``begin - 1``, E the
  clients on ``end - 1``, C the accounts of S whose spell ends in the month; ``nrr`` = revenue in the month of
  the accounts with revenue > 0 in the month before, over that base revenue; by manager, each account counts
  for the owner on its last client day in the month (the month's last day when it was no client in it);
- undefined ratios are NaN.

Every function returns a long DataFrame: ``key, period (0-11), <kpi columns>``; groups a function does not
produce are compared as revenue 0 and NaN ratios.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd
import polars as pl

YEAR = 2024
KPIS = ["revenue", "gross_margin", "avg_deal_size", "retention_rate", "churn_rate", "nrr"]
SUMS = ["revenue", "gross_margin"]  # the simple sums: one pass over the revenue lines
KEYS = {"manager": "manager_id", "account": "account_id", "region": "region", "project": "project_id"}
CONCENTRATION = ["top_share", "pareto_ratio", "gini", "hhi", "largest_client_share"]
FAR = pd.Timestamp("2200-12-31")


@dataclass
class Inputs:
    """The exported tables, prepared once (outside the timings) for each library."""

    rev: pd.DataFrame  # account_id, project_id, manager_id (category), date, amount, cost
    prj: pd.DataFrame  # account_id, manager_id (category), signed_on, value
    sp: pd.DataFrame  # account_id, acquired_on, churned_on (open spells end on FAR)
    asg: pd.DataFrame  # account_id, manager_id (category), start, end (open: FAR)
    region: pd.Series  # each account's region (category), indexed by account_id
    pl_rev: pl.DataFrame
    pl_prj: pl.DataFrame
    pl_sp: pl.DataFrame
    pl_asg: pl.DataFrame
    pl_acc: pl.DataFrame  # account_id, region
    con: duckdb.DuckDBPyConnection


def prepare(book) -> Inputs:
    rev = book.table("revenue")[["account_id", "project_id", "manager_id", "date", "amount", "cost"]]
    prj = book.table("projects")[["account_id", "manager_id", "signed_on", "value"]]
    sp = book.table("spells")[["account_id", "acquired_on", "churned_on"]]
    asg = book.table("assignments")
    asg = asg[asg["project_id"].isna()][["account_id", "manager_id", "start", "end"]]
    for f in (rev, prj, asg):
        f["manager_id"] = f["manager_id"].astype("category")
    sp = sp.assign(churned_on=sp["churned_on"].fillna(FAR))
    asg = asg.assign(end=asg["end"].fillna(FAR)).reset_index(drop=True)
    acc = book.table("accounts")[["account_id", "region"]].drop_duplicates("account_id")  # a row per spell

    def polars(f: pd.DataFrame) -> pl.DataFrame:
        out = pl.from_pandas(f)
        dates = [c for c, t in out.schema.items() if isinstance(t, pl.Datetime)]
        return out.with_columns([pl.col(c).cast(pl.Date) for c in dates])

    pl_rev, pl_prj, pl_sp, pl_asg, pl_acc = (polars(f) for f in (rev, prj, sp, asg, acc))
    con = duckdb.connect()
    con.execute("SET threads TO 2")
    for name, f in (("rev", pl_rev), ("prj", pl_prj), ("sp", pl_sp), ("asg", pl_asg), ("accts", pl_acc)):
        con.register(name, f.to_arrow())
    begins = [dt.date(YEAR, m + 1, 1) for m in range(12)]
    months = {"m": list(range(12)), "b": begins, "e": [*begins[1:], dt.date(YEAR + 1, 1, 1)]}
    con.register("months", pl.DataFrame(months).to_arrow())
    region = acc.set_index("account_id")["region"]
    return Inputs(rev, prj, sp, asg, region, pl_rev, pl_prj, pl_sp, pl_asg, pl_acc, con)


def _wants(kpis: list[str]) -> tuple[bool, bool]:
    """Whether a table of `kpis` needs the projects signed (deals) and the clients' retention family."""
    return "avg_deal_size" in kpis, any(k in kpis for k in ("retention_rate", "churn_rate", "nrr"))


# ---- pandas -----------------------------------------------------------------------------------------------


def _pandas_key(d: Inputs, f: pd.DataFrame, by: str) -> pd.Series:
    """The group of each row of `f` (revenue lines, projects or accounts): a region through the accounts."""
    return f["account_id"].map(d.region) if by == "region" else f[KEYS[by]]


def pandas_table(d: Inputs, by: str, kpis: list[str] = KPIS) -> pd.DataFrame:
    months = pd.date_range(f"{YEAR}-01-01", periods=13, freq="MS")
    lo, hi = months[0], months[-1]
    r = d.rev[(d.rev["date"] >= lo) & (d.rev["date"] < hi)]
    lines = r.groupby(
        [_pandas_key(d, r, by), r["date"].dt.month - 1], observed=True, dropna=False, sort=False
    )[["amount", "cost"]].sum()
    lines.index.names = ["key", "period"]
    out = pd.DataFrame({"revenue": lines["amount"]})
    out["gross_margin"] = ((lines["amount"] - lines["cost"]) / lines["amount"]).where(lines["amount"] != 0)
    deals, clients = _wants(kpis)
    if deals:
        p = d.prj[(d.prj["signed_on"] >= lo) & (d.prj["signed_on"] < hi)]
        mean = p.groupby(
            [_pandas_key(d, p, by), p["signed_on"].dt.month - 1], observed=True, dropna=False, sort=False
        )["value"].mean()
        mean.index.names = ["key", "period"]
        out = out.join(mean.rename("avg_deal_size"), how="outer")
    if clients:
        out = out.join(_pandas_clients(d, by, months), how="outer")
    return out.reset_index()


def _pandas_clients(d: Inputs, by: str, months: pd.DatetimeIndex) -> pd.DataFrame:
    """Retention, churn and NRR per group and month."""
    hi = months[-1]
    # Revenue per account and month, with the month before the year (index -1) for January's base.
    rb = d.rev[(d.rev["date"] >= months[0] - pd.DateOffset(months=1)) & (d.rev["date"] < hi)]
    m_index = (rb["date"].dt.year - YEAR) * 12 + rb["date"].dt.month - 1
    per_month = rb.groupby([rb["account_id"], m_index], sort=False)["amount"].sum()
    per_month.index.names = ["account_id", "m"]
    per_month = per_month.unstack("m", fill_value=0.0)
    sb, se = d.sp["acquired_on"], d.sp["churned_on"]
    parts = []
    for m in range(12):
        b, e = months[m], months[m + 1]
        last = e - pd.Timedelta(days=1)
        near = (sb < e) & (se >= b)  # spells that touch the month or contain its eve
        s = d.sp[near]
        sbn, sen = s["acquired_on"], s["churned_on"]
        in_s = (sbn < b) & (sen >= b)
        flags = pd.DataFrame(
            {
                "account_id": s["account_id"],
                "in_s": in_s,
                "in_e": (sbn < e) & (sen >= e),
                "churned": in_s & (sen < e),
                "ref": (sen - pd.Timedelta(days=1)).clip(upper=last).where(sen > b),
            }
        )
        acc = flags.groupby("account_id").agg(
            in_s=("in_s", "any"), in_e=("in_e", "any"), churned=("churned", "any"), ref=("ref", "max")
        )
        revs = pd.DataFrame({"r_p": per_month.get(m, 0.0), "r_b": per_month.get(m - 1, 0.0)})
        revs = revs[(revs["r_p"] != 0) | (revs["r_b"] != 0)]
        acc = acc.join(revs, how="outer")
        acc[["in_s", "in_e", "churned"]] = acc[["in_s", "in_e", "churned"]].fillna(False).astype(bool)
        acc[["r_p", "r_b"]] = acc[["r_p", "r_b"]].fillna(0.0)
        acc["ref"] = acc["ref"].fillna(last).astype(d.asg["start"].dtype)
        acc = acc.reset_index()
        if by == "manager":
            acc = pd.merge_asof(
                acc.sort_values("ref"),
                d.asg.sort_values("start"),
                left_on="ref",
                right_on="start",
                by="account_id",
            )
            acc["key"] = acc["manager_id"].where(acc["ref"] < acc["end"])
        else:
            acc["key"] = _pandas_key(d, acc, by)
        cohort = acc["r_b"] > 0
        acc["kept"] = acc["in_s"] & acc["in_e"]
        acc["churned"] = acc["in_s"] & acc["churned"]
        acc["base"] = acc["r_b"].where(cohort, 0.0)
        acc["current"] = acc["r_p"].where(cohort, 0.0)
        g = acc.groupby("key", observed=True, dropna=False, sort=False)[
            ["in_s", "kept", "churned", "base", "current"]
        ].sum()
        part = pd.DataFrame(
            {
                "retention_rate": g["kept"] / g["in_s"],
                "churn_rate": g["churned"] / g["in_s"],
                "nrr": g["current"] / g["base"],
            }
        )
        part["period"] = m
        parts.append(part.reset_index().set_index(["key", "period"]))
    return pd.concat(parts)


def pandas_revenue_by_month(d: Inputs) -> np.ndarray:
    r = d.rev[(d.rev["date"] >= f"{YEAR}-01-01") & (d.rev["date"] < f"{YEAR + 1}-01-01")]
    return r.groupby(r["date"].dt.month)["amount"].sum().to_numpy()


def _concentration(x: np.ndarray, p: float = 0.2, threshold: float = 0.8) -> dict[str, float]:
    x = np.sort(x[x > 0])
    n, total = len(x), x.sum()
    top = x[::-1]
    cum = np.cumsum(top)
    i = np.arange(1, n + 1)
    return {
        "top_share": top[: int(np.ceil(p * n))].sum() / total,
        "pareto_ratio": (np.searchsorted(cum, threshold * total * (1 - 1e-12)) + 1) / n,
        "gini": ((2 * i - n - 1) * x).sum() / (n * total),
        "hhi": ((x / total) ** 2).sum(),
        "largest_client_share": x[-1] / total,
    }


def pandas_concentration(d: Inputs) -> dict[str, float]:
    r = d.rev[(d.rev["date"] >= f"{YEAR}-01-01") & (d.rev["date"] < f"{YEAR + 1}-01-01")]
    return _concentration(r.groupby("account_id", sort=False)["amount"].sum().to_numpy())


# ---- polars -----------------------------------------------------------------------------------------------


def _polars_keyed(d: Inputs, f: pl.LazyFrame, by: str) -> pl.LazyFrame:
    """`f` with the group of each row as `key`: a region through the accounts."""
    if by == "region":
        return f.join(d.pl_acc.lazy(), on="account_id", how="left").rename({"region": "key"})
    return f.with_columns(key=pl.col(KEYS[by]))


def polars_table(d: Inputs, by: str, kpis: list[str] = KPIS) -> pd.DataFrame:
    lo, hi = pl.date(YEAR, 1, 1), pl.date(YEAR + 1, 1, 1)
    out = (
        _polars_keyed(d, d.pl_rev.lazy().filter((pl.col("date") >= lo) & (pl.col("date") < hi)), by)
        .group_by("key", (pl.col("date").dt.month() - 1).cast(pl.Int32).alias("period"))
        .agg(revenue=pl.col("amount").sum(), cost=pl.col("cost").sum())
        .with_columns(
            gross_margin=pl.when(pl.col("revenue") != 0).then(
                (pl.col("revenue") - pl.col("cost")) / pl.col("revenue")
            )
        )
        .drop("cost")
    )
    deals, clients = _wants(kpis)
    parts = []
    if deals:
        signed = d.pl_prj.lazy().filter((pl.col("signed_on") >= lo) & (pl.col("signed_on") < hi))
        parts.append(
            _polars_keyed(d, signed, by)
            .group_by("key", (pl.col("signed_on").dt.month() - 1).cast(pl.Int32).alias("period"))
            .agg(avg_deal_size=pl.col("value").mean())
        )
    if clients:
        parts.append(_polars_clients(d, by))
    for part in parts:
        out = out.join(part, on=["key", "period"], how="full", coalesce=True, nulls_equal=True)
    return out.collect().to_pandas()


def _polars_clients(d: Inputs, by: str) -> pl.LazyFrame:
    """Retention, churn and NRR per group and month."""
    hi = pl.date(YEAR + 1, 1, 1)
    begins = [dt.date(YEAR, m + 1, 1) for m in range(12)]
    months = pl.LazyFrame(
        {"m": pl.Series(range(12), dtype=pl.Int32), "b": begins, "e": [*begins[1:], dt.date(YEAR + 1, 1, 1)]}
    )
    flags = (
        d.pl_sp.lazy()
        .join(months, how="cross")
        .filter((pl.col("acquired_on") < pl.col("e")) & (pl.col("churned_on") >= pl.col("b")))
        .with_columns(
            in_s=(pl.col("acquired_on") < pl.col("b")) & (pl.col("churned_on") >= pl.col("b")),
            in_e=(pl.col("acquired_on") < pl.col("e")) & (pl.col("churned_on") >= pl.col("e")),
            ref=pl.when(pl.col("churned_on") > pl.col("b")).then(
                pl.min_horizontal(pl.col("churned_on"), pl.col("e")).dt.offset_by("-1d")
            ),
        )
        .group_by("account_id", "m")
        .agg(
            in_s=pl.col("in_s").any(),
            in_e=pl.col("in_e").any(),
            churned=(pl.col("in_s") & (pl.col("churned_on") < pl.col("e"))).any(),
            ref=pl.col("ref").max(),
        )
    )
    per_month = (
        d.pl_rev.lazy()
        .filter((pl.col("date") >= pl.date(YEAR - 1, 12, 1)) & (pl.col("date") < hi))
        .group_by(
            "account_id",
            m=((pl.col("date").dt.year() - YEAR) * 12 + pl.col("date").dt.month() - 1).cast(pl.Int32),
        )
        .agg(r=pl.col("amount").sum())
    )
    acc = (
        flags.join(per_month.rename({"r": "r_p"}), on=["account_id", "m"], how="full", coalesce=True)
        .join(
            per_month.with_columns(pl.col("m") + 1).rename({"r": "r_b"}),
            on=["account_id", "m"],
            how="full",
            coalesce=True,
        )
        .filter(pl.col("m").is_between(0, 11))
        .join(months, on="m")
        .with_columns(
            pl.col("in_s", "in_e", "churned").fill_null(False),
            pl.col("r_p", "r_b").fill_null(0.0),
            pl.col("ref").fill_null(pl.col("e").dt.offset_by("-1d")),
        )
    )
    if by == "manager":
        acc = (
            acc.sort("ref")
            .join_asof(
                d.pl_asg.lazy().sort("start"),
                left_on="ref",
                right_on="start",
                by="account_id",
                check_sortedness=False,
            )
            .with_columns(key=pl.when(pl.col("ref") < pl.col("end")).then(pl.col("manager_id")))
        )
    else:
        acc = _polars_keyed(d, acc, by)
    cohort = pl.col("r_b") > 0
    return (
        acc.group_by("key", pl.col("m").alias("period"))
        .agg(
            s=pl.col("in_s").sum(),
            kept=(pl.col("in_s") & pl.col("in_e")).sum(),
            churned=(pl.col("in_s") & pl.col("churned")).sum(),
            base=pl.when(cohort).then(pl.col("r_b")).otherwise(0.0).sum(),
            current=pl.when(cohort).then(pl.col("r_p")).otherwise(0.0).sum(),
        )
        .select(
            "key",
            "period",
            retention_rate=pl.when(pl.col("s") > 0).then(pl.col("kept") / pl.col("s")),
            churn_rate=pl.when(pl.col("s") > 0).then(pl.col("churned") / pl.col("s")),
            nrr=pl.when(pl.col("base") != 0).then(pl.col("current") / pl.col("base")),
        )
        .with_columns(pl.col("period").cast(pl.Int32))
    )


def polars_revenue_by_month(d: Inputs) -> np.ndarray:
    return (
        d.pl_rev.lazy()
        .filter(pl.col("date").dt.year() == YEAR)
        .group_by(pl.col("date").dt.month().alias("m"))
        .agg(pl.col("amount").sum())
        .sort("m")
        .collect()["amount"]
        .to_numpy()
    )


def polars_concentration(d: Inputs) -> dict[str, float]:
    x = (
        d.pl_rev.lazy()
        .filter(pl.col("date").dt.year() == YEAR)
        .group_by("account_id")
        .agg(pl.col("amount").sum())
        .collect()["amount"]
        .to_numpy()
    )
    return _concentration(x)


# ---- DuckDB -----------------------------------------------------------------------------------------------


def duckdb_table(d: Inputs, by: str, kpis: list[str] = KPIS) -> pd.DataFrame:
    # A region through the accounts (`accts`); a manager of the clients' family: the owner on the account's
    # reference day (`asg`, as-of).
    join = "JOIN accts USING (account_id)" if by == "region" else ""
    key = "accts.region" if by == "region" else KEYS[by]
    owner = "ASOF LEFT JOIN asg ON acct.account_id = asg.account_id AND acct.ref >= asg.start"
    client_key = 'CASE WHEN acct.ref < asg."end" THEN asg.manager_id END' if by == "manager" else key
    deals, clients = _wants(kpis)
    parts = {
        "lines": f"""
        SELECT {key} AS key, month(date) - 1 AS period, sum(amount) AS revenue,
               CASE WHEN sum(amount) <> 0 THEN (sum(amount) - sum(cost)) / sum(amount) END AS gross_margin
        FROM rev {join} WHERE date >= DATE '{YEAR}-01-01' AND date < DATE '{YEAR + 1}-01-01' GROUP BY ALL"""
    }
    if deals:
        parts["deals"] = f"""
        SELECT {key} AS key, month(signed_on) - 1 AS period, avg(value) AS avg_deal_size
        FROM prj {join} WHERE signed_on >= DATE '{YEAR}-01-01' AND signed_on < DATE '{YEAR + 1}-01-01'
        GROUP BY ALL"""
    if clients:
        parts["clients"] = _DUCKDB_CLIENTS.format(
            key=client_key,
            join=owner if by == "manager" else join,
            year=YEAR,
            year_before=YEAR - 1,
            year_after=YEAR + 1,
        )
    names = list(parts)
    sql = (
        "WITH "
        + ",\n".join(f"{name} AS ({q})" for name, q in parts.items())
        + f"\nSELECT * FROM {names[0]} "
        + " ".join(f"FULL JOIN {name} USING (key, period)" for name in names[1:])
    )
    return d.con.execute(sql).df()


# Retention, churn and NRR per group and month: the clients on each month's eve and last day (`flags`), each
# account's revenue in the month and the month before (`per_month`), grouped by `key` after `join`.
_DUCKDB_CLIENTS = """
    WITH flags AS (
        SELECT sp.account_id, months.m, months.e,
               bool_or(acquired_on < b AND churned_on >= b) AS in_s,
               bool_or(acquired_on < e AND churned_on >= e) AS in_e,
               bool_or(acquired_on < b AND churned_on >= b AND churned_on < e) AS churned,
               max(CASE WHEN churned_on > b THEN least(churned_on, e) - 1 END) AS ref
        FROM sp JOIN months ON acquired_on < e AND churned_on >= b GROUP BY ALL),
    per_month AS (
        SELECT account_id, (year(date) - {year}) * 12 + month(date) - 1 AS m, sum(amount) AS r
        FROM rev WHERE date >= DATE '{year_before}-12-01' AND date < DATE '{year_after}-01-01' GROUP BY ALL),
    keys AS (
        SELECT account_id, m FROM flags
        UNION SELECT account_id, m FROM per_month WHERE m >= 0
        UNION SELECT account_id, m + 1 FROM per_month WHERE m < 11),
    acct AS (
        SELECT keys.account_id, keys.m, coalesce(in_s, false) AS in_s, coalesce(in_e, false) AS in_e,
               coalesce(churned, false) AS churned, coalesce(ref, months.e - 1) AS ref,
               coalesce(p.r, 0) AS r_p, coalesce(q.r, 0) AS r_b
        FROM keys JOIN months ON keys.m = months.m
        LEFT JOIN flags ON flags.account_id = keys.account_id AND flags.m = keys.m
        LEFT JOIN per_month p ON p.account_id = keys.account_id AND p.m = keys.m
        LEFT JOIN per_month q ON q.account_id = keys.account_id AND q.m + 1 = keys.m)
    SELECT {key} AS key, acct.m AS period,
           CASE WHEN count_if(in_s) > 0 THEN count_if(in_s AND in_e) / count_if(in_s) END AS retention_rate,
           CASE WHEN count_if(in_s) > 0 THEN count_if(in_s AND churned) / count_if(in_s) END AS churn_rate,
           CASE WHEN sum(CASE WHEN r_b > 0 THEN r_b ELSE 0 END) <> 0 THEN
               sum(CASE WHEN r_b > 0 THEN r_p ELSE 0 END) / sum(CASE WHEN r_b > 0 THEN r_b ELSE 0 END)
           END AS nrr
    FROM acct {join} GROUP BY ALL"""


def duckdb_revenue_by_month(d: Inputs) -> np.ndarray:
    return d.con.execute(
        f"SELECT month(date) AS m, sum(amount) FROM rev WHERE date >= DATE '{YEAR}-01-01' "
        f"AND date < DATE '{YEAR + 1}-01-01' GROUP BY m ORDER BY m"
    ).fetchnumpy()["sum(amount)"]


def duckdb_concentration(d: Inputs) -> dict[str, float]:
    x = d.con.execute(
        f"SELECT sum(amount) AS r FROM rev WHERE date >= DATE '{YEAR}-01-01' "
        f"AND date < DATE '{YEAR + 1}-01-01' GROUP BY account_id"
    ).fetchnumpy()["r"]
    return _concentration(np.asarray(x))
