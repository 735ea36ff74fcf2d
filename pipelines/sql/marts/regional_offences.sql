-- marts.regional_offences: columns, units and meaning in pipelines/contracts/marts/regional_offences.yml
-- flags (pipelines/indicators/flags.py): b = the trend points of the regional count break before this year (the
-- reporting countries change, a register break of a member, or a detected level shift).
WITH breaks AS (
    SELECT area_code, series_name, year, break_reason
    FROM intermediate.int_trend_points
    WHERE series_family = 'regional_offences_count' AND break_before
)
SELECT
    r.region_level, r.region_code, r.region_name, r.parent_region_code, r.year, r.indicator, r.dimension, r.category,
    r.offences_count, r.population_wb_reporting, r.offences_per_100k_population_wb, r.countries_reporting,
    r.countries_in_region, r.reporting_countries, r.areas_summed, r.areas_excluded, r.releases, r.population_wb_region,
    r.countries_without_population, r.population_coverage_share, r.min_population_coverage, r.is_publishable,
    CASE WHEN b.break_reason IS NOT NULL THEN 'b' ELSE '' END AS flags,
    CASE WHEN b.break_reason IS NOT NULL THEN 'break: ' || b.break_reason END AS flag_notes
FROM intermediate.int_regional_offences AS r
LEFT JOIN breaks AS b
    ON b.area_code = r.region_level || ':' || r.region_code AND b.series_name = r.indicator || ': ' || r.category
    AND b.year = r.year
ORDER BY CASE r.region_level WHEN 'world' THEN 0 WHEN 'region' THEN 1 ELSE 2 END, r.region_code, r.indicator,
    r.dimension, r.category, r.year
