-- @table National totals rebuilt from sub-national rows (India NCRB tables: States and Union Territories),
--   next to the publisher's own national row where the table has one: the reconciliation of a publisher's
--   total with its parts. Only State/UT rows are added; publisher subtotal rows (Total State (S), Total UT (S))
--   and the national row are never added, so nothing is counted twice. Counts only (rates are not additive).
--   The 2016-2018 state table prints no national row: its 2018 sum (27,248 cases) is NCRB's all-India figure
--   as published elsewhere (marts.incident_counts_by_country_year, national_figures, series ncrb).
-- @column source_id: source of the table (ncrb)
-- @column release: source release (folder) of the table
-- @column dataset: the table (source file name without extension)
-- @column country_iso3: ISO3 of the country the parts belong to
-- @column indicator: what the table counts, as published
-- @column category: category as published (an NCRB fraud type code A-E, 'Total', or 'Total cyber crimes')
-- @column measure: what is counted (cases_recorded: FIR cases registered by the police)
-- @column year: calendar year of the counts
-- @column count_sum_of_parts: sum of the State and UT rows (count of cases)
-- @column parts_summed: number of State and UT rows added (count)
-- @column subtotal_rows_not_summed: publisher subtotal rows present in the table and deliberately not added (count)
-- @column count_published_total: the publisher's own national row of the same table (count of cases; null when
--   the table prints none)
-- @column difference_count: count_sum_of_parts - count_published_total (count of cases; 0 = reconciled)
-- @column matches_published: count_sum_of_parts equals count_published_total exactly (null when there is no
--   published national row)
-- @column source_file: source file of the table, relative to the data directory
-- @column published_total_source_row: row of the published national total in source_file (1-based)
SELECT
    source_id, release, dataset, country_iso3, indicator, category, measure, year,
    parts_sum AS count_sum_of_parts, parts AS parts_summed, subtotal_rows_not_summed,
    published_total AS count_published_total, difference AS difference_count, matches_published,
    source_file, published_total_source_row
FROM intermediate.int_national_totals_from_parts
ORDER BY source_id, dataset, category, year
