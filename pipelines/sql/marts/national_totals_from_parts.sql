-- marts.national_totals_from_parts: columns, units and meaning in pipelines/contracts/marts/national_totals_from_parts.yml
SELECT
    source_id, release, dataset, country_iso3, indicator, category, measure, year,
    parts_sum AS count_sum_of_parts, parts AS parts_summed, subtotal_rows_not_summed,
    published_total AS count_published_total, difference AS difference_count, matches_published,
    source_file, published_total_source_row
FROM intermediate.int_national_totals_from_parts
ORDER BY source_id, dataset, category, year
