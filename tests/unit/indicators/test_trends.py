"""Trend statistics: hand-checked values, edge cases, breaks, and a cross-check against pymannkendall/scipy."""

import itertools
import math
from collections import Counter
from pathlib import Path
from statistics import median

import numpy as np
import polars as pl
import pymannkendall as mk
import pytest
from scipy.stats import kendalltau, theilslopes

from pipelines.indicators import trends as t
from pipelines.indicators.breaks import REGISTER_COLUMNS, empty_register
from pipelines.sources import fbi_ic3, unodc_cts
from tests.conftest import BUNDLED

YEARS8 = list(range(2015, 2023))


# --- hand-checked values -------------------------------------------------------------------------

def test_strictly_decreasing_series_by_hand() -> None:
    values = [10.0, 9, 8, 7, 6, 5, 4, 3]  # negative growth
    st = t.segment_stats(YEARS8, values)
    assert st.mk_s == -28 and st.mk_var_s == pytest.approx(8 * 7 * 21 / 18)
    # 8 points: exact test. Only the sorted and the reverse-sorted orders reach |S| = 28: p = 2 / 8!.
    assert st.mk_method == "exact" and st.mk_p_value == pytest.approx(2 / math.factorial(8))
    assert st.mk_p_value == st.mk_p_value_min and st.mk_z is None and st.hamed_rao_factor is None
    assert st.direction == "decreasing" and st.sen_slope_per_year == -1.0
    assert st.sen_intercept == 2025.0  # 10 = 2025 - 2015: the line is intercept + slope * year
    assert st.cagr == pytest.approx((3 / 10) ** (1 / 7) - 1) and st.cagr < 0
    assert st.relative_slope_per_year == pytest.approx(-1 / 6.5)
    assert (st.sen_slope_ci_low_per_year, st.sen_slope_ci_high_per_year) == (-1.0, -1.0)


def test_ties_reduce_the_variance() -> None:
    values = [1.0, 2, 2, 3, 3, 3, 4]
    assert t.tie_groups(values) == [2, 3]
    assert t.mk_variance(values) == pytest.approx((7 * 6 * 19 - 2 * 1 * 9 - 3 * 2 * 11) / 18)
    assert t.mk_score(values) == 21 - 4  # 21 pairs: 4 tied (sign 0), the other 17 increasing
    assert t.average_ranks([5.0, 1, 5, 3]) == [3.5, 1.0, 3.5, 2.0]


def test_minimum_length_is_where_a_trend_first_becomes_detectable() -> None:
    # Exact test: a strictly monotonic series of n points has p = 2 / n!, the smallest possible.
    four = t.segment_stats([2019, 2020, 2021, 2022], [1.0, 2, 3, 4], min_points=1)
    assert four.mk_p_value == pytest.approx(2 / 24) and four.direction == "no trend"
    five = t.segment_stats(list(range(2018, 2023)), [1.0, 2, 3, 4, 5])
    assert five.mk_p_value == pytest.approx(2 / 120) and five.direction == "increasing"
    short = t.segment_stats([2019, 2020, 2021, 2022], [1.0, 2, 3, 4])
    assert short.direction == t.INSUFFICIENT and short.mk_s is None and short.sen_slope_per_year is None
    assert short.cagr == pytest.approx(4.0 ** (1 / 3) - 1)  # CAGR needs two points, not five
    assert "at least 5" in "; ".join(short.notes)


# --- edge cases: zero, missing, one point, all equal ---------------------------------------------

def test_one_point() -> None:
    st = t.segment_stats([2024], [16.6e9])
    assert st.points == 1 and st.direction == t.INSUFFICIENT
    assert st.cagr is None and st.cagr_note == "one year only"
    assert t.year_on_year([2024], [16.6e9])[0].change is None


def test_no_points() -> None:
    st = t.segment_stats([], [])
    assert st.points == 0 and st.direction == t.INSUFFICIENT and st.cagr is None


