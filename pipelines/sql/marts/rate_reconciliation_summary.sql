-- marts.rate_reconciliation_summary: columns, units and meaning in pipelines/contracts/marts/rate_reconciliation_summary.yml
SELECT
    scope, release, published_rate_rows, comparable_rows, compared_rows, rows_outside_tolerance, rows_both_zero,
    rows_subnational_no_wb_population, rows_no_wb_population, rows_sex_or_age_specific, rows_no_count_in_file,
    rows_ambiguous_key_in_file, abs_relative_difference_p50, abs_relative_difference_p75,
    abs_relative_difference_p90, abs_relative_difference_p95, abs_relative_difference_p99,
    abs_relative_difference_max, relative_difference_median, share_outside_tolerance, tolerance_relative,
    max_share_outside_tolerance, passes
FROM intermediate.int_rate_reconciliation_summary
ORDER BY scope <> 'all releases', scope
