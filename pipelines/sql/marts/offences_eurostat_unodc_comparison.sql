-- marts.offences_eurostat_unodc_comparison: columns, units and meaning in
-- pipelines/contracts/marts/offences_eurostat_unodc_comparison.yml (computed in pipelines.indicators.comparison).
SELECT *
FROM intermediate.int_offences_eurostat_unodc_comparison
ORDER BY area_code, year, eurostat_category
