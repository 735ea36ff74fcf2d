-- marts.values_not_published: columns, units and meaning in pipelines/contracts/marts/values_not_published.yml
SELECT
    source_id, area_code, indicator, dimension, category, sex, age, year, unit, value, release, source_file,
    source_row, reason, newest_release, note,
    CASE reason WHEN 'withdrawn' THEN 'w' WHEN 'contradictory' THEN 'c' ELSE '' END AS flags
FROM intermediate.int_values_not_published
ORDER BY reason, source_id, area_code, indicator, category, sex, age, year, unit, source_row
