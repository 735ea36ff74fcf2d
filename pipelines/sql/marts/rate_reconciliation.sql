-- marts.rate_reconciliation: columns, units and meaning in pipelines/contracts/marts/rate_reconciliation.yml
SELECT
    source_id, release, release_date, is_latest_release, area_code, area_name, country_iso3, area_type, year,
    indicator, dimension, category, sex, age, measure, count_published, rate_per_100k_population_unodc,
    population_wb, rate_per_100k_population_wb, rate_relative_difference, population_implied_unodc,
    population_wb_to_implied_ratio, status, is_comparable, is_within_tolerance, tolerance_relative, source_file,
    count_source_row, rate_source_row
FROM intermediate.int_rate_reconciliation
ORDER BY release, area_code, indicator, category, sex, age, year
