"""The KPI registry of the C++ core, docs/kpis.md and the Python layer agree.

The registry (``ACCOUNTKPI_KPIS`` in include/accountkpi/kpi/kpis.hpp) is where a KPI's name, unit, direction,
level, flow and options are stated; docs/kpis.md states them again for readers (the "At a glance" table, a
``###`` section per KPI, the Options table), so these tests fail when the two drift apart.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

import accountkpi as ak
from accountkpi import _core, cli, report

REFERENCE = Path(__file__).resolve().parents[2] / "docs" / "kpis.md"
KEYWORD = {key: word for _, key, word in _core.kpi.options()}


def _section(title: str) -> str:
    """The text of the ``## title`` section of docs/kpis.md."""
    text = REFERENCE.read_text()
    assert f"\n## {title}\n" in text, f"docs/kpis.md has no section '## {title}'"
    return text.split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0]


def _cells(line: str) -> list[str]:
    """The cells of a Markdown table row, ``\\|`` unescaped."""
    return [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", line)[1:-1]]


def _glance() -> pd.DataFrame:
    """The "At a glance" table of docs/kpis.md, one row per KPI, indexed by name."""
    rows = []
    for line in _section("At a glance").splitlines():
        if not line.startswith("| ["):
            continue
        link, unit, better, level, flow, options, definition = _cells(line)
        match = re.fullmatch(r"\[`(\w+)`\]\(#(\w+)\)", link)
        assert match and match[1] == match[2], f"a KPI links to its own section: {link}"
        rows.append(
            {
                "kpi": match[1],
                "unit": unit,
                "higher_is_better": {"higher": True, "lower": False}[better],
                "level": level,
                "flow": {"yes": True, "": False}[flow],
                "options": tuple(re.findall(r"`(\w+)`", options)),
                "definition": definition,
            }
        )
    return pd.DataFrame(rows).set_index("kpi")


def test_the_docs_table_states_the_registry() -> None:
    registry = ak.kpi.kpi_table()
    docs = _glance()
    assert list(docs.index) == list(registry.index), "one row per KPI, in the registry's order"
    columns = ["unit", "higher_is_better", "level", "flow", "options", "definition"]
    pd.testing.assert_frame_equal(docs[columns], registry[columns], check_names=False)


def test_every_kpi_has_a_section_and_every_section_is_a_kpi() -> None:
    text = REFERENCE.read_text()
    kpi_part = text.split("\n## Keeping clients\n", 1)[1].split("\n## Options\n", 1)[0]
    headings = [line[4:].strip() for line in kpi_part.splitlines() if line.startswith("### ")]
    assert len(headings) == len(set(headings))
    assert set(headings) == set(ak.kpi.KPIS)


def test_the_options_table_names_the_registry_options() -> None:
    registry = ak.kpi.kpi_table()
    documented = set()
    for line in _section("Options").splitlines():
        if not line.startswith("| `"):
            continue
        option, one_value, *_ = _cells(line)
        keys = re.findall(r"`(\w+)`", option)
        documented.update(keys)
        for kpi, word in re.findall(r"`(\w+)\((\w+)=\)`", one_value):
            # The one-value form names a KPI that the option changes, and the option's keyword.
            assert any(KEYWORD[key] == word and key in registry.loc[kpi, "options"] for key in keys), line
    # volume_thresholds places accounts in volume bands: it changes groups, no KPI's value.
    assert documented == set(KEYWORD) | {"volume_thresholds"}


def test_the_python_layer_reads_the_registry() -> None:
    registry = ak.kpi.kpi_table()
    assert ak.kpi.KPIS == tuple(registry.index)
    assert ak.kpi.HIGHER_IS_BETTER == registry["higher_is_better"].to_dict()
    for name, row in registry.iterrows():
        assert ak.tiers.unit(name) == row["unit"], name
        assert report.unit_of(name) == row["unit"], name
        assert _core.tiers.is_flow(name) == row["flow"], name
        doc = getattr(ak.kpi, name).__doc__
        assert row["definition"] in doc and row["formula"] in doc, name
        for key in row["options"]:
            assert f"``{KEYWORD[key]}``" in doc, (name, key)
    assert ak.tiers.unit("csat", csat_method="mean") == "scale"  # the unit follows the option


def test_the_one_value_functions_take_the_registry_options(demo: ak.Book) -> None:
    # 2024Q2 over the demo book; each keyword gives what the engine's option name gives.
    p = "2024Q2"
    assert ak.kpi.top_share(demo, p, p=0.5) == ak.kpi.top_share(demo, p, top_p=0.5)
    assert ak.kpi.top_share(demo, p, p=0.5) != ak.kpi.top_share(demo, p)
    assert (
        ak.kpi.handover_churn_rate(demo, p, days=30)
        == demo.kpis(p, kpis="handover_churn_rate", handover_days=30).iloc[0, -1]
    )
    with pytest.raises(TypeError, match=r"unexpected option 'base' \(options: none\)"):
        ak.kpi.revenue(demo, p, base="year_ago")
    with pytest.raises(TypeError, match="and its other name; give one"):
        ak.kpi.retention_rate(demo, p, method="set", retention_method="set")


def test_the_summary_shows_fractions_and_ratios_as_percent() -> None:
    t = pd.DataFrame({"retention_rate": [0.9], "nrr": [1.05], "revenue": [1234.0], "attainment": [0.5]})
    shown = report._text_table(t)
    assert "90.0%" in shown and "105.0%" in shown and "1,234" in shown and "50.0%" in shown


def test_the_cli_lists_every_kpi(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["kpis", "--help"])
    out = capsys.readouterr().out
    for name, row in ak.kpi.kpi_table().iterrows():
        assert re.search(rf"^  {name} +{row['unit']} +{re.escape(row['definition'])}$", out, re.M), name


def test_a_trend_plot_shows_fractions_and_ratios_as_percent(demo: ak.Book) -> None:
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    t = demo.kpis(["2024Q1", "2024Q2"], kpis=["nrr", "gini", "revenue"])
    labels = [ak.plot.kpi_trend(t, k).get_ylabel() for k in ("nrr", "gini", "revenue")]
    plt.close("all")
    assert labels == ["nrr (%)", "gini (%)", "revenue"]  # a ratio, a fraction, an amount
