"""Offences: count and published rate from one release; national totals from State/UT rows."""

import csv
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from pipelines.indicators.offences import (
    latest_release,
    offences_by_country_year,
    resolve_releases,
    totals_from_parts,
    values_not_published,
)
from pipelines.sources import ncrb

AREAS = pl.DataFrame({"area_code": ["DEU", "GBR_S"], "region_code": "150", "region_name": "Europe",
                      "subregion_code": ["155", "154"], "subregion_name": ["Western Europe", "Northern Europe"]})
POP = pl.DataFrame({"country_iso3": ["DEU"], "year": [2020], "population": [83_000_000.0]},
                   schema_overrides={"year": pl.Int32})


def totals_from_parts_ncrb(df):
    return totals_from_parts(df, ("ncrb",))


def obs(*specs: dict) -> pl.DataFrame:
    base = {"source_id": "unodc_cts", "release": "2024-05-16", "release_date": None, "area_code": "DEU",
            "area_name": "Germany", "country_iso3": "DEU", "area_type": "country", "year": 2020,
            "indicator": "Offences", "dimension": "d", "category": "Fraud", "sex": "Total", "age": "Total",
            "measure": "offences", "unit": "count", "value": 830.0, "source_file": "new.xlsx", "source_row": 4}
    return pl.DataFrame([{**base, **s} for s in specs], schema_overrides={"year": pl.Int32, "release_date": pl.Date})


def test_count_and_rate_come_from_the_same_newest_release() -> None:
    df = obs({}, {"release": "2022-06-06", "source_file": "old.csv", "value": 800.0},
             {"release": "2022-06-06", "source_file": "old.csv", "unit": "rate_per_100k_population", "value": 0.9})
    out = offences_by_country_year(df, AREAS, POP).to_dicts()
    assert len(out) == 1
    [row] = out
    assert row["offences_count"] == 830.0 and row["release"] == "2024-05-16" and row["releases_carrying"] == 2
    # The 2024 release has no rate row: the 2022 rate is NOT put next to the 2024 count.
    assert row["offences_per_100k_population_published"] is None and row["rate_source_file"] is None
    assert row["offences_per_100k_population"] == pytest.approx(1.0)


def test_subnational_areas_get_no_rate_of_ours_and_say_why() -> None:
    df = obs({"area_code": "GBR_S", "area_name": "Scotland", "country_iso3": "GBR", "area_type": "subnational"},
             {"area_code": "GBR_S", "area_name": "Scotland", "country_iso3": "GBR", "area_type": "subnational",
              "unit": "rate_per_100k_population", "value": 15.0, "source_row": 5})
    [row] = offences_by_country_year(df, AREAS, POP).to_dicts()
    assert row["offences_per_100k_population"] is None and row["offences_per_100k_population_published"] == 15.0
    assert "GBR_S is part of GBR" in row["population_note"]


def test_contradictory_values_in_the_newest_release_are_withheld_not_replaced_by_an_older_one() -> None:
    df = obs({}, {"value": 1.0, "source_row": 9}, {"release": "2022-06-06", "source_file": "old.csv", "value": 800.0})
    published, withheld = resolve_releases(df)
    assert published.height == 0  # neither 830 nor 1, and not the 2022 release's 800
    assert withheld["reason"].to_list() == ["contradictory", "contradictory"]
    assert withheld["source_row"].to_list() == [4, 9]
    assert "830 (row 4), 1 (row 9)" in withheld["note"][0]
    assert values_not_published(df).height == 2


def test_equal_duplicates_are_published_once() -> None:
    df = obs({}, {"source_row": 9})
    published, withheld = resolve_releases(df)
    assert published.select("value", "source_row").rows() == [(830.0, 4)] and withheld.height == 0


def test_values_a_newer_release_withdrew_are_not_published() -> None:
    # Canada "Sexual Exploitation": 2014-2016 only in the 2022 release; the 2025 release covers 2014-2023 (other
    # series reach back to 2014) and starts this series in 2017.
    new = {"release": "2025-06-02", "source_file": "new.csv"}
    old = {"release": "2022-06-06", "source_file": "old.csv"}
    df = obs({**old, "year": 2014, "value": 139.0}, {**old, "year": 2017, "value": 8297.0},
             {**new, "year": 2017, "value": 8297.0}, {**new, "year": 2014, "category": "Theft", "value": 5.0},
             {**old, "year": 2012, "value": 99.0})
    published, withheld = resolve_releases(df)
    fraud = published.filter(pl.col("category") == "Fraud").sort("year")
    assert fraud.select("year", "release").rows() == [(2012, "2022-06-06"), (2017, "2025-06-02")]
    assert withheld.select("year", "reason", "newest_release").rows() == [(2014, "withdrawn", "2025-06-02")]
    assert "no longer carries this year" in withheld["note"][0]
    # 2012 lies before the 2025 file's first year: not withdrawn, the 2022 value stands.


def test_a_zero_part_beside_a_large_parent_is_not_recorded_separately() -> None:
    df = obs({"value": 619_152.0}, {"category": "Fraud: Cyber-related (Cy)", "value": 0.0, "source_row": 5},
             {"category": "Fraud: Cyber-related (Cy)", "value": 0.0, "unit": "rate_per_100k_population",
              "source_row": 6})
    out = offences_by_country_year(df, AREAS, POP)
    part = out.filter(pl.col("category") != "Fraud").row(0, named=True)
    assert part["not_recorded_separately"] is True and part["offences_count"] is None
    assert part["offences_per_100k_population_published"] is None and part["offences_per_100k_population"] is None
    assert "619152" in part["not_recorded_note"]
    assert out.filter(pl.col("category") == "Fraud")["offences_count"].to_list() == [619_152.0]


