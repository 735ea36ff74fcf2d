"""Headline loss series per country (curated reference: ``country_iso3, series, rationale``).

An empty ``series`` says the country has, by decision, no headline series. A country's headline
series is the one publisher series that stands for its reported losses in
regional totals and trends; other series stay in the warehouse as alternatives. Curated by hand
from the shared facts README (see the sidecar); edit it to change which series leads for a country.
"""

from pathlib import Path

import polars as pl

from pipelines.errors import InputError
from pipelines.sources._tabular import ROW, read_csv_table, require_columns, require_text

COLUMNS = ("country_iso3", "series", "rationale")


def read(path: Path, name: str, release: str, sidecar: dict | None = None,
         sha256: str | None = None) -> pl.DataFrame:
    table = read_csv_table(path, name, marker="series", expected_header="country_iso3, series, rationale")
    df = table.frame
    require_columns(df, COLUMNS, name, table.header_row)
    require_text(df, "country_iso3", name)
    dup = df.filter(pl.col("country_iso3").is_duplicated())
    if dup.height:
        raise InputError(file=name, row=int(dup[ROW][1]), column="country_iso3",
                         expected="one headline series per country", found=dup["country_iso3"][0])
    return df.select(pl.col("country_iso3").str.strip_chars(),
                     pl.col("series").str.strip_chars().replace("", None), "rationale",
                     source_row=pl.col(ROW), source_file=pl.lit(name))