def test_zero_endpoints_give_no_cagr_and_zero_median_no_relative_slope() -> None:
    st = t.segment_stats(YEARS8[:6], [0.0, 0, 0, 1, 0, 0])
    assert st.cagr is None and "positive" in st.cagr_note
    assert st.relative_slope_per_year is None and st.sen_slope_per_year == 0.0
    assert t.cagr(2015, 0.0, 2020, 5.0) == (None, "CAGR needs positive first and last values")
    assert t.cagr(2015, 5.0, 2020, -1.0)[0] is None


def test_all_equal_series_is_no_trend_with_p_one() -> None:
    st = t.segment_stats(YEARS8, [3.0] * 8)
    assert st.mk_s == 0 and st.mk_var_s == 0 and st.mk_p_value == 1.0 and st.direction == "no trend"
    assert st.sen_slope_per_year == 0.0 and st.cagr == 0.0
    assert any("all values equal" in n for n in st.notes)


def test_missing_values_are_refused_by_the_statistics() -> None:
    with pytest.raises(ValueError, match="finite"):
        t.segment_stats([2020, 2021], [1.0, None])  # type: ignore[list-item]
    with pytest.raises(ValueError, match="increasing"):
        t.segment_stats([2021, 2020], [1.0, 2.0])


def test_gaps_use_actual_years_for_slope_and_cagr() -> None:
    st = t.segment_stats([2010, 2011, 2012, 2015, 2016], [1.0, 2, 3, 6, 7])
    assert st.sen_slope_per_year == 1.0 and st.years_without_figure == 2
    assert st.cagr == pytest.approx(7 ** (1 / 6) - 1)


def test_year_on_year_changes() -> None:
    yoy = t.year_on_year([2019, 2020, 2021, 2023, 2024], [100.0, 80, 0, 5, 10])
    assert yoy[0].note == "first year of the segment"
    assert (yoy[1].change, yoy[1].change_pct) == (-20.0, pytest.approx(-0.2))  # negative growth
    assert (yoy[2].change, yoy[2].change_pct) == (-80.0, pytest.approx(-1.0))
    assert yoy[3].change is None and yoy[3].note == "no figure for 2022"
    assert yoy[4].change == 5.0 and yoy[4].change_pct == pytest.approx(1.0)
    after_zero = t.year_on_year([2020, 2021], [0.0, 5.0])[1]
    assert after_zero.change == 5.0 and after_zero.change_pct is None and "positive previous" in after_zero.note


def test_sen_interval_is_not_determinable_with_too_few_slopes() -> None:
    assert t.sen_interval([1.0, 2.0, 3.0], t.mk_variance([1.0, 2, 3])) == (None, None)
    assert t.sen_interval([], 1.0) == (None, None)


def test_hamed_rao_widens_the_variance_of_a_positively_autocorrelated_series() -> None:
    # AR(1), phi = 0.8, slight drift (seeded draw): uncorrected p = 0.042 would say "decreasing".
    values = [0.0, -0.1, -0.2, -0.4, -1.1, -0.5, 0.8, 1.4, 0.4, -0.7, -0.3, -0.8, -1.1, -2.4]
    st = t.segment_stats(list(range(2000, 2014)), values)
    ref = mk.hamed_rao_modification_test(np.array(values))
    assert st.mk_method == "normal, Hamed-Rao" and st.hamed_rao_factor == pytest.approx(ref.var_s / st.mk_var_s)
    assert st.hamed_rao_factor == pytest.approx(1.889, abs=1e-3)
    assert st.mk_var_s_hamed_rao == pytest.approx(ref.var_s) and st.mk_p_value == pytest.approx(ref.p)
    assert st.mk_p_value_uncorrected == pytest.approx(0.0425, abs=1e-4) and st.direction == "no trend"
    assert any("Hamed-Rao: significant" in n for n in st.notes)


def test_hamed_rao_never_shrinks_the_variance() -> None:
    """The defect: a negative rank autocorrelation (here from a lag-2 zigzag) shrank Var S by 0.115 and
    made p 60 times smaller. The correction is only used to widen the variance."""
    values = [1.0, 5, 2, 6, 3, 7, 4, 8, 5, 9, 6, 10]
    st = t.segment_stats(list(range(2000, 2012)), values)
    ref = mk.hamed_rao_modification_test(np.array(values))
    assert ref.var_s < mk.original_test(np.array(values)).var_s  # pymannkendall shrinks it
    assert st.hamed_rao_factor == 1.0 and st.mk_method == "normal" and st.mk_var_s_hamed_rao == st.mk_var_s
    assert st.mk_p_value == pytest.approx(mk.original_test(np.array(values)).p) == st.mk_p_value_uncorrected
    assert st.mk_p_value > ref.p
    assert any("not applied: it would shrink the variance (n/n* = 0.115)" in n for n in st.notes)


