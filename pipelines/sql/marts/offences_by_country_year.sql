-- marts.offences_by_country_year: columns, units and meaning in pipelines/contracts/marts/offences_by_country_year.yml
-- flags (pipelines/indicators/flags.py): b = the trend points of the count series break before this year
-- (sex and age Total only: the series the trends test), n = a zero part beside a parent of 300 or more (offences.mark_not_recorded).
WITH breaks AS (
    SELECT area_code, series_name, year, break_reason
    FROM intermediate.int_trend_points
    WHERE series_family = 'unodc_offences_count' AND break_before
)
SELECT
    o.source_id, o.area_code, o.area_name, o.country_iso3, o.area_type, o.region_name, o.subregion_name, o.year,
    o.indicator, o.dimension, o.category, o.sex, o.age, o.offences_count,
    o.offences_per_100k_population_published AS offences_per_100k_population_unodc,
    o.population AS population_wb,
    o.offences_per_100k_population AS offences_per_100k_population_wb,
    o.population_note,
    concat_ws('', CASE WHEN b.break_reason IS NOT NULL THEN 'b' END,
              CASE WHEN o.not_recorded_separately THEN 'n' END) AS flags,
    nullif(concat_ws('; ', CASE WHEN b.break_reason IS NOT NULL THEN 'break: ' || b.break_reason END,
                     o.not_recorded_note), '') AS flag_notes,
    o.release, o.release_date, o.releases_carrying, o.count_source_file, o.count_source_row,
    o.rate_source_file, o.rate_source_row
FROM intermediate.int_offences_latest_release AS o
LEFT JOIN breaks AS b
    ON o.sex = 'Total' AND o.age = 'Total' AND b.area_code = o.area_code
    AND b.series_name = o.indicator || ': ' || o.category AND b.year = o.year
ORDER BY o.area_code, o.indicator, o.category, o.sex, o.age, o.year
