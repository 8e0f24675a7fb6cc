"""accountkpi.dask: KPIs computed on a Dask cluster equal ``book.kpis``, states pickle and merge in any order,
and a worker killed mid-computation changes nothing."""

from __future__ import annotations

import copy
import os
import pickle
import signal
import threading
import time
from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import accountkpi as ak

dask = pytest.importorskip("dask")
dd = pytest.importorskip("dask.dataframe")  # needs pyarrow too
distributed = pytest.importorskip("distributed")
akd = pytest.importorskip("accountkpi.dask")

QUARTERS = ak.periods("2023-01-01", "2026-01-01", "Q")
EVENTS = ("revenue", "interactions", "requests", "surveys")


def _dask_tables(frames: dict[str, pd.DataFrame], npartitions: int) -> dict[str, Any]:
    """The frames with event tables as Dask DataFrames split by row (not by account), as from a data lake."""
    out: dict[str, Any] = dict(frames)
    for name in EVENTS:
        if name in frames:
            out[name] = dd.from_pandas(frames[name], npartitions=npartitions, sort=False)
    return out


def _assert_same(got: pd.DataFrame, want: pd.DataFrame) -> None:
    # Compensated sums are merged per partition, so money may differ from one machine in the last bit.
    pd.testing.assert_frame_equal(got, want, check_exact=False, rtol=1e-12, atol=0)


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0", memory_limit="3GiB"
        ) as cluster,
        distributed.Client(cluster) as c,
    ):
        yield c


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> tuple[ak.Book, dict[str, Any]]:
    """About 1.8 million revenue lines and 0.3 million other events; the event tables as Parquet files read
    with Dask (split by row, not by account), the dimension tables as pandas."""
    book = ak.datasets.demo_book(seed=3, accounts=3000, years=3, lines_per_month=20)
    frames: dict[str, Any] = book.to_frames()
    root = tmp_path_factory.mktemp("lake")
    for name in EVENTS:
        chunks = np.array_split(np.arange(len(frames[name])), 8)
        (root / name).mkdir()
        for i, rows in enumerate(chunks):
            frames[name].iloc[rows].to_parquet(root / name / f"part-{i}.parquet", index=False)
        frames[name] = dd.read_parquet(root / name)
    return book, frames


@pytest.fixture(scope="module")
def small() -> tuple[ak.Book, dict[str, pd.DataFrame]]:
    book = ak.datasets.demo_book(seed=5, accounts=150, years=3)
    return book, book.to_frames()


def test_every_kpi_on_millions_of_lines_equals_book_kpis(client: Any, large: Any) -> None:
    book, tables = large
    assert book.rows("revenue") > 1_500_000
    for by in (["manager", "volume_band"], "service_line"):
        got = akd.kpis(tables, QUARTERS, by=by, partitions=4)
        _assert_same(got, book.kpis(QUARTERS, by=by))
        assert got["revenue"].sum() > 0


@pytest.mark.parametrize(
    ("by", "options"),
    [
        (None, {}),
        ("region", {"churn_method": "include_new", "nrr_base": "year_ago"}),
        (["tier", "domain"], {"top_p": 0.1, "pareto_threshold": 0.5}),
        ("account", {"ltv_measure": "revenue"}),
        ("role", {"volume_thresholds": [10_000.0, 100_000.0]}),
    ],
    ids=["whole-book", "region-options", "tier-x-domain", "account", "role-bands"],
)
def test_groupings_and_options_equal_book_kpis(client: Any, small: Any, by: Any, options: dict) -> None:
    book, frames = small
    got = akd.kpis(_dask_tables(frames, 3), QUARTERS, by=by, partitions=5, split_every=2, **options)
    _assert_same(got, book.kpis(QUARTERS, by=by, **options))


