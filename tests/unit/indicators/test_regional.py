"""Regional sums say how much stands behind them; unknowns stay unknown; parts add up to wholes."""

import polars as pl
import pytest

from pipelines.indicators.breaks import REGISTER_COLUMNS, empty_register
from pipelines.indicators.regional import (
    ordered_sum,
    publishable_violations,
    region_members,
    regional_losses,
    regional_offences,
    regional_offences_panel,
    sum_of_parts_mismatches,
)
from pipelines.indicators.trends import regional_points, trend_points, trend_summary

AREAS = pl.DataFrame({
    "area_code": ["AAA", "BBB", "CCC", "GBR", "GBR_E_W", "GBR_S", "GBR_NI", "IRQ", "IRQ_C", "VAT", "XKX"],
    "country_iso3": ["AAA", "BBB", "CCC", "GBR", "GBR", "GBR", "GBR", "IRQ", "IRQ", "VAT", "XKX"],
    "area_type": ["country", "country", "country", "country", "subnational", "subnational", "subnational",
                  "country", "subnational", "country", "territory"],
    "region_code": ["002", "002", "019", "150", "150", "150", "150", "142", "142", "150", "150"],
    "region_name": ["Africa", "Africa", "Americas", "Europe", "Europe", "Europe", "Europe", "Asia", "Asia", "Europe",
                    "Europe"],
    "subregion_code": ["015", "202", "021", "154", "154", "154", "154", "145", "145", "039", "039"],
    "subregion_name": ["Northern Africa", "Sub-Saharan Africa", "Northern America", "Northern Europe",
                       "Northern Europe", "Northern Europe", "Northern Europe", "Western Asia", "Western Asia",
                       "Southern Europe", "Southern Europe"],
})
POP = pl.DataFrame({"country_iso3": ["AAA", "BBB", "CCC", "GBR", "IRQ", "XKX"], "year": 2024,
                    "population": [60.0, 40.0, 100.0, 68.0, 45.0, 2.0]}, schema_overrides={"year": pl.Int32})


def losses(*specs: dict) -> pl.DataFrame:
    base = {"country_iso3": "AAA", "year": 2024, "loss_usd_nominal": 10.0, "loss_usd_constant": 11.0,
            "usd_constant_base_year": 2024, "is_preferred": True}
    return pl.DataFrame([{**base, **s} for s in specs], schema_overrides={"year": pl.Int32})


def row(df: pl.DataFrame, level: str, code: str, **where) -> dict:
    sub = df.filter(pl.col("region_level") == level, pl.col("region_code") == code)
    for k, v in where.items():
        sub = sub.filter(pl.col(k) == v)
    [out] = sub.to_dicts()
    return out


def test_members_at_every_level_exclude_subnational_parts() -> None:
    m = region_members(AREAS)
    assert m.filter(pl.col("region_level") == "world").height == 7  # 5 countries, the Holy See and Kosovo
    assert m.filter(pl.col("region_code") == "039")["country_iso3"].sort().to_list() == ["VAT", "XKX"]
    assert set(m.filter(pl.col("region_level") == "subregion")["parent_region_code"]) == {"002", "019", "150",
                                                                                          "142"}


def test_coverage_and_publishable_rule_at_each_level() -> None:
    out = regional_losses(losses({}), AREAS, POP, 0.5)
    africa = row(out, "region", "002")
    assert (africa["countries_reporting"], africa["countries_in_region"]) == (1, 2)
    assert africa["population_coverage_share"] == pytest.approx(0.6) and africa["is_publishable"]
    assert africa["parent_region_code"] == "001"
    north = row(out, "subregion", "015")
    assert north["population_coverage_share"] == pytest.approx(1.0) and north["parent_region_code"] == "002"
    world = row(out, "world", "001")
    assert world["population_coverage_share"] == pytest.approx(60 / 315) and not world["is_publishable"]
    assert world["parent_region_code"] is None and world["countries_in_region"] == 7
    assert regional_losses(losses({}), AREAS, POP, 0.7).filter(pl.col("is_publishable")).height == 1  # configurable
    assert africa["loss_usd_nominal_per_capita_wb_reporting"] == pytest.approx(10 / 60)


