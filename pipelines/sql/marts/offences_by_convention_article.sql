-- marts.offences_by_convention_article: columns, units and meaning in pipelines/contracts/marts/offences_by_convention_article.yml
SELECT
    area_type, area_code, area_name, country_iso3, region_code, region_name, year, convention_articles,
    convention_offence, budapest_articles, source_id, measure, recorded_count,
    loss_usd_nominal, categories_counted, mappings_counted, worst_mapping_confidence, includes_non_ict_offences,
    countries_with_non_ict_series, non_ict_categories, categories_not_added, overlapping_article_groups,
    countries_reporting, countries_in_region,
    reporting_countries, releases, source_rows
FROM intermediate.int_offences_by_convention_article
ORDER BY CASE area_type WHEN 'country' THEN 0 WHEN 'subnational' THEN 1 WHEN 'territory' THEN 2 ELSE 3 END,
    area_code, year, convention_articles, source_id, measure
