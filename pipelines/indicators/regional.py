"""Regional aggregates that say how much of the region stands behind them.

Unknowns stay unknown: a sum with no converted figure is null (not zero); coverage is null when a
reporting country has no population for the year (World Bank data end a year before loss data),
and an aggregate with unknown coverage or an unconverted figure is not publishable.

Only preferred country figures are summed (one per country and year, :mod:`.series`). For each M49
region (and the world) and year: the sum, how many countries reported, how many countries the region
has, the population of reporting countries and of the region, their share, and whether the
aggregate is publishable: ``population_coverage_share >= min_population_coverage`` (default 0.5,
``CYBERSTATS_MIN_POPULATION_COVERAGE``). Rates are never averaged: a rate is a sum of counts over
the population of the reporting countries.
"""

import polars as pl

WORLD = ("001", "World")


def _with_world(df: pl.DataFrame) -> pl.DataFrame:
    world = df.with_columns(region_code=pl.lit(WORLD[0]), region_name=pl.lit(WORLD[1]))
    return pl.concat([df, world])


def regional_losses(country_losses: pl.DataFrame, areas: pl.DataFrame, population: pl.DataFrame,
                    min_population_coverage: float) -> pl.DataFrame:
    """Sum of preferred country losses by M49 region and year, with coverage."""
    preferred = country_losses.filter(pl.col("is_preferred"), pl.col("region_code").is_not_null())
    members = areas.filter(pl.col("area_type") == "country", pl.col("region_code").is_not_null()).select(
        "country_iso3", "region_code", "region_name")
    members = _with_world(members)
    pop = population.select("country_iso3", "year", "population")
    years = preferred.select("year").unique()
    region_pop = (members.join(years, how="cross").join(pop, on=["country_iso3", "year"], how="left")
                  .group_by("region_code", "region_name", "year")
                  .agg(countries_in_region=pl.len().cast(pl.Int32),
                       population_region=pl.when(pl.col("population").is_not_null().any())
                       .then(pl.col("population").sum()),
                       countries_without_population=pl.col("population").is_null().sum().cast(pl.Int32)))
    reporting = _with_world(preferred.select("country_iso3", "region_code", "region_name", "year",
                                             "loss_usd_nominal", "loss_usd_constant", "usd_constant_base_year"))
    reporting = reporting.join(pop, on=["country_iso3", "year"], how="left")
    agg = reporting.group_by("region_code", "region_name", "year").agg(
        # A sum over no converted figure is unknown, not zero.
        loss_usd_nominal=pl.when(pl.col("loss_usd_nominal").is_not_null().any())
        .then(pl.col("loss_usd_nominal").sum()),
        loss_usd_constant=pl.when(pl.col("loss_usd_constant").is_not_null().any())
        .then(pl.col("loss_usd_constant").sum()),
        usd_constant_base_year=pl.col("usd_constant_base_year").first(),
        countries_reporting=pl.len().cast(pl.Int32),
        countries_not_converted=pl.col("loss_usd_nominal").is_null().sum().cast(pl.Int32),
        # Unknown when any reporting country has no population for the year.
        population_reporting=pl.when(pl.col("population").is_not_null().all()).then(pl.col("population").sum()),
        reporting_countries=pl.col("country_iso3").sort().str.join(", "),
    )
    out = agg.join(region_pop, on=["region_code", "region_name", "year"], how="left").with_columns(
        population_coverage_share=pl.col("population_reporting") / pl.col("population_region"),
        min_population_coverage=pl.lit(min_population_coverage),
    ).with_columns(
        is_publishable=((pl.col("population_coverage_share") >= min_population_coverage)
                        & (pl.col("countries_not_converted") == 0)).fill_null(False),
        loss_usd_per_capita_reporting=pl.col("loss_usd_nominal") / pl.col("population_reporting"),
    )
    return out.sort("region_code", "year")