# --- cross-check against independent implementations on real series ------------------------------

def _real_series() -> list[tuple[str, list[int], list[float]]]:
    out = []
    ic3 = BUNDLED / "sources" / "fbi_ic3" / "reports-2015-2025"
    for name in ("ic3_crime_type_counts.csv", "ic3_crime_type_losses.csv", "ic3_annual_totals.csv"):
        df = fbi_ic3.read(ic3 / name, f"sources/fbi_ic3/x/{name}", "x")
        pts = t.assign_segments(t.ic3_points(df))
        for (sid, seg), grp in pts.filter(pl.col("value").is_not_null()).group_by(["series_id", "segment"]):
            grp = grp.sort("year")
            if grp.height >= t.MIN_POINTS and grp["year"].diff().drop_nulls().eq(1).all():
                out.append((f"{sid} #{seg}", grp["year"].to_list(), grp["value"].to_list()))
    unodc = BUNDLED / "sources" / "unodc_cts" / "2024-05-16" / "data_cts_corruption_and_economic_crime_cyber.csv"
    df = unodc_cts.read(unodc, "sources/unodc_cts/2024-05-16/x.csv", "2024-05-16")
    # Consecutive years only: pymannkendall works on positions, we on years (identical without gaps).
    for (_sid, _seg), grp in t.assign_segments(t.unodc_points(df)).group_by(["series_id", "segment"]):
        grp = grp.sort("year")
        if grp.height >= t.MIN_POINTS and grp["year"].diff().drop_nulls().eq(1).all():
            out.append((grp["series_id"][0], grp["year"].to_list(), grp["value"].to_list()))
    return out


def _check_against_references(years: list[int], values: list[float], sid: str) -> str:
    """Our segment statistics against scipy and pymannkendall; returns which p-value path was checked.

    n <= 10: the exact test, against scipy's exact Kendall tau p-value (no ties) or our own enumeration
    floor (ties); n > 10: pymannkendall's Hamed-Rao test where it widens the variance, its original
    test where it would shrink it (we never shrink; see test_hamed_rao_never_shrinks_the_variance).
    """
    st = t.segment_stats(years, values)
    arr = np.array(values)
    plain = mk.original_test(arr)
    assert st.mk_s == plain.s and st.mk_var_s == pytest.approx(plain.var_s, rel=1e-12), sid
    assert st.sen_slope_per_year == pytest.approx(plain.slope, rel=1e-9, abs=1e-9), sid
    assert st.sen_intercept == pytest.approx(float(np.median(arr - st.sen_slope_per_year * np.array(years))),
                                             rel=1e-12, abs=1e-6), sid
    sp = theilslopes(values, years, 0.95)
    if st.sen_slope_ci_low_per_year is not None:
        assert st.sen_slope_ci_low_per_year == pytest.approx(sp.low_slope, rel=1e-12, abs=1e-12), sid
        assert st.sen_slope_ci_high_per_year == pytest.approx(sp.high_slope, rel=1e-12, abs=1e-12), sid
    assert st.mk_p_value >= st.mk_p_value_min >= 2 / math.factorial(len(values)) * (1 - 1e-12), sid
    if len(values) <= t.EXACT_MAX_POINTS:
        assert st.mk_method == "exact", sid
        if len(set(values)) == len(values):
            ref = kendalltau(years, values, method="exact").pvalue
            assert st.mk_p_value == pytest.approx(ref, rel=1e-9), sid
            return "exact"
        return "exact, ties"
    ref = mk.hamed_rao_modification_test(arr)
    widened = math.isfinite(ref.var_s) and ref.var_s > plain.var_s
    expected = ref if widened else plain
    assert st.mk_method == ("normal, Hamed-Rao" if widened else "normal"), sid
    assert st.mk_var_s_hamed_rao == pytest.approx(expected.var_s, rel=1e-9), sid
    assert st.mk_z == pytest.approx(expected.z, rel=1e-9, abs=1e-12), sid
    assert st.mk_p_value == pytest.approx(max(expected.p, st.mk_p_value_min), rel=1e-6, abs=1e-12), sid
    assert st.direction == expected.trend, sid
    return "normal, Hamed-Rao" if widened else "normal"


@pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")
def test_matches_pymannkendall_and_scipy_on_real_series() -> None:
    series = _real_series()
    assert len(series) > 500  # 521: IC3 crime types and totals, UNODC 2024 bundled extract
    paths = Counter(_check_against_references(years, values, sid) for sid, years, values in series)
    # Measured: 434 exact (no ties), 68 exact with ties, 16 normal, 1 Hamed-Rao: most annual segments are short.
    assert paths["exact"] > 400 and paths["exact, ties"] > 50 and paths["normal"] >= 10, paths
    assert paths["normal, Hamed-Rao"] >= 1, paths


# --- series, breaks and segments -----------------------------------------------------------------

def _ic3(rows: list[tuple[int, str, str, str, float]]) -> pl.DataFrame:
    return pl.DataFrame(
        [{"source_id": "fbi_ic3", "country_iso3": "USA", "area_name": "United States", "year": y, "category": c,
          "category_harmonised": h, "measure": m, "unit": "currency" if m == "loss" else "count", "value": v,
          "source_file": "f.csv", "source_row": i + 2} for i, (y, c, h, m, v) in enumerate(rows)],
        schema_overrides={"year": pl.Int32})


def test_relabels_continue_one_series_and_merges_break_it() -> None:
    df = _ic3([(2021, "BEC/EAC", "BEC/EAC", "victims", 1.0), (2022, "BEC", "BEC/EAC", "victims", 2.0),
               (2024, "Business Email Compromise", "BEC/EAC", "complaints", 3.0),
               (2021, "Phishing/Vishing/Smishing/Pharming", "Phishing", "loss", 10.0),
               (2022, "Phishing", "Phishing", "loss", 11.0),
               (2023, "Phishing/Spoofing", "Phishing/Spoofing (merged 2023+)", "loss", 12.0)])
    pts = t.trend_points(t.ic3_points(df))
    bec = pts.filter(pl.col("series_name") == "BEC/EAC").sort("year")
    assert bec["series_id"].n_unique() == 1
    assert bec["segment"].to_list() == [1, 1, 2] and "count basis" in bec["break_before_segment"][2]
    phishing = pts.filter(pl.col("series_id") == "ic3_crime_type_loss_usd|USA|Phishing").sort("year")
    assert phishing["segment"].to_list() == [1, 1, 2] and "merge" in phishing["break_before_segment"][2]
    assert phishing["yoy_change"].to_list() == [None, 1.0, None]
    assert phishing["yoy_note"][2] == "first year of the segment"


def test_breaks_in_the_same_year_make_one_boundary() -> None:
    df = _ic3([(y, "Phishing", "Phishing", "victims", float(y)) for y in (2021, 2022)]
              + [(2023, "Phishing/Spoofing", "x", "complaints", 1.0)])
    pts = t.trend_points(t.ic3_points(df)).sort("year")
    assert pts["segment"].to_list() == [1, 1, 2]
    assert "count basis" in pts["break_before_segment"][2] and "merge" in pts["break_before_segment"][2]


def test_two_categories_mapped_to_one_series_year_are_never_summed() -> None:
    df = _ic3([(2016, "Malware/Scareware", "Malware/Scareware/Virus", "loss", 5.0),
               (2016, "Malware/Scareware/Virus", "Malware/Scareware/Virus", "loss", 7.0)])
    pts = t.ic3_points(df)
    assert pts.height == 1 and pts["value"][0] is None and "not summed" in pts["point_note"][0]


def test_a_break_outside_the_series_span_does_not_split_it() -> None:
    df = _ic3([(y, "Phishing", "Phishing", "loss", float(y)) for y in (2020, 2021, 2022)])
    assert t.trend_points(t.ic3_points(df))["segment"].unique().to_list() == [1]