def test_a_zero_part_beside_a_small_parent_is_a_true_zero() -> None:
    df = obs({"value": 2.0}, {"category": "Fraud: Cyber-related (Cy)", "value": 0.0, "source_row": 5})
    part = offences_by_country_year(df, AREAS, POP).filter(pl.col("category") != "Fraud").row(0, named=True)
    assert part["not_recorded_separately"] is False and part["offences_count"] == 0.0


def test_series_without_sex_or_age_keep_their_newest_release() -> None:
    # NCRB, IC3 and national figures publish no sex or age: a null key part is still a key.
    df = obs({"source_id": "ncrb", "sex": None, "age": None},
             {"source_id": "ncrb", "sex": None, "age": None, "release": "2022-06-06", "source_file": "old.csv",
              "value": 800.0})
    picked = latest_release(df)
    assert picked.select("value", "source_file", "releases_carrying").rows() == [(830.0, "new.xlsx", 2)]


def parts(*specs: tuple[str, str, float]) -> pl.DataFrame:
    return pl.DataFrame([{"source_id": "ncrb", "release": "r", "dataset": "t", "country_iso3": "IND",
                          "indicator": "i", "category": "Total", "measure": "cases_recorded", "unit": "count",
                          "year": 2022, "area_code": code, "area_type": kind, "value": v, "source_row": i + 2,
                          "source_file": "f.csv"} for i, (code, kind, v) in enumerate(specs)],
                        schema_overrides={"year": pl.Int32})


def test_subtotal_rows_are_never_summed() -> None:
    df = parts(("IND_A", "subnational", 10.0), ("IND_B", "subnational", 5.0), ("IND_TOTAL_STATES", "subtotal", 10.0),
               ("IND_TOTAL_UTS", "subtotal", 5.0), ("IND", "country", 15.0))
    [row] = totals_from_parts(df, ("ncrb",)).to_dicts()
    assert (row["parts_sum"], row["parts"], row["subtotal_rows_not_summed"]) == (15.0, 2, 2)
    assert (row["published_total"], row["difference"], row["matches_published"]) == (15.0, 0.0, True)
    assert row["published_total_source_row"] == 6


def test_a_table_without_a_national_row_and_a_disagreeing_total() -> None:
    [no_total] = totals_from_parts_ncrb(parts(("IND_A", "subnational", 10.0))).to_dicts()
    assert no_total["published_total"] is None and no_total["matches_published"] is None
    [off] = totals_from_parts_ncrb(parts(("IND_A", "subnational", 10.0), ("IND", "country", 12.0))).to_dicts()
    assert off["difference"] == -2.0 and off["matches_published"] is False


def test_ncrb_all_india_totals_rebuilt_from_the_real_state_rows(real: Path, facts: Path) -> None:
    fraud = ncrb.read(real / "india_ncrb" / "cyber_fraud_by_type_state_2018_2022.csv", "sources/ncrb/a/f.csv", "a")
    states = ncrb.read(real / "india_ncrb" / "cyber_crimes_state_2016_2018.csv", "sources/ncrb/b/s.csv", "b")
    out = totals_from_parts_ncrb(pl.concat([fraud, states]))
    by_type = out.filter(pl.col("dataset") == "f")
    assert by_type.height == 30 and by_type["matches_published"].all()  # 5 years x (A-E + Total)
    assert by_type["subtotal_rows_not_summed"].unique().to_list() == [2]
    total_2022 = by_type.filter(pl.col("year") == 2022, pl.col("category") == "Total").row(0, named=True)
    assert total_2022["parts_sum"] == total_2022["published_total"] == 17_470
    crimes = dict(out.filter(pl.col("dataset") == "s").select("year", "parts_sum").iter_rows())
    assert crimes == {2016: 12_317, 2017: 21_796, 2018: 27_248}
    with (facts / "national_headline_figures.csv").open(encoding="utf-8") as fh:
        published = [float(r["value"]) for r in csv.DictReader(fh)
                     if r["country_iso3"] == "IND" and r["year"] == "2018" and r["metric"] == "cases_recorded"]
    assert published == [crimes[2018]]  # NCRB's own all-India figure for 2018


def test_a_derived_vintage_never_replaces_withdraws_or_contradicts_and_what_only_it_has_is_listed() -> None:
    """UNODC CTS 2026-07, known only from a third party's table (grade transcribed): its 2022 value differs from the
    2024 release's, it lacks the 2020 year of a series it covers, and it alone has 2023."""
    real = {"source_grade": "publisher_file", "data_source_note": "CTS"}
    derived = {"release": "2026-07", "release_date": date(2026, 7, 12), "source_file": "derived.csv",
               "source_grade": "transcribed", "data_source_note": "rounded to integer by the deriving script"}
    df = obs({**real, "year": 2020, "value": 800.0}, {**real, "year": 2022, "value": 830.0},
             {**derived, "year": 2022, "value": 831.0}, {**derived, "year": 2023, "value": 900.0, "source_row": 7},
             )
    published, withheld = resolve_releases(df)
    assert published.select("year", "value", "release").sort("year").rows() == [
        (2020, 800.0, "2024-05-16"), (2022, 830.0, "2024-05-16")]  # 2020 not withdrawn, 2022 not replaced
    assert withheld.height == 0
    listed = values_not_published(df)
    assert listed.select("year", "value", "reason", "release", "source_row").rows() == [
        (2023, 900.0, "derived_only", "2026-07", 7)]
    assert listed["note"][0].startswith("only a derived copy of release 2026-07 (transcribed grade) carries this value")
    # a source whose every release is below publisher_file (national figures) has no derived vintage
    alone = obs({"source_id": "national_figures", "source_grade": "secondary", "data_source_note": None, "year": 2022})
    assert resolve_releases(alone)[0].height == 1 and values_not_published(alone).height == 0
