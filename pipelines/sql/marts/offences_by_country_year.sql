-- @table Police-recorded offences by area, offence category, sex, age and year (UNODC CTS), newest
--   release of each series-year: the published count and UNODC's published rate per 100,000 population
--   (both from that one release), and our own rate per 100,000 World Bank population for comparison
--   (marts.rate_reconciliation compares the two). Parent and cyber-related child categories (Fraud and
--   Fraud: Cyber-related (Cy)) are separate rows and must never be added together. Sub-national areas
--   (GBR_E_W, GBR_S, GBR_NI, IRQ_C) have no World Bank population, so no rate of ours.
-- @column area_code: canonical area code (ISO3, or a UNODC territory code such as GBR_E_W)
-- @column area_name: area name as published
-- @column country_iso3: ISO3 of the country the area belongs to
-- @column area_type: country | subnational | territory
-- @column region_name: UN M49 region
-- @column subregion_name: UN M49 sub-region
-- @column year: calendar year
-- @column indicator: UNODC indicator as published
-- @column dimension: UNODC dimension as published
-- @column category: offence category as published (verbatim)
-- @column sex: sex breakdown as published
-- @column age: age breakdown as published
-- @column offences_count: number of offences recorded by the police (count)
-- @column offences_per_100k_population_unodc: UNODC's published rate per 100,000 of the population UNODC
--   uses (UN World Population Prospects, believed) (offences per 100,000 persons)
-- @column population_wb: World Bank mid-year population (SP.POP.TOTL) of the area (persons; null for
--   sub-national areas)
-- @column offences_per_100k_population_wb: offences_count per 100,000 persons of population_wb (our rate)
-- @column population_note: why population_wb is missing (null when present)
-- @column release: UNODC release the count and the published rate come from (newest carrying the series-year)
-- @column release_date: publication date of that release
-- @column releases_carrying: how many loaded releases carry this series-year (more than 1 = restatable)
-- @column count_source_file: source file of the count
-- @column count_source_row: row of the count in its source file
-- @column rate_source_file: source file of the published rate (the same file as the count)
-- @column rate_source_row: row of the published rate in its source file
SELECT
    area_code, area_name, country_iso3, area_type, region_name, subregion_name, year, indicator, dimension,
    category, sex, age, offences_count,
    offences_per_100k_population_published AS offences_per_100k_population_unodc,
    population AS population_wb,
    offences_per_100k_population AS offences_per_100k_population_wb,
    population_note, release, release_date, releases_carrying, count_source_file, count_source_row,
    rate_source_file, rate_source_row
FROM intermediate.int_offences_latest_release
ORDER BY area_code, indicator, category, sex, age, year
