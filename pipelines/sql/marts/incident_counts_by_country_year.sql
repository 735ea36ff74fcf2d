-- marts.incident_counts_by_country_year: columns, units and meaning in pipelines/contracts/marts/incident_counts_by_country_year.yml
-- flags (pipelines/indicators/flags.py): b = a break before this year (IC3 total complaints' trend points, or a
-- register row naming this series), e = an estimate, p = provisional or first-published, u = source grade secondary
-- or unverified.
WITH breaks AS (
    SELECT area_code, series_name, year
    FROM staging.stg_series_breaks__register
    UNION ALL
    SELECT area_code, 'ic3_annual_total', year
    FROM intermediate.int_trend_points
    WHERE series_family = 'ic3_total_complaints' AND break_before
)
SELECT
    o.area_code, coalesce(a.area_name, o.area_name) AS area_name, o.country_iso3, o.area_type, a.region_name,
    o.year, o.period_label, o.period_type, o.measure AS metric, o.category, x.parent_category AS part_of_category,
    o.value AS count, o.value_low AS count_low,
    o.value_high AS count_high, o.value_type, o.revision, o.series, o.publisher, o.publication, o.source_url,
    o.source_grade, o.notes, o.source_id, o.source_file, o.source_row,
    concat_ws('',
        CASE WHEN EXISTS (SELECT 1 FROM breaks AS b WHERE b.area_code = o.area_code AND b.year = o.year
                          AND b.series_name = o.series) THEN 'b' END,
        CASE WHEN o.value_type = 'estimate' THEN 'e' END,
        CASE WHEN o.revision IN ('provisional', 'first_published') THEN 'p' END,
        CASE WHEN o.source_grade IN ('secondary', 'unverified') THEN 'u' END) AS flags
FROM staging.observations AS o
LEFT JOIN intermediate.int_areas_with_regions AS a ON a.area_code = o.area_code
LEFT JOIN staging.stg_offence_crosswalk__mappings AS x
    ON x.source_id = o.source_id AND x.source_category = o.category
    AND (x.source_indicator IS NULL OR x.source_indicator = o.indicator)
WHERE o.measure IN ('reports', 'complaints', 'cases_recorded', 'victims')
  AND o.unit = 'count'
  AND {headline_rows}
  -- a newer release of the same source carrying the same figure supersedes this row (its restatement, if the
  -- value changed, is in marts.revisions)
  AND NOT EXISTS (
      SELECT 1 FROM staging.observations AS n
      WHERE n.source_id = o.source_id AND n.area_code = o.area_code AND n.year = o.year AND n.measure = o.measure
        AND n.series IS NOT DISTINCT FROM o.series AND n.category IS NOT DISTINCT FROM o.category
        AND n.publication IS NOT DISTINCT FROM o.publication AND n.period_label IS NOT DISTINCT FROM o.period_label
        AND n.revision IS NOT DISTINCT FROM o.revision
        AND (n.release_date > o.release_date OR (n.release_date = o.release_date AND n.release > o.release)))
ORDER BY o.area_code, o.year, o.measure, o.category, o.source_file, o.source_row
