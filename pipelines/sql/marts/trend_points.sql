-- marts.trend_points: columns, units and meaning in pipelines/contracts/marts/trend_points.yml
-- flags (pipelines/indicators/flags.py): b = the first point after a segment boundary.
SELECT
    series_id, series_family, area_code, area_name, series_name, measure, unit, year, value, label_as_published,
    point_note, source_file, source_row, segment, break_before_segment, break_source, break_before, break_reason,
    yoy_change, yoy_change_pct, yoy_note,
    CASE WHEN break_before THEN 'b' ELSE '' END AS flags
FROM intermediate.int_trend_points
ORDER BY series_id, year