def test_accc_coverage_break_splits_the_australian_series() -> None:
    losses = pl.DataFrame({"is_preferred": True, "country_iso3": "AUS", "country_name": "Australia",
                           "series": "accc_combined", "year": [2018, 2019, 2020], "period_label": "calendar year",
                           "currency": "AUD", "value": [489.7e6, 634e6, 851e6], "loss_usd_constant": [1.0, 2.0, None],
                           "usd_constant_base_year": 2024, "conversion_note": [None, None, "no AUD rate"]},
                          schema_overrides={"year": pl.Int32})
    pts = t.trend_points(t.loss_points(losses))
    lcu = pts.filter(pl.col("series_family") == t.LOSS_LCU).sort("year")
    assert lcu["segment"].to_list() == [1, 2, 2] and "big-four banks" in lcu["break_before_segment"][1]
    usd = pts.filter(pl.col("series_family") == t.LOSS_USD).sort("year")
    assert usd["value"].to_list() == [1.0, 2.0, None] and usd["point_note"][2] == "no AUD rate"
    summary = t.trend_summary(pts).filter(pl.col("series_family") == t.LOSS_USD)
    assert summary["notes"][1].startswith("1 year(s) with no usable value")


def test_contract_violations_catch_a_straddled_break_and_a_short_trend() -> None:
    df = _ic3([(y, "Phishing", "Phishing", "loss", float(y)) for y in range(2018, 2023)]
              + [(2023, "Phishing/Spoofing", "x", "loss", 1.0)])
    pts = t.trend_points(t.ic3_points(df))
    good = t.trend_summary(pts)
    assert t.contract_violations(good, pts) == []
    merged = pts.with_columns(segment=pl.lit(1, pl.Int32))
    assert any("straddles the 2023 break" in p for p in t.contract_violations(t.trend_summary(merged), merged))
    lying = good.with_columns(direction=pl.lit("increasing"))
    assert any("points but direction" in p for p in t.contract_violations(lying, pts))


def test_regional_series_use_only_publishable_years() -> None:
    reg = pl.DataFrame({"is_publishable": [True, False, True], "region_level": "region", "region_code": "150",
                        "region_name": "Europe", "indicator": "Offences", "category": "Fraud",
                        "year": [2019, 2020, 2021], "offences_count": [10.0, 11, 12],
                        "offences_per_100k_population_wb": [1.0, 1.1, 1.2], "reporting_countries": "DEU"},
                       schema_overrides={"year": pl.Int32})
    pts = t.regional_points(reg, None)
    assert sorted(pts["year"].unique().to_list()) == [2019, 2021]
    assert set(pts["series_family"]) == {t.REG_OFF_COUNT, t.REG_OFF_RATE}
    # A sum over other countries is another quantity: a change of reporting countries starts a segment
    # (this used to be a note on a trend that ran across it).
    changing = reg.with_columns(reporting_countries=pl.Series(["DEU", "DEU", "DEU, FRA"]))
    pts = t.trend_points(t.regional_points(changing, None)).filter(pl.col("series_family") == t.REG_OFF_COUNT)
    assert pts["segment"].to_list() == [1, 2] and pts["break_before"].to_list() == [False, True]
    assert pts["break_reason"][1].startswith("reporting countries changed: 1 countries in 2019, 2 in 2021 (joined FRA)")
    assert pts["yoy_change"].to_list() == [None, None]
    summary = t.trend_summary(pts)
    assert summary["panel_countries"].to_list() == [1, 2] and summary["panel_years"].to_list() == [1, 1]


def test_unodc_series_come_whole_from_the_newest_release_carrying_them(tmp_path: Path) -> None:
    base = {"source_id": "unodc_cts", "measure": "offences", "sex": "Total", "age": "Total", "area_code": "DEU",
            "area_name": "Germany", "indicator": "Offences", "dimension": "d", "category": "Fraud", "unit": "count"}
    rows = [{**base, "release": "2022", "release_date": None, "year": y, "value": 1.0, "source_file": "a"}
            for y in (2014, 2015, 2016)]
    rows += [{**base, "release": "2024", "release_date": None, "year": y, "value": 2.0, "source_file": "b"}
             for y in (2015, 2016)]
    pts = t.unodc_points(pl.DataFrame(rows, schema_overrides={"year": pl.Int32, "release_date": pl.Date}))
    assert pts["year"].to_list() == [2015, 2016] and pts["value"].to_list() == [2.0, 2.0]


@pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning",
                            "ignore:divide by zero encountered:RuntimeWarning")
def test_matches_pymannkendall_on_synthetic_autocorrelated_series() -> None:
    """Fuzzing (synthetic, seeded): AR(1) series with trends and ties exercise the Hamed-Rao correction,
    which real annual series rarely trigger."""
    rng = np.random.default_rng(20261122)
    paths: Counter[str] = Counter()
    for _ in range(400):
        n = int(rng.integers(5, 26))
        phi, drift = rng.uniform(-0.9, 0.95), rng.normal(0, 0.2)
        x = [0.0]
        for i in range(n - 1):
            x.append(phi * x[-1] + rng.normal() + drift * i)
        values = [round(v, int(rng.integers(0, 3))) for v in x]  # rounding makes ties
        paths[_check_against_references(list(range(2000, 2000 + n)), values, str(values))] += 1
    # Measured: 254 normal, 30 Hamed-Rao (widening only), 37 exact, 79 exact with ties.
    assert paths["normal, Hamed-Rao"] > 20 and paths["normal"] > 200 and paths["exact"] > 30, paths


def test_a_regional_sum_inherits_the_breaks_of_its_member_countries() -> None:
    reg = pl.DataFrame({"is_publishable": True, "region_level": "subregion", "region_code": "053",
                        "region_name": "Australia and New Zealand", "year": [2018, 2019, 2020],
                        "loss_usd_constant": [1.0, 2.0, 3.0], "usd_constant_base_year": 2024,
                        "reporting_countries": ["AUS, NZL", "AUS, NZL", "AUS, NZL"]},
                       schema_overrides={"year": pl.Int32})
    pts = t.trend_points(t.regional_points(None, reg)).sort("year")
    assert pts["segment"].to_list() == [1, 2, 2]
    assert pts["break_before_segment"][1].startswith("coverage: in AUS, a reporting country (accc_combined)")
    assert t.contract_violations(t.trend_summary(pts), pts) == []
    other = t.trend_points(t.regional_points(None, reg.with_columns(reporting_countries=pl.lit("NZL"))))
    assert other["segment"].unique().to_list() == [1]


# --- exact Mann-Kendall distribution (issue 11 finding 2) ----------------------------------------

def test_exact_distribution_equals_enumeration_of_the_arrangements_with_ties() -> None:
    rng = np.random.default_rng(3)
    for _ in range(60):
        n = int(rng.integers(2, 8))
        values = [float(v) for v in rng.integers(0, 4, n)]  # many ties
        enumerated = Counter(t.mk_score(list(p)) for p in set(itertools.permutations(values)))
        assert t.mk_exact_distribution(values) == dict(enumerated), values


def test_exact_p_equals_scipy_exact_kendall_tau_without_ties() -> None:
    rng = np.random.default_rng(4)
    for n in range(4, 11):
        for _ in range(30):
            values = [float(v) for v in rng.permutation(n)]
            years = list(range(2000, 2000 + n))
            assert t.mk_exact_p(values) == pytest.approx(kendalltau(years, values, method="exact").pvalue, rel=1e-12)


@pytest.mark.parametrize("n", range(5, 13))
def test_no_p_value_below_the_exact_minimum(n: int) -> None:
    """Property (the defect: 11 published p-values were below 2/n!): for every n from 5 to 12, random,
    tied, monotonic and zigzag series never get a two-sided p below 2/n!, the exact test's minimum."""
    rng = np.random.default_rng(n)
    floor = 2 / math.factorial(n)
    years = list(range(2000, 2000 + n))
    series = [list(range(n)), list(range(n, 0, -1)), [i + 4 * (i % 2) for i in range(n)],
              [(i % 3) + i / 10 for i in range(n)]]
    series += [list(rng.normal(size=n).cumsum()) for _ in range(150)]
    series += [list(rng.integers(0, 3, n)) for _ in range(50)]
    for values in series:
        st = t.segment_stats(years, [float(v) for v in values])
        assert st.mk_p_value >= floor * (1 - 1e-12) and st.mk_p_value >= st.mk_p_value_min * (1 - 1e-12), values
    monotonic = t.segment_stats(years, [float(v) for v in range(n)])
    if n <= t.EXACT_MAX_POINTS:
        assert monotonic.mk_p_value == pytest.approx(floor)


