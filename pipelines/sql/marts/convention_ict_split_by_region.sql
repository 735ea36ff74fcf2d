-- marts.convention_ict_split_by_region: columns, units and meaning in pipelines/contracts/marts/convention_ict_split_by_region.yml
SELECT
    source_id, region_code, region_name, year, convention_articles, convention_offence, part, recorded_count,
    countries, countries_reporting_any, countries_in_region, categories_counted, worst_mapping_confidence,
    overlapping_article_groups
FROM intermediate.int_convention_ict_split_by_region
ORDER BY source_id, region_code, year, convention_articles, part
