"""The command line's column mappings as YAML files (.yaml, .yml) beside TOML, checked entry by entry; a
missing or unreadable mapping file is one line naming it once (issue 19)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from accountkpi.cli import main, read_mapping

pytest.importorskip("yaml")

YAML = """\
# A CRM export's names
accounts:
  account_id: Customer
revenue:
  account_id: Customer
  amount: Sales
"""


@pytest.fixture
def export(tmp_path: Path) -> Path:
    pd.DataFrame({"Customer": ["A", "B"]}).to_csv(tmp_path / "accounts.csv", index=False)
    pd.DataFrame({"Customer": ["A", "B"], "date": ["2024-01-05", "20240201"], "Sales": [100.0, 50.0]}).to_csv(
        tmp_path / "revenue.csv", index=False
    )
    return tmp_path


def revenue_of_2024q1(data: Path, mapping: Path, capsys: pytest.CaptureFixture) -> list[str]:
    """The lines `accountkpi kpis` prints for 2024Q1's revenue of ``data`` read through ``mapping``."""
    args = ["kpis", "--data", str(data), "--columns", str(mapping), "--period", "2024Q1", "--kpis", "revenue"]
    assert main(args) == 0
    return capsys.readouterr().out.splitlines()


@pytest.mark.parametrize("suffix", [".yaml", ".yml", ".YAML"])
def test_a_yaml_mapping_reads_as_the_toml_one(
    export: Path, suffix: str, capsys: pytest.CaptureFixture
) -> None:
    mapping = export.parent / f"columns{suffix}"
    mapping.write_text(YAML)
    toml = export.parent / "columns.toml"
    toml.write_text(
        '[accounts]\naccount_id = "Customer"\n[revenue]\naccount_id = "Customer"\namount = "Sales"\n'
    )
    assert read_mapping(str(mapping)) == read_mapping(str(toml))
    assert revenue_of_2024q1(export, mapping, capsys) == ["period,revenue", "2024Q1,150.0"]


def test_a_yaml_mapping_with_queries_for_a_database(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    duckdb = pytest.importorskip("duckdb")
    path = tmp_path / "crm.duckdb"
    with duckdb.connect(str(path)) as conn:
        conn.execute("CREATE TABLE clients AS SELECT * FROM (VALUES ('A'), ('B')) t(id)")
        conn.execute(
            "CREATE TABLE invoices AS SELECT * FROM (VALUES ('A', DATE '2024-01-05', 100.0),"
            " ('B', DATE '2024-02-01', 50.0)) t(client, issued, total)"
        )
    mapping = tmp_path / "crm.yaml"
    mapping.write_text(
        "queries:\n"
        "  accounts: SELECT id AS account_id FROM clients\n"
        "  revenue: SELECT client, issued AS date, total AS amount FROM invoices\n"
        "revenue:\n"
        "  account_id: client\n"
    )
    assert revenue_of_2024q1(path, mapping, capsys) == ["period,revenue", "2024Q1,150.0"]


@pytest.mark.parametrize("name", ["missing.yaml", "missing.toml"])
def test_a_missing_mapping_file_is_one_line_naming_it_once(
    export: Path, name: str, capsys: pytest.CaptureFixture
) -> None:
    path = export.parent / name
    assert main(["kpis", "--data", str(export), "--columns", str(path)]) == 2
    err = capsys.readouterr().err
    assert err == f"accountkpi: cannot use {path}: No such file or directory\n"


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("bad.yaml", "revenue: [account_id: x\n", "bad.yaml is not valid YAML: "),
        ("bad.toml", "[revenue\n", "bad.toml is not valid TOML: "),
        ("list.yaml", "- revenue\n", "list.yaml: expected one section per table, got a list"),
        ("flat.yml", "revenue: Sales\n", "flat.yml: revenue must map names to names, got a str"),
        (
            "deep.yaml",
            "revenue:\n  amount: [Sales]\n",
            "deep.yaml: revenue.amount must be a name, got ['Sales']",
        ),
        ("columns.json", "{}", "columns.json: a column mapping is a .toml, .yaml or .yml file"),
    ],
)
def test_a_mapping_file_that_is_not_one_is_one_line(
    export: Path, name: str, text: str, message: str, capsys: pytest.CaptureFixture
) -> None:
    path = export.parent / name
    path.write_text(text)
    assert main(["kpis", "--data", str(export), "--columns", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("accountkpi: ") and message in err
    assert err.count("\n") == 1


def test_an_empty_yaml_file_maps_nothing(export: Path, capsys: pytest.CaptureFixture) -> None:
    path = export.parent / "empty.yaml"
    path.write_text("# nothing mapped yet\n")
    assert read_mapping(str(path)) == {}
    assert main(["kpis", "--data", str(export), "--columns", str(path)]) == 2  # the export's names
    assert "accounts column account_id: required column is missing" in capsys.readouterr().err
