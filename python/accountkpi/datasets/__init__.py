"""Built-in data: the demo book of a synthetic IT-services company, and the public data sets of the
customer-lifetime-value literature (CDNOW, donations) as lifetimes users know them.

The data sets are shipped inside the package (``accountkpi/datasets/data``, the large ones gzipped) with their
provenance and licence in ``data/SOURCES.md``: they were copied from the lifetimes repository (MIT licence,
Copyright (c) 2015, Cameron Davidson-Pilon), which took them from Bruce Hardie's site. Nothing is downloaded.
"""

from __future__ import annotations

from importlib import resources
from typing import Any

import pandas as pd

from .. import _core
from ..book import Book

__all__ = [
    "demo_book",
    "load_cdnow_sample",
    "load_cdnow_summary",
    "load_cdnow_summary_data_with_monetary_value",
    "load_cdnow_summary_with_monetary_value",
    "load_cdnow_transactions",
    "load_dataset",
    "load_donations",
    "load_transaction_data",
    "path",
]

_FILES = {
    "CDNOW_master.txt": "CDNOW_master.txt.gz",
    "CDNOW_sample.txt": "CDNOW_sample.txt.gz",
    "cdnow_customers_summary.csv": "cdnow_customers_summary.csv",
    "cdnow_customers_summary_with_transactions.csv": "cdnow_customers_summary_with_transactions.csv",
    "donations.csv": "donations.csv",
    "example_transactions.csv": "example_transactions.csv.gz",
}


def demo_book(
    seed: int = 0,
    *,
    accounts: int = 300,
    years: int = 3,
    start_year: int = 2023,
    lines_per_month: int = 1,
    events: bool = True,
) -> Book:
    """A deterministic synthetic IT-services company: the same seed gives the same book on every machine.

    Clients across four regions and six domains, farmers of all three tiers and closers, projects of every
    kind and billing unit with costs, monthly revenue lines (with a few credit notes), communications, client
    requests (some answered late, some never), CSAT and NPS surveys, churned and reactivated clients, and
    yearly targets.

    Parameters
    ----------
    seed : int
        Seed of the generator.
    accounts : int
        Accounts that were ever clients.
    years : int
        Calendar years of activity, from ``start_year``.
    lines_per_month : int
        Revenue lines per active project and month; raise it (with ``accounts``) for large books.
    events : bool
        Whether to generate communications, requests and surveys. Without them the other tables are the same
        and a large book generates several times faster.

    Examples
    --------
    >>> book = demo_book(seed=1, accounts=50, years=1)
    >>> book.n_accounts
    50
    """
    for name, value in (("accounts", accounts), ("years", years), ("lines_per_month", lines_per_month)):
        if value < 1:
            raise ValueError(f"{name} must be at least 1, got {value}")
    return Book(_core.demo_book(seed, accounts, years, start_year, lines_per_month, events))


def path(filename: str) -> Any:
    """The shipped file of a data set, by its name in lifetimes (e.g. ``"CDNOW_master.txt"``).

    Returns a :class:`importlib.resources` traversable (a :class:`pathlib.Path` for an installed package);
    a file ending in ``.gz`` is gzip-compressed. Unknown names raise ``ValueError`` listing the known ones.
    """
    if filename not in _FILES:
        raise ValueError(f"unknown data set {filename!r}; known: {', '.join(sorted(_FILES))}")
    return resources.files(__package__).joinpath("data", _FILES[filename])


def load_dataset(filename: str, **kwargs: Any) -> pd.DataFrame:
    """A shipped data file read by :func:`pandas.read_csv` with ``kwargs`` (lifetimes' ``load_dataset``).

    >>> load_dataset("donations.csv").shape
    (22, 4)
    """
    with path(filename).open("rb") as f:
        return pd.read_csv(f, compression="gzip" if _FILES[filename].endswith(".gz") else None, **kwargs)


def load_cdnow_transactions(**kwargs: Any) -> pd.DataFrame:
    """The CDNOW master file: every purchase of the 23,570 customers who first bought at CDNOW in the first
    quarter of 1997, to the end of June 1998 (69,659 lines).

    Columns ``customer_id`` (int), ``date`` (datetime64, the day of the purchase), ``cds`` (number of CDs
    bought) and ``amount`` (dollars spent). Several lines may share a customer and a day. The data set of
    Fader, Hardie & Lee (2005), "Counting Your Customers the Easy Way: An Alternative to the Pareto/NBD
    Model", *Marketing Science* 24(2), 275-284.

    >>> t = load_cdnow_transactions()
    >>> len(t), t["customer_id"].nunique(), str(t["date"].min().date()), str(t["date"].max().date())
    (69659, 23570, '1997-01-01', '1998-06-30')
    """
    frame = load_dataset(
        "CDNOW_master.txt",
        sep=r"\s+",
        header=0,
        names=["customer_id", "date", "cds", "amount"],
        dtype={"customer_id": "int64", "date": "str", "cds": "int64", "amount": "float64"},
        **kwargs,
    )
    frame["date"] = pd.to_datetime(frame["date"], format="%Y%m%d")
    return frame


