"""ISO 3166 / ISO 4217 country table (``datasets/country-codes`` layout): ISO3 -> currency.

Only the columns needed are read; the file may carry any others.
"""

from pathlib import Path

import polars as pl

from pipelines.sources._tabular import ROW, read_csv_table, require_columns

REQUIRED = (
    "ISO3166-1-Alpha-3", "ISO3166-1-numeric", "ISO4217-currency_alphabetic_code",
    "ISO4217-currency_numeric_code", "CLDR display name",
)


def read(path: Path, name: str, release: str, sidecar: dict | None = None,
         sha256: str | None = None) -> pl.DataFrame:
    table = read_csv_table(path, name, marker="ISO3166-1-Alpha-3",
                           expected_header="the country-codes header (ISO3166-1-Alpha-3, ...)")
    df = table.frame
    require_columns(df, REQUIRED, name, table.header_row, allow_extra=True)

    def text(col: str) -> pl.Expr:
        c = pl.col(col).str.strip_chars()
        return pl.when(c == "").then(None).otherwise(c)

    # A country may list several currencies ("USD,USN"); the first is the one in circulation.
    return df.select(
        country_iso3=text("ISO3166-1-Alpha-3"),
        iso_numeric=text("ISO3166-1-numeric").str.zfill(3),
        country_name=text("CLDR display name"),
        currency_code=text("ISO4217-currency_alphabetic_code").str.split(",").list.first(),
        currency_numeric=text("ISO4217-currency_numeric_code").str.split(",").list.first()
        .str.replace(r"\.0$", "").str.zfill(3),
        source_row=pl.col(ROW),
    ).filter(pl.col("country_iso3").is_not_null()).with_columns(
        release=pl.lit(release), source_file=pl.lit(name))
