-- marts.losses_by_country_year: columns, units and meaning in pipelines/contracts/marts/losses_by_country_year.yml
-- flags (pipelines/indicators/flags.py): b = the country's loss trend breaks before this year (register or detected),
-- e = an estimate, p = provisional or first-published, u = source grade secondary or unverified (of the figure, or
-- of the exchange rate it was converted at); a rate of grade transcribed is named in flag_notes.
WITH breaks AS (
    SELECT DISTINCT area_code, series_name, year, break_reason
    FROM intermediate.int_trend_points
    WHERE series_family = 'country_loss_lcu' AND break_before
)
SELECT
    country_iso3, country_name, region_name, subregion_name, l.year, period_label, period_start, period_end,
    period_type, series, is_headline_series, is_preferred, selection_rank, selection_note,
    value AS loss_lcu, value_low AS loss_lcu_low, value_high AS loss_lcu_high, currency AS currency_code,
    fx_lcu_per_usd, fx_source, fx_source_grade, loss_usd_nominal, loss_usd_nominal_low, loss_usd_nominal_high,
    loss_usd_constant, loss_usd_constant_low, loss_usd_constant_high, usd_constant_base_year,
    population_wb, loss_usd_nominal_per_capita_wb, loss_usd_nominal_per_capita_wb_low,
    loss_usd_nominal_per_capita_wb_high, loss_usd_constant_per_capita_wb, population_note,
    cpi_period, cpi_base, conversion_note, value_type, revision, publisher, publication, source_url, source_grade, notes,
    source_id, release, source_file, source_row,
    concat_ws('',
        CASE WHEN b.break_reason IS NOT NULL THEN 'b' END,
        CASE WHEN value_type = 'estimate' THEN 'e' END,
        CASE WHEN revision IN ('provisional', 'first_published') THEN 'p' END,
        CASE WHEN source_grade IN ('secondary', 'unverified') OR fx_source_grade IN ('secondary', 'unverified')
            THEN 'u' END) AS flags,
    nullif(concat_ws('; ',
        CASE WHEN b.break_reason IS NOT NULL THEN 'break: ' || b.break_reason END,
        CASE WHEN source_grade IN ('secondary', 'unverified') THEN 'source grade ' || source_grade || ': read in '
            || coalesce(publication, 'a secondary source') END,
        CASE WHEN fx_source_grade NOT IN ('publisher_file', 'verified') THEN 'converted at an exchange rate of '
            || 'source grade ' || fx_source_grade || ' (' || fx_source || ')' END), '') AS flag_notes
FROM intermediate.int_losses_converted_to_usd AS l
LEFT JOIN breaks AS b ON b.area_code = l.country_iso3 AND b.series_name = l.series AND b.year = l.year
ORDER BY country_iso3, year, is_preferred DESC, source_file, source_row
