"""marts.revisions: source restatements and figures changed between publications (issue 13, item 3)."""

import duckdb
import polars as pl
import pytest

from pipelines import contracts
from pipelines.indicators import revisions
from pipelines.indicators.revisions import largest_first, publication_revisions, source_release_revisions


def _observations(*rows: dict) -> duckdb.DuckDBPyConnection:
    base = {"source_id": "unodc_cts", "area_code": "ITA", "series": None, "indicator": "Offences", "dimension": "x",
            "category": "Fraud", "sex": "Total", "age": "Total", "year": 2020, "measure": "offences", "unit": "count",
            "currency": None, "release": "2022-06-06", "release_date": "2022-06-06", "revision": "as_published",
            "publication": "CTS", "value": 1.0, "source_file": "a.csv", "source_row": 1, "value_decimals": None}
    frame = pl.DataFrame([{**base, **r} for r in rows], schema_overrides={"value_decimals": pl.Int32}).with_columns(
        pl.col("release_date").str.to_date())
    con = duckdb.connect()
    con.execute("CREATE SCHEMA staging")
    con.register("f", frame)
    con.execute("CREATE TABLE staging.observations AS SELECT * FROM f")
    return con


def test_a_value_restated_by_a_newer_release_is_one_row_naming_both_source_rows() -> None:
    con = _observations(
        {"value": 283686.0, "source_file": "2022/a.csv", "source_row": 7},
        {"value": 353688.0, "release": "2024-05-16", "release_date": "2024-05-16", "source_file": "2024/a.csv",
         "source_row": 9},
        {"value": 353688.0, "release": "2025-06-02", "release_date": "2025-06-02", "source_file": "2025/a.csv"},
        {"category": "Other", "value": 5.0},  # another series: one vintage, nothing to compare
    )
    found = source_release_revisions(con)
    assert found.select("old_value", "new_value", "old_release", "new_release", "old_source_file", "old_source_row",
                        "new_source_file", "new_source_row", "reason").rows() == [
        (283686.0, 353688.0, "2022-06-06", "2024-05-16", "2022/a.csv", 7, "2024/a.csv", 9, "restated")]
    row = found.row(0, named=True)
    assert row["change_share"] == pytest.approx(70002 / 283686)
    assert row["reason_note"] == "restated in unodc_cts release 2024-05-16 (before: release 2022-06-06)"
    assert row["revision_kind"] == "source_release" and row["unit"] == "count" and row["year"] == 2020


def test_a_national_figure_restated_later_in_the_same_file_is_a_revision_but_two_summaries_are_not() -> None:
    national = {"source_id": "national_figures", "area_code": "SGP", "series": "spf", "measure": "loss",
                "unit": "currency", "currency": "SGD", "release": "2026-11-22", "release_date": "2026-11-22"}
    con = _observations(
        {**national, "revision": "first_published", "value": 633.3e6, "publication": "Straits Times", "source_row": 3},
        {**national, "revision": "as_published", "value": 632.0e6, "publication": "SPF brief", "source_row": 2},
        {**national, "year": 2023, "value": 567e6, "publication": "CNW"},  # two summaries of one stage:
        {**national, "year": 2023, "value": 554e6, "publication": "Ontario police"},  # alternatives, no revision
    )
    found = source_release_revisions(con)
    assert found.select("old_value", "new_value", "unit", "old_source_row", "new_source_row").rows() == [
        (633.3e6, 632.0e6, "SGD", 3, 2)]
    assert found["reason_note"][0] == ("first_published figure (Straits Times) restated as as_published figure "
                                       "(SPF brief)")


def test_unchanged_and_missing_values_are_not_revisions() -> None:
    con = _observations({"value": 10.0}, {"value": 10.0, "release": "2024-05-16", "release_date": "2024-05-16"},
                        {"value": None, "release": "2025-06-02", "release_date": "2025-06-02"})
    assert source_release_revisions(con).height == 0


LOSSES = ("country_iso3", "country_name", "year", "series", "loss_lcu", "currency_code", "is_preferred",
          "source_file", "source_row", "release")
REGIONAL = ("region_code", "region_name", "year", "loss_usd_nominal", "countries_reporting")


