-- marts.trends: columns, units and meaning in pipelines/contracts/marts/trends.yml
SELECT
    series_id, series_family, area_code, area_name, series_name, measure, segment, segments_in_series, units,
    labels_as_published, break_before_segment, break_source, points, first_year, last_year, first_value,
    last_value, median_value, years_without_figure, cagr, cagr_note, sen_slope_per_year,
    sen_slope_ci_low_per_year, sen_slope_ci_high_per_year, sen_intercept, relative_slope_per_year, mk_s, mk_var_s,
    hamed_rao_factor, mk_var_s_hamed_rao, mk_z, mk_p_value, mk_p_value_uncorrected, mk_p_value_min, mk_method,
    direction, small_sample, change_point_year, change_point_k, change_point_p_value, change_point_method,
    panel_countries, panel_years, alpha, confidence_level, min_points, notes
FROM intermediate.int_trends
ORDER BY series_id, segment
