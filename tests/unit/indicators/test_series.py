"""Series selection: one preferred figure per country and year, by the documented rules."""

import polars as pl

from pipelines.indicators.series import headline_series, select_preferred

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
