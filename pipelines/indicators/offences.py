"""Police-recorded offences by country and year (UNODC CTS): counts and rates side by side, and
national totals rebuilt from sub-national rows (NCRB).

When several releases carry the same series-year (area, indicator, dimension, category, sex, age,
year), the newest release is used for *both* the count and the published rate, so the two always
come from one file and one vintage (a rate of one release is never put next to the count of
another); the number of releases that carried the series-year is kept, so restatements stay
traceable in staging. Our own rate uses World Bank population; see :mod:`.rates` for how it compares
with UNODC's.
"""

import polars as pl

from pipelines.indicators.rates import PER_100K

SERIES_KEY = ("source_id", "area_code", "indicator", "dimension", "category", "sex", "age", "year")


def latest_release(observations: pl.DataFrame) -> pl.DataFrame:
    """Rows (every unit) of the newest release carrying each series-year (by release date, then name).

    Rows whose key repeats *within* one file (UNODC 2022 "Victims of sexual exploitation") are
    ambiguous and are dropped here; the quality checks report them.
    """
    key = list(SERIES_KEY)
    unambiguous = observations.filter(pl.len().over([*key, "unit", "source_file"]) == 1)
    releases = (unambiguous.group_by([*key, "release", "source_file"]).agg(pl.col("release_date").max())
                .sort(["release_date", "release", "source_file"], descending=True, nulls_last=True))
    newest = releases.unique(key, keep="first", maintain_order=True).select(*key, "source_file")
    carrying = releases.group_by(key).agg(releases_carrying=pl.col("release").n_unique().cast(pl.Int32))
    # NCRB, IC3 and national figures have no sex or age: null key parts must match each other.
    return (unambiguous.join(newest, on=[*key, "source_file"], how="inner", nulls_equal=True)
            .join(carrying, on=key, how="left", nulls_equal=True))


def offences_by_country_year(observations: pl.DataFrame, areas: pl.DataFrame,
                             population: pl.DataFrame) -> pl.DataFrame:
    """One row per area, offence category, sex, age and year with count and rate columns.

    ``offences_per_100k_population`` is our rate: count / World Bank population x 100,000. It is null
    for sub-national areas (GBR_E_W, GBR_S, GBR_NI, IRQ_C), which have no World Bank population, and
    ``population_note`` says so. ``observations``: those of the sources providing
    "police_recorded_offences" (pipelines.sources).
    """
    rows = latest_release(observations.filter(pl.col("measure") == "offences"))
    counts = rows.filter(pl.col("unit") == "count").select(
        *SERIES_KEY, offences_count=pl.col("value"), count_source_file=pl.col("source_file"),
        count_source_row=pl.col("source_row"))
    rates = rows.filter(pl.col("unit") == "rate_per_100k_population").select(
        *SERIES_KEY, offences_per_100k_population_published=pl.col("value"),
        rate_source_file=pl.col("source_file"), rate_source_row=pl.col("source_row"))
    meta = rows.select(*SERIES_KEY, "area_name", "country_iso3", "area_type", "release", "release_date",
                       "releases_carrying").unique(list(SERIES_KEY))
    wide = (meta.join(counts, on=list(SERIES_KEY), how="left", nulls_equal=True)
            .join(rates, on=list(SERIES_KEY), how="left", nulls_equal=True))
    pop = population.select(area_code="country_iso3", year="year", population="population")
    regions = areas.select("area_code", "region_code", "region_name", "subregion_code", "subregion_name")
    return (wide.join(pop, on=["area_code", "year"], how="left")
            .join(regions, on="area_code", how="left")
            .with_columns(offences_per_100k_population=pl.col("offences_count") / pl.col("population") * PER_100K,
                          population_note=pl.when(pl.col("area_type") == "subnational")
                          .then(pl.format("{} is part of {}: the World Bank publishes no population for it",
                                          pl.col("area_code"), pl.col("country_iso3")))
                          .when(pl.col("population").is_null())
                          .then(pl.lit("no World Bank population for this area and year")))
            .sort("area_code", "category", "sex", "age", "year"))


PART_KEY = ("source_id", "release", "dataset", "country_iso3", "indicator", "category", "measure", "unit", "year")


def totals_from_parts(observations: pl.DataFrame, sources: tuple[str, ...]) -> pl.DataFrame:
    """National totals rebuilt from sub-national rows, next to the publisher's own total if it has one.

    Only ``area_type = 'subnational'`` rows are summed: publisher subtotal rows (NCRB ``Total State
    (S)``, ``Total UT (S)``, area_type ``subtotal``) and the national row itself are never added, so
    nothing is counted twice. ``sources``: those whose sub-national rows list every part, so that their sum
    is the national total (the sources providing "parts_sum_to_total", pipelines.sources; UNODC's UK
    parts are handled in regional aggregation, where the UK counts only when all parts do).
    Counts only (rates are not additive). Returns one row per source, release, dataset, indicator,
    category, measure and year with ``parts_sum``, ``parts``,
    ``subtotal_rows_not_summed``, ``published_total`` (null when the table has no national row),
    ``difference`` (parts_sum - published_total) and ``matches_published``.
    """
    rows = observations.filter(pl.col("source_id").is_in(list(sources)), pl.col("unit") == "count")
    key = list(PART_KEY)
    parts = rows.filter(pl.col("area_type") == "subnational").group_by(key).agg(
        parts_sum=pl.col("value").sum(), parts=pl.len().cast(pl.Int32))
    subtotals = rows.filter(pl.col("area_type") == "subtotal").group_by(key).agg(
        subtotal_rows_not_summed=pl.len().cast(pl.Int32))
    national = rows.filter(pl.col("area_type") == "country", pl.col("area_code") == pl.col("country_iso3")).group_by(
        key).agg(published_total=pl.col("value").first(), published_total_rows=pl.len().cast(pl.Int32),
                 published_total_source_row=pl.col("source_row").first(), source_file=pl.col("source_file").first())
    files = rows.group_by(key).agg(parts_source_file=pl.col("source_file").first())
    out = (parts.join(subtotals, on=key, how="left", nulls_equal=True)
           .join(national, on=key, how="left", nulls_equal=True)
           .join(files, on=key, how="left", nulls_equal=True)
           .with_columns(subtotal_rows_not_summed=pl.col("subtotal_rows_not_summed").fill_null(0),
                         source_file=pl.coalesce("source_file", "parts_source_file"))
           .drop("parts_source_file")
           .with_columns(difference=pl.col("parts_sum") - pl.col("published_total"))
           .with_columns(matches_published=pl.when(pl.col("published_total").is_not_null())
                         .then(pl.col("difference") == 0)))
    return out.sort(key)
