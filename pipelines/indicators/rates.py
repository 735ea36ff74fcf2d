"""Our rates per 100,000 from World Bank population, reconciled against UNODC's published rates.

For every rate row UNODC publishes (``Rate per 100,000 population``), the count row of the same
file and series-year is found and our rate is computed:

    rate_per_100k_population_wb = count / World Bank SP.POP.TOTL (area, year) x 100,000

and compared: ``rate_relative_difference = ours / published - 1``. UNODC divides by the UN World
Population Prospects (WPP) revision current at the time of the release (believed; the exports do
not say), the World Bank by its own series, so differences are expected. ``population_implied_unodc
= count / published rate x 100,000`` shows the population UNODC must have used.

Measured (``README`` "Rates"), |difference| over compared rows:

=====================================  =======  ======  ======  ======  ======  ==============
data                                   rows     p50     p90     p95     p99     beyond 10%
=====================================  =======  ======  ======  ======  ======  ==============
bundled extracts (3 releases)          5,498    0.58%   4.2%    6.3%    25%     2.3% of 5,964
five complete exports (3 releases)     47,409   0.59%   4.2%    6.4%    24%     2.1% of 49,520
=====================================  =======  ======  ======  ======  ======  ==============

(the 2025 release alone: median 0.004%, since its WPP revision and the World Bank's now agree; the
2022 release: 0.9%). The large ones are population-definition differences, not arithmetic:
Moldova (the World Bank excludes Transnistria: our rates up to 53% higher), Serbia and Kosovo, the
State of Palestine, Trinidad and Tobago, North Macedonia.

Hence :data:`RATE_TOLERANCE` = 10% (a row beyond it is "outside tolerance") and
:data:`MAX_SHARE_OUTSIDE_TOLERANCE` = 5% (the ``rates_match_published`` check fails when more than
that share of comparable rows is outside): a wrong unit (per 1,000, population in thousands) or a
join to the wrong country or table moves most rows beyond 10% and fails the check; honest WPP/WB
differences (about 2% of rows, 4.2% for the 2022 release alone) pass with room. The check cannot
see an off-by-one year (population growth is about 1% a year); the median signed difference in the
summary (0.07% bundled, 0.01% full) is the place to look for that.

Rows that cannot be compared say why (``status``):

* ``subnational_no_wb_population``: GBR_E_W, GBR_S, GBR_NI, IRQ_C are parts of countries; the World
  Bank publishes no population for them, so no rate is computed;
* ``no_wb_population``: a country or territory the World Bank has no population for that year;
* ``sex_or_age_specific``: a rate per 100,000 of a sex or age group's population, which SP.POP.TOTL
  does not give;
* ``no_count_in_file``: a published rate without a count row in the same file;
* ``ambiguous_key_in_file``: the series-year key repeats within the file (UNODC 2022 "Victims of
  sexual exploitation"), so the count cannot be paired.

Comparable rows are ``compared`` (both non-zero), ``both_zero`` (a match), and the two zero
mismatches ``published_rate_zero_count_positive`` / ``count_zero_published_rate_positive`` (outside).
"""

from dataclasses import dataclass

import polars as pl

PER_100K = 100_000
#: A published rate is matched when |our rate / published rate - 1| <= this.
RATE_TOLERANCE = 0.10
#: ``rates_match_published`` fails when more than this share of comparable rows is outside the tolerance.
MAX_SHARE_OUTSIDE_TOLERANCE = 0.05
QUANTILES = (0.5, 0.75, 0.9, 0.95, 0.99)
RATE_UNIT = "rate_per_100k_population"
KEY = ("source_file", "area_code", "indicator", "dimension", "category", "sex", "age", "year")
COMPARABLE = ("compared", "both_zero", "published_rate_zero_count_positive", "count_zero_published_rate_positive")


