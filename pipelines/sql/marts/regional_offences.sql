-- @table Police-recorded offences (UNODC CTS, newest release per series-year, sex and age Total) summed by
--   the world (001), UN M49 region and M49 sub-region (region_level), year and offence category, with the
--   coverage behind every sum. One row per level, area, year and category: categories are never added
--   together (Fraud and its child Fraud: Cyber-related (Cy) are separate rows). The rate is the sum of counts
--   divided by the World Bank population of the reporting countries (never an average of country rates).
--   The United Kingdom counts as one country (sum of GBR_E_W, GBR_S, GBR_NI) only when all three parts report
--   the category-year; Central Iraq (IRQ_C) is not Iraq; areas without a World Bank population are left out
--   of both numerator and denominator. All of these are named in areas_excluded. is_publishable:
--   population_coverage_share >= min_population_coverage (the rule of marts.regional_losses).
-- @column region_level: world | region | subregion (UN M49 level of region_code)
-- @column region_code: UN M49 code of the world (001), region or sub-region
-- @column region_name: UN M49 name
-- @column parent_region_code: M49 code of the level above (null for the world)
-- @column year: calendar year
-- @column indicator: UNODC indicator as published
-- @column dimension: UNODC dimension as published
-- @column category: offence category as published (each category aggregated on its own)
-- @column offences_count: sum of the offences recorded in the reporting countries (count)
-- @column population_wb_reporting: World Bank population (SP.POP.TOTL) of the reporting countries (persons)
-- @column offences_per_100k_population_wb: offences_count per 100,000 persons of population_wb_reporting
-- @column countries_reporting: countries whose count is in the sum (count; the UK counts once)
-- @column countries_in_region: UN M49 countries and areas of the region, plus Kosovo in Southern Europe (count)
-- @column reporting_countries: ISO3 codes of the reporting countries
-- @column areas_summed: UNODC area codes whose counts are in the sum (GBR_E_W + GBR_NI + GBR_S for the UK)
-- @column areas_excluded: areas with a count that is not in the sum, and why (incomplete UK parts, Central
--   Iraq, no World Bank population); null when none
-- @column releases: UNODC release(s) the summed counts come from
-- @column population_wb_region: World Bank population of the region's countries (persons)
-- @column countries_without_population: countries of the region without a World Bank population (count)
-- @column population_coverage_share: population_wb_reporting / population_wb_region (0-1)
-- @column min_population_coverage: coverage threshold of the publishable rule used in this run (0-1)
-- @column is_publishable: population_coverage_share >= min_population_coverage
SELECT
    region_level, region_code, region_name, parent_region_code, year, indicator, dimension, category,
    offences_count, population_wb_reporting, offences_per_100k_population_wb, countries_reporting,
    countries_in_region, reporting_countries, areas_summed, areas_excluded, releases, population_wb_region,
    countries_without_population, population_coverage_share, min_population_coverage, is_publishable
FROM intermediate.int_regional_offences
ORDER BY CASE region_level WHEN 'world' THEN 0 WHEN 'region' THEN 1 ELSE 2 END, region_code, indicator, dimension,
    category, year
