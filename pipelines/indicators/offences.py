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
#: Why a loaded value is not published (``values_not_published.reason``).
WITHDRAWN = "withdrawn"
CONTRADICTORY = "contradictory"


#: A **derived vintage**: a release of a source graded below the publisher's own file (no row of it is
#: ``publisher_file``) while another release of the same source is the publisher's own file (UNODC CTS
#: 2026-07, known only from a third party's derived copy). Its values are compared (marts.revisions) and
#: listed (marts.values_not_published, ``derived_only``), never published, summed or trended.
DERIVED_VINTAGE = (pl.col("source_grade").eq("publisher_file").any().over("source_id")
                   & ~pl.col("source_grade").eq("publisher_file").any().over(["source_id", "release"]))
DERIVED_ONLY = "derived_only"


def without_derived(observations: pl.DataFrame) -> pl.DataFrame:
    """The observations without derived vintages (a frame without ``source_grade`` has none to tell)."""
    return observations.filter(~DERIVED_VINTAGE) if "source_grade" in observations.columns else observations


def resolve_releases(observations: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Split observations into the rows published for each series-year and those withheld.

    Rules, per series-year (``SERIES_KEY``) and unit:

    1. **Newest release.** The values come from the newest file carrying the series-year (by release
       date, then release name, then file name); an older release's value is never substituted.
    2. **Withdrawn values are not published.** When the newest release carrying a *series* covers a
       year (the year lies within the years of that file) but no longer carries the series in that
       year, the older releases' values for that year are withdrawn (Canada "Sexual Exploitation"
       2014-2016: only in the 2022 release; the 2024 and 2025 releases start the series in 2017).
       Years outside the newest file's span are not withdrawn (the file simply does not reach them).
    3. **Contradictory duplicates are withheld.** When the newest file carries a key twice with
       different values, neither is published (and no older value replaces them); equal duplicates
       are published once.

    Rows of a derived vintage (:data:`DERIVED_VINTAGE`) take no part: they never replace, withdraw or
    contradict a value of the publisher's own files.

    Returns ``(published, not_published)``. ``published`` has the observation columns plus
    ``releases_carrying``; ``not_published`` has SERIES_KEY, unit, value, release, source_file,
    source_row, ``reason`` (``withdrawn`` | ``contradictory``), ``newest_release`` and ``note``.
    """
    key = list(SERIES_KEY)
    series = key[:-1]
    observations = without_derived(observations)
    order = ["release_date", "release", "source_file"]
    files = (observations.group_by([*key, "release", "source_file"]).agg(pl.col("release_date").max())
             .sort(order, descending=True, nulls_last=True))
    carrying = files.group_by(key).agg(releases_carrying=pl.col("release").n_unique().cast(pl.Int32))
    # Rule 2: the newest file of each series, and the span of years that file covers.
    span = observations.group_by("source_file").agg(_first=pl.col("year").min(), _last=pl.col("year").max())
    newest_of_series = (files.unique(series, keep="first", maintain_order=True)
                        .select(*series, _series_file="source_file", _series_release="release")
                        .join(span.rename({"source_file": "_series_file"}), on="_series_file", how="left"))
    in_newest = files.join(newest_of_series, on=series, how="inner", nulls_equal=True).filter(
        pl.col("source_file") == pl.col("_series_file")).select(key).with_columns(_carried=pl.lit(True))
    marked = (observations.with_row_index("_i")
              .join(newest_of_series, on=series, how="left", nulls_equal=True)
              .join(in_newest, on=key, how="left", nulls_equal=True))
    withdrawn = marked.filter(pl.col("_carried").is_null(), pl.col("year").is_between("_first", "_last"))
    remaining = marked.filter(~pl.col("_i").is_in(withdrawn["_i"].implode()))
    # Rule 1: the newest file per series-year.
    newest = (files.join(remaining.select(*key, "source_file").unique(), on=[*key, "source_file"], how="semi",
                         nulls_equal=True)
              .unique(key, keep="first", maintain_order=True).select(*key, "source_file", _newest="release"))
    current = remaining.join(newest, on=[*key, "source_file"], how="inner", nulls_equal=True)
    # Rule 3: within that file, one value per key and unit.
    values = pl.col("value").n_unique().over([*key, "unit"])
    contradictory = current.filter(values > 1)
    published = (current.filter(values == 1).sort("_i").unique([*key, "unit"], keep="first", maintain_order=True)
                 .join(carrying, on=key, how="left", nulls_equal=True))
    cols = observations.columns
    listed = _number(pl.col("value")) + pl.lit(" (row ") + pl.col("source_row").cast(pl.String) + pl.lit(")")
    not_published = pl.concat([
        withdrawn.select(*key, "unit", "value", "release", "source_file", "source_row",
                         reason=pl.lit(WITHDRAWN), newest_release="_series_release",
                         note=pl.format("carried only by release {}; the newest release of the series ({}) covers "
                                        "{}-{} but no longer carries this year", "release", "_series_release",
                                        "_first", "_last")),
        contradictory.select(*key, "unit", "value", "release", "source_file", "source_row",
                             reason=pl.lit(CONTRADICTORY), newest_release="release",
                             note=pl.format("release {} carries {} different values for this key: {}; none is "
                                            "published and no older release's value replaces them", "release",
                                            values, listed.sort_by("source_row").str.join(", ")
                                            .over([*key, "unit"]))),
    ], how="vertical_relaxed")
    return (published.sort("_i").select(*cols, "releases_carrying"),
            not_published.sort([*key, "unit", "source_row"], nulls_last=True))


#: A part category as UNODC names it: "<parent>: Cyber-related (Cy)".
PART_SEPARATOR = ": "
#: A 0 part is read as "not recorded separately" only beside a parent of at least this many: were the part even
#: 1% of its parent, a true 0 would have a probability of 0.99**300 = 4.9% or less. Beside a small parent (2 frauds
#: in St Vincent, 2020) a 0 part is plausible and stays a true zero.
MIN_PARENT_NOT_RECORDED = 300
NOT_RECORDED_NOTE = ("not recorded separately: the part is 0 while its parent '{}' is {}; the publisher did not "
                     "record the part, it is not a true zero")


def _number(expr: pl.Expr) -> pl.Expr:
    """A figure as text: whole numbers without a decimal point."""
    return (pl.when(expr == expr.floor()).then(expr.cast(pl.Int64).cast(pl.String))
            .otherwise(expr.round(3).cast(pl.String)))


def mark_not_recorded(rows: pl.DataFrame, value: str = "value", key: tuple[str, ...] = ()) -> pl.DataFrame:
    """Add ``not_recorded_separately`` (bool) and ``not_recorded_note`` to offence rows.

    A part (``Fraud: Cyber-related (Cy)``, its parent being the text before ``": "``) whose value is 0
    while its parent, in the same area, year, indicator, dimension, sex, age and ``key`` columns (the
    unit, say), is at least MIN_PARENT_NOT_RECORDED was not recorded separately by the publisher
    (England and Wales Fraud 2015-16: 0 cyber-related beside 619,152 and 652,362 frauds): it is not a
    true zero, is never summed and never replaces the parent. A 0 beside a small, 0 or absent parent
    stays a true zero.
    """
    on = ["source_id", "area_code", "indicator", "dimension", "sex", "age", "year", *key]
    parents = rows.select(*on, _parent="category", _parent_value=pl.col(value)).unique([*on, "_parent"])
    marked = (rows.with_row_index("_nr").with_columns(
        _parent=pl.when(pl.col("category").str.contains(PART_SEPARATOR, literal=True))
        .then(pl.col("category").str.split(PART_SEPARATOR).list.first()))
        .join(parents, on=[*on, "_parent"], how="left", nulls_equal=True))
    flag = (pl.col(value) == 0) & (pl.col("_parent_value") >= MIN_PARENT_NOT_RECORDED)
    return (marked.with_columns(not_recorded_separately=flag.fill_null(False))
            .with_columns(not_recorded_note=pl.when(pl.col("not_recorded_separately")).then(
                pl.format(NOT_RECORDED_NOTE, pl.col("_parent"), _number(pl.col("_parent_value"))))).sort("_nr")
            .drop("_nr", "_parent", "_parent_value"))


def latest_release(observations: pl.DataFrame) -> pl.DataFrame:
    """The published rows of :func:`resolve_releases` (every unit), with ``releases_carrying``."""
    return resolve_releases(observations)[0]


def values_not_published(observations: pl.DataFrame) -> pl.DataFrame:
    """The withheld rows of :func:`resolve_releases`: withdrawn and contradictory values, each with
    the release that carried it and why it is not published (``marts.values_not_published``), and the
    values only a derived vintage carries (``derived_only``: a series-year no release of the publisher's
    own files has; its rounding is in ``note``)."""
    offences = observations.filter(pl.col("measure") == "offences")
    withheld = resolve_releases(offences)[1]
    key = [*SERIES_KEY, "unit"]
    if "source_grade" not in offences.columns:
        return withheld
    derived = offences.filter(DERIVED_VINTAGE).join(offences.filter(~DERIVED_VINTAGE).select(key).unique(),
                                                    on=key, how="anti", nulls_equal=True)
    listed = derived.select(
        *SERIES_KEY, "unit", "value", "release", "source_file", "source_row", reason=pl.lit(DERIVED_ONLY),
        newest_release="release",
        note=pl.format("only a derived copy of release {} ({} grade) carries this value ({}); the publisher's own "
                       "files do not: compared and listed, never published", "release", "source_grade",
                       pl.col("data_source_note").fill_null("rounding not stated")))
    return pl.concat([withheld, listed], how="vertical_relaxed").sort([*key, "source_row"], nulls_last=True)


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
    wide = mark_not_recorded(wide, "offences_count").with_columns(
        # Not recorded separately: neither the 0 nor the publisher's 0.0 rate is a figure.
        pl.when(~pl.col("not_recorded_separately")).then(pl.col(c)).alias(c)
        for c in ("offences_count", "offences_per_100k_population_published"))
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
