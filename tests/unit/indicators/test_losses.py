"""Losses per person of World Bank population; published regional ranges stay ranges."""

from datetime import date

import polars as pl
import pytest

from pipelines.indicators.losses import aggregate_losses, per_capita
from pipelines.sources import bls_cpi, national_figures
from tests.conftest import BUNDLED

CPI = BUNDLED / "reference" / "bls_cpi" / "a1f785a" / "cpi_u_monthly_1999-latest.csv"
NATIONAL = BUNDLED / "sources" / "national_figures" / "2026-11-22" / "national_headline_figures.csv"


def test_per_capita_names_its_denominator_and_stays_null_without_population() -> None:
    losses = pl.DataFrame({"country_iso3": ["USA", "USA"], "year": [2024, 2025], "loss_usd_nominal": [16.6e9, 20.9e9],
                           "loss_usd_nominal_low": [None, None], "loss_usd_nominal_high": [None, None],
                           "loss_usd_constant": [16.6e9, 20.3e9]},
                          schema_overrides={"year": pl.Int32, "loss_usd_nominal_low": pl.Float64,
                                            "loss_usd_nominal_high": pl.Float64})
    pop = pl.DataFrame({"country_iso3": ["USA"], "year": [2024], "population": [340_000_000.0]},
                       schema_overrides={"year": pl.Int32})
    out = per_capita(losses, pop).sort("year").to_dicts()
    assert out[0]["loss_usd_nominal_per_capita_wb"] == pytest.approx(16.6e9 / 340e6)
    assert out[0]["population_wb"] == 340e6 and out[0]["population_note"] is None
    assert out[1]["loss_usd_nominal_per_capita_wb"] is None and out[1]["population_wb"] is None
    assert out[1]["population_note"] == "no World Bank population for USA in 2025"


def test_the_unodc_east_and_southeast_asia_range_is_never_turned_into_a_point() -> None:
    obs = national_figures.read(NATIONAL, "sources/national_figures/x/n.csv", "x")
    cpi = bls_cpi.read(CPI, "reference/bls_cpi/x/c.csv", "x")
    out = aggregate_losses(obs, pl.DataFrame(schema={"currency_code": pl.String, "year": pl.Int32,
                                                     "lcu_per_usd": pl.Float64, "fx_source": pl.String}), cpi, 2024)
    [esea] = out.filter(pl.col("area_name") == "East and Southeast Asia").to_dicts()
    assert (esea["value"], esea["value_low"], esea["value_high"]) == (None, 18e9, 37e9)
    assert esea["loss_usd_nominal"] is None and esea["loss_usd_constant"] is None
    assert (esea["loss_usd_nominal_low"], esea["loss_usd_nominal_high"]) == (18e9, 37e9)
    deflator = esea["cpi_base"] / esea["cpi_period"]
    assert deflator == pytest.approx(313.689 / 304.702, rel=1e-4)  # annual averages 2024 / 2023 (facts)
    assert esea["loss_usd_constant_low"] == pytest.approx(18e9 * deflator)
    assert esea["loss_usd_constant_high"] == pytest.approx(37e9 * deflator)
    assert esea["value_type"] == "estimate" and esea["period_start"] == date(2023, 1, 1)