def test_ties_raise_the_exact_minimum() -> None:
    values = [1.0, 1, 2, 3, 4, 5]
    assert t.mk_min_p(values) == pytest.approx(2 / (math.factorial(6) / 2))
    st = t.segment_stats(list(range(2000, 2006)), values)
    assert st.mk_p_value == pytest.approx(st.mk_p_value_min) and st.mk_method == "exact"
    assert t.mk_min_p([3.0] * 6) == 1.0 and t.mk_exact_p([3.0] * 6) == 1.0


def test_sen_intercept_makes_the_line_through_the_median_residual() -> None:
    years, values = [2018, 2019, 2020, 2021, 2022], [10.0, 12, 14, 15, 18]
    st = t.segment_stats(years, values)
    assert st.sen_slope_per_year == 2.0
    assert st.sen_intercept == pytest.approx(median(v - 2 * y for y, v in zip(years, values, strict=True)))
    assert st.sen_intercept + 2 * 2020 == pytest.approx(14.0)
    assert t.segment_stats([2020, 2021], [1.0, 2.0]).sen_intercept is None  # below the minimum length


# --- boundaries: register, detected level shifts, reporting countries (issue 11 findings 1 and 3) ----

def _unodc(rows: list[tuple[str, str, int, float]], unit: str = "count") -> pl.DataFrame:
    """UNODC observations: (area, category, year, value)."""
    return pl.DataFrame([{"source_id": "unodc_cts", "measure": "offences", "sex": "Total", "age": "Total",
                          "area_code": a, "area_name": a, "indicator": "Offences", "dimension": "d", "category": c,
                          "unit": unit, "release": "2024", "release_date": None, "year": y, "value": v,
                          "source_file": "f", "source_row": i}
                         for i, (a, c, y, v) in enumerate(rows)],
                        schema_overrides={"year": pl.Int32, "release_date": pl.Date})


def _register(*rows: dict) -> pl.DataFrame:
    base = {"series_name": None, "area_code": None, "kind": "definition", "reason": "r", "source": "s",
            "source_url": None}
    return pl.DataFrame([{**base, **r} for r in rows], schema=REGISTER_COLUMNS)


def test_the_register_is_a_parameter_and_defaults_to_the_bundled_one() -> None:
    df = _ic3([(y, "Phishing", "Phishing", "loss", float(y)) for y in (2021, 2022)]
              + [(2023, "Phishing/Spoofing", "x", "loss", 1.0)])
    assert t.trend_points(t.ic3_points(df))["segment"].to_list() == [1, 1, 2]  # bundled register
    assert t.trend_points(t.ic3_points(df), breaks=empty_register())["segment"].to_list() == [1, 1, 1]
    own = _register({"series_family": t.IC3_LOSS, "series_name": "Phishing", "year": 2022, "kind": "merge"})
    pts = t.trend_points(t.ic3_points(df), breaks=own)
    assert pts["segment"].to_list() == [1, 2, 2] and pts["break_reason"][1] == "merge: r"


