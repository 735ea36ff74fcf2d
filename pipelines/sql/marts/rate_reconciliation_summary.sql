-- @table Distribution of the differences between our World Bank rates per 100,000 and UNODC's published rates
--   (marts.rate_reconciliation), for all loaded releases together (scope 'all releases', the row the check
--   rates_match_published tests) and per release. Quantiles are of |rate_relative_difference| over compared
--   rows (both rates non-zero).
-- @column scope: all releases | release <date>
-- @column release: the release of a per-release row (null for all releases)
-- @column published_rate_rows: published rate rows in scope (count)
-- @column comparable_rows: rows where our rate can be set against the published one (count)
-- @column compared_rows: comparable rows with both rates non-zero (count)
-- @column rows_outside_tolerance: comparable rows outside the tolerance (count)
-- @column rows_both_zero: comparable rows where count and published rate are both zero (count)
-- @column rows_subnational_no_wb_population: rows of sub-national areas, which have no World Bank population (count)
-- @column rows_no_wb_population: rows of areas without a World Bank population for the year (count)
-- @column rows_sex_or_age_specific: rows whose rate is per 100,000 of a sex or age group (count)
-- @column rows_no_count_in_file: published rates without a count in the same file (count)
-- @column rows_ambiguous_key_in_file: rows whose series-year key repeats within the file (count)
-- @column abs_relative_difference_p50: median of |rate_relative_difference| (fraction)
-- @column abs_relative_difference_p75: 75th percentile of |rate_relative_difference| (fraction)
-- @column abs_relative_difference_p90: 90th percentile of |rate_relative_difference| (fraction)
-- @column abs_relative_difference_p95: 95th percentile of |rate_relative_difference| (fraction)
-- @column abs_relative_difference_p99: 99th percentile of |rate_relative_difference| (fraction)
-- @column abs_relative_difference_max: largest |rate_relative_difference| (fraction)
-- @column relative_difference_median: median of the signed rate_relative_difference (fraction)
-- @column share_outside_tolerance: rows_outside_tolerance / comparable_rows (0-1)
-- @column tolerance_relative: relative tolerance a row must be within (fraction)
-- @column max_share_outside_tolerance: largest share_outside_tolerance the check accepts (0-1)
-- @column passes: share_outside_tolerance <= max_share_outside_tolerance
SELECT
    scope, release, published_rate_rows, comparable_rows, compared_rows, rows_outside_tolerance, rows_both_zero,
    rows_subnational_no_wb_population, rows_no_wb_population, rows_sex_or_age_specific, rows_no_count_in_file,
    rows_ambiguous_key_in_file, abs_relative_difference_p50, abs_relative_difference_p75,
    abs_relative_difference_p90, abs_relative_difference_p95, abs_relative_difference_p99,
    abs_relative_difference_max, relative_difference_median, share_outside_tolerance, tolerance_relative,
    max_share_outside_tolerance, passes
FROM intermediate.int_rate_reconciliation_summary
ORDER BY scope <> 'all releases', scope
