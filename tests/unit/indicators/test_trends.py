"""Trend statistics: hand-checked values, edge cases, breaks, and a cross-check against pymannkendall/scipy."""

import math
from pathlib import Path

import numpy as np
import polars as pl
import pymannkendall as mk
import pytest
from scipy.stats import theilslopes

from pipelines.indicators import trends as t
from pipelines.sources import fbi_ic3, unodc_cts
from tests.conftest import BUNDLED

YEARS8 = list(range(2015, 2023))


# --- hand-checked values -------------------------------------------------------------------------

def test_strictly_decreasing_series_by_hand() -> None:
    values = [10.0, 9, 8, 7, 6, 5, 4, 3]  # negative growth
    st = t.segment_stats(YEARS8, values)
    assert st.mk_s == -28 and st.mk_var_s == pytest.approx(8 * 7 * 21 / 18)
    z = -27 / math.sqrt(8 * 7 * 21 / 18)
    assert st.mk_z == pytest.approx(z) and st.mk_p_value == pytest.approx(math.erfc(abs(z) / math.sqrt(2)))
    assert st.direction == "decreasing" and st.sen_slope_per_year == -1.0
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
    four = t.segment_stats([2019, 2020, 2021, 2022], [1.0, 2, 3, 4], min_points=1)
    assert four.mk_p_value == pytest.approx(0.0894, abs=1e-4) and four.direction == "no trend"
    five = t.segment_stats(list(range(2018, 2023)), [1.0, 2, 3, 4, 5])
    assert five.mk_p_value == pytest.approx(0.0275, abs=1e-4) and five.direction == "increasing"
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


def test_hamed_rao_inflates_the_variance_of_a_periodic_series() -> None:
    values = [1.0, 5, 2, 6, 3, 7, 4, 8, 5, 9, 6, 10]  # trend plus strong lag-2 structure
    years = list(range(2000, 2012))
    st = t.segment_stats(years, values)
    ref = mk.hamed_rao_modification_test(np.array(values))
    assert st.hamed_rao_factor != 1.0
    assert st.mk_var_s_hamed_rao == pytest.approx(ref.var_s) and st.mk_p_value == pytest.approx(ref.p)
    assert any("Hamed-Rao" in n for n in st.notes)


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


@pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")
def test_matches_pymannkendall_and_scipy_on_real_series() -> None:
    series = _real_series()
    assert len(series) > 500  # 521: IC3 crime types and totals, UNODC 2024 bundled extract
    checked = corrected = with_ci = uncorrectable = 0
    for sid, years, values in series:
        st = t.segment_stats(years, values)
        ref = mk.hamed_rao_modification_test(np.array(values))
        if not math.isfinite(ref.var_s):
            # The detrended series is constant: pymannkendall divides by a zero autocovariance (nan);
            # there is no serial correlation to correct, so we equal the uncorrected test.
            uncorrectable += 1
            plain = mk.original_test(np.array(values))
            assert st.hamed_rao_factor == 1.0 and st.mk_p_value == pytest.approx(plain.p, rel=1e-6), sid
            continue
        checked += 1
        corrected += st.hamed_rao_factor != 1.0
        assert st.mk_s == ref.s, sid
        assert st.mk_var_s_hamed_rao == pytest.approx(ref.var_s, rel=1e-9), sid
        assert st.mk_z == pytest.approx(ref.z, rel=1e-9, abs=1e-12), sid
        assert st.mk_p_value == pytest.approx(ref.p, rel=1e-6, abs=1e-12), sid
        assert st.direction == ref.trend, sid
        assert st.sen_slope_per_year == pytest.approx(ref.slope, rel=1e-9, abs=1e-9), sid
        sp = theilslopes(values, years, 0.95)
        if st.sen_slope_ci_low_per_year is not None:
            with_ci += 1
            assert st.sen_slope_ci_low_per_year == pytest.approx(sp.low_slope, rel=1e-12, abs=1e-12), sid
            assert st.sen_slope_ci_high_per_year == pytest.approx(sp.high_slope, rel=1e-12, abs=1e-12), sid
    assert checked > 500 and corrected >= 5 and with_ci == checked and uncorrectable < 10


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
    changing = reg.with_columns(reporting_countries=pl.Series(["DEU", "DEU", "DEU, FRA"]))
    notes = t.trend_summary(t.trend_points(t.regional_points(changing, None)))["notes"].to_list()
    assert all("reporting countries change between years (2 different sets)" in n for n in notes)


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
    corrected = 0
    for _ in range(400):
        n = int(rng.integers(5, 26))
        phi, drift = rng.uniform(-0.9, 0.95), rng.normal(0, 0.2)
        x = [0.0]
        for i in range(n - 1):
            x.append(phi * x[-1] + rng.normal() + drift * i)
        values = [round(v, int(rng.integers(0, 3))) for v in x]  # rounding makes ties
        st = t.segment_stats(list(range(2000, 2000 + n)), values)
        ref = mk.hamed_rao_modification_test(np.array(values))
        if not (math.isfinite(ref.var_s) and ref.var_s > 0) or any("not applied" in m for m in st.notes):
            continue  # pymannkendall returns nan or a non-positive variance; we fall back (documented)
        corrected += st.hamed_rao_factor != 1.0
        assert (st.mk_s, st.direction) == (ref.s, ref.trend)
        assert st.mk_var_s_hamed_rao == pytest.approx(ref.var_s, rel=1e-9)
        assert st.mk_p_value == pytest.approx(ref.p, rel=1e-6, abs=1e-12)
    assert corrected > 100


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
