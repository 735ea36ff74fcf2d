"""Figure builders on small frames: honest Convention views, trend panels with units and coverage,
distinct line styles, published regional figures, not-converted countries by name."""


import polars as pl
import pytest

from pipelines.indicators.convention import ict_split_by_region
from pipelines.reports import figures
from pipelines.reports.site import with_not_converted_names

YELLOW = "#F0E442"


# --- line styles -----------------------------------------------------------------------------------

def test_series_styles_stay_distinct_beyond_the_palette_and_lines_are_never_yellow() -> None:
    styles = [figures.series_style(i) for i in range(20)]
    keys = {(s["line"]["color"], s["line"]["dash"], s["marker"]["symbol"]) for s in styles}
    assert len(keys) == 20
    assert all(s["line"]["color"] != YELLOW and s["marker"]["color"] != YELLOW for s in styles)


def test_country_offence_chart_with_ten_categories_repeats_no_style() -> None:
    rows = pl.DataFrame({
        "category": [f"Category {i}" for i in range(10) for _ in (2019, 2020)],
        "year": [y for _ in range(10) for y in (2019, 2020)],
        "offences_per_100k_population_unodc": [float(i + 1) for i in range(20)],
        "offences_count": [10.0] * 20, "offences_per_100k_population_wb": [1.0] * 20, "release": ["r"] * 20,
    })
    chart = figures.offence_rates_chart(rows, "ALB")
    looks = [(t["line"]["color"], t["line"]["dash"], t["marker"]["symbol"]) for t in chart.figure["data"]]
    assert len(looks) == 10 and len(set(looks)) == 10
    assert YELLOW not in str(chart.figure["data"])


# --- Convention article views --------------------------------------------------------------------

def _conv_row(area_type: str, code: str, year: int, articles: str, count: float, non_ict: bool, cats: str,
              region: str = "150", region_name: str = "Europe", in_region: int | None = None,
              countries: str | None = None) -> dict:
    return {"area_type": area_type, "area_code": code, "area_name": region_name if area_type == "region" else code,
            "country_iso3": None if area_type == "region" else code,
            "region_code": region, "region_name": region_name, "year": year, "convention_articles": articles,
            "convention_offence": {"13": "ICT system-related theft or fraud", "7": "Illegal access"}[articles],
            "source_id": "unodc_cts", "measure": "offences", "recorded_count": count, "categories_counted": cats,
            "worst_mapping_confidence": "exact", "includes_non_ict_offences": non_ict,
            "countries_in_region": in_region, "reporting_countries": countries if area_type == "region" else code,
            "countries_reporting": len(countries.split(", ")) if countries else 1}


@pytest.fixture
def convention_rows() -> pl.DataFrame:
    rows = []
    for year, scale in ((2017, 1), (2018, 2)):
        europe, asia, world = ({"region": "150", "region_name": "Europe", "in_region": 52},
                               {"region": "142", "region_name": "Asia", "in_region": 51},
                               {"region": "001", "region_name": "World", "in_region": 249})
        rows += [
            # AAA reports the cyber-related part of fraud; BBB only all fraud (mostly not ICT-related).
            _conv_row("country", "AAA", year, "13", 100.0 * scale, False, "Fraud: Cyber-related (Cy)"),
            _conv_row("country", "BBB", year, "13", 90000.0 * scale, True, "Fraud"),
            _conv_row("country", "AAA", year, "7", 40.0 * scale, False, "Unlawful access to a computer system"),
            _conv_row("country", "CCC", year, "7", 5.0, False, "Unlawful access to a computer system",
                      region="142", region_name="Asia"),
            # Region rows as the mart has them: ICT-specific and non-ICT series in separate rows.
            _conv_row("region", "150", year, "13", 100.0 * scale, False, "Fraud: Cyber-related (Cy)",
                      countries="AAA", **europe),
            _conv_row("region", "150", year, "13", 90000.0 * scale, True, "Fraud", countries="BBB", **europe),
            _conv_row("region", "150", year, "7", 40.0 * scale, False, "Unlawful access to a computer system",
                      countries="AAA", **europe),
            _conv_row("region", "142", year, "7", 5.0, False, "Unlawful access to a computer system",
                      countries="CCC", **asia),
            _conv_row("region", "001", year, "13", 100.0 * scale, False, "Fraud: Cyber-related (Cy)",
                      countries="AAA", **world),
            _conv_row("region", "001", year, "13", 90000.0 * scale, True, "Fraud", countries="BBB", **world),
            _conv_row("region", "001", year, "7", 40.0 * scale + 5.0, False, "Unlawful access to a computer system",
                      countries="AAA, CCC", **world),
        ]
    return ict_split_by_region(pl.DataFrame(rows).with_columns(overlapping_article_groups=pl.lit(None, pl.String)),
                               ("unodc_cts",))


