"""Series selection: one preferred figure per country and year, by the documented rules."""

import polars as pl

from pipelines.indicators.series import headline_series, select_preferred, significant_digits

DESIGNATED = pl.DataFrame({"country_iso3": ["USA", "VNM"], "series": ["ic3", None]})


def rows(*specs: dict) -> pl.DataFrame:
    base = {"country_iso3": "USA", "year": 2024, "series": "ic3", "value": 1.0, "value_type": "reported",
            "period_type": "calendar_year", "revision": "as_published", "publication": "Annual report",
            "source_file": "f.csv", "source_row": 2}
    return pl.DataFrame([{**base, **s} for s in specs])


def preferred(df: pl.DataFrame) -> list[float]:
    out = select_preferred(df, DESIGNATED)
    return out.filter(pl.col("is_preferred"))["value"].to_list()


def test_headline_series_beats_a_broader_overlapping_series() -> None:
    assert preferred(rows({"series": "ftc", "value": 12.5}, {"value": 16.6, "source_row": 3})) == [16.6]


def test_reported_over_estimate_and_full_year_over_partial() -> None:
    df = rows({"value": 2.0, "value_type": "estimate"}, {"value": 1.8, "source_row": 3},
              {"value": 0.5, "period_type": "partial_year", "source_row": 4})
    out = select_preferred(df, DESIGNATED)
    assert out.filter(pl.col("is_preferred"))["value"].to_list() == [1.8]
    notes = dict(zip(out["value"], out["selection_note"], strict=True))
    assert "estimate" in notes[2.0] and "partial_year" in notes[0.5]


def test_restated_over_first_published_and_final_over_provisional() -> None:
    assert preferred(rows({"value": 633.3, "revision": "first_published"},
                          {"value": 632.0, "revision": "restated", "source_row": 3})) == [632.0]
    assert preferred(rows({"value": 72.15, "revision": "provisional"},
                          {"value": 71.88, "revision": "final", "source_row": 3})) == [71.88]


def test_publisher_page_over_news_summary() -> None:
    assert preferred(rows({"value": 96.2, "publication": "Top 10 frauds (news summary)"},
                          {"value": 98.0, "publication": "RCMP statement", "source_row": 3})) == [98.0]


def test_ties_are_broken_by_source_order_and_said() -> None:
    out = select_preferred(rows({"value": 567.0}, {"value": 554.0, "source_row": 3}), DESIGNATED)
    best = out.filter(pl.col("is_preferred")).to_dicts()
    assert [b["value"] for b in best] == [567.0] and "tie" in best[0]["selection_note"]


def test_one_preferred_per_country_year_at_most() -> None:
    df = rows(*[{"year": y, "value": float(v), "source_row": i} for i, (y, v) in enumerate(
        [(2022, 1), (2022, 2), (2023, 3), (2024, 4), (2024, 5)])])
    out = select_preferred(df, DESIGNATED)
    assert out.filter(pl.col("is_preferred")).group_by("year").len()["len"].max() == 1
    assert out.height == df.height  # alternatives are kept


def test_undesignated_country_with_one_series_and_with_several() -> None:
    one = rows({"country_iso3": "HKG", "series": "hkpf"})
    assert preferred(one) == [1.0]
    several = rows({"country_iso3": "NLD", "series": "a"}, {"country_iso3": "NLD", "series": "b", "source_row": 3})
    out = select_preferred(several, DESIGNATED)
    assert not out["is_preferred"].any()
    assert out["selection_note"].str.contains("none designated").all()


def test_a_country_designated_with_no_series_gets_none() -> None:
    out = select_preferred(rows({"country_iso3": "VNM", "series": "mps"}), DESIGNATED)
    assert not out["is_preferred"].any()
    heads = headline_series(rows({"country_iso3": "VNM", "series": "mps"}), DESIGNATED)
    assert heads["headline_series"].to_list() == [None]


def test_significant_digits() -> None:
    assert significant_digits(98_000_000) == 2
    assert significant_digits(96_163_328.64) == 10
    assert significant_digits(16.6e9) == 3
    assert significant_digits(20_877_000_000) == 5
    assert significant_digits(0.0) == 0 and significant_digits(None) is None
    assert significant_digits(46_465) == 5 and significant_digits(1.8e9) == 2


def test_exact_figure_over_a_rounded_one_of_the_same_grade() -> None:
    """Canada 2019: CAFC's exact 96,163,328.64 over the RCMP's rounded 98m, both read in news pages."""
    df = rows({"value": 98_000_000.0, "source_grade": "secondary", "publication": "RCMP statement (MySteinbach)"},
              {"value": 96_163_328.64, "source_grade": "secondary", "source_row": 3,
               "publication": "CAFC top 10 frauds of 2019 (news summary)"})
    out = select_preferred(df, DESIGNATED)
    assert out.filter(pl.col("is_preferred"))["value"].to_list() == [96_163_328.64]
    note = out.filter(~pl.col("is_preferred"))["selection_note"][0]
    assert note == ("alternative: a rounded figure (2 significant digits); the preferred one, 96163328.64, is exact "
                    "(10 significant digits)")


def test_source_grade_ranks_before_exactness() -> None:
    df = rows({"value": 96_163_328.64, "source_grade": "secondary"},
              {"value": 98_000_000.0, "source_grade": "verified", "source_row": 3})
    out = select_preferred(df, DESIGNATED)
    assert out.filter(pl.col("is_preferred"))["value"].to_list() == [98_000_000.0]
    assert out.filter(~pl.col("is_preferred"))["selection_note"][0] == \
        "alternative: source grade secondary; the preferred figure's is verified"
    # The grade wins over what the publication text says; revision wins over the grade.
    assert preferred(rows({"value": 1.0, "source_grade": "transcribed", "publication": "the report"},
                          {"value": 2.0, "source_grade": "verified", "publication": "news summary",
                           "source_row": 3})) == [2.0]
    assert preferred(rows({"value": 1.0, "source_grade": "verified", "revision": "first_published"},
                          {"value": 2.0, "source_grade": "secondary", "revision": "restated",
                           "source_row": 3})) == [2.0]


def test_two_rounded_figures_of_equal_grade_tie_and_source_order_decides() -> None:
    out = select_preferred(rows({"value": 567_000_000.0, "source_grade": "secondary"},
                                {"value": 554_000_000.0, "source_grade": "secondary", "source_row": 3}), DESIGNATED)
    best = out.filter(pl.col("is_preferred")).to_dicts()
    assert [b["value"] for b in best] == [567_000_000.0]
    assert "tie with another figure of the same rank (554000000.0)" in best[0]["selection_note"]
    assert out.filter(~pl.col("is_preferred"))["selection_note"][0] == \
        "alternative: a figure of equal rank later in source order"


def test_canada_2019_prefers_cafcs_exact_figure_in_the_bundled_data() -> None:
    from pipelines.sources import national_figures
    from tests.conftest import BUNDLED

    path = next((BUNDLED / "sources" / "national_figures").rglob("national_headline_figures.csv"))
    obs = national_figures.read(path, f"sources/national_figures/x/{path.name}", "x")
    losses = obs.filter(pl.col("measure") == "loss", pl.col("country_iso3") == "CAN")
    out = select_preferred(losses, pl.DataFrame({"country_iso3": ["CAN"], "series": ["cafc"]}))
    assert out.filter(pl.col("is_preferred"), pl.col("year") == 2019)["value"].to_list() == [96_163_328.64]