def test_alternatives_are_never_summed_and_parts_add_up() -> None:
    out = regional_losses(losses({}, {"loss_usd_nominal": 99.0, "is_preferred": False},
                                 {"country_iso3": "BBB", "loss_usd_nominal": 5.0}, {"country_iso3": "CCC"}),
                          AREAS, POP, 0.5)
    assert row(out, "region", "002")["loss_usd_nominal"] == 15.0
    assert row(out, "world", "001")["loss_usd_nominal"] == 25.0
    cols = {"loss_usd_nominal": "any", "loss_usd_constant": "any", "countries_reporting": "any",
            "population_reporting": "all"}
    assert sum_of_parts_mismatches(out, cols, ["year"]).height == 0
    tampered = out.with_columns(loss_usd_nominal=pl.when(pl.col("region_level") == "world").then(26.0)
                                .otherwise(pl.col("loss_usd_nominal")))
    bad = sum_of_parts_mismatches(tampered, cols, ["year"])
    assert bad.select("region_level", "column", "whole_value", "parts_sum").rows() == [
        ("world", "loss_usd_nominal", 26.0, 25.0)]


def test_unconverted_figures_and_missing_population_are_not_zero() -> None:
    out = regional_losses(losses({"loss_usd_nominal": None, "loss_usd_constant": None}), AREAS, POP, 0.5)
    africa = row(out, "region", "002")
    assert africa["loss_usd_nominal"] is None and africa["countries_not_converted"] == 1
    assert not africa["is_publishable"]
    later = regional_losses(losses({"year": 2025}), AREAS, POP, 0.5)
    assert row(later, "region", "002")["population_coverage_share"] is None
    assert not later["is_publishable"].any()
    assert sum_of_parts_mismatches(later, {"population_reporting": "all"}, ["year"]).height == 0


def test_publishable_violations() -> None:
    out = regional_losses(losses({}), AREAS, POP, 0.5)
    assert publishable_violations(out).height == 0
    lying = out.with_columns(is_publishable=pl.lit(True))
    assert publishable_violations(lying).height == out.height - 2  # Africa and Northern Africa are honest


def offences(*specs: dict) -> pl.DataFrame:
    base = {"area_code": "AAA", "area_name": "A", "country_iso3": "AAA", "area_type": "country",
            "indicator": "Offences", "dimension": "by type of offence", "category": "Fraud", "sex": "Total",
            "age": "Total", "year": 2024, "offences_count": 30.0, "release": "2024-05-16"}
    return pl.DataFrame([{**base, **s} for s in specs], schema_overrides={"year": pl.Int32})


def test_offence_rates_are_sums_over_reporting_population_never_averages() -> None:
    df = offences({}, {"area_code": "BBB", "country_iso3": "BBB", "offences_count": 4.0},
                  {"category": "Fraud: Cyber-related (Cy)", "offences_count": 3.0})
    out = regional_offences(df, AREAS, POP, 0.5)
    fraud = row(out, "region", "002", category="Fraud")
    assert fraud["offences_count"] == 34.0 and fraud["population_wb_reporting"] == 100.0
    assert fraud["offences_per_100k_population_wb"] == pytest.approx(34 / 100 * 1e5)  # not mean(50e3, 10e3)
    assert fraud["countries_reporting"] == 2 and fraud["population_coverage_share"] == 1.0
    cyber = row(out, "region", "002", category="Fraud: Cyber-related (Cy)")
    assert cyber["offences_count"] == 3.0  # a child category is never added to its parent
    assert sum_of_parts_mismatches(out, {"offences_count": "any", "population_wb_reporting": "any"},
                                   ["indicator", "dimension", "category", "year"]).height == 0


