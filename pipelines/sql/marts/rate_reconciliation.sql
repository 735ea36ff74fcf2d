-- @table Every rate per 100,000 population UNODC publishes (every loaded release), beside our rate from the
--   count of the same file and World Bank population, with the discrepancy. UNODC divides by UN World
--   Population Prospects estimates (believed), the World Bank by its own series, so small differences are
--   expected; population_implied_unodc shows the population UNODC must have used. status says why a row cannot
--   be compared (sub-national areas and sex- or age-specific rates have no World Bank denominator).
--   is_within_tolerance: |rate_relative_difference| <= tolerance_relative. The check rates_match_published
--   fails when more than 5% of comparable rows are outside the tolerance (see marts.rate_reconciliation_summary).
-- @column source_id: cyberstats source (unodc_cts)
-- @column release: UNODC release of the rate and count
-- @column release_date: publication date of the release
-- @column is_latest_release: true when no newer loaded release carries this series-year
-- @column area_code: canonical area code (ISO3 or UNODC territory code)
-- @column area_name: area name as published
-- @column country_iso3: ISO3 of the country the area belongs to
-- @column area_type: country | subnational | territory
-- @column year: calendar year
-- @column indicator: UNODC indicator as published
-- @column dimension: UNODC dimension as published
-- @column category: category as published
-- @column sex: sex breakdown as published
-- @column age: age breakdown as published
-- @column measure: what is counted (offences, victims, persons)
-- @column count_published: UNODC's count for the same series-year in the same file (count of measure)
-- @column rate_per_100k_population_unodc: UNODC's published rate (measure per 100,000 of UNODC's population)
-- @column population_wb: World Bank mid-year population (SP.POP.TOTL) of the area and year (persons)
-- @column rate_per_100k_population_wb: count_published per 100,000 persons of population_wb (our rate)
-- @column rate_relative_difference: rate_per_100k_population_wb / rate_per_100k_population_unodc - 1
--   (fraction; positive when our rate is higher, i.e. the World Bank population is smaller)
-- @column population_implied_unodc: count_published / rate_per_100k_population_unodc x 100,000 (persons)
-- @column population_wb_to_implied_ratio: population_wb / population_implied_unodc (ratio)
-- @column status: compared | both_zero | published_rate_zero_count_positive | count_zero_published_rate_positive
--   (comparable) | subnational_no_wb_population | no_wb_population | sex_or_age_specific | no_count_in_file |
--   ambiguous_key_in_file (not comparable)
-- @column is_comparable: true when our rate can be computed and set against the published one
-- @column is_within_tolerance: comparable and |rate_relative_difference| <= tolerance_relative (both zero
--   counts as a match; a zero against a non-zero does not); null when not comparable
-- @column tolerance_relative: the relative tolerance of the check (fraction)
-- @column source_file: file the rate and the count come from
-- @column count_source_row: row of the count in source_file
-- @column rate_source_row: row of the published rate in source_file
SELECT
    source_id, release, release_date, is_latest_release, area_code, area_name, country_iso3, area_type, year,
    indicator, dimension, category, sex, age, measure, count_published, rate_per_100k_population_unodc,
    population_wb, rate_per_100k_population_wb, rate_relative_difference, population_implied_unodc,
    population_wb_to_implied_ratio, status, is_comparable, is_within_tolerance, tolerance_relative, source_file,
    count_source_row, rate_source_row
FROM intermediate.int_rate_reconciliation
ORDER BY release, area_code, indicator, category, sex, age, year
