"""Eurostat beside UNODC: same ICCS code, complete sum of UNODC's parts, never the Cy part, never added."""

from pathlib import Path

import polars as pl
import pytest

from pipelines.indicators.comparison import BASES, offences_comparison
from pipelines.sources import eurostat_crim_off_cat, offence_crosswalk

CROSSWALK_DIR = next((Path(__file__).resolve().parents[3] / "data" / "reference" / "offence_crosswalk").glob("*/"))
HEADER = "freq,iccs,unit,geo\\TIME_PERIOD\t2020 \t2021 \n"


@pytest.fixture(scope="module")
def references() -> tuple[pl.DataFrame, pl.DataFrame]:
    _, crosswalk = offence_crosswalk.read(CROSSWALK_DIR / "offence_crosswalk.csv", "offence_crosswalk.csv", "x")
    _, codes = offence_crosswalk.read(CROSSWALK_DIR / "iccs_codes.csv", "iccs_codes.csv", "x")
    return crosswalk, codes


def unodc(rows: list[tuple[str, int, str, float]]) -> pl.DataFrame:
    """int_offences_latest_release-like rows: (area, year, category, count), sex and age Total."""
    return pl.DataFrame([{
        "source_id": "unodc_cts", "area_code": a, "year": y, "indicator": "Offences", "category": c, "sex": "Total",
        "age": "Total", "offences_count": v, "offences_per_100k_population_published": v / 1000, "release": "2024",
        "count_source_file": "u.csv", "count_source_row": i + 2, "not_recorded_separately": False,
    } for i, (a, y, c, v) in enumerate(rows)], schema_overrides={"year": pl.Int32})


def eurostat(tmp_path: Path, body: str) -> pl.DataFrame:
    path = tmp_path / "e.tsv"
    path.write_text(HEADER + body, encoding="utf-8")
    return eurostat_crim_off_cat.read(path, "e.tsv", "2024-11-06")


def test_same_code_sum_of_parts_and_incomplete_parts(tmp_path: Path, references) -> None:
    obs = eurostat(tmp_path, "A,ICCS0701,NR,DE\t800 \t793622 \n"
                             "A,ICCS0701,P_HTHAB,DE\t9.6 \t954.3 \n"
                             "A,ICCS0903,NR,DE\t15000 \t19704 \n")
    primary = unodc([
        ("DEU", 2021, "Fraud", 793_622), ("DEU", 2021, "Fraud: Cyber-related (Cy)", 249_534),
        ("DEU", 2021, "Unlawful access to a computer system", 13_251),
        ("DEU", 2021, "Unlawful interference with a computer system or computer data", 5_053),
        ("DEU", 2021, "Unlawful interception or access of computer data", 181),
        ("DEU", 2020, "Unlawful access to a computer system", 9_970),  # 2020: one part of three
    ])
    out = offences_comparison(obs, primary, *references)
    got = {(r["year"], r["eurostat_category"]): r for r in out.iter_rows(named=True)}
    fraud = got[(2021, "ICCS0701")]
    # Compared with all recorded fraud, never with its Cy part, and never added to it.
    assert (fraud["comparison_basis"], fraud["unodc_offences_count"], fraud["difference_count"],
            fraud["primary_source_id"], fraud["unodc_categories"]) == (
        "same_iccs_code", 793_622.0, 0.0, "unodc_cts", "Fraud")
    assert fraud["offences_per_100k_population_eurostat"] == 954.3
    assert fraud["eurostat_count_source"] == "e.tsv#2" and fraud["eurostat_rate_source"] == "e.tsv#3"
    cs = got[(2021, "ICCS0903")]
    assert (cs["comparison_basis"], cs["eurostat_offences_count"], cs["unodc_offences_count"],
            cs["difference_count"], cs["primary_source_id"]) == (
        "sum_of_unodc_parts", 19_704.0, 18_485.0, 1_219.0, "eurostat_crim_off_cat")
    assert cs["difference_share"] == pytest.approx(1_219 / 18_485)
    assert cs["unodc_source_rows"] == "u.csv#4 | u.csv#5 | u.csv#6"
    assert "leaves out ICCS 09039" in cs["comparison_note"]
    assert cs["offences_per_100k_population_unodc"] is None  # rates of parts are not compared
    partial = got[(2020, "ICCS0903")]
    assert (partial["comparison_basis"], partial["unodc_offences_count"], partial["difference_count"]) == (
        "unodc_parts_incomplete", None, None)
    assert got[(2020, "ICCS0701")]["comparison_basis"] == "no_unodc_value"
    assert set(out["comparison_basis"]) <= set(BASES)


def test_flags_travel_and_a_code_without_a_unodc_series(tmp_path: Path, references) -> None:
    obs = eurostat(tmp_path, "A,ICCS0101,NR,EL\t5 p\t6 bu\n")  # homicide: unmapped, no UNODC series compared
    out = offences_comparison(obs, unodc([("GRC", 2021, "Fraud", 10)]), *references).sort("year")
    assert out["comparison_basis"].to_list() == ["no_unodc_series", "no_unodc_series"]
    assert out["area_code"].to_list() == ["GRC", "GRC"] and out["iccs_code"].to_list() == [None, None]
    assert out["published_flags"].to_list() == ["p", "bu"]
    assert out["flags"].to_list() == ["p", "b"]  # Eurostat's u (low reliability) is not our u (unverified)


def test_two_unodc_series_of_one_code_are_not_compared(tmp_path: Path, references) -> None:
    obs = eurostat(tmp_path, "A,ICCS0302,NR,DE\t: \t44722 \n")
    primary = pl.concat([unodc([("DEU", 2021, "Sexual Exploitation", 49_827)]),
                         unodc([("DEU", 2021, "Sexual Exploitation", 49_000)]).with_columns(
                             indicator=pl.lit("Offences of sexual nature"))])
    (row,) = offences_comparison(obs, primary, *references).iter_rows(named=True)
    assert (row["comparison_basis"], row["unodc_offences_count"], row["primary_source_id"]) == (
        "unodc_series_ambiguous", None, "eurostat_crim_off_cat")