def test_uk_counts_only_when_all_three_parts_report() -> None:
    parts = [{"area_code": c, "country_iso3": "GBR", "area_type": "subnational", "offences_count": n}
             for c, n in (("GBR_E_W", 100.0), ("GBR_S", 10.0), ("GBR_NI", 1.0))]
    full = row(regional_offences(offences(*parts), AREAS, POP, 0.5), "subregion", "154")
    assert full["offences_count"] == 111.0 and full["population_wb_reporting"] == 68.0
    assert full["reporting_countries"] == "GBR" and full["areas_summed"] == "GBR_E_W + GBR_NI + GBR_S"
    assert full["countries_reporting"] == 1 and full["areas_excluded"] is None
    partial = regional_offences(offences(*parts[:2], {"area_code": "XKX", "country_iso3": "XKX",
                                                      "area_type": "territory"}), AREAS, POP, 0.5)
    europe = row(partial, "region", "150")
    assert europe["reporting_countries"] == "XKX" and europe["offences_count"] == 30.0
    assert "GBR_E_W + GBR_S (2 of the 3 parts of GBR reported" in europe["areas_excluded"]
    assert partial.filter(pl.col("region_code") == "154").height == 0  # no UK, nothing reported there


def test_central_iraq_is_not_iraq_and_areas_without_population_are_left_out() -> None:
    df = offences({"area_code": "IRQ_C", "area_name": "Iraq (Central Iraq)", "country_iso3": "IRQ",
                   "area_type": "subnational"},
                  {"area_code": "VAT", "country_iso3": "VAT", "offences_count": 2.0},
                  {"area_code": "XKX", "country_iso3": "XKX", "area_type": "territory"})
    out = regional_offences(df, AREAS, POP, 0.5)
    assert out.filter(pl.col("region_code") == "142").height == 0
    world = row(out, "world", "001")
    assert world["offences_count"] == 30.0 and world["population_wb_reporting"] == 2.0
    assert "IRQ_C (Iraq (Central Iraq): part of IRQ, not the country)" in world["areas_excluded"]
    assert "VAT (no World Bank population for the year)" in world["areas_excluded"]


def test_sex_or_age_breakdowns_and_missing_counts_are_not_aggregated() -> None:
    df = offences({}, {"sex": "Female", "offences_count": 5.0}, {"category": "Theft", "offences_count": None})
    out = regional_offences(df, AREAS, POP, 0.5)
    assert out["category"].unique().to_list() == ["Fraud"] and row(out, "world", "001")["offences_count"] == 30.0


def test_a_zero_count_is_a_report_not_a_gap() -> None:
    out = regional_offences(offences({"offences_count": 0.0}), AREAS, POP, 0.5)
    africa = row(out, "region", "002")
    assert africa["offences_count"] == 0.0 and africa["offences_per_100k_population_wb"] == 0.0
    assert africa["countries_reporting"] == 1 and africa["is_publishable"]



def test_ordered_sums_do_not_depend_on_the_order_of_the_rows() -> None:
    # 0.1 + 0.2 + 0.3 is 0.6000000000000001 in one order and 0.6 in another: a published figure
    # must not change in its last digit between two runs on the same inputs (regional losses add
    # converted USD figures in whatever order a parallel group_by delivers them).
    rows = [("AAA", 0.1), ("BBB", 0.2), ("CCC", 0.3)]
    sums = set()
    for order in (rows, rows[::-1], rows[1:] + rows[:1]):
        df = pl.DataFrame(order, schema=["country_iso3", "loss"], orient="row").with_columns(region=pl.lit("002"))
        sums.add(df.group_by("region").agg(ordered_sum("loss", "country_iso3"))["loss"].item())
    assert len(sums) == 1 and sums.pop() == pytest.approx(0.6)


