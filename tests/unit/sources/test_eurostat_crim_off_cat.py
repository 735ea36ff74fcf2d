"""Eurostat crim_off_cat: both layouts, trailing spaces, ':' missing (not zero), flags, geo codes, units, errors."""

from pathlib import Path

import polars as pl
import pytest

from pipelines.errors import InputError
from pipelines.quality.reconcile import count_value_rows
from pipelines.sources import eurostat_crim_off_cat as eurostat
from pipelines.sources import providing

BUNDLED = Path(__file__).resolve().parents[3] / "data" / "sources" / "eurostat_crim_off_cat"
EXTRACT = next(BUNDLED.glob("*/estat_crim_off_cat.tsv"))
HEADER = "freq,iccs,unit,geo\\TIME_PERIOD\t2020 \t2021 \t2022 \n"


def read(path: Path, name: str = "sources/eurostat_crim_off_cat/x/f.tsv") -> pl.DataFrame:
    return eurostat.read(path, name, "x")


def write(tmp_path: Path, text: str, name: str = "f.tsv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8", newline="")
    return path


def test_germany_2021_acts_against_computer_systems_from_the_bundled_extract() -> None:
    df = read(EXTRACT)
    de = df.filter(pl.col("area_code") == "DEU", pl.col("year") == 2021, pl.col("category") == "ICCS0903")
    got = {r["unit"]: (r["value"], r["source_row"]) for r in de.iter_rows(named=True)}
    # The TSV line 'A,ICCS0903,NR,DE\t...\t19704 \t16566 ' (trailing spaces) and its P_HTHAB line.
    assert got == {"count": (19_704.0, 281), "rate_per_100k_population": (23.7, 309)}
    assert de["category_harmonised"].unique().to_list() == ["Acts against computer systems"]
    assert de["unit_published"].sort().to_list() == ["Number", "Per hundred thousand inhabitants"]
    assert set(df["category"].unique()) == {"ICCS0302", "ICCS030221", "ICCS0701", "ICCS07041", "ICCS0903"}
    assert df["published_flags"].null_count() == df.height  # this copy carries no flags


def test_colon_cells_are_missing_not_zero(real: Path) -> None:
    path = real / "eurostat" / "estat_crim_off_cat.tsv"
    df = read(path)
    lines = path.read_text(encoding="utf-8").splitlines()
    cells = [c for line in lines[1:] for c in line.split("\t")[1:]]
    assert len(cells) == 23_370
    assert sum(c == ": " for c in cells) == 5_896
    assert df.height == 23_370 - 5_896  # every ':' cell left out, none turned into a value
    # DE ICCS0903 2008-2015 are ':': no rows for those years, and no zero was invented.
    de = df.filter(pl.col("area_code") == "DEU", pl.col("category") == "ICCS0903", pl.col("unit") == "count")
    assert de["year"].to_list() == list(range(2016, 2023))
    assert df.filter(pl.col("value") == 0).height == sum(c[0] != ":" and float(c) == 0 for c in cells)
    assert count_value_rows(path, path.name) == df["source_row"].n_unique() == 1_558


def test_geo_codes_map_to_the_project_area_codes(real: Path) -> None:
    df = read(real / "eurostat" / "estat_crim_off_cat.tsv")
    areas = {r["area_name"]: (r["area_code"], r["country_iso3"], r["area_type"])
             for r in df.select("area_name", "area_code", "country_iso3", "area_type").unique().iter_rows(named=True)}
    assert len(areas) == 41
    assert areas["EL"] == ("GRC", "GRC", "country")
    assert areas["UKC-L"] == ("GBR_E_W", "GBR", "subnational")
    assert areas["UKM"] == ("GBR_S", "GBR", "subnational")
    assert areas["UKN"] == ("GBR_NI", "GBR", "subnational")
    assert areas["XK"] == ("XKX", "XKX", "territory")
    assert areas["DE"] == ("DEU", "DEU", "country")
    assert set(df["unit"].unique()) == {"count", "rate_per_100k_population"}


def test_flags_are_parsed_on_a_crafted_case(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + "A,ICCS0903,NR,DE\t123 p\t45 e\t7 bp\n"
                                    "A,ICCS0903,P_HTHAB,EL\t: c\t1.5 u\t2 s\n")
    df = read(path).sort("source_row", "year")
    got = [(r["area_code"], r["year"], r["value"], r["published_flags"], r["revision"], r["value_type"])
           for r in df.iter_rows(named=True)]
    assert got == [
        ("DEU", 2020, 123.0, "p", "provisional", "reported"),
        ("DEU", 2021, 45.0, "e", "as_published", "estimate"),
        ("DEU", 2022, 7.0, "bp", "provisional", "reported"),  # letters in Eurostat's order
        ("GRC", 2021, 1.5, "u", "as_published", "reported"),  # ': c' (confidential, no value) gives no row
        ("GRC", 2022, 2.0, "s", "as_published", "estimate"),
    ]
    assert df.filter(pl.col("year") == 2022, pl.col("area_code") == "DEU")["notes"][0] == (
        "Eurostat flags: b (break in time series), p (provisional)")
    assert count_value_rows(path, path.name) == 2


@pytest.mark.parametrize(("published", "ours"), [
    ("p", "p"), ("e", "e"), ("s", "e"), ("b", "b"), ("bep", "bep"), ("es", "e"),
    # Eurostat's u (low reliability), c (confidential), n (not significant) and d mean something else than ours.
    ("u", ""), ("c", ""), ("n", ""), ("d", ""), ("", ""), (None, ""),
])
def test_eurostat_flags_map_to_the_project_letters_that_mean_the_same(published, ours) -> None:
    assert eurostat.project_flags(published) == ours


