-- @table Reported losses summed by UN M49 region (and World, region_code 001) and year, from each
--   country's preferred figure only, with the coverage that stands behind every sum: countries
--   reporting against countries in the region, and the population share of reporting countries.
--   is_publishable applies the coverage rule (population_coverage_share >= min_population_coverage
--   and every reporting figure converted). Reported losses under-count true losses everywhere.
-- @column region_code: UN M49 region code (001 = World)
-- @column region_name: UN M49 region name
-- @column year: year in which the reference periods end
-- @column loss_usd_nominal: sum of preferred country losses, nominal USD
-- @column loss_usd_constant: sum of preferred country losses, constant USD of usd_constant_base_year
-- @column usd_constant_base_year: price base year of loss_usd_constant
-- @column countries_reporting: countries with a preferred loss figure this year (count)
-- @column countries_in_region: countries and areas in the region (UN M49) (count)
-- @column countries_not_converted: reporting countries whose figure has no USD conversion (count)
-- @column reporting_countries: ISO3 codes of the reporting countries
-- @column population_reporting: World Bank population of the reporting countries (persons)
-- @column population_region: World Bank population of the region (persons)
-- @column countries_without_population: countries of the region without a World Bank population (count)
-- @column population_coverage_share: population_reporting / population_region (0-1)
-- @column min_population_coverage: coverage threshold of the publishable rule used in this run (0-1)
-- @column is_publishable: population_coverage_share >= min_population_coverage and countries_not_converted = 0
-- @column loss_usd_per_capita_reporting: loss_usd_nominal per person of the reporting countries (USD per person)
SELECT
    region_code, region_name, year, loss_usd_nominal, loss_usd_constant, usd_constant_base_year,
    countries_reporting, countries_in_region, countries_not_converted, reporting_countries,
    population_reporting, population_region, countries_without_population, population_coverage_share,
    min_population_coverage, is_publishable, loss_usd_per_capita_reporting
FROM intermediate.int_regional_losses
ORDER BY region_code, year
