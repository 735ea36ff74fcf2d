-- @table Reported losses summed by the world (region_code 001), UN M49 region and M49 sub-region
--   (region_level) and year, from each country's preferred figure only, with the coverage that stands
--   behind every sum: countries in the sum against countries in the region, and the World Bank population
--   share of the countries in the sum. A preferred figure without a USD conversion cannot be added: its
--   country is named in not_converted_countries and counted in none of the reporting, population or
--   per-capita columns, so numerator and denominator always cover the same countries. is_publishable applies the coverage rule (population_coverage_share >=
--   min_population_coverage and every reporting figure converted). Sub-regions add up to their region and
--   regions to the world. Filter on region_level: never add rows of different levels. Reported losses
--   under-count true losses everywhere.
-- @column region_level: world | region | subregion (UN M49 level of region_code)
-- @column region_code: UN M49 code of the world (001), region or sub-region
-- @column region_name: UN M49 name of the world, region or sub-region
-- @column parent_region_code: M49 code of the level above (the region of a sub-region, 001 for a region;
--   null for the world)
-- @column year: year in which the reference periods end
-- @column loss_usd_nominal: sum of preferred country losses, nominal USD
-- @column loss_usd_constant: sum of preferred country losses, constant USD of usd_constant_base_year
-- @column usd_constant_base_year: price base year of loss_usd_constant
-- @column countries_reporting: countries whose preferred loss figure is in the sum (converted to USD) (count)
-- @column countries_in_region: UN M49 countries and areas of the region, plus Kosovo in Southern Europe (count)
-- @column countries_not_converted: countries with a preferred figure that has no USD conversion, left out of
--   the sum (count)
-- @column reporting_countries: ISO3 codes of the countries in the sum, comma-separated
-- @column not_converted_countries: ISO3 codes of the countries whose preferred figure could not be converted
--   to USD and is not in the sum (null when none)
-- @column population_reporting: World Bank population (SP.POP.TOTL) of the countries in the sum (persons;
--   null when one of them has no population for the year; 0 when no figure could be converted)
-- @column population_region: World Bank population (SP.POP.TOTL) of the region's countries (persons)
-- @column countries_without_population: countries of the region without a World Bank population (count)
-- @column population_coverage_share: population_reporting / population_region (0-1)
-- @column min_population_coverage: coverage threshold of the publishable rule used in this run (0-1)
-- @column is_publishable: population_coverage_share >= min_population_coverage and countries_not_converted = 0
-- @column loss_usd_nominal_per_capita_wb_reporting: loss_usd_nominal per person of World Bank population of
--   the countries in the sum (USD per person)
SELECT
    region_level, region_code, region_name, parent_region_code, year, loss_usd_nominal, loss_usd_constant,
    usd_constant_base_year, countries_reporting, countries_in_region, countries_not_converted,
    reporting_countries, not_converted_countries, population_reporting, population_region, countries_without_population,
    population_coverage_share, min_population_coverage, is_publishable, loss_usd_nominal_per_capita_wb_reporting
FROM intermediate.int_regional_losses
ORDER BY CASE region_level WHEN 'world' THEN 0 WHEN 'region' THEN 1 ELSE 2 END, region_code, year