def reconcile_rates(observations: pl.DataFrame, population: pl.DataFrame,
                    tolerance: float = RATE_TOLERANCE) -> pl.DataFrame:
    """One row per published rate row: our World Bank rate beside it and the discrepancy.

    ``observations``: those of the sources that publish rates beside their counts (the wiring passes
    the sources providing "published_rates", pipelines.sources)."""
    unodc = observations
    key = list(KEY)
    unodc = unodc.with_columns(_dup=pl.len().over([*key, "unit"]) > 1)
    counts = unodc.filter(pl.col("unit") == "count")
    # A key that repeats among the counts or the rates of a file cannot be paired.
    ambiguous_counts = counts.filter(pl.col("_dup")).select(key).unique().with_columns(_count_dup=pl.lit(True))
    rates = (unodc.filter(pl.col("unit") == RATE_UNIT).join(ambiguous_counts, on=key, how="left", nulls_equal=True)
             .with_columns(_dup=pl.col("_dup") | pl.col("_count_dup").fill_null(False)))
    counts = counts.filter(~pl.col("_dup")).select(
        *key, count_published=pl.col("value"), count_source_row=pl.col("source_row"))
    pop = population.select(area_code="country_iso3", year="year", population_wb="population")
    newest = (unodc.group_by("area_code", "indicator", "dimension", "category", "sex", "age", "year")
              .agg(_newest=pl.col("release").sort_by(pl.col("release_date"), "release").last()))
    df = (rates.join(counts, on=key, how="left", nulls_equal=True).join(pop, on=["area_code", "year"], how="left")
          .join(newest, on=["area_code", "indicator", "dimension", "category", "sex", "age", "year"], how="left",
                nulls_equal=True)
          .rename({"value": "rate_per_100k_population_unodc", "source_row": "rate_source_row"}))
    count, rate, popn = pl.col("count_published"), pl.col("rate_per_100k_population_unodc"), pl.col("population_wb")
    status = (pl.when(pl.col("_dup")).then(pl.lit("ambiguous_key_in_file"))
              .when(pl.col("area_type") == "subnational").then(pl.lit("subnational_no_wb_population"))
              .when((pl.col("sex") != "Total") | (pl.col("age") != "Total")).then(pl.lit("sex_or_age_specific"))
              .when(count.is_null()).then(pl.lit("no_count_in_file"))
              .when(popn.is_null() | (popn <= 0)).then(pl.lit("no_wb_population"))
              .when((count == 0) & (rate == 0)).then(pl.lit("both_zero"))
              .when(rate == 0).then(pl.lit("published_rate_zero_count_positive"))
              .when(count == 0).then(pl.lit("count_zero_published_rate_positive"))
              .otherwise(pl.lit("compared")))
    df = df.with_columns(status=status)
    computable = pl.col("status").is_in(list(COMPARABLE))
    df = df.with_columns(
        rate_per_100k_population_wb=pl.when(computable).then(count / popn * PER_100K),
        population_implied_unodc=pl.when(pl.col("status") == "compared").then(count / rate * PER_100K),
    ).with_columns(
        rate_relative_difference=pl.when(pl.col("status") == "compared")
        .then(pl.col("rate_per_100k_population_wb") / rate - 1),
        population_wb_to_implied_ratio=pl.when(pl.col("status") == "compared")
        .then(popn / pl.col("population_implied_unodc")),
    ).with_columns(
        is_comparable=computable,
        is_within_tolerance=pl.when(pl.col("status") == "compared")
        .then(pl.col("rate_relative_difference").abs() <= tolerance)
        .when(pl.col("status") == "both_zero").then(True)
        .when(computable).then(False),
        tolerance_relative=pl.lit(tolerance),
        is_latest_release=pl.col("release") == pl.col("_newest"),
    )
    return df.select(
        "source_id", "release", "release_date", "is_latest_release", "area_code", "area_name", "country_iso3",
        "area_type", "year", "indicator", "dimension", "category", "sex", "age", "measure", "count_published",
        "rate_per_100k_population_unodc", "population_wb", "rate_per_100k_population_wb",
        "rate_relative_difference", "population_implied_unodc", "population_wb_to_implied_ratio", "status",
        "is_comparable", "is_within_tolerance", "tolerance_relative", "source_file", "count_source_row",
        "rate_source_row",
    ).sort("release", "area_code", "indicator", "category", "sex", "age", "year")


def discrepancy_summary(reconciled: pl.DataFrame, tolerance: float = RATE_TOLERANCE,
                        max_share_outside: float = MAX_SHARE_OUTSIDE_TOLERANCE) -> pl.DataFrame:
    """The discrepancy distribution, for all releases together and per release."""
    scoped = pl.concat([reconciled.with_columns(scope=pl.lit("all releases"), _release=pl.lit(None, pl.String)),
                        reconciled.with_columns(scope=pl.format("release {}", pl.col("release")),
                                                _release=pl.col("release"))])
    absd = pl.col("rate_relative_difference").abs()
    compared = pl.col("status") == "compared"
    out = scoped.group_by("scope").agg(
        release=pl.col("_release").first(),
        published_rate_rows=pl.len().cast(pl.Int64),
        comparable_rows=pl.col("is_comparable").sum().cast(pl.Int64),
        compared_rows=compared.sum().cast(pl.Int64),
        rows_outside_tolerance=(pl.col("is_within_tolerance") == False).sum().cast(pl.Int64),  # noqa: E712
        **{f"rows_{s}": (pl.col("status") == s).sum().cast(pl.Int64)
           for s in ("both_zero", "subnational_no_wb_population", "no_wb_population", "sex_or_age_specific",
                     "no_count_in_file", "ambiguous_key_in_file")},
        **{f"abs_relative_difference_p{round(q * 100)}": absd.filter(compared).quantile(q, "linear")
           for q in QUANTILES},
        abs_relative_difference_max=absd.filter(compared).max(),
        relative_difference_median=pl.col("rate_relative_difference").filter(compared).median(),
    ).with_columns(
        share_outside_tolerance=pl.when(pl.col("comparable_rows") > 0)
        .then(pl.col("rows_outside_tolerance") / pl.col("comparable_rows")),
        tolerance_relative=pl.lit(tolerance),
        max_share_outside_tolerance=pl.lit(max_share_outside),
    ).with_columns(passes=(pl.col("share_outside_tolerance") <= max_share_outside).fill_null(True))
    return out.sort(pl.col("scope") != "all releases", "scope")


@dataclass(frozen=True)
class RateCheck:
    passed: bool
    comparable_rows: int
    rows_outside: int
    share_outside: float | None
    worst: pl.DataFrame  # the largest discrepancies among comparable rows


def evaluate_rate_check(reconciled: pl.DataFrame, max_share_outside: float = MAX_SHARE_OUTSIDE_TOLERANCE,
                        worst_rows: int = 10) -> RateCheck:
    """``rates_match_published``: the share of comparable rows outside the tolerance is within the bound."""
    comparable = reconciled.filter(pl.col("is_comparable"))
    outside = comparable.filter(~pl.col("is_within_tolerance"))
    share = outside.height / comparable.height if comparable.height else None
    worst = (outside.sort(pl.col("rate_relative_difference").abs(), descending=True, nulls_last=False)
             .head(worst_rows).select("release", "area_code", "category", "year", "count_published",
                                      "population_wb", "rate_per_100k_population_unodc",
                                      "rate_per_100k_population_wb", "rate_relative_difference", "status"))
    return RateCheck(share is None or share <= max_share_outside, comparable.height, outside.height, share, worst)
