-- @table The offence crosswalk as published: one row per source category (verbatim) with its ICCS code, ICCS
--   cybercrime tag, UN Convention against Cybercrime and Budapest Convention articles, mapping confidence,
--   parent series, the reason when unmapped, and how many observations the mapping covers in this warehouse.
--   mapping_confidence grades the link from the source category to the ICCS code (exact: same concept; partial:
--   the category straddles codes or is broader or narrower; proxy: best available home, the notes say why);
--   article links are indicative (notes say where an article covers only the ICT-committed subset). Rows with
--   mapping_status 'not_in_crosswalk' are categories a source printed that the crosswalk lacks (a gap to fix).
--   Curated by hand (reference/offence_crosswalk) from shared/data/facts/offence_crosswalk_draft.csv and
--   taxonomy_facts.md; codes and articles only from the verified lists curated beside it.
-- @column source_id: source the category belongs to (unodc_cts, fbi_ic3, ncrb, national_figures)
-- @column source_category: the category exactly as the source prints it
-- @column source_indicator: the only indicator of the source the mapping applies to (null = any)
-- @column iccs_code: ICCS v1.0 code as text with its leading zero (0701, 09031); null when unmapped
-- @column iccs_label: ICCS English label of the code
-- @column cy_tag: ICCS Cybercrime-related tag: 1 = cybercrime-related; null = not tagged
-- @column convention_articles: UN Convention against Cybercrime articles, ';'-separated; a multi-article group is
--   indivisible; null = no Convention offence corresponds
-- @column convention_offence: titles of those articles (ICT = information and communications technology)
-- @column budapest_articles: Budapest Convention (ETS 185) articles, ';'-separated; null = none
-- @column mapping_confidence: exact | partial | proxy (link to the ICCS code); null when unmapped
-- @column mapping_status: mapped | unmapped (explicitly, with the reason in notes) | not_in_crosswalk (missing row)
-- @column parent_category: the series this category is a part of (never added together with it); null = none
-- @column mapping_basis: what the mapping rests on (draft row, renamed draft label, taxonomy facts section)
-- @column notes: definitions and reasons: why this mapping, or why unmapped
-- @column crosswalk_file: crosswalk file the row comes from (path relative to the data directory)
-- @column crosswalk_row: row of the crosswalk file (1-based, header = 1)
-- @column observations: observations in staging.observations with this source and category (count)
-- @column observations_mapped: those the mapping applies to (its indicator restriction met) (count)
-- @column first_year: first year with an observation
-- @column last_year: last year with an observation
-- @column areas: distinct area codes with an observation (count)
-- @column measures: measures observed (offences, victims, complaints, cases_recorded, loss, ...), comma-separated
-- @column crosswalk_statuses: crosswalk statuses of those observations, comma-separated
-- @column convention_rows_counted: area rows of marts.offences_by_convention_article that add this category (count)
SELECT
    source_id, category AS source_category, source_indicator, iccs_code, iccs_label, cy_tag, convention_articles,
    convention_offence, budapest_articles, mapping_confidence, mapping_status, parent_category, mapping_basis, notes,
    crosswalk_file, crosswalk_row, observations, observations_mapped, first_year, last_year, areas, measures,
    statuses AS crosswalk_statuses, article_rows_counted AS convention_rows_counted
FROM intermediate.int_offence_crosswalk_coverage
ORDER BY source_id, source_category
