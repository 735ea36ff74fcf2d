"""The virtual-asset view: the share rule and one number per quantity (plain functions)."""

from datetime import date

import polars as pl
import pytest

from pipelines.indicators.virtual_assets import share_of_total, virtual_asset_figures
from pipelines.schema import conform


@pytest.mark.parametrize(("part", "total", "share"), [
    (11_366_669_732, 20_877_000_000, 11_366_669_732 / 20_877_000_000),
    (9_322_335_911, 16_600_000_000, 9_322_335_911 / 16_600_000_000),
    (5, 5, 1.0),
    (0, 10, 0.0),
    (None, 10, None),          # no part, no share
    (5, None, None),           # no total given by the publisher: never estimated
    (5, 0, None),
    (11, 10, None),            # larger than its total: not the same scope
])
def test_share_of_total(part, total, share) -> None:
    assert share_of_total(part, total) == share


def obs(**kw) -> dict:
    base = {"source_id": "national_figures", "release": "r", "dataset": "d", "area_code": "USA", "country_iso3": "USA",
            "area_type": "country", "area_name": "USA", "year": 2025, "period_label": "calendar year 2025",
            "period_start": date(2025, 1, 1), "period_end": date(2025, 12, 31), "period_type": "calendar_year",
            "indicator": "i", "category": "c", "measure": "loss", "unit": "currency", "currency": "USD",
            "value_type": "reported", "revision": "as_published", "publisher": "IC3", "source_grade": "verified",
            "source_file": "f.csv", "source_sha256": "0"}
    return {**base, **kw}


def frame(*rows: dict) -> pl.DataFrame:
    return conform(pl.DataFrame(list(rows), infer_schema_length=None))


def test_share_only_against_the_same_publishers_total_for_the_same_period_and_measure() -> None:
    rows = frame(
        obs(series="ic3_annual_total", value=20_877_000_000.0, source_id="fbi_ic3", source_row=9),
        obs(series="crypto", part_of_series="ic3_annual_total", asset_scope="virtual_assets",
            value=11_366_669_732.0, source_row=3),
        # victims: the publisher's total counts complaints, so no share
        obs(series="crypto", part_of_series="ic3_annual_total", asset_scope="virtual_assets", measure="victims",
            unit="count", currency=None, value=31_310.0, source_row=4),
        # another publisher's total of the same name is not this one's
        obs(series="ic3_annual_total", publisher="other", value=1e9, source_row=10),
        # a half-year part against a full-year total: no share
        obs(series="crypto", part_of_series="ic3_annual_total", asset_scope="virtual_assets", value=1e9,
            period_label="first half 2025", period_end=date(2025, 6, 30), period_type="partial_year", source_row=5),
    )
    out = virtual_asset_figures(rows.filter(pl.col("source_id") == "national_figures"), rows)
    got = {r["source_row"]: (r["total_value"], r["share"]) for r in out.to_dicts()}
    assert got == {3: (20_877_000_000.0, pytest.approx(0.544459, abs=1e-6)), 4: (None, None), 5: (None, None)}
    note = out.filter(pl.col("source_row") == 4)["comparable_note"][0]
    assert note.startswith("No share: the publisher gives no victims total of ic3_annual_total")
    assert "never added" in note


def test_one_preferred_figure_per_quantity_with_the_reason() -> None:
    rows = frame(
        obs(series="ic3_annual_total", value=20_877_000_000.0, source_row=9),
        obs(series="inv", part_of_series="ic3_annual_total", asset_scope="virtual_assets", value=7_228_000_000.0,
            period_label="calendar year 2025 (box)", source_row=5),
        obs(series="inv", part_of_series="ic3_annual_total", asset_scope="virtual_assets", value=7_277_868_919.0,
            period_label="calendar year 2025 (table)", source_row=6),
        obs(series="inv", part_of_series="ic3_annual_total", asset_scope="virtual_assets", value=7_300_000_000.0,
            period_label="calendar year 2025 (news)", source_grade="secondary", source_row=7),
    )
    out = virtual_asset_figures(rows).sort("source_row")
    assert out["is_preferred"].to_list() == [False, True, False]
    notes = out["selection_note"].to_list()
    assert notes[0].startswith("alternative: printed to 4 significant digits") and "7277868919" in notes[0]
    assert notes[2] == "alternative: source grade secondary; the preferred figure's is verified"
    # a figure without an asset scope is not in the view
    assert virtual_asset_figures(rows.with_columns(asset_scope=pl.lit(None, pl.String))).height == 0
