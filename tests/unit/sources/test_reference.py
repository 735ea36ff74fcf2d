"""Reference readers on the real publisher layouts."""

from pathlib import Path

import polars as pl

from pipelines.sources import bls_cpi, country_codes, fred_fx, un_m49, worldbank_wdi


def test_m49_with_bom_and_zero_padded_codes(real: Path) -> None:
    df = un_m49.read(real / "reference/un_m49/UNSD-en.csv", "m49.csv", "x")
    assert df.height == 249
    dza = df.filter(pl.col("country_iso3") == "DZA").to_dicts()[0]
    assert (dza["m49_code"], dza["region_code"], dza["region_name"]) == ("012", "002", "Africa")
    assert df.filter(pl.col("country_iso3") == "NAM")["country_iso2"].to_list() == ["NA"]  # not missing


def test_country_currency_namibia_is_not_missing(real: Path) -> None:
    df = country_codes.read(real / "reference/country_codes/country-codes.csv", "cc.csv", "x")
    cur = dict(zip(df["country_iso3"], df["currency_code"], strict=True))
    assert cur["NAM"] == "NAD" and cur["USA"] == "USD" and cur["DEU"] == "EUR"


def test_wdi_bulk_layout(real: Path) -> None:
    layout, df = worldbank_wdi.read(real / "reference/worldbank_wdi/API_SP.POP.TOTL_DS2_en_csv_v2_246068.csv",
                                    "pop.csv", "x")
    assert layout == "values"
    # 266 rows, one of which ("Not classified") has no value; 17,195 values, the same count as the
    # World Bank's long-format copy of the series (shared/data/real/reference/worldbank_population_long).
    assert df["source_row"].n_unique() == 265
    assert df.height == 17_195
    assert str(df["last_updated"][0]) == "2025-10-07"
    usa = df.filter(pl.col("country_code") == "USA", pl.col("year") == 2024)["value"].to_list()
    assert len(usa) == 1 and usa[0] > 300e6
    layout, meta = worldbank_wdi.read(
        real / "reference/worldbank_wdi/Metadata_Country_API_SP.POP.TOTL_DS2_en_csv_v2_246068.csv", "m.csv", "x")
    assert layout == "countries" and meta.height == 265 and meta["is_aggregate"].sum() == 48


def test_wdi_fx_keeps_the_euro_unit_break_visible(real: Path) -> None:
    _, df = worldbank_wdi.read(real / "reference/worldbank_wdi/API_PA.NUS.FCRF_DS2_en_csv_v2_13510.csv",
                               "fx.csv", "x")
    deu = dict(zip(*df.filter(pl.col("country_code") == "DEU").select("year", "value").to_dict().values(),
                   strict=True))
    assert round(deu[1998], 4) == 1.7597 and round(deu[1999], 4) == 0.9383


def test_fred_rates_and_cpi_gap(real: Path) -> None:
    fx = fred_fx.read(real / "reference/fred_exchange_rates/annual.csv", "f.csv", "x")
    assert fx.filter(pl.col("currency_code") == "AUD", pl.col("year") == 2024)["rate_as_published"][0] == 1.5158
    assert "GBP" not in fx["currency_code"].to_list()
    cpi = bls_cpi.read(real / "reference/bls_cpi_us/cpiai.csv", "c.csv", "x")
    assert cpi.height == 1360
    assert cpi.filter(pl.col("year") == 2025, pl.col("month") == 10).height == 0