def test_a_figure_without_usd_conversion_is_out_of_the_sum_and_of_its_coverage() -> None:
    out = regional_losses(losses({"country_iso3": "AAA", "loss_usd_nominal": 12.0},
                                 {"country_iso3": "BBB", "loss_usd_nominal": None, "loss_usd_constant": None},
                                 {"country_iso3": "CCC", "loss_usd_nominal": None, "loss_usd_constant": None}),
                          AREAS, POP, 0.5)
    africa = row(out, "region", "002")
    assert (africa["loss_usd_nominal"], africa["countries_reporting"], africa["countries_not_converted"]) \
        == (12.0, 1, 1)
    assert (africa["reporting_countries"], africa["not_converted_countries"]) == ("AAA", "BBB")
    # Numerator and denominator cover the same country: AAA's 60 people, not AAA's and BBB's 100.
    assert africa["population_reporting"] == 60.0 and africa["population_coverage_share"] == pytest.approx(0.6)
    assert africa["loss_usd_nominal_per_capita_wb_reporting"] == pytest.approx(0.2)
    assert not africa["is_publishable"]  # a known figure is missing from the sum
    # A region whose only figure could not be converted: nothing summed, nothing covered, and it says who.
    americas = row(out, "region", "019")
    assert americas["loss_usd_nominal"] is None and americas["countries_reporting"] == 0
    assert americas["population_reporting"] == 0 and americas["population_coverage_share"] == 0
    assert americas["not_converted_countries"] == "CCC" and americas["reporting_countries"] is None
    world = row(out, "world", "001")
    assert (world["countries_reporting"], world["not_converted_countries"]) == (1, "BBB, CCC")
    assert sum_of_parts_mismatches(out, {"loss_usd_nominal": "any", "countries_reporting": "any",
                                         "countries_not_converted": "any", "population_reporting": "all"},
                                   ["year"]).height == 0


# --- constant panels (issue 11 finding 3) --------------------------------------------------------

PANEL_AREAS = pl.DataFrame({
    "area_code": ["AAA", "BBB", "CCC", "DDD"], "country_iso3": ["AAA", "BBB", "CCC", "DDD"],
    "area_type": "country", "region_code": "150", "region_name": "Europe", "subregion_code": "155",
    "subregion_name": "Western Europe"})
YEARS = range(2015, 2023)
PANEL_POP = pl.DataFrame([{"country_iso3": c, "year": y, "population": p} for c, p in
                          (("AAA", 50.0), ("BBB", 30.0), ("CCC", 15.0), ("DDD", 5.0)) for y in YEARS],
                         schema_overrides={"year": pl.Int32})


def panel_offences(reports: dict[str, dict[int, float]]) -> pl.DataFrame:
    return offences(*[{"area_code": c, "country_iso3": c, "year": y, "offences_count": v}
                      for c, by_year in reports.items() for y, v in by_year.items()])


def europe(panel: pl.DataFrame) -> pl.DataFrame:
    return panel.filter(pl.col("region_level") == "region").sort("year")


