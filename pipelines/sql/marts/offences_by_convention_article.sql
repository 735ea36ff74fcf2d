-- marts.offences_by_convention_article: columns, units and meaning in pipelines/contracts/marts/offences_by_convention_article.yml
-- flags (pipelines/indicators/flags.py): b = a break between the previous year and this one: a counted UNODC series
-- breaks (trend points), the counted categories change, or (region rows) the reporting countries change or one
-- of them has a break.
WITH r AS (
    SELECT *,
        lag(year) OVER w AS prev_year,
        lag(categories_counted) OVER w AS prev_categories,
        lag(reporting_countries) OVER w AS prev_countries
    FROM intermediate.int_offences_by_convention_article
    WINDOW w AS (PARTITION BY area_type, area_code, convention_articles, source_id, measure, includes_non_ict_offences
                 ORDER BY year)
),
counted AS (
    SELECT area_code, country_iso3, year, convention_articles, source_id, measure, includes_non_ict_offences,
        unnest(string_split(categories_counted, ' | ')) AS category
    FROM intermediate.int_offences_by_convention_article
    WHERE area_type <> 'region'
),
series_breaks AS (
    SELECT DISTINCT c.area_code, c.country_iso3, c.year, c.convention_articles, c.source_id, c.measure,
        c.includes_non_ict_offences
    FROM counted AS c
    JOIN intermediate.int_trend_points AS t
        ON t.series_family = 'unodc_offences_count' AND t.break_before AND t.area_code = c.area_code
        AND t.year = c.year AND ends_with(t.series_name, ': ' || c.category)
),
flagged AS (
    SELECT r.*,
        EXISTS (SELECT 1 FROM series_breaks s WHERE r.area_type <> 'region' AND s.area_code = r.area_code
                AND s.year = r.year AND s.convention_articles = r.convention_articles AND s.source_id = r.source_id
                AND s.measure = r.measure) AS series_break,
        EXISTS (SELECT 1 FROM series_breaks s WHERE r.area_type = 'region' AND s.year = r.year
                AND s.convention_articles = r.convention_articles AND s.source_id = r.source_id
                AND s.measure = r.measure AND s.includes_non_ict_offences = r.includes_non_ict_offences
                AND list_contains(string_split(r.reporting_countries, ', '), s.country_iso3)) AS member_break,
        r.prev_year = r.year - 1 AND r.prev_categories <> r.categories_counted AND r.area_type <> 'region'
            AS definition_change,
        r.prev_year = r.year - 1 AND r.prev_countries <> r.reporting_countries AND r.area_type = 'region'
            AS membership_change
    FROM r
)
SELECT
    area_type, area_code, area_name, country_iso3, region_code, region_name, year, convention_articles,
    convention_offence, budapest_articles, source_id, measure, recorded_count,
    loss_usd_nominal, categories_counted, mappings_counted, worst_mapping_confidence, includes_non_ict_offences,
    countries_with_non_ict_series, non_ict_categories, categories_not_added, overlapping_article_groups,
    countries_reporting, countries_in_region,
    reporting_countries, releases, source_rows,
    CASE WHEN series_break OR member_break OR definition_change OR membership_change THEN 'b' ELSE '' END AS flags,
    nullif(concat_ws('; ',
        CASE WHEN series_break THEN 'break: a counted series breaks this year (marts.trend_points)' END,
        CASE WHEN definition_change THEN 'break: the counted categories change from ' || prev_categories END,
        CASE WHEN membership_change THEN 'break: the reporting countries change from the previous year' END,
        CASE WHEN member_break THEN 'break: a reporting country''s counted series breaks this year' END), '')
        AS flag_notes
FROM flagged
ORDER BY CASE area_type WHEN 'country' THEN 0 WHEN 'subnational' THEN 1 WHEN 'territory' THEN 2 ELSE 3 END,
    area_code, year, convention_articles, source_id, measure, includes_non_ict_offences
