-- @table Regional and global loss figures published as such by their publishers (UNODC East and Southeast
--   Asia, EBA/ECB European Economic Area, GASA world), converted to USD like country figures. They are
--   estimates or other publishers' totals, never sums of country figures, and are never added to
--   marts.regional_losses. A published range stays a range: UNODC's 2023 East and Southeast Asia estimate
--   (US$18-37 bn) has a null point value and carries its low and high bounds.
-- @column area_code: region key (REGION_<name>)
-- @column area_name: region as published
-- @column year: year in which the reference period ends
-- @column period_label: reference period as published
-- @column period_type: calendar_year | fiscal_year | partial_year | cumulative | survey_recall_year
-- @column series: publisher series
-- @column value_type: reported | estimate
-- @column revision: first_published | restated | provisional | final | as_published
-- @column loss_lcu: published point value in currency_code (null when only a range was published)
-- @column loss_lcu_low: lower bound of a published range (currency_code)
-- @column loss_lcu_high: upper bound of a published range (currency_code)
-- @column currency_code: ISO 4217 currency of the published figure
-- @column fx_lcu_per_usd: currency units per USD, month-weighted mean of annual averages over the period
-- @column loss_usd_nominal: point value in nominal USD (null for a range)
-- @column loss_usd_nominal_low: lower bound in nominal USD
-- @column loss_usd_nominal_high: upper bound in nominal USD
-- @column loss_usd_constant: point value in constant USD of usd_constant_base_year
-- @column loss_usd_constant_low: lower bound in constant USD
-- @column loss_usd_constant_high: upper bound in constant USD
-- @column usd_constant_base_year: price base year of the constant-USD columns
-- @column conversion_note: why a conversion is missing or approximate (null when exact)
-- @column publisher: body that produced the figure
-- @column publication: report or release the figure was read in
-- @column source_url: where the figure was published
-- @column notes: scope and method notes from the source table
-- @column source_file: source file, relative to the data directory
-- @column source_row: row of the source file (1-based, header counted)
SELECT
    area_code, area_name, year, period_label, period_type, series, value_type, revision, value AS loss_lcu,
    value_low AS loss_lcu_low, value_high AS loss_lcu_high, currency AS currency_code, fx_lcu_per_usd,
    loss_usd_nominal, loss_usd_nominal_low, loss_usd_nominal_high, loss_usd_constant, loss_usd_constant_low,
    loss_usd_constant_high, usd_constant_base_year, conversion_note, publisher, publication, source_url, notes,
    source_file, source_row
FROM intermediate.int_published_aggregate_losses
ORDER BY area_code, year, source_file, source_row