def test_a_detected_level_shift_splits_the_count_and_its_rate() -> None:
    def points(factor: float) -> pl.DataFrame:
        counts = [("RUS", "Fraud", y, (1000.0 + y) * (factor if y >= 2018 else 1)) for y in range(2013, 2023)]
        rates = [(a, c, y, v / 100) for a, c, y, v in counts]
        return t.trend_points(t.unodc_points(pl.concat([_unodc(counts), _unodc(rates, "rate_per_100k_population")])),
                              breaks=empty_register())

    assert points(3.0)["segment"].unique().to_list() == [1]  # 3,017 -> 9,054: x3.0, not a level shift
    pts = points(8.0)  # 3,017 -> 24,144: x8.0
    for fam in (t.UNODC_COUNT, t.UNODC_RATE):
        one = pts.filter(pl.col("series_family") == fam).sort("year")
        assert one["segment"].to_list() == [1] * 5 + [2] * 5, fam
        assert one["break_before"].to_list() == [False] * 5 + [True] + [False] * 4
        assert one["break_reason"][5].startswith("level shift (detected): 3,017 in 2017 -> 24,144 in 2018 (x8.00")
        assert one["yoy_change"][5] is None
    summary = t.trend_summary(pts)
    assert summary.height == 4 and (summary["points"] == 5).all()
    assert t.contract_violations(summary, pts, empty_register()) == []
    merged = pts.with_columns(segment=pl.lit(1, pl.Int32))
    assert any("straddles the 2018 break (level shift (detected))" in p
               for p in t.contract_violations(t.trend_summary(merged), merged, empty_register()))


def test_a_no_break_row_keeps_a_real_change_in_one_piece() -> None:
    rows = [("FIN", "Fraud: Cyber-related (Cy)", y, 300.0 if y < 2020 else 2700.0) for y in range(2015, 2023)]
    keep = _register({"series_family": t.UNODC_COUNT, "series_name": "Offences: Fraud: Cyber-related (Cy)",
                      "area_code": "FIN", "year": 2020, "kind": "no break"})
    assert t.trend_points(t.unodc_points(_unodc(rows)), breaks=empty_register())["segment"].max() == 2
    assert t.trend_points(t.unodc_points(_unodc(rows)), breaks=keep)["segment"].max() == 1


def test_ic3_and_loss_series_are_not_screened_by_the_ratio_rule() -> None:
    df = _ic3([(y, "Phishing", "Phishing", m, v) for m in ("victims", "loss")
               for y, v in ((2017, 25_344.0), (2018, 26_379.0), (2019, 114_702.0), (2020, 241_342.0))])
    pts = t.trend_points(t.ic3_points(df), breaks=empty_register())
    assert pts["segment"].unique().to_list() == [1] and not pts["break_before"].any()


def test_break_flags_mark_the_first_point_after_a_boundary_and_join_its_reasons() -> None:
    df = _ic3([(y, "Phishing", "Phishing", "victims", float(y)) for y in (2020, 2021)]
              + [(y, "Phishing/Spoofing", "x", "complaints", 1.0) for y in (2024, 2025)])
    pts = t.trend_points(t.ic3_points(df)).sort("year")  # the two 2023 breaks fall between 2021 and 2024
    assert pts["segment"].to_list() == [1, 1, 2, 2]
    assert pts["break_before"].to_list() == [False, False, True, False]
    reason = pts["break_reason"][2]
    assert reason.startswith("count basis: ") and "; merge: Phishing and Spoofing" in reason
    assert pts["break_reason"][3] is None and pts["break_before_segment"][3] == pts["break_reason"][2]


def test_contract_catches_a_p_value_below_the_exact_minimum() -> None:
    df = _ic3([(y, "Phishing", "Phishing", "loss", float(y)) for y in range(2015, 2023)])
    pts = t.trend_points(t.ic3_points(df))
    good = t.trend_summary(pts)
    assert t.contract_violations(good, pts) == []
    lying = good.with_columns(mk_p_value=pl.lit(1.9e-34))
    assert any("below the exact minimum" in p for p in t.contract_violations(lying, pts))


def test_summary_has_the_new_columns() -> None:
    values = (3, 1, 4, 7, 5, 9, 2, 6)
    df = _ic3([(y, "Phishing", "Phishing", "loss", float(v)) for y, v in zip(range(2015, 2023), values, strict=True)])
    row = t.trend_summary(t.trend_points(t.ic3_points(df))).row(0, named=True)
    assert row["mk_method"] == "exact" and row["mk_p_value_min"] == pytest.approx(2 / math.factorial(8))
    assert row["sen_intercept"] is not None and row["change_point_method"] == "exact"
    assert row["change_point_year"] in range(2016, 2023) and 0 < row["change_point_p_value"] <= 1
    assert row["panel_countries"] is None and row["panel_years"] is None
