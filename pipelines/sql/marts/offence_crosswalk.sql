-- marts.offence_crosswalk: columns, units and meaning in pipelines/contracts/marts/offence_crosswalk.yml
SELECT
    source_id, category AS source_category, source_indicator, iccs_code, iccs_label, cy_tag, convention_articles,
    convention_offence, budapest_articles, mapping_confidence, mapping_status, parent_category, mapping_basis, notes,
    crosswalk_file, crosswalk_row, observations, observations_mapped, first_year, last_year, areas, measures,
    statuses AS crosswalk_statuses, article_rows_counted AS convention_rows_counted
FROM intermediate.int_offence_crosswalk_coverage
ORDER BY source_id, source_category
