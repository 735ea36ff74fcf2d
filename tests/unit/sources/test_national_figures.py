"""National figures template: the shared facts file loads as is, and bad rows are named."""

from pathlib import Path

import polars as pl
import pytest

from pipelines.errors import InputError
from pipelines.sources import national_figures

HEADER = "country_iso3,region_name,year,period_label,metric,value,value_low,value_high,currency,publisher,source_url\n"


def read(path: Path) -> pl.DataFrame:
    return national_figures.read(path, f"sources/national_figures/x/{path.name}", "x")


def write(tmp_path: Path, *rows: str) -> Path:
    p = tmp_path / "figures.csv"
    p.write_text(HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    return p


def test_the_facts_file_loads_every_row(facts: Path) -> None:
    df = read(facts / "national_headline_figures.csv")
    assert df.height == 238
    assert df["source_row"].to_list() == list(range(2, 240))
    # Every period label in the facts is understood.
    assert df["period_type"].null_count() == 0
    fy = df.filter(pl.col("period_label") == "FY2023-24 (1 Jul 2023-30 Jun 2024)")
    assert str(fy["period_start"][0]) == "2023-07-01" and str(fy["period_end"][0]) == "2024-06-30"
    assert fy["period_type"][0] == "fiscal_year"


def test_ranges_regions_and_subnational_areas(facts: Path) -> None:
    df = read(facts / "national_headline_figures.csv")
    esea = df.filter(pl.col("area_code") == "REGION_EAST_AND_SOUTHEAST_ASIA")
    assert esea["value"][0] is None and esea["value_low"][0] == 18e9 and esea["value_high"][0] == 37e9
    assert esea["area_type"][0] == "region" and esea["country_iso3"][0] is None
    ew = df.filter(pl.col("area_code") == "GBR_E_W")
    assert ew.height == 10 and set(ew["country_iso3"].to_list()) == {"GBR"}


def test_revisions_are_read_from_labels(facts: Path) -> None:
    df = read(facts / "national_headline_figures.csv")
    jpn = df.filter(pl.col("country_iso3") == "JPN", pl.col("year") == 2024, pl.col("value") == 71_880_000_000)
    assert jpn["revision"].to_list() == ["final"]


def test_bundled_extract_matches_the_facts(facts: Path) -> None:
    from tests.conftest import BUNDLED

    bundled = read(next((BUNDLED / "sources" / "national_figures").rglob("national_headline_figures.csv")))
    original = read(facts / "national_headline_figures.csv")
    ic3 = original.filter(pl.col("publisher").str.contains("IC3"))
    assert bundled.height == original.height - ic3.height == 222
    cols = ["area_code", "year", "period_label", "measure", "value", "value_low", "value_high", "currency"]
    assert bundled.select(cols).sort(cols).equals(
        original.filter(~pl.col("publisher").str.contains("IC3")).select(cols).sort(cols))


@pytest.mark.parametrize("row,column,expected", [
    ("USA,,2024,calendar year 2024,losses,1,,,USD,P,https://x", "metric", "reports | complaints"),
    ("USA,,2024,calendar year 2024,loss,1,,,,P,https://x", "currency", "ISO 4217"),
    ("USA,,2024,calendar year 2024,reports,1,,,USD,P,https://x", "currency",
     "loss, illicit_volume, criminal_proceeds rows only"),
    ("USA,,2024,calendar year 2024,loss,,,,USD,P,https://x", "value", "value_low and value_high"),
    ("USA,,2024,calendar year 2024,loss,abc,,,USD,P,https://x", "value", "a number"),
    ("USA,,2024,sometime in 2024,loss,1,,,USD,P,https://x", "period_label", "TEMPLATE.md"),
    ("USA,,2023,calendar year 2024,loss,1,,,USD,P,https://x", "year", "(2024)"),
    ("US,,2024,calendar year 2024,loss,1,,,USD,P,https://x", "country_iso3", "alpha-3"),
    ("USA,Texas,2024,calendar year 2024,loss,1,,,USD,P,https://x", "region_name", "known part"),
    ("USA,,2024,calendar year 2024,loss,5,1,2,USD,P,https://x", "value", "inside value_low"),
])
def test_bad_rows_name_row_column_and_expectation(tmp_path: Path, row: str, column: str, expected: str) -> None:
    with pytest.raises(InputError) as err:
        read(write(tmp_path, "USA,,2024,calendar year 2024,loss,1,,,USD,P,https://x", row))
    assert err.value.row == 3
    assert err.value.column == column
    assert expected in str(err.value)
    assert str(err.value).startswith("sources/national_figures/x/figures.csv, row 3")


def test_unknown_column_is_refused(tmp_path: Path) -> None:
    p = tmp_path / "f.csv"
    p.write_text(HEADER.strip() + ",colour\nUSA,,2024,calendar year 2024,loss,1,,,USD,P,https://x,red\n")
    with pytest.raises(InputError, match="unknown column 'colour'"):
        read(p)


def test_a_bad_source_grade_names_file_row_column_and_the_grades(tmp_path: Path) -> None:
    p = tmp_path / "figures.csv"
    p.write_text(HEADER.strip() + ",verification,source_grade\n"
                 "USA,,2024,calendar year 2024,loss,1,,,USD,P,https://x,verified,verified\n"
                 "USA,,2024,calendar year 2024,loss,2,,,USD,P,https://y,verified,news\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read(p)
    assert str(err.value) == ("sources/national_figures/x/figures.csv, row 3, column 'source_grade': expected "
                              "publisher_file | verified | transcribed | secondary | unverified, found 'news'")


def test_source_grade_is_read_or_derived_from_verification(tmp_path: Path) -> None:
    p = tmp_path / "figures.csv"
    p.write_text(HEADER.strip() + ",verification,source_grade\n"
                 "USA,,2022,calendar year 2022,loss,1,,,USD,P,https://x,verified,secondary\n"
                 "USA,,2023,calendar year 2023,loss,2,,,USD,P,https://y,verified,\n"
                 "USA,,2024,calendar year 2024,loss,3,,,USD,P,https://z,,\n", encoding="utf-8")
    assert read(p)["source_grade"].to_list() == ["secondary", "verified", "unverified"]
    # Without the column at all, the grade still follows verification.
    assert read(write(tmp_path, "USA,,2024,calendar year 2024,loss,1,,,USD,P,https://x"))["source_grade"].to_list() \
        == ["unverified"]


def test_the_bundled_extract_grades_news_figures_secondary() -> None:
    from tests.conftest import BUNDLED

    bundled = read(next((BUNDLED / "sources" / "national_figures").rglob("national_headline_figures.csv")))
    can = bundled.filter(pl.col("country_iso3") == "CAN", pl.col("year") == 2019, pl.col("measure") == "loss")
    assert can["source_grade"].to_list() == ["secondary", "secondary"]  # CHCH News and MySteinbach
    ours = bundled.filter(pl.col("source_url").str.starts_with("https://www.scamwatch.gov.au/"))
    assert ours.height and set(ours["source_grade"]) == {"verified"}
