-- marts.fx_rate_crosscheck: columns, units and meaning in pipelines/contracts/intermediate/int_fx_rate_crosscheck.yml
SELECT
    currency_code, year, wdi_lcu_per_usd, wdi_fx_source, wdi_fx_source_grade, ecb_lcu_per_usd, ecb_fixing_days,
    fed_lcu_per_usd, fed_basis, ecb_difference_share, fed_difference_share, max_abs_difference_share,
    tolerance_share, within_tolerance
FROM intermediate.int_fx_rate_crosscheck
ORDER BY currency_code, year