def test_the_panel_is_the_countries_reporting_every_year_of_the_longest_adequate_window() -> None:
    steady = {y: 100.0 + y - 2015 for y in YEARS}
    reports = {"AAA": steady, "BBB": {y: 50.0 for y in YEARS if y != 2016},
               "CCC": {y: 10.0 for y in YEARS if y >= 2019}, "DDD": {2022: 1.0}}
    panel = europe(regional_offences_panel(panel_offences(reports), PANEL_AREAS, PANEL_POP, 0.5, empty_register()))
    # AAA reports every year and holds half the population: the window reaches 2015. BBB misses 2016,
    # CCC starts in 2019, DDD reports in 2022 only: none of them is in every year.
    assert panel["year"].to_list() == list(YEARS) and set(panel["panel_country_codes"]) == {"AAA"}
    row = panel.row(-1, named=True)
    assert (row["panel_countries"], row["panel_first_year"], row["panel_last_year"], row["panel_years"]) \
        == (1, 2015, 2022, 8)
    assert row["offences_count"] == 107.0 and row["offences_per_100k_population_wb"] == pytest.approx(107 / 50 * 1e5)
    assert row["population_coverage_share"] == pytest.approx(0.5)
    assert row["countries_left_out"] == ("BBB (no figure for 2016); CCC (no figure for 2015, 2016, 2017, 2018); "
                                         "DDD (no figure for 2015, 2016, 2017, 2018, 2019, 2020, 2021)")
    # With a stricter coverage rule AAA alone is not enough, and AAA + BBB only from 2017.
    strict = europe(regional_offences_panel(panel_offences(reports), PANEL_AREAS, PANEL_POP, 0.6, empty_register()))
    assert strict["year"].to_list() == list(range(2017, 2023)) and set(strict["panel_country_codes"]) == {"AAA, BBB"}
    assert strict["offences_count"][0] == 152.0


def test_a_country_whose_own_series_breaks_in_the_window_is_left_out() -> None:
    reports = {"AAA": {y: 1000.0 for y in YEARS}, "BBB": {y: 200.0 if y < 2019 else 900.0 for y in YEARS},
               "CCC": {y: 10.0 for y in YEARS}}
    detected = europe(regional_offences_panel(panel_offences(reports), PANEL_AREAS, PANEL_POP, 0.5, empty_register()))
    assert set(detected["panel_country_codes"]) == {"AAA, CCC"} and detected["panel_years"][0] == 8
    assert "BBB (break in its own series in 2019)" in detected["countries_left_out"][0]
    register = pl.DataFrame([{"series_family": "unodc_offences_count", "series_name": None, "area_code": "AAA",
                              "year": 2020, "kind": "recording system", "reason": "r", "source": "s",
                              "source_url": None}], schema=REGISTER_COLUMNS)
    both = europe(regional_offences_panel(panel_offences(reports), PANEL_AREAS, PANEL_POP, 0.5, register))
    # Without AAA (break in 2020) and BBB (shift in 2019) nothing reaches half the population before 2020.
    assert both["year"].to_list() == [2020, 2021, 2022] and set(both["panel_country_codes"]) == {"AAA, BBB, CCC"}


def test_no_publishable_year_no_panel() -> None:
    small = regional_offences_panel(panel_offences({"CCC": {y: 10.0 for y in YEARS}}), PANEL_AREAS, PANEL_POP, 0.5,
                                    empty_register())
    assert europe(small).height == 0


def test_panel_series_go_through_the_trend_functions_with_their_panel_size() -> None:
    reports = {"AAA": {y: 100.0 + 10 * (y - 2015) for y in YEARS}, "BBB": {y: 50.0 for y in YEARS if y != 2016}}
    panel = regional_offences_panel(panel_offences(reports), PANEL_AREAS, PANEL_POP, 0.5, empty_register())
    sums = regional_offences(panel_offences(reports), PANEL_AREAS, PANEL_POP, 0.5)
    pts = trend_points(regional_points(sums, None, panel), breaks=empty_register())
    summary = trend_summary(pts).filter(pl.col("area_code") == "region:150")
    by_family = {f: g for (f,), g in summary.group_by("series_family")}
    # The sum's reporting countries change (BBB leaves in 2016 and comes back): three segments, no trend test
    # across them; the panel (AAA) is one series of 8 years with a verdict.
    assert by_family["regional_offences_count"]["segment"].to_list() == [1, 2, 3]
    panel_count = by_family["regional_offences_count_panel"].row(0, named=True)
    assert (panel_count["points"], panel_count["panel_countries"], panel_count["panel_years"]) == (8, 1, 8)
    assert panel_count["direction"] == "increasing" and panel_count["mk_method"] == "exact"
    assert by_family["regional_offences_rate_wb_panel"]["direction"].to_list() == ["increasing"]
