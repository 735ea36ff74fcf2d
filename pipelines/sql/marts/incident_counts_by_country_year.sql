-- @table Published headline counts of reports, complaints, recorded cases and victims by country
--   (or published region) and year, one row per published figure: national headline figures,
--   IC3 annual complaint totals and NCRB all-India totals. Units differ between publishers
--   (a complaint, a report and a police-recorded case are different things): compare within one
--   publisher's series, never add across metrics or publishers. Alternatives and revisions are kept.
-- @column area_code: canonical area code (ISO3, GBR_E_W for England and Wales, REGION_* for published aggregates)
-- @column area_name: area name (UN M49 name for countries)
-- @column country_iso3: ISO3 of the country (null for regional aggregates)
-- @column area_type: country | subnational | region
-- @column region_name: UN M49 region of the country
-- @column year: year in which the reference period ends
-- @column period_label: reference period as published
-- @column period_type: calendar_year | fiscal_year | partial_year | cumulative | survey_recall_year
-- @column metric: reports | complaints | cases_recorded | victims (what is counted)
-- @column category: what the count covers, as published (e.g. a headline total, or an NCRB fraud type code A-E)
-- @column part_of_category: the category of the same source that this one is a part of, from the offence
--   crosswalk (NCRB fraud types A-E are parts of 'Total'): never add a row to the row of its part_of_category,
--   nor parts to parts of another table (null = not a part of a listed category)
-- @column count: the published count (number of reports, complaints, cases or victims)
-- @column count_low: lower bound when the publisher gives a range
-- @column count_high: upper bound when the publisher gives a range
-- @column value_type: reported | estimate (survey estimates of incidents are estimates)
-- @column revision: first_published | restated | provisional | final | as_published
-- @column series: publisher series the figure belongs to
-- @column publisher: body that produced the figure
-- @column publication: report or release the figure was read in
-- @column source_url: where the figure was published
-- @column notes: scope and definition notes
-- @column source_id: cyberstats source the row was loaded from
-- @column source_file: source file, relative to the data directory
-- @column source_row: row of the source file (1-based, header counted)
SELECT
    o.area_code, coalesce(a.area_name, o.area_name) AS area_name, o.country_iso3, o.area_type, a.region_name,
    o.year, o.period_label, o.period_type, o.measure AS metric, o.category, x.parent_category AS part_of_category,
    o.value AS count, o.value_low AS count_low,
    o.value_high AS count_high, o.value_type, o.revision, o.series, o.publisher, o.publication, o.source_url,
    o.notes, o.source_id, o.source_file, o.source_row
FROM staging.observations AS o
LEFT JOIN intermediate.int_areas_with_regions AS a ON a.area_code = o.area_code
LEFT JOIN staging.stg_offence_crosswalk__mappings AS x
    ON x.source_id = o.source_id AND x.source_category = o.category
    AND (x.source_indicator IS NULL OR x.source_indicator = o.indicator)
WHERE o.measure IN ('reports', 'complaints', 'cases_recorded', 'victims')
  AND o.unit = 'count'
  AND (o.source_id IN ('national_figures')
       OR (o.source_id = 'fbi_ic3' AND o.series IS NOT NULL)
       OR (o.source_id = 'ncrb' AND o.area_code = 'IND'))
ORDER BY o.area_code, o.year, o.measure, o.category, o.source_file, o.source_row