def _publication(losses: list[tuple], regional: list[tuple], files: dict[str, str]) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("CREATE SCHEMA marts")
    con.execute("CREATE TABLE marts.losses_by_country_year (country_iso3 VARCHAR, country_name VARCHAR, year INTEGER, "
                "series VARCHAR, loss_lcu DOUBLE, currency_code VARCHAR, is_preferred BOOLEAN, source_file VARCHAR, "
                "source_row BIGINT, release VARCHAR)")
    con.executemany("INSERT INTO marts.losses_by_country_year VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", losses)
    con.execute("CREATE TABLE marts.regional_losses (region_code VARCHAR, region_name VARCHAR, year INTEGER, "
                "loss_usd_nominal DOUBLE, countries_reporting INTEGER)")
    if regional:
        con.executemany("INSERT INTO marts.regional_losses VALUES (?, ?, ?, ?, ?)", regional)
    con.execute("CREATE TABLE marts.source_files (relpath VARCHAR, sha256 VARCHAR)")
    if files:
        con.executemany("INSERT INTO marts.source_files VALUES (?, ?)", list(files.items()))
    return con


def test_figures_that_differ_from_the_previous_publication_say_why() -> None:
    nf, new_nf = "sources/national_figures/1/f.csv", "sources/national_figures/2/f.csv"
    before = _publication([
        ("SGP", "Singapore", 2024, "spf", 1.1e9, "SGD", True, nf, 182, "1"),     # the file's bytes change
        ("NZL", "New Zealand", 2023, "cert_nz", 18.3e6, "NZD", True, nf, 162, "1"),  # a new release supplies it
        ("AUS", "Australia", 2020, "accc", 8.5e8, "AUD", True, nf, 5, "1"),       # no longer published
        ("JPN", "Japan", 2024, "npa", 7.2e10, "JPY", True, nf, 9, "1"),           # unchanged
        ("JPN", "Japan", 2024, "npa", 7.0e10, "JPY", False, nf, 10, "1"),         # an alternative: not compared
    ], [("001", "World", 2024, 2.0e10, 9), ("035", "South-eastern Asia", 2024, 1.3e9, 2)], {nf: "a"})
    after = _publication([
        ("SGP", "Singapore", 2024, "spf", 1.32e9, "SGD", True, nf, 182, "1"),
        ("NZL", "New Zealand", 2023, "cert_nz", 18.4e6, "NZD", True, new_nf, 3, "2"),
        ("JPN", "Japan", 2024, "npa", 7.2e10, "JPY", True, nf, 9, "1"),
        ("JPN", "Japan", 2024, "npa", 9.9e10, "JPY", False, nf, 10, "1"),
        ("IRL", "Ireland", 2024, "gardai", 1.2e8, "EUR", True, new_nf, 4, "2"),   # new
    ], [("001", "World", 2024, 2.1e10, 10), ("035", "South-eastern Asia", 2024, 1.5e9, 2)], {nf: "b", new_nf: "c"})
    found = publication_revisions(after, before, "abc123")
    by_figure = {r["figure"]: r for r in found.iter_rows(named=True)}
    assert set(by_figure) == {"Singapore · 2024 · spf", "New Zealand · 2023 · cert_nz", "Australia · 2020 · accc",
                              "Ireland · 2024 · gardai", "World · 2024", "South-eastern Asia · 2024"}
    sgp = by_figure["Singapore · 2024 · spf"]
    assert (sgp["old_value"], sgp["new_value"], sgp["unit"], sgp["reason"]) == (1.1e9, 1.32e9, "SGD", "input_changed")
    assert sgp["change_share"] == pytest.approx(0.2) and sgp["compared_publication"] == "abc123"
    assert sgp["reason_note"] == f"the input file {nf} changed (row 182)"
    nzl = by_figure["New Zealand · 2023 · cert_nz"]
    assert (nzl["reason"], nzl["old_release"], nzl["new_release"]) == ("source_changed", "1", "2")
    assert nzl["reason_note"] == f"now from {new_nf} row 3 (was {nf} row 162)"
    assert by_figure["Australia · 2020 · accc"]["reason"] == "removed"
    assert by_figure["Australia · 2020 · accc"]["new_value"] is None
    assert (by_figure["Ireland · 2024 · gardai"]["reason"], by_figure["Ireland · 2024 · gardai"]["old_value"]) == (
        "added", None)
    assert by_figure["World · 2024"]["reason_note"] == "countries in the sum: 9 -> 10"
    assert by_figure["South-eastern Asia · 2024"]["reason"] == "recomputed"
    assert set(found["table_name"]) == {"marts.losses_by_country_year", "marts.regional_losses"}
    # largest relative change first, then figures added or removed
    assert largest_first(found)["figure"].to_list()[:2] == ["Singapore · 2024 · spf", "South-eastern Asia · 2024"]
    assert largest_first(found)["old_value"].is_null().to_list()[-2:].count(True) == 1
    assert publication_revisions(after, after, "x").height == 0
    assert publication_revisions(after, None, None).height == 0  # the first publication: nothing to compare


