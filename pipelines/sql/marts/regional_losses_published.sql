-- marts.regional_losses_published: columns, units and meaning in pipelines/contracts/marts/regional_losses_published.yml
-- flags (pipelines/indicators/flags.py): e = an estimate, p = provisional or first-published, u = source grade
-- secondary or unverified.
SELECT
    area_code, area_name, year, period_label, period_type, series, value_type, revision, value AS loss_lcu,
    value_low AS loss_lcu_low, value_high AS loss_lcu_high, currency AS currency_code, fx_lcu_per_usd,
    loss_usd_nominal, loss_usd_nominal_low, loss_usd_nominal_high, loss_usd_constant, loss_usd_constant_low,
    loss_usd_constant_high, usd_constant_base_year, conversion_note, publisher, publication, source_url, source_grade, notes,
    source_file, source_row,
    concat_ws('',
        CASE WHEN value_type = 'estimate' THEN 'e' END,
        CASE WHEN revision IN ('provisional', 'first_published') THEN 'p' END,
        CASE WHEN source_grade IN ('secondary', 'unverified') THEN 'u' END) AS flags
FROM intermediate.int_published_aggregate_losses
ORDER BY area_code, year, source_file, source_row
