"""FRED / Federal Reserve H.10 monthly exchange rates (``datasets/exchange-rates`` ``monthly.csv``).

Same layout as the annual file (:mod:`pipelines.sources.fred_fx`): ``Date, Country, Exchange rate``, Date the
first day of the month. It carries the United Kingdom series that the annual file lacks; the package
writes ``round(1/x, 4)`` of FRED's US dollars per pound (``EXUSUK``), so every value is local currency per
USD to 4 decimals. The series of the euro-area members before the euro (Austria ... Spain) are in currencies
that no longer exist and are dropped on purpose (``IGNORED_SERIES``); any other unknown name is an error.

:func:`read` returns one row per series and month as published. Annual means (of the 12 months, a year with
fewer is not averaged) are computed in the intermediate layer (pipelines.harmonise.currency).
"""

from pathlib import Path

import polars as pl

from pipelines.errors import InputError
from pipelines.schema import grade_from_sidecar
from pipelines.sources._tabular import ROW, to_float
from pipelines.sources.fred_fx import CURRENCY_BY_SERIES, read_series
from pipelines.sources.fred_fx import IGNORED_SERIES as ANNUAL_IGNORED

_LEGACY = "a euro-area member's currency before the euro (no longer issued); the Euro series covers it"
#: Series read but not used, with the reason (dropped on purpose, never silently mapped).
IGNORED_SERIES = {**ANNUAL_IGNORED, **{c: _LEGACY for c in (
    "Austria", "Belgium", "Finland", "France", "Germany", "Greece", "Ireland", "Italy", "Netherlands",
    "Portugal", "Spain")}}


def read(path: Path, name: str, release: str, sidecar: dict | None = None,
         sha256: str | None = None) -> pl.DataFrame:
    df, series, dates = read_series(path, name, IGNORED_SERIES)
    not_first = dates.dt.day() != 1
    if not_first.any():
        i = not_first.arg_true()[0]
        raise InputError(file=name, row=int(df[ROW][i]), column="Date", expected="the first day of a month",
                         found=df["Date"][i])
    rate = to_float(df, "Exchange rate", name, required=True)
    return pl.DataFrame({
        "currency_code": series.replace_strict(CURRENCY_BY_SERIES),
        "fred_series": series,
        "year": dates.dt.year().cast(pl.Int32),
        "month": dates.dt.month().cast(pl.Int32),
        "rate_as_published": rate,
        "source_row": df[ROW],
    }).with_columns(release=pl.lit(release), source_grade=pl.lit(grade_from_sidecar(sidecar, name)),
                    source_file=pl.lit(name))
