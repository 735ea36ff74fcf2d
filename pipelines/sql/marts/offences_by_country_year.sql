-- @table Police-recorded offences by area, offence category, sex, age and year (UNODC CTS), newest
--   release of each series: the published count, the published rate per 100,000 population, and our
--   own rate from World Bank population for comparison. Parent and cyber-related child categories
--   (Fraud and Fraud: Cyber-related (Cy)) are separate rows and must never be added together.
-- @column area_code: canonical area code (ISO3, or a UNODC territory code such as GBR_E_W)
-- @column area_name: area name as published
-- @column country_iso3: ISO3 of the country the area belongs to
-- @column area_type: country | subnational | territory
-- @column region_name: UN M49 region
-- @column subregion_name: UN M49 sub-region
-- @column year: calendar year
-- @column indicator: UNODC indicator as published
-- @column category: offence category as published (verbatim)
-- @column sex: sex breakdown as published
-- @column age: age breakdown as published
-- @column offences_count: number of offences recorded by the police (count)
-- @column offences_per_100k_population_published: UNODC's published rate per 100,000 population
-- @column population: World Bank mid-year population (SP.POP.TOTL) of the area's country (count; null for sub-national areas)
-- @column offences_per_100k_population: offences_count per 100,000 World Bank population (our rate)
-- @column release: UNODC release the row comes from (newest carrying the series)
-- @column release_date: publication date of that release
-- @column releases_carrying: how many loaded releases carry this series-year (more than 1 = restatable)
-- @column count_source_file: source file of the count
-- @column count_source_row: row of the count in its source file
-- @column rate_source_file: source file of the published rate
-- @column rate_source_row: row of the published rate in its source file
SELECT
    area_code, area_name, country_iso3, area_type, region_name, subregion_name, year, indicator, category, sex,
    age, offences_count, offences_per_100k_population_published, population, offences_per_100k_population,
    release, release_date, releases_carrying, count_source_file, count_source_row, rate_source_file,
    rate_source_row
FROM intermediate.int_offences_latest_release
ORDER BY area_code, category, sex, age, year
