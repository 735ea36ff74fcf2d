-- marts.regional_offences: columns, units and meaning in pipelines/contracts/marts/regional_offences.yml
SELECT
    region_level, region_code, region_name, parent_region_code, year, indicator, dimension, category,
    offences_count, population_wb_reporting, offences_per_100k_population_wb, countries_reporting,
    countries_in_region, reporting_countries, areas_summed, areas_excluded, releases, population_wb_region,
    countries_without_population, population_coverage_share, min_population_coverage, is_publishable
FROM intermediate.int_regional_offences
ORDER BY CASE region_level WHEN 'world' THEN 0 WHEN 'region' THEN 1 ELSE 2 END, region_code, indicator, dimension,
    category, year
