-- @table Trend statistics, one row per series segment. Series: each country's preferred loss series in local
--   currency and in constant USD (country_loss_lcu, country_loss_usd_constant); IC3 crime types by count and
--   by loss and IC3 total complaints (ic3_crime_type_count, ic3_crime_type_loss_usd, ic3_total_complaints);
--   UNODC offence counts and published rates per area and category, each series from the newest release that
--   carries it (unodc_offences_count, unodc_offences_rate_unodc); regional offence sums and rates and regional
--   losses in the years they are publishable (regional_offences_count, regional_offences_rate_wb,
--   regional_loss_usd_constant). A series is split into segments at known breaks (break_before_segment;
--   a regional sum inherits the breaks of its reporting countries' series): nothing is computed across a break. Methods: CAGR only with positive first and last values; Sen's slope
--   with Sen's (1968) confidence interval; Mann-Kendall S with the tie-corrected variance and the Hamed-Rao
--   (1998) serial-correlation correction, two-sided normal p-value; direction at alpha; "insufficient data"
--   below min_points points. Year-on-year changes are in marts.trend_points.
-- @column series_id: series key: series_family|area_code|series_name
-- @column series_family: which kind of series (see the table description)
-- @column area_code: ISO3 country, or level:M49 code for regional series (region:150, subregion:155, world:001)
-- @column area_name: country or region name
-- @column series_name: loss series id, IC3 crime type (relabels continue one series), or indicator: category
-- @column measure: what is counted (loss, victims, complaints, offences)
-- @column segment: segment number within the series (1 = before the first break)
-- @column segments_in_series: number of segments the series' breaks make
-- @column units: unit of the values, first_value, last_value, median_value and Sen's slope (per year)
-- @column labels_as_published: the publisher's labels (or reporting countries) the segment's figures carry
-- @column break_before_segment: the break that starts this segment (kind: reason); null for segment 1
-- @column break_source: where the break is documented
-- @column points: years with a value in the segment (count)
-- @column first_year: first year with a value
-- @column last_year: last year with a value
-- @column first_value: value in first_year (units)
-- @column last_value: value in last_year (units)
-- @column median_value: median of the segment's values (units)
-- @column years_without_figure: years between first_year and last_year with no value (count)
-- @column cagr: compound annual growth rate (last/first)^(1/(last_year-first_year)) - 1 (fraction per year);
--   null unless both endpoints are positive and span at least a year
-- @column cagr_note: why cagr is null
-- @column sen_slope_per_year: Sen's (Theil-Sen) slope: median of the pairwise slopes (units per year)
-- @column sen_slope_ci_low_per_year: lower bound of the confidence_level interval of the slope (units per year;
--   Sen 1968 eq. 2.6, the ranks scipy.stats.theilslopes uses; null when not determinable)
-- @column sen_slope_ci_high_per_year: upper bound of that interval (units per year)
-- @column relative_slope_per_year: sen_slope_per_year / median_value (fraction of the median per year; null when
--   the median is not positive)
-- @column mk_s: Mann-Kendall S statistic (sum of signs of later minus earlier values)
-- @column mk_var_s: variance of S under no trend, corrected for ties
-- @column hamed_rao_factor: Hamed-Rao n/n* variance inflation from significant autocorrelation of the ranks of
--   the detrended series (1 = none)
-- @column mk_var_s_hamed_rao: mk_var_s x hamed_rao_factor (the variance the test uses)
-- @column mk_z: standardised S with continuity correction, (S - sign S) / sqrt(mk_var_s_hamed_rao)
-- @column mk_p_value: two-sided p-value of mk_z (normal approximation)
-- @column direction: increasing | decreasing (mk_p_value < alpha) | no trend | insufficient data (points <
--   min_points)
-- @column small_sample: true below 10 points (the normal approximation is rough)
-- @column alpha: significance level of the test and of the autocorrelation screen
-- @column confidence_level: confidence level of the Sen's slope interval
-- @column min_points: fewest points for trend statistics
-- @column notes: what was not computed and why, corrections applied, missing years, and (regional series)
--   whether the reporting countries change between years
SELECT
    series_id, series_family, area_code, area_name, series_name, measure, segment, segments_in_series, units,
    labels_as_published, break_before_segment, break_source, points, first_year, last_year, first_value,
    last_value, median_value, years_without_figure, cagr, cagr_note, sen_slope_per_year,
    sen_slope_ci_low_per_year, sen_slope_ci_high_per_year, relative_slope_per_year, mk_s, mk_var_s,
    hamed_rao_factor, mk_var_s_hamed_rao, mk_z, mk_p_value, direction, small_sample, alpha, confidence_level,
    min_points, notes
FROM intermediate.int_trends
ORDER BY series_id, segment
