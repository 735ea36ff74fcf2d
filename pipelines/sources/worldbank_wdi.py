"""World Bank World Development Indicators bulk CSV downloads (``API_<indicator>_DS2_...csv``).

Layout: UTF-8 with BOM; 4 preamble lines (``"Data Source","World Development Indicators"``,
``"Last Updated Date","YYYY-MM-DD"``); a header ``Country Name, Country Code, Indicator Name,
Indicator Code, 1960, ..., <last year>,`` with a trailing empty column; one row per country or
aggregate. The companion ``Metadata_Country_...csv`` (``Country Code, Region, IncomeGroup, ...``)
tells countries from aggregates (aggregates have no Region). ``Metadata_Indicator_...csv`` is
descriptive only.

:func:`read` returns ``(layout, frame)`` with layout ``values`` (long: country_code, indicator_code,
year, value, and the ``source_grade`` the file's sidecar states: ``publisher_file`` for a byte copy,
``transcribed`` for the 2026-07-13 release typed back in from its text, ``unverified`` when none is stated),
``countries`` or ``indicators``. The same reader serves ``worldbank_wdi`` and ``worldbank_wdi_transcribed``.
"""

import re
from datetime import date
from pathlib import Path

import polars as pl

from pipelines.errors import InputError
from pipelines.schema import grade_from_sidecar
from pipelines.sources._tabular import ROW, read_csv_table, require_columns

VALUES = ("Country Name", "Country Code", "Indicator Name", "Indicator Code")
COUNTRIES = ("Country Code", "Region", "IncomeGroup")
INDICATORS = ("INDICATOR_CODE", "INDICATOR_NAME")


def _drop_blank_columns(df: pl.DataFrame) -> pl.DataFrame:
    blank = [c for c in df.columns if c.strip() == "" or re.fullmatch(r"_duplicated_\d+", c)]
    for c in blank:
        if df[c].drop_nulls().str.strip_chars().str.len_chars().sum() not in (0, None):
            raise InputError(file="", column=c, expected="an empty trailing column", found="values")
    return df.drop(blank)


def read(path: Path, name: str, release: str, sidecar: dict | None = None,
         sha256: str | None = None) -> tuple[str, pl.DataFrame]:
    head = path.read_bytes()[:4096].decode("utf-8-sig", errors="replace")
    if "INDICATOR_CODE" in head.split("\n", 1)[0]:
        table = read_csv_table(path, name, marker="INDICATOR_CODE", expected_header="a WDI indicator metadata header")
        df = _drop_blank_columns(table.frame)
        require_columns(df, INDICATORS, name, table.header_row, allow_extra=True)
        return "indicators", df.select(indicator_code="INDICATOR_CODE", indicator_name="INDICATOR_NAME",
                                       source_note=pl.col("SOURCE_NOTE") if "SOURCE_NOTE" in df.columns else None,
                                       source_file=pl.lit(name))
    if "IncomeGroup" in head:
        table = read_csv_table(path, name, marker="IncomeGroup", expected_header="a WDI country metadata header")
        df = _drop_blank_columns(table.frame)
        require_columns(df, COUNTRIES, name, table.header_row, allow_extra=True)
        region = pl.col("Region").str.strip_chars()
        return "countries", df.select(
            country_code=pl.col("Country Code").str.strip_chars(),
            wb_region=pl.when(region == "").then(None).otherwise(region),
            income_group=pl.col("IncomeGroup").str.strip_chars().replace("", None),
            table_name=pl.col("TableName") if "TableName" in df.columns else None,
            is_aggregate=region.fill_null("") == "",
            source_row=pl.col(ROW), source_file=pl.lit(name),
        )
    table = read_csv_table(path, name, marker="Indicator Code", expected_header="the WDI bulk CSV header")
    df = _drop_blank_columns(table.frame)
    require_columns(df, VALUES, name, table.header_row, allow_extra=True)
    year_cols = [c for c in df.columns if re.fullmatch(r"\d{4}", c)]
    others = [c for c in df.columns if c not in VALUES and c not in year_cols and c != ROW]
    if others:
        raise InputError(file=name, row=table.header_row, column=others[0],
                         expected="year columns (YYYY) after the four WDI id columns", found=others[0])
    if not year_cols:
        raise InputError(file=name, row=table.header_row, expected="year columns (1960, 1961, ...)",
                         found="none")
    updated = None
    for row in table.title_rows:
        if len(row) >= 2 and row[0].strip().casefold() == "last updated date":
            try:
                updated = date.fromisoformat(row[1].strip())
            except ValueError:
                pass
    long = df.unpivot(on=year_cols, index=[*VALUES, ROW], variable_name="year", value_name="text")
    text = long["text"].str.strip_chars()
    value = text.cast(pl.Float64, strict=False)
    bad = text.is_not_null() & (text != "") & value.is_null()
    if bad.any():
        i = bad.arg_true()[0]
        raise InputError(file=name, row=int(long[ROW][i]), column=long["year"][i], expected="a number",
                         found=long["text"][i])
    out = long.with_columns(value=value).filter(pl.col("value").is_not_null()).select(
        country_code=pl.col("Country Code").str.strip_chars(),
        country_name=pl.col("Country Name").str.strip_chars(),
        indicator_code=pl.col("Indicator Code").str.strip_chars(),
        indicator_name=pl.col("Indicator Name").str.strip_chars(),
        year=pl.col("year").cast(pl.Int32),
        value=pl.col("value"),
        last_updated=pl.lit(updated, dtype=pl.Date),
        source_grade=pl.lit(grade_from_sidecar(sidecar, name)),
        source_row=pl.col(ROW),
        source_file=pl.lit(name),
    )
    return "values", out
