"""Country-level loss figures: converted to USD, deflated, and marked preferred or alternative."""

import polars as pl

from pipelines.harmonise.currency import convert_losses
from pipelines.indicators.series import select_preferred

#: Areas whose losses are country figures (regional and global aggregates are kept apart).
COUNTRY_AREA_TYPES = ("country", "territory")


def country_losses(
    observations: pl.DataFrame,
    areas: pl.DataFrame,
    fx: pl.DataFrame,
    cpi_monthly: pl.DataFrame,
    designated: pl.DataFrame,
    base_year: int,
) -> pl.DataFrame:
    """Every country-level headline loss figure with conversions and selection flags.

    Crime-type breakdowns (rows without a ``series``) are not country totals and are excluded.
    """
    losses = observations.filter(
        pl.col("measure") == "loss",
        pl.col("series").is_not_null(),
        pl.col("area_type").is_in(COUNTRY_AREA_TYPES),
    )
    converted = convert_losses(losses, fx, cpi_monthly, base_year)
    selected = select_preferred(converted, designated)
    regions = areas.select("area_code", pl.col("area_name").alias("country_name"), "region_code", "region_name",
                           "subregion_code", "subregion_name")
    return selected.join(regions, on="area_code", how="left").sort("country_iso3", "year", "source_file",
                                                                   "source_row")


def aggregate_losses(observations: pl.DataFrame, fx: pl.DataFrame, cpi_monthly: pl.DataFrame,
                     base_year: int) -> pl.DataFrame:
    """Regional or global loss figures published as such (never added to country sums)."""
    losses = observations.filter(pl.col("measure") == "loss", pl.col("area_type") == "region")
    return convert_losses(losses, fx, cpi_monthly, base_year).sort("area_code", "year", "source_row")