def test_convention_chart_keeps_non_ict_series_apart(convention_rows: pl.DataFrame) -> None:
    chart = figures.convention_article_chart(convention_rows, 2018)
    traces = chart.figure["data"]
    left = [t for t in traces if t["xaxis"] == "x"]
    right = [t for t in traces if t["xaxis"] == "x2"]
    assert sum(x for t in left for x in t["x"]) == 200 + 80 + 5  # ICT-specific series only
    assert sum(x for t in right for x in t["x"]) == 180000  # all recorded fraud, drawn apart
    assert right and all(t["marker"].get("pattern", {}).get("shape") == "/" for t in right)
    panels = " ".join(a["text"] for a in chart.figure["layout"]["annotations"])
    assert "ICT-specific series" in panels and "including non-ICT offences" in panels
    # The summary says which part is which, and never calls the fraud total a Convention offence count.
    assert "Art. 13 (ICT system-related theft or fraud): 200 offences from ICT-specific series (1 countries)" \
        in chart.summary
    assert "180,000 from series that include non-ICT offences (1 countries: Fraud)" in chart.summary
    europe = chart.table.filter(pl.col("region_name") == "Europe", pl.col("convention_articles") == "13").row(
        0, named=True)
    assert (europe["ict_count"], europe["non_ict_count"], europe["total_count"]) == (200, 180000, 180200)
    assert chart.table_headers["non_ict_count"] == "Offences, series including non-ICT offences"


def test_convention_chart_shows_overlapping_groups_when_the_mart_has_them(convention_rows: pl.DataFrame) -> None:
    rows = convention_rows.with_columns(overlapping_article_groups=pl.when(pl.col("convention_articles") == "13")
                                        .then(pl.lit("12;13")).otherwise(None))  # as the mart carries it
    chart = figures.convention_article_chart(rows, 2018)
    assert "overlapping_article_groups" in chart.table_headers
    assert "overlaps 12;13" in chart.summary
    assert "overlapping_article_groups" not in figures.convention_article_chart(convention_rows, 2018).table_headers


def test_convention_by_year_has_every_year_region_and_the_countries_behind_it(convention_rows) -> None:
    chart = figures.convention_by_year_chart(convention_rows)
    heatmaps = chart.figure["data"]
    assert [t["type"] for t in heatmaps] == ["heatmap"] * 3  # World, Asia, Europe
    assert heatmaps[0]["x"] == [2017, 2018]
    assert "Art. 13 · incl. non-ICT" in heatmaps[0]["y"] and "Art. 13 · ICT-specific" in heatmaps[0]["y"]
    # Tick labels give the countries reporting any mapped offence under each year (World: 3).
    assert chart.figure["layout"]["xaxis"]["ticktext"] == ["2017<br>3", "2018<br>3"]
    world = chart.table.filter(pl.col("region_name") == "World", pl.col("convention_articles") == "13")
    assert world.select("year", "part", "recorded_count").sort("year", "part").rows() == [
        (2017, figures.ICT_PART, 100.0), (2017, figures.NON_ICT_PART, 90000.0),
        (2018, figures.ICT_PART, 200.0), (2018, figures.NON_ICT_PART, 180000.0)]


# --- trends ----------------------------------------------------------------------------------------

