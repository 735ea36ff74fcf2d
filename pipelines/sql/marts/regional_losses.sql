-- marts.regional_losses: columns, units and meaning in pipelines/contracts/marts/regional_losses.yml
-- flags (pipelines/indicators/flags.py): b = the reporting countries change from the previous year, or the trend
-- points of the regional sum break before this year (a member's series breaks); u = a figure in the sum has source grade secondary or
-- unverified, or was converted at a rate of that grade. lower_grade_rate_countries names the figures converted at a
-- transcribed (or lower) rate.
WITH breaks AS (
    SELECT area_code, year, break_reason
    FROM intermediate.int_trend_points
    WHERE series_family = 'regional_loss_usd_constant' AND break_before
),
membership AS (
    SELECT region_level, region_code, year, previous,
        previous_year = year - 1 AND previous IS DISTINCT FROM reporting_countries AS changed
    FROM (SELECT region_level, region_code, year, reporting_countries,
                 lag(year) OVER w AS previous_year, lag(reporting_countries) OVER w AS previous
          FROM intermediate.int_regional_losses
          WHERE loss_usd_nominal IS NOT NULL
          WINDOW w AS (PARTITION BY region_level, region_code ORDER BY year))
),
unverified AS (
    SELECT r.region_level, r.region_code, r.year, string_agg(DISTINCT l.country_iso3, ', ' ORDER BY l.country_iso3)
        AS countries
    FROM intermediate.int_regional_losses AS r
    JOIN intermediate.int_losses_converted_to_usd AS l
        ON l.is_preferred AND l.year = r.year
        AND list_contains(string_split(r.reporting_countries, ', '), l.country_iso3)
    WHERE l.source_grade IN ('secondary', 'unverified') OR l.fx_source_grade IN ('secondary', 'unverified')
    GROUP BY ALL
),
lower_grade_rates AS (
    SELECT r.region_level, r.region_code, r.year, string_agg(DISTINCT l.country_iso3 || ' (' || l.currency
        || ', ' || l.fx_source_grade || ')', ', ' ORDER BY l.country_iso3 || ' (' || l.currency || ', '
        || l.fx_source_grade || ')') AS countries
    FROM intermediate.int_regional_losses AS r
    JOIN intermediate.int_losses_converted_to_usd AS l
        ON l.is_preferred AND l.year = r.year
        AND list_contains(string_split(r.reporting_countries, ', '), l.country_iso3)
    WHERE l.fx_source_grade NOT IN ('publisher_file', 'verified')
    GROUP BY ALL
)
SELECT
    r.region_level, r.region_code, r.region_name, r.parent_region_code, r.year, r.loss_usd_nominal,
    r.loss_usd_constant, r.usd_constant_base_year, r.countries_reporting, r.countries_in_region,
    r.countries_not_converted, r.reporting_countries, r.not_converted_countries, r.population_reporting,
    r.population_region, r.countries_without_population, r.population_coverage_share, r.min_population_coverage,
    r.is_publishable, r.loss_usd_nominal_per_capita_wb_reporting, g.countries AS lower_grade_rate_countries,
    concat_ws('', CASE WHEN b.break_reason IS NOT NULL OR m.changed THEN 'b' END,
              CASE WHEN u.countries IS NOT NULL THEN 'u' END) AS flags,
    nullif(concat_ws('; ', CASE WHEN b.break_reason IS NOT NULL THEN 'break: ' || b.break_reason
                                WHEN m.changed THEN 'break: the reporting countries change from the previous year ('
                                    || m.previous || ')' END,
                     CASE WHEN u.countries IS NOT NULL THEN 'the figures of ' || u.countries
                         || ' in the sum are not from the publisher''s own page or were converted at a rate of that '
                         || 'grade (source grade secondary or unverified)'
                     END,
                     CASE WHEN g.countries IS NOT NULL THEN 'the sum includes figures converted at an exchange rate '
                         || 'of lower grade: ' || g.countries END), '') AS flag_notes
FROM intermediate.int_regional_losses AS r
LEFT JOIN breaks AS b ON b.area_code = r.region_level || ':' || r.region_code AND b.year = r.year
LEFT JOIN membership AS m ON m.region_level = r.region_level AND m.region_code = r.region_code AND m.year = r.year
LEFT JOIN unverified AS u ON u.region_level = r.region_level AND u.region_code = r.region_code AND u.year = r.year
LEFT JOIN lower_grade_rates AS g ON g.region_level = r.region_level AND g.region_code = r.region_code AND g.year = r.year
ORDER BY CASE r.region_level WHEN 'world' THEN 0 WHEN 'region' THEN 1 ELSE 2 END, r.region_code, r.year
