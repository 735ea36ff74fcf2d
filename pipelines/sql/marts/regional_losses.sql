-- marts.regional_losses: columns, units and meaning in pipelines/contracts/marts/regional_losses.yml
-- flags (pipelines/indicators/flags.py): b = the trend points of the regional sum break before this year (the
-- reporting countries change, or a member's series breaks).
WITH breaks AS (
    SELECT area_code, year, break_reason
    FROM intermediate.int_trend_points
    WHERE series_family = 'regional_loss_usd_constant' AND break_before
)
SELECT
    r.region_level, r.region_code, r.region_name, r.parent_region_code, r.year, r.loss_usd_nominal,
    r.loss_usd_constant, r.usd_constant_base_year, r.countries_reporting, r.countries_in_region,
    r.countries_not_converted, r.reporting_countries, r.not_converted_countries, r.population_reporting,
    r.population_region, r.countries_without_population, r.population_coverage_share, r.min_population_coverage,
    r.is_publishable, r.loss_usd_nominal_per_capita_wb_reporting,
    CASE WHEN b.break_reason IS NOT NULL THEN 'b' ELSE '' END AS flags,
    CASE WHEN b.break_reason IS NOT NULL THEN 'break: ' || b.break_reason END AS flag_notes
FROM intermediate.int_regional_losses AS r
LEFT JOIN breaks AS b ON b.area_code = r.region_level || ':' || r.region_code AND b.year = r.year
ORDER BY CASE r.region_level WHEN 'world' THEN 0 WHEN 'region' THEN 1 ELSE 2 END, r.region_code, r.year
