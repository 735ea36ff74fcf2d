"""Observation flags: one definition (pipelines/indicators/flags.py) that the marts, contracts and site share."""

import re

import pytest

from pipelines import contracts, sql
from pipelines.indicators import flags, trends


def test_invalid_strings_are_found() -> None:
    assert flags.invalid(["", "b", "bnu", None, "ub", "bb", "x"]) == ["ub", "bb", "x"]
    assert flags.describe("bu") == "break in series; unverified source"
    assert flags.describe("") == ""
    with pytest.raises(ValueError, match="not a flag string"):
        flags.describe("ub")


def test_the_legend_lists_every_letter_once() -> None:
    letters = [f["letter"] for f in flags.legend()]
    assert letters == list(flags.FLAGS) and len(set(letters)) == len(letters)


FLAGGED_MARTS = [t for s, t in contracts.tables("marts") if "flags" in contracts.load(s, t).column_names]


def test_the_figure_marts_have_flags() -> None:
    assert {"offences_by_country_year", "offences_by_convention_article", "regional_offences", "regional_losses",
            "trend_points", "values_not_published", "losses_by_country_year", "incident_counts_by_country_year",
            "regional_losses_published", "convention_ict_split_by_region"} <= set(FLAGGED_MARTS)


@pytest.mark.parametrize("table", FLAGGED_MARTS)
def test_every_flags_column_is_checked_against_the_legend(table: str) -> None:
    contract = contracts.load("marts", table)
    [exp] = [e for e in contract.expectations if e["name"] == "flags_in_legend"]
    assert exp["regex"] == flags.PATTERN
    assert contract.column("flags").required


@pytest.mark.parametrize("table", FLAGGED_MARTS)
def test_trend_families_named_in_the_mart_sql_exist(table: str) -> None:
    families = set(re.findall(r"series_family = '(\w+)'", sql.load("marts", table)))
    known = {v for k, v in vars(trends).items() if k.isupper() and isinstance(v, str)}
    assert families <= known, families - known


def test_the_u_flag_in_mart_sql_uses_the_unverified_grades() -> None:
    found = [(table, listed) for table in FLAGGED_MARTS
             for listed in re.findall(r"source_grade IN \(([^)]*)\)", sql.load("marts", table))]
    assert len(found) >= 5  # losses (flags and notes), incident counts, published regional, regional losses
    for table, listed in found:
        assert tuple(re.findall(r"'(\w+)'", listed)) == flags.UNVERIFIED_GRADES, table
