"""NCRB tables: subtotal rows kept apart, NA is not zero, state rows add up to All India."""

from pathlib import Path

import polars as pl

from pipelines.sources import ncrb


def read(path: Path) -> pl.DataFrame:
    return ncrb.read(path, f"sources/ncrb/x/{path.name}", "x")


def test_states_and_uts_add_up_to_the_all_india_row(real: Path) -> None:
    df = read(real / "india_ncrb" / "cyber_fraud_by_type_state_2018_2022.csv")
    assert df["source_row"].n_unique() == 39
    parts = (df.filter(pl.col("area_type") == "subnational").group_by("year", "category")
             .agg(pl.col("value").sum()).sort("year", "category"))
    india = df.filter(pl.col("area_code") == "IND").select("year", "category", "value").sort("year", "category")
    assert parts.equals(india)
    assert india.filter(pl.col("year") == 2022, pl.col("category") == "Total")["value"][0] == 17_470
    subtotals = df.filter(pl.col("area_type") == "subtotal")["area_code"].unique().sort().to_list()
    assert subtotals == ["IND_TOTAL_STATES", "IND_TOTAL_UTS"]
    assert df["source_grade"].unique().to_list() == ["publisher_file"]


def test_na_cells_are_absent_not_zero(real: Path) -> None:
    df = read(real / "india_ncrb" / "cyber_fraud_by_type_state_2018_2022.csv")
    ladakh = df.filter(pl.col("area_name") == "Ladakh")
    assert sorted(ladakh["year"].unique().to_list()) == [2020, 2021, 2022]
    assert df.height == 39 * 30 - 12


def test_state_totals_match_published_all_india_totals(real: Path) -> None:
    df = read(real / "india_ncrb" / "cyber_crimes_state_2016_2018.csv")
    totals = df.filter(pl.col("unit") == "count").group_by("year").agg(pl.col("value").sum()).sort("year")
    assert totals["value"].to_list() == [12_317, 21_796, 27_248]
    rates = df.filter(pl.col("unit") == "rate_per_100k_population")
    assert rates.height == 36 and rates["year"].unique().to_list() == [2018]