def _segment(area: str, series: str, units: str, slope: float | None, series_id: str | None = None) -> dict:
    return {"series_id": series_id or f"f|{area}|{series}", "area_code": area[:3].upper(), "area_name": area,
            "series_name": series, "segment": 1, "segments_in_series": 1, "units": units, "first_year": 2018,
            "last_year": 2022, "points": 5, "sen_slope_per_year": slope, "sen_slope_ci_low_per_year": None,
            "sen_slope_ci_high_per_year": None, "relative_slope_per_year": None, "mk_p_value": 0.01,
            "direction": "increasing", "cagr": None}


def _points(trends: pl.DataFrame, scale: float = 1.0) -> pl.DataFrame:
    return pl.DataFrame([{"series_id": s["series_id"], "area_code": s["area_code"], "series_name": s["series_name"],
                          "segment": 1, "year": y, "value": scale * (y - 2017)}
                         for s in trends.iter_rows(named=True) for y in range(2018, 2023)])


@pytest.mark.parametrize("value,units,expected", [
    (1.01e8, "AUD, nominal (local currency)", "AUD 101 m per year"),
    (-6e6, "GBP, nominal (local currency)", "GBP -6 m per year"),
    (2.73e9, "USD, nominal", "US$2.73 bn per year"),
    (0.52, "offences per 100,000 World Bank population of the reporting countries",
     "0.52 per 100,000 population per year"),
    (1234.0, "complaints (count)", "1,234 complaints per year"),
])
def test_slopes_carry_their_unit(value: float, units: str, expected: str) -> None:
    assert figures.format_value(value, units, per_year=True) == expected


def test_trend_panels_have_units_and_no_mode_bar() -> None:
    trends = pl.DataFrame([_segment("Australia", "accc_combined", "AUD, nominal (local currency)", 1.01e8),
                           _segment("Japan", "npa_special_fraud", "JPY, nominal (local currency)", 2e9)])
    chart = figures.trend_small_multiples(trends, _points(trends, 1e8), "t", "Losses")
    layout = chart.figure["layout"]
    assert layout["yaxis"]["title"]["text"] == "AUD, nominal" and layout["yaxis2"]["title"]["text"] == "JPY, nominal"
    assert layout["xaxis"]["title"]["text"] == "Year"
    assert "Sen's slope AUD 101 m per year" in chart.summary and "JPY 2 bn per year" in chart.summary
    assert chart.config == {"displayModeBar": False}
    assert "AUD 100 m" in chart.figure["data"][0]["text"][0]  # hover states the unit


def test_long_panel_labels_are_wrapped_and_stay_distinct() -> None:
    names = ["Offences of sexual nature: Child pornography",
             "Offences of sexual nature: Child pornography: Cyber-related",
             "Offences: Unlawful interference with a computer system or computer data, a very long series name "
             "that runs on beyond two lines of text in a small panel heading (version A)",
             "Offences: Unlawful interference with a computer system or computer data, a very long series name "
             "that runs on beyond two lines of text in a small panel heading (version B)"]
    trends = pl.DataFrame([_segment("Eastern Europe", n, "offences per 100,000 population", 0.1, f"s{i}")
                           for i, n in enumerate(names)] + [_segment("Europe", names[0], "per 100,000", 0.1, "s9")])
    chart = figures.trend_small_multiples(trends, _points(trends), "t", "Rates")
    heads = [a["text"] for a in chart.figure["layout"]["annotations"]]
    series_lines = [h.split("</b><br>")[1].split("<br><i>")[0] for h in heads]
    assert len(set(series_lines)) == 4  # the two versions differ although they share 150 characters
    assert all(len(line) <= 50 for h in series_lines for line in h.split("<br>"))
    assert all(n in chart.summary for n in names)  # full names in the accessible summary