def test_medians_and_concentration_are_exact(client: Any, small: Any) -> None:
    book, frames = small
    holistic = ["median_deal_size", "request_response_days", "gini", "top_share", "pareto_ratio", "hhi"]
    got = akd.kpis(_dask_tables(frames, 4), QUARTERS, by="manager", kpis=holistic, partitions=7)
    want = book.kpis(QUARTERS, by="manager", kpis=holistic)
    pd.testing.assert_frame_equal(got[holistic[:2]], want[holistic[:2]], check_exact=True)
    _assert_same(got, want)


def test_scopes_restrict_as_on_one_machine(client: Any, small: Any) -> None:
    book, frames = small
    managers = frames["managers"]["manager_id"].iloc[:3].tolist()
    accounts = frames["accounts"]["account_id"].drop_duplicates().iloc[::7].tolist()
    tables = _dask_tables(frames, 2)
    for scope in (ak.kpi.Scope(managers=managers), accounts, {"regions": ["EMEA"]}):
        _assert_same(
            akd.kpis(tables, QUARTERS, by="region", scope=scope, partitions=3),
            book.kpis(QUARTERS, by="region", scope=scope),
        )


def test_derived_spells_and_ids_given_as_text(client: Any, small: Any) -> None:
    _, frames = small
    # No acquired_on: spells come from each account's revenue, which must all be on one worker.
    accounts = frames["accounts"].drop_duplicates("account_id").drop(columns=["acquired_on", "churned_on"])
    revenue = frames["revenue"].assign(account_id=frames["revenue"]["account_id"].astype(str))
    plain = {"accounts": accounts, "projects": frames["projects"], "revenue": revenue}
    book = ak.Book.from_frames(**plain, inactivity_days=120)
    got = akd.kpis(_dask_tables(plain, 3), QUARTERS, by="region", partitions=4, inactivity_days=120)
    _assert_same(got, book.kpis(QUARTERS, by="region"))


def test_more_partitions_than_accounts_and_pandas_events() -> None:
    accounts = pd.DataFrame({"account_id": ["A", "B"], "acquired_on": ["2023-01-01", "2023-06-01"]})
    revenue = pd.DataFrame(
        {
            "account_id": ["A", "B", "A"],
            "date": ["2023-02-01", "2023-07-01", "2024-01-05"],
            "amount": [5.0, 7, 1],
        }
    )
    book = ak.Book.from_frames(accounts=accounts, revenue=revenue)
    with dask.config.set(scheduler="sync"):
        got = akd.kpis({"accounts": accounts, "revenue": revenue}, "2023", partitions=10)
    _assert_same(got, book.kpis("2023"))


def test_bad_input_is_reported_like_on_one_machine() -> None:
    accounts = pd.DataFrame({"account_id": ["A"]})
    revenue = pd.DataFrame(
        {"account_id": ["A", "Z"], "date": ["2024-01-01", "2024-01-02"], "amount": [1.0, 2]}
    )
    with dask.config.set(scheduler="sync"), pytest.raises(ak.ValidationError, match="Z"):
        akd.kpis({"accounts": accounts, "revenue": dd.from_pandas(revenue, npartitions=1)}, "2024")
    with pytest.raises(ValueError, match="unknown table 'revenues'"):
        akd.kpis({"accounts": accounts, "revenues": revenue}, "2024")
    with pytest.raises(ValueError, match="'revenue' has no 'account_id'"):
        akd.kpis({"accounts": accounts, "revenue": revenue.rename(columns={"account_id": "client"})}, "2024")
    with pytest.raises(ValueError, match="'revenue' table is required"):
        akd.kpis({"accounts": accounts}, "2024")


def test_polars_arrow_and_arrow_backed_dask_input(client: Any, small: Any, tmp_path: Any) -> None:
    pl = pytest.importorskip("polars")
    pa = pytest.importorskip("pyarrow")
    _, frames = small
    tables: dict[str, Any] = {
        name: pl.from_pandas(frames[name]) for name in ("accounts", "projects", "units")
    }
    tables["managers"] = pa.Table.from_pandas(frames["managers"], preserve_index=False)
    tables["interactions"] = pa.Table.from_pandas(frames["interactions"], preserve_index=False)
    frames["revenue"].to_parquet(tmp_path / "revenue.parquet", index=False)
    tables["revenue"] = dd.read_parquet(tmp_path / "revenue.parquet", dtype_backend="pyarrow")
    # One machine on the same polars and Arrow frames (their categories in the order they give them).
    plain = {**tables, "revenue": frames["revenue"]}
    _assert_same(
        akd.kpis(tables, QUARTERS, by="region"), ak.Book.from_frames(**plain).kpis(QUARTERS, by="region")
    )


