"""Police-recorded offences by country and year (UNODC CTS): counts and rates side by side.

When several releases carry the same series (area, category, sex, age, year), the newest release
is used and the number of releases that carried it is kept, so restatements stay traceable in
staging. Counts and published rates stay separate measures in staging; here they are put side by
side, with our own rate from World Bank population for comparison.
"""

import polars as pl

SERIES_KEY = ("source_id", "area_code", "indicator", "dimension", "category", "sex", "age", "year")


def latest_release(observations: pl.DataFrame) -> pl.DataFrame:
    """Keep, per series-year and unit, the row of the newest release (by release date, then name).

    Rows whose key repeats *within* one file (UNODC 2022 "Victims of sexual exploitation") are
    ambiguous and are dropped here; the quality checks report them.
    """
    key = [*SERIES_KEY, "unit"]
    unambiguous = observations.filter(pl.len().over([*key, "source_file"]) == 1)
    ranked = unambiguous.sort(["release_date", "release"], descending=True, nulls_last=True)
    return (ranked.with_columns(releases_carrying=pl.len().over(key).cast(pl.Int32))
            .unique(subset=key, keep="first", maintain_order=True))


def offences_by_country_year(observations: pl.DataFrame, areas: pl.DataFrame,
                             population: pl.DataFrame) -> pl.DataFrame:
    """One row per area, offence category, sex, age and year with count and rate columns."""
    rows = latest_release(observations.filter(pl.col("source_id") == "unodc_cts",
                                              pl.col("measure") == "offences"))
    counts = rows.filter(pl.col("unit") == "count").select(
        *SERIES_KEY, "area_name", "country_iso3", "area_type", "release", "release_date", "releases_carrying",
        offences_count=pl.col("value"), count_source_file=pl.col("source_file"),
        count_source_row=pl.col("source_row"))
    rates = rows.filter(pl.col("unit") == "rate_per_100k_population").select(
        *SERIES_KEY, offences_per_100k_population_published=pl.col("value"),
        rate_release=pl.col("release"), rate_source_file=pl.col("source_file"),
        rate_source_row=pl.col("source_row"))
    wide = counts.join(rates, on=list(SERIES_KEY), how="full", coalesce=True)
    # A rate row without a count row keeps its identity columns from the rate side.
    meta = rows.select(*SERIES_KEY, "area_name", "country_iso3", "area_type").unique(list(SERIES_KEY))
    wide = wide.drop("area_name", "country_iso3", "area_type").join(meta, on=list(SERIES_KEY), how="left")
    pop = population.select(area_code="country_iso3", year="year", population="population")
    regions = areas.select("area_code", "region_code", "region_name", "subregion_code", "subregion_name")
    return (wide.join(pop, on=["area_code", "year"], how="left")
            .join(regions, on="area_code", how="left")
            .with_columns(offences_per_100k_population=pl.col("offences_count") / pl.col("population") * 1e5)
            .with_columns(release=pl.coalesce("release", "rate_release"))
            .drop("rate_release")
            .sort("area_code", "category", "sex", "age", "year"))