def load_cdnow_sample(**kwargs: Any) -> pd.DataFrame:
    """The 1/10 systematic sample of the CDNOW master file (2,357 customers, 6,919 lines) used by Fader,
    Hardie & Lee (2005) to fit BG/NBD.

    Columns ``customer_id`` (the master file's id), ``id`` (1..2357, the id of the published summaries),
    ``date`` (datetime64), ``cds`` and ``amount`` (dollars).

    >>> s = load_cdnow_sample()
    >>> len(s), s["id"].nunique()
    (6919, 2357)
    """
    frame = load_dataset(
        "CDNOW_sample.txt",
        sep=r"\s+",
        header=None,
        names=["customer_id", "id", "date", "cds", "amount"],
        dtype={"customer_id": "int64", "id": "int64", "date": "str", "cds": "int64", "amount": "float64"},
        **kwargs,
    )
    frame["date"] = pd.to_datetime(frame["date"], format="%Y%m%d")
    return frame


def load_cdnow_summary(**kwargs: Any) -> pd.DataFrame:
    """The CDNOW sample's calibration summary (Fader, Hardie & Lee 2005): one row per customer (2,357, index
    ``ID``) with ``frequency`` (repeat purchases), ``recency`` (weeks from the first to the last purchase) and
    ``T`` (weeks from the first purchase to 1997-09-30, the end of the 39-week calibration period).

    >>> from accountkpi import ltv
    >>> s = load_cdnow_summary()
    >>> s.shape, int((s["frequency"] == 0).sum())
    ((2357, 3), 1411)
    >>> bgf = ltv.BetaGeoFitter().fit(s["frequency"], s["recency"], s["T"])
    >>> [round(float(bgf.params_[name]), 3) for name in ("r", "alpha", "a", "b")]
    [0.243, 4.414, 0.793, 2.426]
    """
    return load_dataset("cdnow_customers_summary.csv", index_col=[0], **kwargs)


def load_cdnow_summary_with_monetary_value(**kwargs: Any) -> pd.DataFrame:
    """:func:`load_cdnow_summary` with ``monetary_value``, the mean spend (dollars) of each customer's
    repeat purchases (0 for those without one), indexed by ``customer_id``; the input of the Gamma-Gamma
    model (Fader, Hardie & Lee 2005, "RFM and CLV: Using Iso-Value Curves for Customer Base Analysis",
    *Journal of Marketing Research* 42(4), 415-430).

    >>> s = load_cdnow_summary_with_monetary_value()
    >>> list(s.columns), len(s)
    (['frequency', 'recency', 'T', 'monetary_value'], 2357)
    """
    frame = load_dataset("cdnow_customers_summary_with_transactions.csv", **kwargs)
    frame.columns = pd.Index(["customer_id", "frequency", "recency", "T", "monetary_value"])
    return frame.set_index("customer_id")


#: lifetimes' name of :func:`load_cdnow_summary_with_monetary_value`.
load_cdnow_summary_data_with_monetary_value = load_cdnow_summary_with_monetary_value


def load_donations(**kwargs: Any) -> pd.DataFrame:
    """The donations data of Fader, Hardie & Shang (2010), "Customer-Base Analysis in a Discrete-Time
    Noncontractual Setting", *Marketing Science* 29(6), 1086-1108: the 11,104 first-time supporters of a
    non-profit in 1995 and whether they gave in each of the next six years, collapsed to the 22 patterns of
    ``frequency`` (years with a donation), ``recency`` (the last such year) with ``periods`` (= 6) and
    ``weights`` (donors with the pattern); the example data set of the BG/BB model.

    >>> d = load_donations()
    >>> len(d), int(d["weights"].sum())
    (22, 11104)
    """
    return load_dataset("donations.csv", **kwargs)


def load_transaction_data(**kwargs: Any) -> pd.DataFrame:
    """lifetimes' example transaction log: 15,273 purchases (``date``, ``id``) of 5,000 customers in 2014,
    simulated by lifetimes' own generator; for trying ``rfm_summary`` and the plots.

    >>> t = load_transaction_data()
    >>> len(t), t["id"].nunique()
    (15273, 5000)
    """
    frame = load_dataset("example_transactions.csv", **kwargs)
    frame["date"] = pd.to_datetime(frame["date"])
    return frame
