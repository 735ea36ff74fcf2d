"""FRED / Federal Reserve H.10 annual exchange rates (``datasets/exchange-rates`` ``annual.csv``).

Layout ``Date, Country, Exchange rate``; Date is the first day of the year. The upstream README
says some series (AUD, EUR, NZD, GBP) are USD per unit, but every value in the current file is
local currency per USD: direction is checked against World Bank rates in the intermediate layer
rather than assumed here. ``Country`` names map to ISO 4217 codes below; an unknown name is an
error so that a new series is never silently dropped; ``IGNORED_SERIES`` are dropped on purpose.
"""

from pathlib import Path

import polars as pl

from pipelines.errors import InputError
from pipelines.schema import grade_from_sidecar
from pipelines.sources._tabular import ROW, read_csv_table, require_columns, to_date, to_float

COLUMNS = ("Date", "Country", "Exchange rate")
CURRENCY_BY_SERIES = {
    "Australia": "AUD", "Brazil": "BRL", "Canada": "CAD", "China": "CNY", "Denmark": "DKK",
    "Euro": "EUR", "Hong Kong": "HKD", "India": "INR", "Japan": "JPY", "Malaysia": "MYR",
    "Mexico": "MXN", "New Zealand": "NZD", "Norway": "NOK", "Singapore": "SGD",
    "South Africa": "ZAR", "South Korea": "KRW", "Sweden": "SEK", "Switzerland": "CHF",
    "Taiwan": "TWD", "Thailand": "THB", "United Kingdom": "GBP",
    "Sri Lanka": "LKR",
}
#: Series read but not used, with the reason (they are dropped, never silently mapped).
IGNORED_SERIES = {
    "Venezuela": "spans the 2008, 2018 and 2021 redenominations under one name; no single ISO 4217 code fits",
}


def read_series(path: Path, name: str, ignored: dict[str, str]) -> tuple[pl.DataFrame, pl.Series, pl.Series]:
    """The rows of a FRED ``Date, Country, Exchange rate`` file without the ``ignored`` series: (rows, series
    names, dates). Any other unknown series is an error naming its row."""
    table = read_csv_table(path, name, marker="Exchange rate", expected_header="Date, Country, Exchange rate")
    df = table.frame
    require_columns(df, COLUMNS, name, table.header_row)
    df = df.filter(~pl.col("Country").str.strip_chars().is_in(list(ignored)))
    series = df["Country"].str.strip_chars()
    unknown = ~series.is_in(list(CURRENCY_BY_SERIES))
    if unknown.any():
        i = unknown.arg_true()[0]
        raise InputError(file=name, row=int(df[ROW][i]), column="Country",
                         expected="a known FRED series (" + ", ".join(CURRENCY_BY_SERIES) + ")",
                         found=series[i])
    return df, series, to_date(df, "Date", name)


def read(path: Path, name: str, release: str, sidecar: dict | None = None,
         sha256: str | None = None) -> pl.DataFrame:
    df, series, dates = read_series(path, name, IGNORED_SERIES)
    rate = to_float(df, "Exchange rate", name, required=True)
    return pl.DataFrame({
        "currency_code": series.replace_strict(CURRENCY_BY_SERIES),
        "fred_series": series,
        "year": dates.dt.year().cast(pl.Int32),
        "rate_as_published": rate,
        "source_row": df[ROW],
    }).with_columns(release=pl.lit(release), source_grade=pl.lit(grade_from_sidecar(sidecar, name)),
                    source_file=pl.lit(name))
