"""US CPI-U, all items, U.S. city average (BLS series CUUR0000SA0, 1982-84 = 100), monthly.

Layout ``Date, Index, Inflation`` (``datasets/cpi-us`` ``cpiai.csv``). Months BLS did not publish
(2025-10, after the federal shutdown) are simply absent; annual averages are computed in the
intermediate layer and say how many months they rest on.
"""

from pathlib import Path

import polars as pl

from pipelines.errors import InputError
from pipelines.sources._tabular import ROW, read_csv_table, require_columns, to_date, to_float

COLUMNS = ("Date", "Index")


def read(path: Path, name: str, release: str, sidecar: dict | None = None,
         sha256: str | None = None) -> pl.DataFrame:
    table = read_csv_table(path, name, marker="Index", expected_header="Date, Index[, Inflation]")
    df = table.frame
    require_columns(df, COLUMNS, name, table.header_row, allow_extra=True)
    dates = to_date(df, "Date", name)
    index = to_float(df, "Index", name, required=True)
    out = pl.DataFrame({
        "year": dates.dt.year().cast(pl.Int32),
        "month": dates.dt.month().cast(pl.Int8),
        "cpi_index": index,
        "source_row": df[ROW],
    })
    dup = out.filter(pl.struct("year", "month").is_duplicated())
    if dup.height:
        raise InputError(file=name, row=int(dup["source_row"][1]), column="Date", expected="each month once",
                         found=f"{dup['year'][0]}-{dup['month'][0]:02d} twice")
    return out.with_columns(release=pl.lit(release), source_file=pl.lit(name))