def test_the_sdmx_csv_layout_gives_the_same_observations(tmp_path: Path) -> None:
    tsv = write(tmp_path, HEADER + "A,ICCS0701,NR,XK\t10 \t: \t12 p\n")
    sdmx = write(tmp_path, "DATAFLOW,LAST UPDATE,freq,iccs,unit,geo,TIME_PERIOD,OBS_VALUE,OBS_FLAG\n"
                           "ESTAT:CRIM_OFF_CAT(1.0),06/11/24 23:00:00,A,ICCS0701,NR,XK,2020,10,\n"
                           "ESTAT:CRIM_OFF_CAT(1.0),06/11/24 23:00:00,A,ICCS0701,NR,XK,2021,,\n"
                           "ESTAT:CRIM_OFF_CAT(1.0),06/11/24 23:00:00,A,ICCS0701,NR,XK,2022,12,p\n", "f.csv")
    cols = ["area_code", "country_iso3", "area_type", "category", "year", "unit", "value", "published_flags",
            "revision"]
    a, b = read(tsv).select(cols), read(sdmx, "sources/eurostat_crim_off_cat/x/f.csv").select(cols)
    assert a.equals(b) and a.height == 2
    assert read(sdmx)["source_row"].to_list() == [2, 4]
    assert read(sdmx)["data_source_note"].unique().to_list() == ["last update 06/11/24 23:00:00"]
    assert count_value_rows(sdmx, sdmx.name) == 2


@pytest.mark.parametrize(("text", "row", "column", "expected"), [
    ("freq,unit,geo\\TIME_PERIOD\t2020 \t2021 \t2022 \nA,NR,DE\t1 \t2 \t3 \n", 1,
     "freq,unit,geo\\TIME_PERIOD", "the first header cell"),
    ("freq,iccs,unit,geo\\TIME_PERIOD\t2020 \t2021Q1 \t2022 \nA,ICCS0903,NR,DE\t1 \t2 \t3 \n", 1, "2021Q1 ",
     "a year column header"),
    (HEADER + "A,ICCS0903,NR,DE\t1 \t2 \n", 2, None, "4 tab-separated fields"),
    (HEADER + "A,ICCS0903,DE\t1 \t2 \t3 \n", 2, "freq,iccs,unit,geo\\TIME_PERIOD", "4 comma-separated codes"),
    (HEADER + "Q,ICCS0903,NR,DE\t1 \t2 \t3 \n", 2, "freq", "'A' (annual)"),
    (HEADER + "A,ICCS0903,PC,DE\t1 \t2 \t3 \n", 2, "unit", "'NR' or 'P_HTHAB'"),
    (HEADER + "A,ICCS0903,NR,EU27_2020\t1 \t2 \t3 \n", 2, "geo", "a Eurostat country code"),
    (HEADER + "A,0903,NR,DE\t1 \t2 \t3 \n", 2, "iccs", "an ICCS code"),
    (HEADER + "A,ICCS0903,NR,DE\t1 \t2,5 \t3 \n", 2, "2021 ", "a number or ':'"),
    (HEADER + "A,ICCS0903,NR,DE\t1 \t2 x\t3 \n", 2, "2021 ", "Eurostat flag letters"),
    (HEADER + "A,ICCS0903,NR,DE\t1 \t-2 \t3 \n", 2, "2021 ", "a number or ':'"),
    ("iccs;geo;2021\nICCS0903;DE;1\n", 1, None, "the Eurostat TSV header"),
])
def test_malformed_input_names_file_row_column_and_what_was_expected(tmp_path: Path, text, row, column,
                                                                     expected) -> None:
    with pytest.raises(InputError) as err:
        read(write(tmp_path, text))
    e = err.value
    assert (e.file, e.row, e.column) == ("sources/eurostat_crim_off_cat/x/f.tsv", row, column)
    assert expected in e.expected, e.message


def test_sdmx_csv_errors_name_the_row_and_column(tmp_path: Path) -> None:
    head = "DATAFLOW,LAST UPDATE,freq,iccs,unit,geo,TIME_PERIOD,OBS_VALUE,OBS_FLAG\n"
    with pytest.raises(InputError, match=r"row 2, column 'TIME_PERIOD': expected a year"):
        read(write(tmp_path, head + "E,u,A,ICCS0903,NR,DE,2021-Q1,5,\n", "f.csv"))
    with pytest.raises(InputError, match=r"row 1, column 'OBS_FLAG': expected the SDMX-CSV columns"):
        read(write(tmp_path, head.replace(",OBS_FLAG", "") + "E,u,A,ICCS0903,NR,DE,2021,5\n", "f.csv"))
    with pytest.raises(InputError, match=r"row 3, column 'OBS_VALUE': expected a number"):
        read(write(tmp_path, head + "E,u,A,ICCS0903,NR,DE,2021,5,\nE,u,A,ICCS0903,NR,DE,2022,n/a,\n", "f.csv"))
    with pytest.raises(InputError, match="an empty file"):
        read(write(tmp_path, "\n"))


def test_eurostat_is_compared_never_a_primary_offence_source() -> None:
    assert "eurostat_crim_off_cat" in providing("offences_compared_with_primary")
    assert "eurostat_crim_off_cat" not in providing("police_recorded_offences")
