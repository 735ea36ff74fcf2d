-- marts.regional_losses: columns, units and meaning in pipelines/contracts/marts/regional_losses.yml
SELECT
    region_level, region_code, region_name, parent_region_code, year, loss_usd_nominal, loss_usd_constant,
    usd_constant_base_year, countries_reporting, countries_in_region, countries_not_converted,
    reporting_countries, not_converted_countries, population_reporting, population_region, countries_without_population,
    population_coverage_share, min_population_coverage, is_publishable, loss_usd_nominal_per_capita_wb_reporting
FROM intermediate.int_regional_losses
ORDER BY CASE region_level WHEN 'world' THEN 0 WHEN 'region' THEN 1 ELSE 2 END, region_code, year
