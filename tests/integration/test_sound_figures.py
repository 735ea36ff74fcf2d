"""Issue 11 on the golden build: what the audit found is fixed in the published warehouse, site and downloads."""

import csv
import re

import duckdb
import polars as pl
import pytest

from pipelines.indicators import flags
from pipelines.indicators.convention import one_number_mismatches


@pytest.fixture(scope="module")
def con(golden):
    with duckdb.connect(str(golden.warehouse), read_only=True) as c:
        yield c


def rows(con, sql: str, params: list | None = None) -> list[tuple]:
    return con.execute(sql, params or []).fetchall()


def test_canada_sexual_exploitation_2014_2016_is_withdrawn_not_published(con) -> None:
    published = rows(con, "SELECT year FROM marts.offences_by_country_year WHERE area_code = 'CAN' AND "
                          "category = 'Sexual Exploitation' AND sex = 'Total' AND age = 'Total' ORDER BY year")
    assert [y for (y,) in published][:1] == [2017]
    withheld = rows(con, "SELECT year, unit, value, release, reason, flags FROM marts.values_not_published "
                         "WHERE area_code = 'CAN' AND category = 'Sexual Exploitation' AND unit = 'count' "
                         "ORDER BY year")
    assert [(y, v, r, why, f) for y, _, v, r, why, f in withheld] == [
        (2014, 139.0, "2022-06-06", "withdrawn", "w"), (2015, 205.0, "2022-06-06", "withdrawn", "w"),
        (2016, 226.0, "2022-06-06", "withdrawn", "w")]
    # Nor do they reach a regional or Convention sum: Canada is not among 2014's reporting countries.
    convention = rows(con, "SELECT reporting_countries FROM marts.offences_by_convention_article "
                           "WHERE area_code = '019' AND year = 2014 AND convention_articles = '14;15' "
                           "AND source_id = 'unodc_cts'")
    assert all("CAN" not in (r or "") for (r,) in convention)


def test_england_and_wales_zero_cyber_fraud_is_flagged_not_recorded(con) -> None:
    got = rows(con, "SELECT year, offences_count, offences_per_100k_population_unodc, flags FROM "
                    "marts.offences_by_country_year WHERE area_code = 'GBR_E_W' AND category = "
                    "'Fraud: Cyber-related (Cy)' AND sex = 'Total' AND age = 'Total' ORDER BY year")
    assert got == [(2015, None, None, "n"), (2016, None, None, "n")]
    article13 = rows(con, "SELECT year, recorded_count, includes_non_ict_offences FROM "
                          "marts.offences_by_convention_article WHERE area_code = 'GBR_E_W' AND "
                          "convention_articles = '13' AND source_id = 'unodc_cts' AND year IN (2015, 2016) "
                          "ORDER BY year")
    assert article13 == [(2015, 619152.0, True), (2016, 652362.0, True)]  # the parent, flagged, never 0


def test_the_us_nibrs_transition_is_flagged_on_the_value(con) -> None:
    [(f, note)] = rows(con, "SELECT flags, flag_notes FROM marts.offences_by_country_year WHERE area_code = 'USA' "
                            "AND category = 'Fraud' AND year = 2021 AND sex = 'Total' AND age = 'Total'")
    assert f == "b" and "NIBRS" in note


def test_every_flag_string_is_in_the_legend(con) -> None:
    tables = [t for (t,) in rows(con, "SELECT table_name FROM duckdb_columns() WHERE schema_name = 'marts' "
                                      "AND column_name = 'flags'")]
    assert len(tables) >= 6
    for table in tables:
        values = [v for (v,) in rows(con, f"SELECT DISTINCT flags FROM marts.{table}")]  # noqa: S608
        assert flags.invalid(values) == [], table
        assert None not in values, table


def test_one_number_per_world_and_region_quantity(con) -> None:
    article = con.execute("SELECT * FROM marts.offences_by_convention_article").pl()
    regional = con.execute("SELECT * FROM marts.regional_offences").pl()
    assert one_number_mismatches(article, regional, ("unodc_cts",)).height == 0
    # The audit's case: world cyber-related fraud 2013, 342,629 from 20 countries, in both marts.
    conv = article.filter(pl.col("area_code") == "001", pl.col("year") == 2013, pl.col("convention_articles") == "13",
                          pl.col("source_id") == "unodc_cts", ~pl.col("includes_non_ict_offences"))
    reg = regional.filter(pl.col("region_code") == "001", pl.col("year") == 2013,
                          pl.col("category") == "Fraud: Cyber-related (Cy)")
    assert conv.select("recorded_count", "countries_reporting").row(0) == (342629.0, 20)
    assert reg.select("offences_count", "countries_reporting").row(0) == (342629.0, 20)


def test_region_rows_never_add_ict_specific_and_all_offence_series(con) -> None:
    mixed = rows(con, "SELECT count(*) FROM marts.offences_by_convention_article WHERE area_type = 'region' "
                      "GROUP BY area_code, year, convention_articles, source_id, measure, includes_non_ict_offences "
                      "HAVING count(*) > 1")
    assert mixed == []
    americas = rows(con, "SELECT includes_non_ict_offences, recorded_count FROM marts.offences_by_convention_article "
                         "WHERE area_code = '019' AND year = 2021 AND convention_articles = '13' AND "
                         "source_id = 'unodc_cts' ORDER BY 1")
    # The US all-fraud count (906,018, NIBRS) sits in the non-ICT row, never in the ICT-specific one.
    assert len(americas) == 2 and americas[0][1] < 906_018 <= americas[1][1]


def test_flags_reach_the_downloads_and_the_site(golden) -> None:
    with (golden.site / "downloads" / "offences_by_country_year.csv").open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        assert "flags" in reader.fieldnames
        assert {r["flags"] for r in reader} >= {"", "b", "n"}
    methodology = (golden.site / "methodology.html").read_text(encoding="utf-8")
    assert 'id="flags"' in methodology
    assert all(f"<code>{letter}</code>" in methodology for letter in flags.FLAGS)
    quality = (golden.site / "quality.html").read_text(encoding="utf-8")
    assert "Values loaded but not published" in quality and "CAN" in quality
    offences = (golden.site / "offences.html").read_text(encoding="utf-8")
    assert re.search(r"Snapshot year: 2022 is the latest year", offences)
    # 92 countries and territories with an ICT-specific count, and the UK through its three parts.
    overview = (golden.site / "index.html").read_text(encoding="utf-8")
    assert "<strong>93</strong> countries with police-recorded offences in an ICT-specific series" in overview
    gbr = (golden.site / "countries" / "GBR.html").read_text(encoding="utf-8")
    assert "not recorded separately" in gbr


def test_the_ict_split_counts_the_members_of_the_region_rows(con) -> None:
    differ = rows(con, "SELECT s.region_code, s.year, s.convention_articles, s.part FROM "
                       "marts.convention_ict_split_by_region AS s JOIN marts.offences_by_convention_article AS a "
                       "ON a.area_type = 'region' AND a.area_code = s.region_code AND a.year = s.year "
                       "AND a.convention_articles = s.convention_articles AND a.source_id = s.source_id "
                       "AND a.measure = 'offences' "
                       "AND a.includes_non_ict_offences = (s.part = 'series including non-ICT offences') "
                       "WHERE s.countries <> a.countries_reporting OR s.recorded_count <> a.recorded_count")
    assert differ == []
