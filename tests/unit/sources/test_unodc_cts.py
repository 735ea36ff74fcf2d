"""UNODC CTS reader on the real exports and on small real excerpts with each quirk."""

from datetime import date
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from pipelines.errors import InputError
from pipelines.schema import OBSERVATION_COLUMNS
from pipelines.sources import unodc_cts
from tests.conftest import BUNDLED

# Data rows per file, verified in shared/data/real/PROVENANCE.md.
EXPECTED_ROWS = {
    "release_2024-05-16/data_cts_corruption_and_economic_crime.xlsx": 22_754,
    "release_2024-05-16/data_cts_violent_and_sexual_crime.xlsx": 26_114,
    "release_2025-06-02/data_cts_violent_and_sexual_crime.xlsx": 27_872,
    "release_2022-06-06_excel_saved_csv/data_cts_corruption_and_economic_crime.csv": 17_824,
    "release_2022-06-06_excel_saved_csv/data_cts_violent_and_sexual_crime.csv": 27_525,
}


def read(path: Path, release: str = "r") -> pl.DataFrame:
    return unodc_cts.read(path, f"sources/unodc_cts/{release}/{path.name}", release)


@pytest.mark.parametrize("relpath,rows", sorted(EXPECTED_ROWS.items()))
def test_every_row_of_the_real_exports_loads(real: Path, relpath: str, rows: int) -> None:
    df = read(real / "unodc_cts" / relpath)
    assert df.height == rows
    assert df["source_row"].n_unique() == rows
    assert tuple(df.columns) == OBSERVATION_COLUMNS
    assert df["value"].null_count() == 0
    assert df["source_grade"].unique().to_list() == ["publisher_file"]


def test_release_date_comes_from_the_title_row(real: Path) -> None:
    df = read(real / "unodc_cts/release_2025-06-02/data_cts_violent_and_sexual_crime.xlsx")
    assert df["release_date"].unique().to_list() == [date(2025, 6, 2)]
    # Header on row 3, so the first data row is row 4.
    assert df["source_row"].min() == 4


def test_header_on_the_first_row_and_release_from_the_folder(real: Path) -> None:
    df = read(real / "unodc_cts/release_2022-06-06_excel_saved_csv/data_cts_violent_and_sexual_crime.csv",
              release="2022-06-06")
    assert df["source_row"].min() == 2
    assert str(df["release_date"][0]) == "2022-06-06"


def test_xlsx_numbers_are_exact(real: Path) -> None:
    """calamine's text conversion would give 1144.106623524; the cell holds 1144.10662352425."""
    path = real / "unodc_cts/release_2024-05-16/data_cts_corruption_and_economic_crime.xlsx"
    df = read(path)
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    ws = wb.worksheets[0]
    ws.reset_dimensions()
    cells = {i: row[11] for i, row in enumerate(ws.iter_rows(values_only=True), start=1) if i >= 4}
    wb.close()
    mismatched = [(r, v) for r, v in zip(df["source_row"], df["value"], strict=True) if cells[r] != v]
    assert mismatched == []
    assert 1144.10662352425 in df["value"].to_list()


def test_cp1252_csv_with_crlf_decodes(real: Path) -> None:
    df = read(real / "unodc_cts/release_2022-06-06_excel_saved_csv/data_cts_corruption_and_economic_crime.csv")
    assert "Côte d’Ivoire" in df["area_name"].to_list()


def test_territory_code_vintages_map_to_one_canonical_code(real: Path) -> None:
    old = read(real / "unodc_cts/release_2022-06-06_excel_saved_csv/data_cts_corruption_and_economic_crime.csv")
    new = read(real / "unodc_cts/release_2024-05-16/data_cts_corruption_and_economic_crime.xlsx")
    for df in (old, new):
        codes = set(df["area_code"].to_list())
        assert {"GBR_E_W", "XKX"} <= codes
        assert not {"GBR_EW", "KOS"} & codes
        parent = dict(zip(df["area_code"], df["country_iso3"], strict=True))
        assert parent["GBR_E_W"] == "GBR" and parent["IRQ_C"] == "IRQ" and parent["XKX"] == "XKX"


def test_excel_mangled_age_band_is_repaired(real: Path) -> None:
    df = read(real / "unodc_cts/release_2022-06-06_excel_saved_csv/data_cts_violent_and_sexual_crime.csv")
    ages = set(df["age"].to_list())
    assert "10-17" in ages and "Oct-17" not in ages


def test_counts_and_rates_stay_separate_and_categories_verbatim(real: Path) -> None:
    df = read(real / "unodc_cts/release_2024-05-16/data_cts_corruption_and_economic_crime.xlsx")
    assert sorted(df["unit"].unique().to_list()) == ["count", "rate_per_100k_population"]
    assert df.filter(pl.col("unit") == "count").height == df.filter(pl.col("unit") != "count").height == 11_377
    assert "Fraud: Cyber-related (Cy)" in df["category"].to_list()


