-- @table Offence counts and losses by UN Convention against Cybercrime article group, per area
--   (country, sub-national area, territory), UN M49 region (and World, 001) and year, through the
--   offence crosswalk (marts.offence_crosswalk). Sources: UNODC CTS police-recorded offences (newest
--   release of each series), India NCRB cyber fraud cases, FBI IC3 crime-type complaints or victims
--   and crime-type losses (USD, nominal). Rules: (1) an article group is indivisible: a category mapped
--   to several articles (9;10) counts once under the group "9;10", never under each article, so rows of
--   different groups must not be added to make an article total; (2) a parent series and its part are
--   never added: where a country-year has the Cy-tagged (ICT-committed) part, it replaces its parent
--   (Fraud: Cyber-related (Cy) replaces Fraud); where it has none, the parent is counted and flagged
--   includes_non_ict_offences; a non-Cy part (NCRB type codes A-E) is not counted when its parent is;
--   a parent and a part mapped to different article groups (Sexual Exploitation 14;15, Child pornography
--   14) are each counted in their own group and both rows name the other in overlapping_article_groups;
--   (3) units are never mixed: each row is one source and one measure (offences, cases_recorded,
--   complaints, victims, loss), with counts in recorded_count and money in loss_usd_nominal; (4) region
--   rows add the rows of countries (area type country; sub-national areas are listed but not added) and
--   say how many countries report. IC3 crime types do not add up to IC3's annual totals (2024: 651,865
--   summed counts against 859,532 complaints), so a group sum of crime types is a sum of crime-type
--   figures, not a number of distinct complaints nor a share of the total. Figures of different sources
--   or measures are not comparable (complaints to a portal are not police-recorded offences).
-- @column area_type: country | subnational | territory | region (M49 region or World)
-- @column area_code: ISO3, UNODC territory code, NCRB State/UT code (IND_...), or M49 region code (001 = World)
-- @column area_name: area or region name
-- @column country_iso3: ISO3 of the country the area belongs to (null for region rows)
-- @column region_code: UN M49 region code of the area (for region rows: the region itself)
-- @column region_name: UN M49 region name
-- @column year: calendar year of the figures
-- @column convention_articles: Convention article group, article numbers separated by ';' (e.g. 9;10): indivisible;
--   to find every group holding an article: list_contains(string_split(convention_articles, ';'), '14'); never add
--   the rows so found when overlapping_article_groups names one from the other (a parent and its part)
-- @column convention_offence: titles of the articles of the group (ICT = information and communications technology)
-- @column budapest_articles: Budapest Convention articles of the counted categories, ';'-separated (indicative)
-- @column source_id: source of the figures: unodc_cts | ncrb | fbi_ic3 (never added across sources)
-- @column measure: what is counted: offences (police-recorded), cases_recorded (NCRB FIR cases), complaints or
--   victims (IC3 crime-type counts; victims up to the 2022 report), loss (IC3 crime-type losses)
-- @column recorded_count: number of offences, cases, complaints or victims as named in measure (count; null for losses)
-- @column loss_usd_nominal: reported losses in US dollars, nominal as published (USD; null for counts)
-- @column categories_counted: source categories whose figures are added in this row (verbatim labels, ' | '-separated)
-- @column mappings_counted: each counted category with its mapping confidence, e.g. 'Investment [exact]'
-- @column worst_mapping_confidence: the weakest mapping confidence among the counted categories: exact < partial < proxy
-- @column includes_non_ict_offences: true when a counted series is not limited to ICT-committed conduct (a parent
--   without a Cy-tagged part, or a series such as Money laundering that is neither Cy-tagged nor ICCS 0903)
-- @column countries_with_non_ict_series: number of countries (areas) whose counted series include non-ICT offences (count)
-- @column non_ict_categories: the counted categories that include non-ICT conduct (' | '-separated; null = none)
-- @column categories_not_added: categories present but not added, with why (replaced by a Cy-tagged part, or a part of a
--   counted parent); for region rows, in at least one country
-- @column overlapping_article_groups: other article groups of the same source, area, year and measure whose row
--   counts a parent or a part of a category counted here (e.g. Sexual Exploitation under 14;15 contains Child
--   pornography under 14), with the categories; for region rows, the groups and in how many countries; null = none.
--   Rows that name each other here must never be added together
-- @column countries_reporting: number of countries whose figures are in the row (count; 1 for area rows)
-- @column countries_in_region: number of countries in the M49 region (count; null for area rows)
-- @column reporting_countries: ISO3 codes of the reporting countries, comma-separated
-- @column releases: source releases the figures come from (newest release of each series), comma-separated
-- @column source_rows: source file and row of every added figure ('file#row', ' | '-separated; null for region rows:
--   see their country rows)
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
