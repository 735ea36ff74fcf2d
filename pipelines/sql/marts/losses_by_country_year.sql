-- marts.losses_by_country_year: columns, units and meaning in pipelines/contracts/marts/losses_by_country_year.yml
SELECT
    country_iso3, country_name, region_name, subregion_name, year, period_label, period_start, period_end,
    period_type, series, is_headline_series, is_preferred, selection_rank, selection_note,
    value AS loss_lcu, value_low AS loss_lcu_low, value_high AS loss_lcu_high, currency AS currency_code,
    fx_lcu_per_usd, fx_source, loss_usd_nominal, loss_usd_nominal_low, loss_usd_nominal_high,
    loss_usd_constant, loss_usd_constant_low, loss_usd_constant_high, usd_constant_base_year,
    population_wb, loss_usd_nominal_per_capita_wb, loss_usd_nominal_per_capita_wb_low,
    loss_usd_nominal_per_capita_wb_high, loss_usd_constant_per_capita_wb, population_note,
    cpi_period, cpi_base, conversion_note, value_type, revision, publisher, publication, source_url, source_grade, notes,
    source_id, release, source_file, source_row
FROM intermediate.int_losses_converted_to_usd
ORDER BY country_iso3, year, is_preferred DESC, source_file, source_row