def test_a_figure_left_without_a_value_is_withheld() -> None:
    row = ("GBR", "United Kingdom", 2016, "ons", 5.0, "GBP", True, "f.csv", 1, "1")
    before = _publication([row], [], {"f.csv": "a"})
    after = _publication([(*row[:4], None, *row[5:])], [], {"f.csv": "a"})
    assert publication_revisions(after, before, "x").select("reason", "new_value").rows() == [("withheld", None)]


def test_an_older_publication_without_a_compared_column_is_skipped_not_failed() -> None:
    before = _publication([("SGP", "Singapore", 2024, "spf", 1.0, "SGD", True, "f", 1, "1")], [], {})
    before.execute("ALTER TABLE marts.losses_by_country_year DROP COLUMN release")
    after = _publication([("SGP", "Singapore", 2024, "spf", 2.0, "SGD", True, "f", 1, "1")], [], {})
    assert publication_revisions(after, before, "x").height == 0


def test_the_contract_declares_what_the_code_writes() -> None:
    contract = contracts.load("marts", "revisions")
    assert [c.name for c in contract.columns] == list(revisions.COLUMNS)
    checks = {e["name"]: e for e in contract.expectations}
    assert tuple(checks["reasons_known"]["in_set"]) == revisions.REASONS
    assert tuple(checks["kinds_known"]["in_set"]) == revisions.KINDS


def test_a_file_sent_again_as_a_new_release_gives_its_corrections_only() -> None:
    """The whole national file dropped again with one figure corrected: the restatements inside the file are
    listed once (for the first release), equal rows give nothing, the correction one row; never a pair across
    a release boundary and a revision stage (the new release's first-published row against the old release's
    restated one)."""
    national = {"source_id": "national_figures", "area_code": "IND", "series": "ncrb", "measure": "cases"}
    rows = []
    for release in ("2026-11-22", "2026-12-01"):
        at = {**national, "release": release, "release_date": release}
        rows += [{**at, "revision": "first_published", "value": 44546.0, "publication": "summary"},
                 {**at, "revision": "as_published", "value": 44735.0, "publication": "report"},
                 {**at, "year": 2023, "value": 18.3e6 if release == "2026-11-22" else 18.4e6},
                 {**at, "year": 2021, "value": 2.0e9, "publication": "A"},   # two summaries, both years
                 {**at, "year": 2021, "value": 1.8e9, "publication": "B"},
                 {**at, "year": 2019, "value": 1.0, "publication": "C"},    # one publication, two values,
                 {**at, "year": 2019, "value": 2.0, "publication": "C"}]    # in both releases
    found = source_release_revisions(_observations(*rows))
    assert found.select("year", "old_value", "new_value", "old_release", "new_release").sort("year").rows() == [
        (2020, 44546.0, 44735.0, "2026-11-22", "2026-11-22"), (2023, 18.3e6, 18.4e6, "2026-11-22", "2026-12-01")]


def test_a_rounded_copy_restates_only_what_its_rounding_cannot_explain() -> None:
    """UNODC 2026-07 known from a derived copy: rates rounded (>=10 to 1 decimal, else 2 decimals)."""
    derived = {"release": "2026-07", "release_date": "2026-07-12", "unit": "rate_per_100k_population",
               "source_file": "derived.csv"}
    con = _observations(
        {"unit": "rate_per_100k_population", "value": 45.3511310487585, "release": "2024-05-16",
         "release_date": "2024-05-16"}, {**derived, "value": 45.4, "value_decimals": 1},  # rounding only
        {"area_code": "SYR", "unit": "rate_per_100k_population", "value": 3.64135488815428, "release": "2024-05-16",
         "release_date": "2024-05-16"}, {**derived, "area_code": "SYR", "value": 3.6, "value_decimals": 2},  # 3.60
        {"area_code": "ARE", "unit": "rate_per_100k_population", "value": 45.3511310487585, "release": "2024-05-16",
         "release_date": "2024-05-16"}, {**derived, "area_code": "ARE", "value": 45.2, "value_decimals": 1})
    found = source_release_revisions(con)
    assert found.select("area_code", "old_value", "new_value").sort("area_code").rows() == [
        ("ARE", 45.3511310487585, 45.2), ("SYR", 3.64135488815428, 3.6)]