def test_regional_panels_show_coverage_and_say_when_the_reporting_set_changes() -> None:
    trends = pl.DataFrame([_segment("Europe", "Offences: Fraud", "offences per 100,000 population", 1.0,
                                    "r|region:150|Offences: Fraud")]).with_columns(area_code=pl.lit("region:150"))
    points = _points(trends)
    coverage = pl.DataFrame({
        "area_code": ["region:150"] * 5, "series_name": ["Offences: Fraud"] * 5, "year": list(range(2018, 2023)),
        "countries_reporting": [10, 10, 11, 11, 11], "countries_in_region": [52] * 5,
        "population_coverage_share": [0.6, 0.6, 0.7, 0.7, 0.7],
        "reporting_countries": ["AUT, BEL"] * 2 + ["AUT, BEL, ALB"] * 3})
    chart = figures.trend_small_multiples(trends, points, "t", "Rates", coverage=coverage)
    hover = chart.figure["data"][0]["text"]
    assert "10 of 52 countries reporting, 60% of population" in hover[0]
    assert "reporting countries changed: +ALB" in hover[2]
    # Lines break in the hover box: the break is markup, the text in between is escaped.
    assert hover[2].count("<br>") == 2 and "&lt;br&gt;" not in hover[2]
    assert chart.figure["data"][0]["marker"]["symbol"][2] == "diamond-open"
    assert "Europe, Offences: Fraud: 2020 (+ALB)" in chart.summary
    table = chart.more_tables[0].frame
    assert table.select("year", "countries_reporting", "reporting_change").rows()[1:3] == [
        (2019, 10, ""), (2020, 11, "+ALB")]


# --- published regional figures and not-converted countries ----------------------------------------

def test_published_regional_figures_show_ranges_and_publishers() -> None:
    published = pl.DataFrame({
        "area_code": ["R_ASIA", "R_WORLD"], "area_name": ["East and Southeast Asia", "World"], "year": [2023, 2024],
        "period_label": ["2023", "12 months"], "value_type": ["estimate", "estimate"], "revision": ["a", "a"],
        "loss_usd_nominal": [None, 1.03e12], "loss_usd_nominal_low": [1.8e10, None],
        "loss_usd_nominal_high": [3.7e10, None], "loss_lcu": [None, 1.03e12], "loss_lcu_low": [1.8e10, None],
        "loss_lcu_high": [3.7e10, None], "currency_code": ["USD", "USD"], "publisher": ["UNODC <b>", "GASA"],
        "publication": ["Report A", "Report B"], "conversion_note": [None, None], "notes": [None, None]})
    chart = figures.published_regional_chart(published)
    ranges = next(t for t in chart.figure["data"] if t["name"].startswith("published range"))
    assert ranges["x"][:2] == [1.8e10, 3.7e10]
    assert chart.figure["layout"]["xaxis"]["type"] == "log"
    assert "range US$18.00 bn to US$37.00 bn" in chart.summary and "US$1.03 tn (estimate, GASA" in chart.summary
    assert "UNODC &lt;b&gt;" in str(ranges["customdata"])  # publisher text is escaped for plotly


def test_not_converted_countries_are_named_with_their_figure_in_its_own_currency_and_the_reason() -> None:
    losses = pl.DataFrame({"country_iso3": ["NGA", "GBR"], "year": [2024, 2024], "is_preferred": [True, True],
                           "loss_usd_nominal": [None, None], "loss_lcu": [52_260_000_000.0, None],
                           "loss_lcu_low": [None, 1e9], "loss_lcu_high": [None, 2e9], "currency_code": ["NGN", "GBP"],
                           "conversion_note": ["no NGN per USD rate for 2024; shown in NGN", "no GBP"]})
    regional = pl.DataFrame({"region_level": ["world", "region", "region"], "year": [2024, 2024, 2024],
                             "not_converted_countries": ["GBR, NGA", "NGA", None]})
    named = with_not_converted_names(regional, losses, {"NGA": "Nigeria", "GBR": "United Kingdom <b>"})
    nga = "Nigeria (NGA): NGN 52,260,000,000; no NGN per USD rate for 2024; shown in NGN"
    assert named["not_converted_names"].to_list() == [
        "United Kingdom <b> (GBR): GBP 1,000,000,000 to 2,000,000,000; no GBP; " + nga,  # escaped by the template
        nga, None]