# ---- Input already laid out by account: no shuffle ---------------------------------------------------------


def _by_account_bucket(frames: dict[str, pd.DataFrame], root: Any, buckets: int) -> dict[str, Any]:
    """The event tables written as Parquet, one file per account bucket (as a data lake partitioned by
    account), read back with Dask: partition ``i`` of every table holds the events of bucket ``i``. A table
    without events in its last buckets has fewer partitions."""
    out: dict[str, Any] = dict(frames)
    for name in EVENTS:
        bucket = frames[name]["account_id"].to_numpy() % buckets
        (root / name).mkdir()
        for i in range(bucket.max() + 1):
            frames[name][bucket == i].to_parquet(root / name / f"part-{i}.parquet", index=False)
        out[name] = dd.read_parquet(root / name)
    return out


@pytest.fixture
def no_shuffle(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args: Any) -> None:
        raise AssertionError("the event tables were shuffled")

    monkeypatch.setattr(akd, "_shuffled", fail)


def test_input_laid_out_by_account_is_not_shuffled(
    client: Any, small: Any, tmp_path: Any, no_shuffle: None
) -> None:
    book, frames = small
    frames = dict(frames)
    # A client without any event is counted once, in some partition.
    lonely = pd.DataFrame({"account_id": [999_999], "region": ["EMEA"], "acquired_on": ["2023-02-01"]})
    frames["accounts"] = pd.concat([frames["accounts"], lonely], ignore_index=True)
    frames["surveys"] = frames["surveys"][frames["surveys"]["account_id"] % 4 != 3]
    book = ak.Book.from_frames(**frames)  # surveys: none in the last bucket
    tables = _by_account_bucket(frames, tmp_path, 4)
    assert [tables[name].npartitions for name in EVENTS] == [4, 4, 4, 3]
    for by in (None, "region", "account"):
        got = akd.kpis(tables, QUARTERS, by=by)
        _assert_same(got, book.kpis(QUARTERS, by=by))
    assert (
        akd.kpis(tables, "2023Q1", kpis="clients_start")["clients_start"].item()
        == book.kpis("2023Q1", kpis="clients_start")["clients_start"].item()
    )
    _assert_same(akd.kpis(tables, QUARTERS, by="region", shuffle=False), book.kpis(QUARTERS, by="region"))