def test_excerpt_fixtures_keep_their_quirks(tmp_path: Path) -> None:
    from tests.conftest import FIXTURES

    cp = read(FIXTURES / "unodc_2022_cp1252_crlf_excerpt.csv")
    assert "Côte d’Ivoire" in cp["area_name"].to_list()
    assert {"GBR_E_W", "XKX"} <= set(cp["area_code"].to_list())
    assert (FIXTURES / "unodc_2022_cp1252_crlf_excerpt.csv").read_bytes().count(b"\r\n") > 3
    xl = read(FIXTURES / "unodc_2024_excerpt.xlsx")
    assert str(xl["release_date"][0]) == "2024-05-16"
    assert 1144.10662352425 in xl["value"].to_list()


def test_non_numeric_value_names_file_row_and_column(tmp_path: Path) -> None:
    from tests.conftest import FIXTURES

    text = (FIXTURES / "unodc_2022_cp1252_crlf_excerpt.csv").read_bytes().decode("cp1252")
    lines = text.split("\r\n")
    cells = lines[5].split(",")
    cells[11] = "n/a"
    lines[5] = ",".join(cells)
    bad = tmp_path / "bad.csv"
    bad.write_bytes("\r\n".join(lines).encode("cp1252"))
    with pytest.raises(InputError) as err:
        read(bad)
    assert err.value.row == 6 and err.value.column == "VALUE" and err.value.found == "n/a"
    assert "bad.csv, row 6, column 'VALUE': expected a number, found 'n/a'" in str(err.value)


def test_missing_column_is_named(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("Iso3_code,Country,Year,VALUE\nALB,Albania,2020,1\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read(bad)
    assert err.value.column == "Region" and err.value.row == 1


DERIVED_SIDECAR = {"source_grade": "transcribed", "derived_vintage": True, "release_date": "2026-07-12"}


def test_the_derived_2026_07_copy_reads_as_a_lower_grade_vintage_with_its_rounding(real: Path) -> None:
    """The bundled extract of the real derived copy (PROVENANCE_ADDITIONS.md §3): no Indicator/Region/Source
    columns, one year per place, rates rounded by magnitude, counts to integers."""
    path = BUNDLED / "sources/unodc_cts/2026-07_derived/cts_2026-07_cyber_and_fraud_latest_year_derived.csv"
    df = unodc_cts.read(path, "sources/unodc_cts/2026-07_derived/x.csv", "2026-07", DERIVED_SIDECAR)
    assert df.height == 642 and tuple(df.columns) == OBSERVATION_COLUMNS
    assert df.select("indicator", "dimension", "source_grade", "release_date").unique().rows() == [
        ("Offences", "by type of offence", "transcribed", date(2026, 7, 12))]
    decimals = dict(df.filter(pl.col("unit") == "rate_per_100k_population")
                    .select(pl.col("value").cast(pl.String), "value_decimals").iter_rows())
    assert (decimals["45.2"], decimals["137.0"], decimals["3.6"], decimals["0.01"]) == (1, 0, 2, 2)
    assert df.filter(pl.col("unit") == "count")["value_decimals"].unique().to_list() == [0]
    assert read(real / "unodc_cts/release_2024-05-16/data_cts_corruption_and_economic_crime.xlsx")[
        "value_decimals"].null_count() == 22_754  # the publisher's own files: as published


def test_a_derived_copy_states_its_rounding_and_grade_or_is_refused(tmp_path: Path) -> None:
    header = ("Iso3_code,Country,Dimension,Category,Sex,Age,Year,Unit of measurement,VALUE,value_precision,"
              "place_id_in_source,iso3_derivation\n")
    row = "ARE,United Arab Emirates,by type of offence,Fraud,Total,Total,2016,Counts,4079,{},ae,x\n"
    path = tmp_path / "d.csv"
    path.write_text(header + row.format("rounded to integer by the deriving script (Math.round)"), encoding="utf-8")
    with pytest.raises(InputError, match="a grade below publisher_file"):
        unodc_cts.read(path, "d.csv", "2026-07", {"source_grade": "publisher_file", "derived_vintage": True})
    assert unodc_cts.read(path, "d.csv", "2026-07")["source_grade"].to_list() == ["transcribed"]
    path.write_text(header + row.format("rounded somehow"), encoding="utf-8")
    with pytest.raises(InputError, match=r"d.csv, row 2, column 'value_precision'"):
        unodc_cts.read(path, "d.csv", "2026-07", DERIVED_SIDECAR)
    path.write_text(header + row.format("rounded to integer by the deriving script (Math.round)")
                    .replace("by type of offence", "by situational context"), encoding="utf-8")
    with pytest.raises(InputError, match="column 'Dimension'"):
        unodc_cts.read(path, "d.csv", "2026-07", DERIVED_SIDECAR)
