"""A synthetic UNODC CTS export (CSV, the dataUNODC layout) of any size, for benchmarks only.

Every value is made up; the file name says "synthetic". The vocabulary is real so that the
staging reader and the expectation suite do their normal work: areas, names and regions from the
bundled UN M49 list, indicator/dimension/category triples from the bundled UNODC extracts, the
UNODC sex and age bands (the 10-17 band written as Excel mangles it, "Oct-17", as in the
Excel-saved 2022 release), years 2003-2023. Keys are unique; each series-year has a Counts row and
a Rate row, and the rate is count x 100,000 / population (World Bank population where the bundled
reference has it, so the population-consistency warning stays quiet).

Two broken variants measure validation of bad data (the failure path): ``invalid_share`` of the rows
get a negative VALUE; ``duplicate_share`` of the rows are overwritten with copies of other rows
(their keys then occur twice). The file keeps its number of rows either way.
"""

from pathlib import Path

import numpy as np
import polars as pl

from pipelines.catalog import discover
from pipelines.sources import unodc_cts, worldbank_wdi
from pipelines.sources.un_m49 import read as read_m49

SEXES = ("Total", "Male", "Female")
AGES = ("Total", "0-9", "Oct-17", "18-24", "25-44", "45-59", "60 and older", "Unknown")
YEARS = tuple(range(2003, 2024))
HEADER = ("Iso3_code", "Country", "Region", "Subregion", "Indicator", "Dimension", "Category", "Sex", "Age",
          "Year", "Unit of measurement", "VALUE", "Source")


def _newest(data_dir: Path, kind: str, source_id: str) -> list:
    files = discover(data_dir, kind, source_id)
    newest = max(f.release for f in files)
    return [f for f in files if f.release == newest]


def vocabulary(data_dir: Path) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """(areas, category triples, population) from the bundled data directory."""
    m49 = pl.concat([read_m49(f.path, f.relpath, f.release) for f in _newest(data_dir, "reference", "un_m49")])
    areas = m49.filter(pl.col("country_iso3").is_not_null()).select(
        "country_iso3", "country_name", pl.col("region_name").fill_null(""), pl.col("subregion_name").fill_null(""))
    triples = pl.concat([unodc_cts.read(f.path, f.relpath, f.release).select("indicator", "dimension", "category")
                         for f in discover(data_dir, "sources", "unodc_cts")]).unique().sort(pl.all())
    population = []
    for f in _newest(data_dir, "reference", "worldbank_wdi"):
        layout, frame = worldbank_wdi.read(f.path, f.relpath, f.release)
        if layout == "values":
            population.append(frame.filter(pl.col("indicator_code") == "SP.POP.TOTL").select(
                pl.col("country_code").alias("country_iso3"), pl.col("year").cast(pl.Int64), "value"))
    return areas, triples, pl.concat(population)


def generate(path: Path, rows: int, data_dir: Path, seed: int = 20261122, invalid_share: float = 0.0,
             duplicate_share: float = 0.0) -> Path:
    """Write ``rows`` data rows (an even number: count and rate pairs) under two title rows;
    ``invalid_share`` of them with a negative VALUE, ``duplicate_share`` of them copies of others."""
    if "synthetic" not in path.name:
        raise ValueError("synthetic data files must say so in their name")
    areas, triples, population = vocabulary(data_dir)
    rng = np.random.default_rng(seed)
    pairs = rows // 2
    combos = len(areas) * len(triples) * len(SEXES) * len(AGES) * len(YEARS)
    if pairs > combos:
        raise ValueError(f"at most {2 * combos:,} unique rows from this vocabulary")
    pick = np.sort(rng.choice(combos, size=pairs, replace=False))
    pick, year_i = np.divmod(pick, len(YEARS))
    pick, age_i = np.divmod(pick, len(AGES))
    pick, sex_i = np.divmod(pick, len(SEXES))
    area_i, triple_i = np.divmod(pick, len(triples))
    series = pl.DataFrame({
        "area": area_i, "triple": triple_i, "Sex": np.array(SEXES)[sex_i], "Age": np.array(AGES)[age_i],
        "Year": np.array(YEARS)[year_i],
    }).join(areas.with_row_index("area").with_columns(pl.col("area").cast(pl.Int64)), on="area") \
      .join(triples.with_row_index("triple").with_columns(pl.col("triple").cast(pl.Int64)), on="triple") \
      .join(population, left_on=["country_iso3", "Year"], right_on=["country_iso3", "year"], how="left")
    synthetic_population = rng.uniform(2e5, 2e8, series.height)
    share = np.where(series["Sex"].to_numpy() == "Total", 1.0, 0.5)
    pop = np.where(series["value"].is_null().to_numpy(), synthetic_population,
                   series["value"].fill_null(0).to_numpy()) * share
    counts = np.minimum(np.floor(rng.lognormal(4.0, 2.0, series.height)), np.floor(pop * 0.05))
    rates = np.round(counts * 100_000 / pop, 6)
    base = series.select(
        pl.col("country_iso3").alias("Iso3_code"), pl.col("country_name").alias("Country"),
        pl.col("region_name").alias("Region"), pl.col("subregion_name").alias("Subregion"),
        pl.col("indicator").alias("Indicator"), pl.col("dimension").alias("Dimension"),
        pl.col("category").alias("Category"), "Sex", "Age", pl.col("Year").cast(pl.String))
    table = pl.concat([
        base.with_columns(pl.lit("Counts").alias("Unit of measurement"),
                          pl.Series("VALUE", counts).cast(pl.Int64).cast(pl.String)),
        base.with_columns(pl.lit("Rate per 100,000 population").alias("Unit of measurement"),
                          pl.Series("VALUE", rates).cast(pl.String)),
    ]).with_columns(pl.lit("CTS").alias("Source")).select(HEADER)
    table = _break(table, rng, invalid_share, duplicate_share)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write("UNODC,synthetic benchmark data (not published figures)\n22/11/2026\n")
        table.write_csv(fh, line_terminator="\n")
    return path


def _break(table: pl.DataFrame, rng: np.random.Generator, invalid_share: float, duplicate_share: float
           ) -> pl.DataFrame:
    """Negative values in ``invalid_share`` of the rows; ``duplicate_share`` of the rows replaced by
    copies of other rows (a key seen twice), each set drawn at random from the whole table."""
    n = table.height
    if invalid_share:
        bad = np.zeros(n, dtype=bool)
        bad[rng.choice(n, size=round(n * invalid_share), replace=False)] = True
        table = table.with_columns(pl.when(pl.Series(bad)).then(pl.concat_str(pl.lit("-"), pl.col("VALUE"))
                                                                     .replace({"-0": "-1", "-0.0": "-1"}))
                                   .otherwise(pl.col("VALUE")).alias("VALUE"))
    if duplicate_share:
        k = round(n * duplicate_share)
        picked = rng.choice(n, size=2 * k, replace=False)  # k rows overwritten by k other rows
        order = np.arange(n)
        order[picked[:k]] = picked[k:]
        table = table[order]
    return table