def test_input_split_by_row_is_shuffled_or_refused(small: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    book, frames = small
    tables = _dask_tables(frames, 3)
    calls = []
    shuffled = akd._shuffled
    monkeypatch.setattr(akd, "_shuffled", lambda *a: calls.append(a) or shuffled(*a))
    with dask.config.set(scheduler="sync"):
        _assert_same(akd.kpis(tables, QUARTERS, by="region"), book.kpis(QUARTERS, by="region"))
        assert len(calls) == 1
        with pytest.raises(ValueError, match=r"shuffle=False, but .* account \d+ has events in partitions"):
            akd.kpis(tables, QUARTERS, shuffle=False)
        with pytest.raises(ValueError, match="shuffle must be 'auto', True or False"):
            akd.kpis(tables, QUARTERS, shuffle="never")


def test_the_look_for_a_layout_stops_at_the_first_two_partitions_when_they_share_an_account() -> None:
    read: list[int] = []
    meta = pd.DataFrame({"account_id": pd.Series([], dtype=np.int64)})

    def frame(accounts_of: dict[int, list[int]]) -> Any:
        def part(i: int) -> pd.DataFrame:
            read.append(i)
            return pd.DataFrame({"account_id": np.asarray(accounts_of[i], dtype=np.int64)})

        return dd.from_map(part, list(accounts_of), meta=meta, enforce_metadata=False)

    with dask.config.set(scheduler="sync"):
        # Accounts at random: partitions 0 and 1 share account 7, so 2 to 5 are never read.
        shared = frame({0: [7, 1], 1: [2, 7], 2: [3], 3: [4], 4: [5], 5: [6]})
        assert akd._laid_out_by_account({"revenue": shared}, True, strict=False) is None
        assert sorted(read) == [0, 1]
        with pytest.raises(
            ValueError,
            match=r"account 7 has events in partitions 0 and 1 \(0 more accounts "
            r"are split in the first 2 partitions\)",
        ):
            akd._laid_out_by_account({"revenue": shared}, True, strict=True)
        # The first two partitions apart, an account split later is still found: every partition is read,
        # once.
        read.clear()
        late = frame({0: [1], 1: [2], 2: [3, 9], 3: [4], 4: [9]})
        assert akd._laid_out_by_account({"revenue": late}, True, strict=False) is None
        assert sorted(read) == [0, 1, 2, 3, 4]
        with pytest.raises(
            ValueError,
            match=r"account 9 has events in partitions 2 and 4 \(0 more accounts "
            r"are split\)",
        ):
            akd._laid_out_by_account({"revenue": late}, True, strict=True)
        laid_out = frame({0: [1, 1], 1: [2], 2: [3, 3]})
        found, n = akd._laid_out_by_account({"revenue": laid_out}, True, strict=True)
        assert n == 3 and found.sort_index().to_dict() == {1: 0, 2: 1, 3: 2}


def test_the_shuffle_puts_each_account_in_its_partition_once_in_input_order(small: Any) -> None:
    _, frames = small
    revenue = frames["revenue"].assign(line=np.arange(len(frames["revenue"])))
    n = 5
    parts = akd._shuffled({"revenue": dd.from_pandas(revenue, npartitions=3, sort=False)}, n, True)["revenue"]
    (got,) = dask.compute(parts, scheduler="sync")
    assert len(got) == n
    assert sum(len(f) for f in got) == len(revenue)  # no row lost or doubled
    for i, f in enumerate(got):
        assert (akd._partition_of(f["account_id"].to_numpy(), n, True) == i).all()
        assert f["line"].is_monotonic_increasing  # each account's lines keep the input order
    assert sorted(pd.concat(got)["line"]) == list(range(len(revenue)))


def test_a_layout_asked_to_change_is_shuffled(client: Any, small: Any, tmp_path: Any) -> None:
    book, frames = small
    tables = _by_account_bucket(frames, tmp_path, 2)
    want = book.kpis(QUARTERS, by="region")
    _assert_same(akd.kpis(tables, QUARTERS, by="region", partitions=3), want)
    _assert_same(akd.kpis(tables, QUARTERS, by="region", shuffle=True), want)
    with pytest.raises(ValueError, match="keeps the event tables' own 2 partitions; partitions=3"):
        akd.kpis(tables, QUARTERS, partitions=3, shuffle=False)


# ---- States: pickling, merging in any order --------------------------------------------------------------


def _days(periods: list[ak.Period]) -> list[tuple[int, int]]:
    return [(p._begin, p._end) for p in periods]


def test_state_pickle_round_trips_bit_for_bit(small: Any) -> None:
    book, _ = small
    days = _days(QUARTERS)
    state = ak._core.kpi.accumulate(book._core, days, ["manager", "region"], [], {}, {})
    blob = pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL)
    assert len(blob) < state.nbytes + 100  # the engine's own bytes, hardly any pickle overhead
    back = pickle.loads(blob)
    assert back.groups == state.groups
    assert pickle.dumps(back, protocol=pickle.HIGHEST_PROTOCOL) == blob
    want = ak._core.kpi.finalize(book._core, days, ["manager", "region"], [], {}, state)
    got = ak._core.kpi.finalize(book._core, days, ["manager", "region"], [], {}, back)
    for name, values in want["values"].items():
        np.testing.assert_array_equal(got["values"][name], values, err_msg=name)
    twin = copy.copy(state)
    twin.merge(back)  # a copy is independent: merging into it leaves the original alone
    assert pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL) == blob
    (raw,) = state.__getstate__()
    broken = ak._core.kpi.State.__new__(ak._core.kpi.State)
    with pytest.raises(ValueError, match="cut short"):  # the checksum no longer matches
        broken.__setstate__((raw[:-1],))


