"""Regional sums say how much stands behind them; unknowns stay unknown."""

import polars as pl
import pytest

from pipelines.indicators.regional import regional_losses

AREAS = pl.DataFrame({"area_code": ["AAA", "BBB", "CCC"], "country_iso3": ["AAA", "BBB", "CCC"],
                      "area_type": "country", "region_code": ["002", "002", "019"],
                      "region_name": ["Africa", "Africa", "Americas"]})
POP = pl.DataFrame({"country_iso3": ["AAA", "BBB", "CCC"], "year": 2024, "population": [60.0, 40.0, 100.0]},
                   schema_overrides={"year": pl.Int32})


def losses(*specs: dict) -> pl.DataFrame:
    base = {"country_iso3": "AAA", "region_code": "002", "region_name": "Africa", "year": 2024,
            "loss_usd_nominal": 10.0, "loss_usd_constant": 11.0, "usd_constant_base_year": 2024, "is_preferred": True}
    return pl.DataFrame([{**base, **s} for s in specs], schema_overrides={"year": pl.Int32})


def test_coverage_and_publishable_rule() -> None:
    out = regional_losses(losses({}), AREAS, POP, 0.5)
    africa = out.filter(pl.col("region_code") == "002").to_dicts()[0]
    assert (africa["countries_reporting"], africa["countries_in_region"]) == (1, 2)
    assert africa["population_coverage_share"] == pytest.approx(0.6) and africa["is_publishable"]
    world = out.filter(pl.col("region_code") == "001").to_dicts()[0]
    assert world["population_coverage_share"] == pytest.approx(0.3) and not world["is_publishable"]


def test_alternatives_are_never_summed() -> None:
    out = regional_losses(losses({}, {"loss_usd_nominal": 99.0, "is_preferred": False}), AREAS, POP, 0.5)
    assert out.filter(pl.col("region_code") == "002")["loss_usd_nominal"][0] == 10.0


def test_unconverted_figures_and_missing_population_are_not_zero() -> None:
    out = regional_losses(losses({"loss_usd_nominal": None, "loss_usd_constant": None}), AREAS, POP, 0.5)
    africa = out.filter(pl.col("region_code") == "002").to_dicts()[0]
    assert africa["loss_usd_nominal"] is None and africa["countries_not_converted"] == 1
    assert not africa["is_publishable"]
    later = regional_losses(losses({"year": 2025}), AREAS, POP, 0.5).filter(pl.col("region_code") == "002")
    assert later["population_coverage_share"][0] is None and not later["is_publishable"][0]
