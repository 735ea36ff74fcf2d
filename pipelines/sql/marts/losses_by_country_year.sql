-- @table Country-level reported losses, one row per published figure (every series and vintage),
--   with local currency, nominal USD and constant USD. Exactly one row per country and year has
--   is_preferred = true where a headline figure exists (see selection_note on every other row).
--   Filter on is_preferred for one number per country and year; never sum across series. Per-capita
--   columns divide by the World Bank population of the country (denominator named in the column).
-- @column country_iso3: ISO 3166-1 alpha-3 code of the country
-- @column country_name: country name (UN M49)
-- @column region_name: UN M49 region
-- @column subregion_name: UN M49 sub-region
-- @column year: year in which the reference period ends
-- @column period_label: reference period as published (e.g. FY2023-24 (1 Jul 2023-30 Jun 2024))
-- @column period_start: first day of the reference period (null when not published)
-- @column period_end: last day of the reference period (null when not published)
-- @column period_type: calendar_year | fiscal_year | partial_year | cumulative | survey_recall_year
-- @column series: publisher series the figure belongs to (e.g. ic3_annual_total, accc_combined)
-- @column is_headline_series: true when series is the country's headline loss series
-- @column is_preferred: true for the one figure chosen for this country and year (methodology: series selection)
-- @column selection_rank: rank among the country-year's eligible headline figures (1 = preferred)
-- @column selection_note: why this figure is preferred, or why it is an alternative
-- @column loss_lcu: loss in local currency units (currency_code), nominal, as published
-- @column loss_lcu_low: lower bound in local currency when the publisher gives a range
-- @column loss_lcu_high: upper bound in local currency when the publisher gives a range
-- @column currency_code: ISO 4217 currency of loss_lcu
-- @column fx_lcu_per_usd: local currency units per USD, month-weighted mean of annual averages over the period
-- @column fx_source: exchange-rate source(s) used (World Bank WDI PA.NUS.FCRF; FRED H.10 fallback)
-- @column loss_usd_nominal: loss in US dollars at the period's exchange rate (nominal)
-- @column loss_usd_nominal_low: lower bound in nominal USD
-- @column loss_usd_nominal_high: upper bound in nominal USD
-- @column loss_usd_constant: loss in constant US dollars of usd_constant_base_year (US CPI-U)
-- @column loss_usd_constant_low: lower bound in constant USD
-- @column loss_usd_constant_high: upper bound in constant USD
-- @column usd_constant_base_year: price base year of the constant-USD columns
-- @column population_wb: World Bank mid-year population (SP.POP.TOTL) of the country in year, the year
--   the period ends (persons; null when the World Bank has not published it yet)
-- @column loss_usd_nominal_per_capita_wb: loss_usd_nominal per person of population_wb (USD per person)
-- @column loss_usd_nominal_per_capita_wb_low: loss_usd_nominal_low per person of population_wb (USD per person)
-- @column loss_usd_nominal_per_capita_wb_high: loss_usd_nominal_high per person of population_wb (USD per person)
-- @column loss_usd_constant_per_capita_wb: loss_usd_constant per person of population_wb (constant USD of
--   usd_constant_base_year per person)
-- @column population_note: why population_wb is missing (null when present)
-- @column cpi_period: mean monthly US CPI-U (1982-84=100) over the reference period
-- @column cpi_base: annual average US CPI-U of the base year
-- @column conversion_note: why a conversion is missing or approximate (null when exact)
-- @column value_type: reported | estimate (survey extrapolations and models are estimates)
-- @column revision: first_published | restated | provisional | final | as_published
-- @column publisher: body that produced the figure
-- @column publication: report or release the figure was read in
-- @column source_url: where the figure was published
-- @column notes: scope and definition notes from the source table
-- @column source_id: cyberstats source the row was loaded from
-- @column release: release (vintage) folder of the source file
-- @column source_file: source file, relative to the data directory
-- @column source_row: row of the source file (1-based, header counted)
SELECT
    country_iso3, country_name, region_name, subregion_name, year, period_label, period_start, period_end,
    period_type, series, is_headline_series, is_preferred, selection_rank, selection_note,
    value AS loss_lcu, value_low AS loss_lcu_low, value_high AS loss_lcu_high, currency AS currency_code,
    fx_lcu_per_usd, fx_source, loss_usd_nominal, loss_usd_nominal_low, loss_usd_nominal_high,
    loss_usd_constant, loss_usd_constant_low, loss_usd_constant_high, usd_constant_base_year,
    population_wb, loss_usd_nominal_per_capita_wb, loss_usd_nominal_per_capita_wb_low,
    loss_usd_nominal_per_capita_wb_high, loss_usd_constant_per_capita_wb, population_note,
    cpi_period, cpi_base, conversion_note, value_type, revision, publisher, publication, source_url, notes,
    source_id, release, source_file, source_row
FROM intermediate.int_losses_converted_to_usd
ORDER BY country_iso3, year, is_preferred DESC, source_file, source_row
