"""Country-level loss figures: converted to USD, deflated, per capita, marked preferred or alternative."""

import polars as pl

from pipelines.harmonise.currency import convert_losses
from pipelines.indicators.series import select_preferred

#: Observation columns that describe a part of a total; constant (null) once parts are left out.
PART_COLUMNS = ("part_of_series", "asset_scope")
#: Areas whose losses are country figures (regional and global aggregates are kept apart).
COUNTRY_AREA_TYPES = ("country", "territory")


def country_losses(
    observations: pl.DataFrame,
    areas: pl.DataFrame,
    fx: pl.DataFrame,
    cpi_monthly: pl.DataFrame,
    designated: pl.DataFrame,
    base_year: int,
    population: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Every country-level headline loss figure with conversions, per-capita values and selection flags.

    Crime-type breakdowns (rows without a ``series``) and declared parts of another series (``part_of_series``:
    IC3's cryptocurrency descriptor, SPF's losses through cryptocurrency transfers) are not country totals and
    are excluded; the parts are in marts.virtual_asset_losses beside their totals.
    """
    losses = observations.filter(
        pl.col("measure") == "loss",
        pl.col("series").is_not_null(),
        pl.col("part_of_series").is_null(),
        pl.col("area_type").is_in(COUNTRY_AREA_TYPES),
    ).drop(*PART_COLUMNS)
    converted = convert_losses(losses, fx, cpi_monthly, base_year)
    selected = select_preferred(converted, designated)
    regions = areas.select("area_code", pl.col("area_name").alias("country_name"), "region_code", "region_name",
                           "subregion_code", "subregion_name")
    out = selected.join(regions, on="area_code", how="left")
    if population is not None:
        out = per_capita(out, population)
    return out.sort("country_iso3", "year", "source_file", "source_row")


def per_capita(losses: pl.DataFrame, population: pl.DataFrame) -> pl.DataFrame:
    """Add World Bank population (SP.POP.TOTL of the country in ``year``, the year the period ends)
    and losses per person of it. Null (not zero) when the World Bank has no population for the year
    (its data end a year before loss data), with ``population_note`` saying so."""
    pop = population.select("country_iso3", "year", population_wb="population")
    per = pl.col("population_wb")
    return losses.join(pop, on=["country_iso3", "year"], how="left").with_columns(
        loss_usd_nominal_per_capita_wb=pl.col("loss_usd_nominal") / per,
        loss_usd_nominal_per_capita_wb_low=pl.col("loss_usd_nominal_low") / per,
        loss_usd_nominal_per_capita_wb_high=pl.col("loss_usd_nominal_high") / per,
        loss_usd_constant_per_capita_wb=pl.col("loss_usd_constant") / per,
        population_note=pl.when(per.is_null()).then(
            pl.format("no World Bank population for {} in {}", pl.col("country_iso3"), pl.col("year"))),
    )


def aggregate_losses(observations: pl.DataFrame, fx: pl.DataFrame, cpi_monthly: pl.DataFrame,
                     base_year: int) -> pl.DataFrame:
    """Regional or global loss figures published as such (never added to country sums).

    A published range (UNODC's US$18-37bn for East and Southeast Asia, 2023) stays a range: the point
    columns stay null and the low/high columns carry it through conversion and deflation.
    """
    losses = observations.filter(pl.col("measure") == "loss", pl.col("area_type") == "region",
                                 pl.col("part_of_series").is_null()).drop(*PART_COLUMNS)
    return convert_losses(losses, fx, cpi_monthly, base_year).sort("area_code", "year", "source_row")