@pytest.fixture(scope="module")
def merge_book() -> ak.Book:
    return ak.datasets.demo_book(seed=9, accounts=40, years=2)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_merging_is_associative_and_commutative(merge_book: ak.Book, data: st.DataObject) -> None:
    book = merge_book
    days = _days(ak.periods("2023-01-01", "2025-01-01", "Q"))
    by = data.draw(st.sampled_from([[], ["manager"], ["region", "volume_band"], ["account"]]), label="by")
    n = book.n_accounts
    k = data.draw(st.integers(2, 5), label="parts")
    owner = data.draw(st.lists(st.integers(0, k - 1), min_size=n, max_size=n), label="owner")
    parts = [[a for a in range(n) if owner[a] == j] for j in range(k)]
    parts = [p for p in parts if p]

    def state(accounts: list[int]) -> Any:
        return ak._core.kpi.accumulate(book._core, days, by, [], {}, {"accounts": accounts})

    def merged(order: list[int], tree: bool) -> dict[str, Any]:
        states = [state(parts[j]) for j in order]
        while len(states) > 1:  # pairs up (a tree) or folds left
            if tree:
                nxt = []
                for i in range(0, len(states) - 1, 2):
                    states[i].merge(states[i + 1])
                    nxt.append(states[i])
                states = nxt + ([states[-1]] if len(states) % 2 else [])
            else:
                states[0].merge(states.pop(1))
        return ak._core.kpi.finalize(book._core, days, by, [], {}, pickle.loads(pickle.dumps(states[0])))

    order = data.draw(st.permutations(range(len(parts))), label="order")
    a = merged(list(range(len(parts))), tree=False)
    b = merged(list(order), tree=True)
    whole = ak._core.kpi.compute(book._core, days, by, [], {}, {})
    for k_, (ka, kb) in enumerate(zip(a["keys"], b["keys"], strict=True)):
        np.testing.assert_array_equal(ka[1], kb[1], err_msg=f"key {k_}")
    for name, values in whole["values"].items():
        np.testing.assert_allclose(
            a["values"][name], b["values"][name], rtol=1e-12, equal_nan=True, err_msg=name
        )
        np.testing.assert_allclose(a["values"][name], values, rtol=1e-12, equal_nan=True, err_msg=name)


# ---- Failures -------------------------------------------------------------------------------------------


def test_a_worker_killed_mid_computation_changes_nothing(client: Any, large: Any) -> None:
    book, tables = large
    want = book.kpis(QUARTERS, by="region")
    result: dict[str, Any] = {}

    def run() -> None:
        try:
            result["frame"] = akd.kpis(tables, QUARTERS, by="region", partitions=6)
        except BaseException as e:  # pragma: no cover - reported below
            result["error"] = e

    pids = client.run(os.getpid)
    thread = threading.Thread(target=run)
    thread.start()
    victim = None
    deadline = time.monotonic() + 60
    while victim is None and thread.is_alive() and time.monotonic() < deadline:
        for address, tasks in client.processing().items():
            if any("_partition_state" in str(t) for t in tasks):
                victim = address
                break
        time.sleep(0.02)
    assert victim is not None, "the computation ended before a worker could be killed: make it larger"
    os.kill(pids[victim], signal.SIGKILL)
    thread.join(120)
    assert not thread.is_alive()
    assert "error" not in result, result.get("error")
    _assert_same(result["frame"], want)
    client.wait_for_workers(2, timeout=60)  # the nanny restarts it
