-- @table Every point of every trend series (see marts.trends) with its segment and its change against the
--   previous calendar year's figure in the same segment. Never compare across segments: a segment starts at a
--   known break (category merge, count basis, coverage change).
-- @column series_id: series key (marts.trends.series_id)
-- @column series_family: kind of series (marts.trends)
-- @column area_code: ISO3 country, or level:M49 code for regional series
-- @column area_name: country or region name
-- @column series_name: loss series, IC3 crime type or indicator: category
-- @column measure: what is counted (loss, victims, complaints, offences)
-- @column unit: unit of value and yoy_change
-- @column year: year (in which the reference period ends)
-- @column value: the figure (unit); null when it cannot be used (point_note says why)
-- @column label_as_published: the publisher's label for this figure (or the reporting countries of a regional sum)
-- @column point_note: why value is null or special (e.g. two categories mapped to one series-year, not summed)
-- @column source_file: source file of the figure (null for computed regional sums)
-- @column source_row: row in source_file (null for computed regional sums)
-- @column segment: segment number (marts.trends.segment)
-- @column break_before_segment: the break that starts the segment; null for segment 1
-- @column break_source: where the break is documented
-- @column yoy_change: value minus the previous year's value in the same segment (unit); null without one
-- @column yoy_change_pct: value / previous year's value - 1 (fraction); null without a positive previous value
-- @column yoy_note: why the year-on-year change is null
SELECT
    series_id, series_family, area_code, area_name, series_name, measure, unit, year, value, label_as_published,
    point_note, source_file, source_row, segment, break_before_segment, break_source, yoy_change, yoy_change_pct,
    yoy_note
FROM intermediate.int_trend_points
ORDER BY series_id, year
