-- marts.regional_offences: columns, units and meaning in pipelines/contracts/marts/regional_offences.yml
-- flags (pipelines/indicators/flags.py): b = the reporting countries change from the previous year, or the trend
-- points of the regional count break before this year (a register break of a member, or a detected level shift).
WITH breaks AS (
    SELECT area_code, series_name, year, break_reason
    FROM intermediate.int_trend_points
    WHERE series_family = 'regional_offences_count' AND break_before
),
membership AS (
    SELECT region_level, region_code, indicator, dimension, category, year, previous,
        previous_year = year - 1 AND previous IS DISTINCT FROM reporting_countries AS changed
    FROM (SELECT region_level, region_code, indicator, dimension, category, year, reporting_countries,
                 lag(year) OVER w AS previous_year, lag(reporting_countries) OVER w AS previous
          FROM intermediate.int_regional_offences
          WINDOW w AS (PARTITION BY region_level, region_code, indicator, dimension, category ORDER BY year))
)
SELECT
    r.region_level, r.region_code, r.region_name, r.parent_region_code, r.year, r.indicator, r.dimension, r.category,
    r.offences_count, r.population_wb_reporting, r.offences_per_100k_population_wb, r.countries_reporting,
    r.countries_in_region, r.reporting_countries, r.areas_summed, r.areas_excluded, r.releases, r.population_wb_region,
    r.countries_without_population, r.population_coverage_share, r.min_population_coverage, r.is_publishable,
    CASE WHEN b.break_reason IS NOT NULL OR m.changed THEN 'b' ELSE '' END AS flags,
    CASE WHEN b.break_reason IS NOT NULL THEN 'break: ' || b.break_reason
         WHEN m.changed THEN 'break: the reporting countries change from the previous year (' || m.previous || ')'
    END AS flag_notes
FROM intermediate.int_regional_offences AS r
LEFT JOIN breaks AS b
    ON b.area_code = r.region_level || ':' || r.region_code AND b.series_name = r.indicator || ': ' || r.category
    AND b.year = r.year
LEFT JOIN membership AS m
    ON m.region_level = r.region_level AND m.region_code = r.region_code AND m.indicator = r.indicator
    AND m.dimension = r.dimension AND m.category = r.category AND m.year = r.year
ORDER BY CASE r.region_level WHEN 'world' THEN 0 WHEN 'region' THEN 1 ELSE 2 END, r.region_code, r.indicator,
    r.dimension, r.category, r.year
