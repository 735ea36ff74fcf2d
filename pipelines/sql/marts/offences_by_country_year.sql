-- marts.offences_by_country_year: columns, units and meaning in pipelines/contracts/marts/offences_by_country_year.yml
SELECT
    source_id, area_code, area_name, country_iso3, area_type, region_name, subregion_name, year, indicator, dimension,
    category, sex, age, offences_count,
    offences_per_100k_population_published AS offences_per_100k_population_unodc,
    population AS population_wb,
    offences_per_100k_population AS offences_per_100k_population_wb,
    population_note, release, release_date, releases_carrying, count_source_file, count_source_row,
    rate_source_file, rate_source_row
FROM intermediate.int_offences_latest_release
ORDER BY area_code, indicator, category, sex, age, year
