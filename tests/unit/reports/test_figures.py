"""Figure builders on small frames."""

import polars as pl

from pipelines.reports import figures

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
