"""Writes the seed corpus (fuzz/corpus) and the regression inputs (fuzz/regressions) of fuzz_book.cpp.

The formats are described at the top of fuzz_book.cpp. Run: python3 fuzz/make_seeds.py
"""

from __future__ import annotations

import struct
from pathlib import Path

HERE = Path(__file__).parent
TABLES = [
    "accounts",
    "managers",
    "projects",
    "assignments",
    "revenue",
    "interactions",
    "requests",
    "surveys",
    "targets",
]

TEXT_SEEDS = {
    "valid_small": """#accounts
account_id,name,region,acquired_on,churned_on,parent_id
A,Acme,EMEA,2023-01-01,,
B,"Beta, Inc",APAC,2023-02-01,2024-01-01,A
B,"Beta, Inc",APAC,2024-03-01,,A
#managers
manager_id,role,tier
M1,farmer,single_client
M2,closer,
#projects
project_id,account_id,signed_on,value,kind,billing,service_line
P1,A,2023-01-10,1000,new,fixed,web
P2,B,2023-03-01,500,,hour,data
#assignments
manager_id,account_id,project_id,start,end
M1,A,,2023-01-01,
M2,B,P2,2023-03-01,2024-01-01
#revenue
account_id,project_id,date,amount,cost,units,unit
A,P1,2023-02-15,100.5,60,10,hour
B,,2023-03-15,-50,,,
B,P2,2024-04-01,25.25,1,2,day
#interactions
account_id,manager_id,date,channel
A,M1,2023-05-01,email
B,,2023-05-02,call
#requests
account_id,received_on,responded_on,project_id
A,2023-05-01,2023-05-03,
B,2023-05-02,,P2
#surveys
account_id,date,kind,score
A,2023-06-01,csat,4
B,2023-06-02,nps,9
#targets
manager_id,kpi,begin,end,target
M1,revenue,2023-01-01,2024-01-01,100000
""",
    "derived_spells": """#accounts
account_id
1
2
#revenue
account_id,date,amount
1,2023-01-01,5
1,2023-03-01,5
1,2024-08-01,5
2,2023-06-01,-1
""",
    "bad_everything": """#accounts
account_id,acquired_on,churned_on,parent_id
A,2023-01-01,2022-01-01,A
A,,,
,1899-12-31,,Z
#revenue
account_id,date,amount,units,unit
A,2023-02-30,inf,-1,week
Z,,1e15,1,
#surveys
account_id,date,kind,score
A,2023-01-01,nps,11
#invoices
x
1
""",
}


def raw_column(name_index: int, kind: int, values: bytes, ragged: bool = False, small: bool = False) -> bytes:
    out = bytes([name_index, 0 if ragged else 1, kind])
    if kind == 0:
        out += bytes([1 if small else 0])
    return out + values


def raw_table(table: str, rows: int, columns: list[bytes]) -> bytes:
    return bytes([TABLES.index(table), rows, len(columns)]) + b"".join(columns)


def raw_book(tables: list[bytes], inactivity: int = 1) -> bytes:
    return bytes([0, inactivity, 100, len(tables) - 1]) + b"".join(tables)


def i64(*values: int) -> bytes:
    return b"".join(struct.pack("<q", v) for v in values)


# Regression: integer ids spanning the int64 range overflowed the dense reference lookup (segfault).
INT64_IDS = raw_book(
    [
        raw_table("accounts", 2, [raw_column(0, 0, i64(-(2**63), 2**63 - 1))]),
        raw_table(
            "revenue",
            2,
            [
                raw_column(0, 0, i64(-(2**63), 0)),
                raw_column(2, 2, bytes([60, 61])),
                raw_column(3, 1, bytes([70, 80])),
            ],
        ),
    ]
)
RAW_SEEDS = {
    "raw_valid": raw_book(
        [
            raw_table("accounts", 3, [raw_column(0, 0, bytes([1, 2, 3]), small=True)]),
            raw_table(
                "revenue",
                3,
                [
                    raw_column(0, 0, bytes([1, 2, 3]), small=True),
                    raw_column(2, 2, bytes([60, 61, 62])),
                    raw_column(3, 1, bytes([70, 80, 90])),
                ],
            ),
        ]
    ),
    "raw_texts": raw_book(
        [
            raw_table("accounts", 2, [raw_column(0, 3, bytes([2, 0, 1, 1, 2]))]),
            raw_table(
                "revenue",
                2,
                [
                    raw_column(0, 3, bytes([1, 0, 1, 0])),
                    raw_column(2, 3, bytes([1, 20, 1, 1])),
                    raw_column(3, 1, bytes([70, 255]) + struct.pack("<d", float("inf"))),
                ],
            ),
        ]
    ),
    "raw_int64_ids": INT64_IDS,
}


def main() -> None:
    (HERE / "corpus").mkdir(exist_ok=True)
    (HERE / "regressions").mkdir(exist_ok=True)
    for name, text in TEXT_SEEDS.items():
        (HERE / "corpus" / f"text_{name}").write_bytes(b"\x01" + text.encode())
    for name, data in RAW_SEEDS.items():
        (HERE / "corpus" / name).write_bytes(data)
    (HERE / "regressions" / "int64_id_range_lookup_overflow").write_bytes(INT64_IDS)


if __name__ == "__main__":
    main()
