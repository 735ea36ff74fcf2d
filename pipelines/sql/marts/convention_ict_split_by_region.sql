-- marts.convention_ict_split_by_region: columns, units and meaning in pipelines/contracts/marts/convention_ict_split_by_region.yml
-- flags (pipelines/indicators/flags.py): those of the region row of offences_by_convention_article this part equals
-- (b = the reporting countries change, or a reporting country's counted series breaks).
SELECT
    s.source_id, s.region_code, s.region_name, s.year, s.convention_articles, s.convention_offence, s.part,
    s.recorded_count, s.countries, s.countries_reporting_any, s.countries_in_region, s.categories_counted,
    s.worst_mapping_confidence, s.overlapping_article_groups,
    coalesce(a.flags, '') AS flags, a.flag_notes
FROM intermediate.int_convention_ict_split_by_region AS s
LEFT JOIN marts.offences_by_convention_article AS a
    ON a.area_type = 'region' AND a.area_code = s.region_code AND a.year = s.year
    AND a.convention_articles = s.convention_articles AND a.source_id = s.source_id AND a.measure = 'offences'
    AND a.includes_non_ict_offences = (s.part = 'series including non-ICT offences')
ORDER BY s.source_id, s.region_code, s.year, s.convention_articles, s.part
