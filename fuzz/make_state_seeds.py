"""Writes the seed corpus (fuzz/state/corpus) and the regression inputs (fuzz/state/regressions) of
fuzz_state.cpp: one state of each of its requests over the demo book of 30 accounts, and the crafted states of
issue 18 (key codes beyond the key, a key that claims 2^26 codes, more groups than the bytes hold, a period
count unlike the request's, a negative count, a NaN in a list).

Needs the built package (pip install .). Run: python3 fuzz/make_state_seeds.py
"""

from __future__ import annotations

import struct
from pathlib import Path

from accountkpi import _core
from accountkpi._dates import periods

HERE = Path(__file__).parent / "state"
N_SUMS, N_COUNTS = 32, 29


def _days(freq: str) -> list[tuple[int, int]]:
    return [(p._begin, p._end) for p in periods("2024-01-01", "2025-01-01", freq)]


# As `requests()` in fuzz_state.cpp, in the same order.
REQUESTS = [
    ([], [], "Q"),
    (["region"], ["revenue", "nrr", "gini", "median_deal_size"], "Q"),
    (["account"], ["revenue", "retention_rate", "grr"], "M"),
    (["manager", "region"], [], "Y"),
    (["service_line"], ["revenue", "deals", "request_response_days"], "Q"),
]


def _sealed(body: bytes) -> bytes:
    return body + struct.pack("<Q", _core.kpi.state_checksum(body))


def main() -> None:
    book = _core.demo_book(accounts=30)
    (HERE / "corpus").mkdir(parents=True, exist_ok=True)
    (HERE / "regressions").mkdir(parents=True, exist_ok=True)
    states = []
    for k, (by, kpis, freq) in enumerate(REQUESTS):
        state = _core.kpi.accumulate(book, _days(freq), by, kpis, {}, {})
        (raw,) = state.__getstate__()
        states.append(raw)
        (HERE / "corpus" / f"request_{k}").write_bytes(bytes([2 * k + 1]) + raw)

    region = states[1]  # one key: header, key, extent, periods, level, flags, lists, groups, codes
    extent_at, periods_at = 14, 22
    groups_at = periods_at + 8 + 1 + 1 + N_SUMS + 1 + N_COUNTS + 1
    codes_at = groups_at + 8
    crafted: dict[str, tuple[int, bytes]] = {}
    b = bytearray(region)
    b[codes_at : codes_at + 4] = struct.pack("<i", 10**6)
    crafted["code_beyond_the_key"] = (1, bytes(b))
    b[extent_at : extent_at + 8] = struct.pack("<Q", 2 * 10**6)
    crafted["key_claiming_more_codes"] = (1, bytes(b))
    b = bytearray(region)
    b[extent_at : extent_at + 8] = struct.pack("<Q", 2**26)
    crafted["key_of_2_26_codes"] = (1, bytes(b))
    b[groups_at : groups_at + 8] = struct.pack("<Q", 2**40)
    crafted["more_groups_than_bytes"] = (1, bytes(b))
    b = bytearray(region)
    b[periods_at : periods_at + 8] = struct.pack("<Q", 1)
    crafted["fewer_periods_than_the_request"] = (1, bytes(b))
    b = bytearray(region)  # its lists: deal values, response days (empty), account revenue; then the checksum
    b[-8 - 8] ^= 0x7F  # the high byte of the last account revenue: a NaN or a huge value
    crafted["odd_list_value"] = (1, bytes(b))
    b = bytearray(states[2])
    b[12 + 1 + 1 + 8 + 8] = 7  # an account level that is no bool
    crafted["bad_flag"] = (2, bytes(b))
    for name, (k, body) in crafted.items():
        (HERE / "regressions" / name).write_bytes(bytes([2 * k + 1]) + _sealed(body[:-8]))
    (HERE / "regressions" / "bad_checksum").write_bytes(bytes([2]) + region[:-1] + bytes([region[-1] ^ 1]))


if __name__ == "__main__":
    main()