# --- Flags ---------------------------------------------------------------------------------------

def test_flagged_points_are_marked_on_the_chart_in_its_table_and_its_text() -> None:
    rows = pl.DataFrame({
        "category": ["Fraud"] * 3, "year": [2019, 2021, 2022],
        "offences_per_100k_population_unodc": [34.3, 272.9, 276.3],
        "offences_count": [112_700.0, 906_018.0, 920_555.0], "offences_per_100k_population_wb": [34.0, 273.0, 276.0],
        "release": ["r"] * 3, "flags": ["", "b", ""], "flag_notes": [None, "break: NIBRS", None],
    })
    chart = figures.offence_rates_chart(rows, "USA")
    [labels] = [t for t in chart.figure["data"] if t.get("mode") == "text"]
    assert labels["x"] == [2021] and labels["y"] == [272.9] and labels["text"] == ["<b>b</b>"]
    assert labels["hoverinfo"] == "skip" and labels["showlegend"] is False
    assert chart.table["flags"].to_list() == ["", "b", ""] and chart.table_headers["flags"] == "Flags"
    assert "Fraud 2021 b (break in series)" in chart.summary
    unflagged = figures.offence_rates_chart(rows.with_columns(flags=pl.lit("")), "USA")
    assert not [t for t in unflagged.figure["data"] if t.get("mode") == "text"]
    assert "Flags" not in unflagged.summary


def test_trend_points_carry_their_flags_into_hover_and_labels() -> None:
    trends = pl.DataFrame([_segment("Australia", "accc_combined", "AUD, nominal (local currency)", 1.01e8)])
    points = _points(trends, 1e8)
    flagged = points.with_columns(flags=pl.when(pl.col("year") == points["year"].max()).then(pl.lit("b"))
                                  .otherwise(pl.lit("")))
    chart = figures.trend_small_multiples(trends, flagged, "t", "Losses")
    [labels] = [t for t in chart.figure["data"] if t.get("mode") == "text"]
    assert labels["x"] == [points["year"].max()] and labels["xaxis"] == "x"
    assert "flags: b (break in series)" in chart.figure["data"][0]["text"][-1]
    assert "Letters above points are flags" in chart.summary


def test_convention_status_chart_steps_through_dated_evidence_with_its_table() -> None:
    from datetime import date

    from pipelines.reports.figures import CONVENTION_STATUS_HEADERS, convention_status_chart

    over_time = pl.DataFrame({
        "as_of_date": [date(2025, 10, 25), date(2025, 10, 26), date(2026, 2, 10)],
        "signatories_verified": [30, 72, 72], "signatures_listed_verified": [30, 30, 30],
        "ratifications_verified": [0, 0, 0], "ratifications_still_needed": [40, 40, 40],
        "signatures_reported_not_verified": [1, 1, 1], "ratification_steps_not_counted": [0, 0, 1],
        "days_until_signature_closes": [432, 431, 324], "evidence_on_date": ["a", "b", "<c>"]})
    chart = convention_status_chart(over_time, 40, date(2026, 12, 31))
    signatories, ratifications, steps = chart.figure["data"]
    assert signatories["y"] == [30, 72, 72] and signatories["line_shape"] == "hv"
    assert ratifications["y"] == [0, 0, 0] and steps["y"] == [0, 0, 1] and steps["line"]["dash"] == "dot"
    assert "never counted" in steps["name"]
    layout = chart.figure["layout"]
    assert [s["y0"] for s in layout["shapes"] if s["yref"] == "y"] == [40]  # the 40 needed
    assert layout["xaxis"]["range"] == ["2025-10-25", "2026-12-31"]  # up to the close of signature
    assert "2025-10-25 30, 2025-10-26 72" in chart.summary and "0 of 40 needed" in chart.summary
    assert chart.table.columns == list(CONVENTION_STATUS_HEADERS)
    empty = convention_status_chart(over_time.clear(), 40, None)
    assert empty.summary == "No dated evidence." and len(empty.figure["layout"]["shapes"]) == 1
