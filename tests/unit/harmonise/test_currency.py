"""Exchange rates keyed by currency (euro break handled by the data), period rates, deflation."""

from datetime import date

import polars as pl
import pytest

from pipelines.harmonise import currency as cur
from pipelines.harmonise.periods import parse_period

CURRENCIES = pl.DataFrame({
    "country_iso3": ["USA", "DEU", "HRV", "AUS", "KIR", "ECU", "CIV", "SEN"],
    "iso_numeric": ["840", "276", "191", "036", "296", "218", "384", "686"],
    "currency_code": ["USD", "EUR", "EUR", "AUD", "AUD", "USD", "XOF", "XOF"],
    "currency_numeric": ["840", "978", "978", "036", "036", "840", "952", "952"],
})


def wdi(rows: list[tuple[str, int, float]]) -> pl.DataFrame:
    return pl.DataFrame({"country_code": [r[0] for r in rows], "indicator_code": "PA.NUS.FCRF",
                         "year": [r[1] for r in rows], "value": [r[2] for r in rows]},
                        schema_overrides={"year": pl.Int32})


def rates(df: pl.DataFrame) -> dict[tuple[str, int], float]:
    return {(c, y): v for c, y, v in df.select("currency_code", "year", "lcu_per_usd").iter_rows()}


def test_euro_comes_from_the_euro_area_row_never_from_legacy_currencies() -> None:
    out = rates(cur.fx_from_wdi(wdi([
        ("EMU", 1999, 0.9383), ("DEU", 1998, 1.7597), ("DEU", 1999, 0.9383),
        ("HRV", 2022, 7.1597), ("HRV", 2023, 0.9248), ("EMU", 2023, 0.9248),
    ]), CURRENCIES))
    assert out == {("EUR", 1999): 0.9383, ("EUR", 2023): 0.9248}


def test_issuer_row_wins_and_users_of_another_currency_are_ignored() -> None:
    out = rates(cur.fx_from_wdi(wdi([
        ("USA", 1998, 1.0), ("ECU", 1998, 5446.57), ("AUS", 2023, 1.50519106560509),
        ("KIR", 2023, 1.50519106560508),
    ]), CURRENCIES))
    assert out == {("USD", 1998): 1.0, ("AUD", 2023): 1.50519106560509}


def test_shared_currency_takes_the_agreeing_members_median() -> None:
    out = rates(cur.fx_from_wdi(wdi([("CIV", 2023, 606.57), ("SEN", 2023, 606.57)]), CURRENCIES))
    assert out == {("XOF", 2023): 606.57}


def test_fred_fills_gaps_and_is_inverted_when_it_is_usd_per_unit() -> None:
    wdi_rates = wdi([("AUS", y, 1.5) for y in (2021, 2022, 2023)])
    fred = pl.DataFrame({"currency_code": "AUD", "fred_series": "Australia", "year": [2021, 2022, 2023, 2024],
                         "rate_as_published": [1 / 1.5, 1 / 1.5, 1 / 1.5, 1 / 1.6]},
                        schema_overrides={"year": pl.Int32})
    [direction] = cur.fred_directions(fred, cur.fx_from_wdi(wdi_rates, CURRENCIES))
    assert direction.decision == "inverted"
    out = cur.fx_rates(wdi_rates, CURRENCIES, fred)
    row = out.filter(pl.col("year") == 2024).to_dicts()[0]
    assert row["lcu_per_usd"] == pytest.approx(1.6) and row["fx_source"] == "FRED (fallback)"
    assert out.filter(pl.col("year") == 2023)["fx_source"][0] == "World Bank WDI"


def test_fred_series_that_matches_neither_direction_is_rejected() -> None:
    wdi_rates = wdi([("AUS", 2023, 1.5)])
    fred = pl.DataFrame({"currency_code": "AUD", "fred_series": "Australia", "year": [2023, 2024],
                         "rate_as_published": [3.0, 3.1]}, schema_overrides={"year": pl.Int32})
    assert cur.fred_directions(fred, cur.fx_from_wdi(wdi_rates, CURRENCIES))[0].decision == "rejected"
    assert cur.fx_rates(wdi_rates, CURRENCIES, fred).filter(pl.col("year") == 2024).height == 0


def test_fiscal_period_rate_is_month_weighted() -> None:
    r = {2023: 1.50, 2024: 1.52}
    assert cur.period_rate(r, date(2023, 7, 1), date(2024, 6, 30)) == pytest.approx(1.51)
    assert cur.period_rate(r, date(2024, 1, 1), date(2024, 3, 31)) == pytest.approx(1.52)
    assert cur.period_rate({2023: 1.5}, date(2023, 7, 1), date(2024, 6, 30)) is None


def test_cpi_period_mean_tolerates_one_missing_month_and_says_so() -> None:
    monthly = {(2025, m): 300.0 + m for m in range(1, 13) if m != 10}
    mean, used, n = cur.cpi_period_mean(monthly, date(2025, 1, 1), date(2025, 12, 31))
    assert (used, n) == (11, 12) and mean == pytest.approx(sum(300.0 + m for m in range(1, 13) if m != 10) / 11)
    assert cur.cpi_period_mean({(2025, 1): 1.0}, date(2025, 1, 1), date(2025, 12, 31))[0] is None


def _losses(**kw) -> pl.DataFrame:
    base = {"currency": "AUD", "period_start": date(2024, 1, 1), "period_end": date(2024, 12, 31), "year": 2024,
            "value": 1.52e9, "value_low": None, "value_high": None}
    base.update(kw)
    return pl.DataFrame([base], schema_overrides={"year": pl.Int32, "value_low": pl.Float64,
                                                   "value_high": pl.Float64})


CPI = pl.DataFrame({"year": [2023] * 12 + [2024] * 12, "month": list(range(1, 13)) * 2,
                    "cpi_index": [300.0] * 12 + [310.0] * 12}, schema_overrides={"year": pl.Int32, "month": pl.Int8})
FX = pl.DataFrame({"currency_code": ["AUD", "AUD"], "year": [2023, 2024], "lcu_per_usd": [1.5, 1.52],
                   "fx_source": ["World Bank WDI", "FRED (fallback)"],
                   "fx_source_grade": ["publisher_file", "publisher_file"]}, schema_overrides={"year": pl.Int32})


def test_convert_losses_nominal_and_constant() -> None:
    out = cur.convert_losses(_losses(year=2023, period_start=date(2023, 1, 1), period_end=date(2023, 12, 31),
                                     value=1.5e9), FX, CPI, 2024).to_dicts()[0]
    assert out["loss_usd_nominal"] == pytest.approx(1e9)
    assert out["loss_usd_constant"] == pytest.approx(1e9 * 310 / 300)
    assert out["conversion_note"] is None


def test_ranges_are_carried_and_missing_rates_are_explained() -> None:
    out = cur.convert_losses(_losses(value=None, value_low=1.52e9, value_high=3.04e9), FX, CPI, 2024).to_dicts()[0]
    assert out["loss_usd_nominal"] is None
    assert (out["loss_usd_nominal_low"], out["loss_usd_nominal_high"]) == (pytest.approx(1e9), pytest.approx(2e9))
    missing = cur.convert_losses(_losses(currency="GBP"), FX, CPI, 2024).to_dicts()[0]
    assert missing["loss_usd_nominal"] is None and "no GBP per USD rate for 2024" in missing["conversion_note"]
    usd = cur.convert_losses(_losses(currency="USD", value=5.0), FX, CPI, 2024).to_dicts()[0]
    assert usd["loss_usd_nominal"] == 5.0 and usd["fx_lcu_per_usd"] == 1.0


def test_uk_year_ending_march_weights_nine_months_and_three_months() -> None:
    for label in ("year ending March 2025", "year ending March 2025 (CSEW)",
                  "financial year 2024/25 (Apr 2024-Mar 2025)"):
        period = parse_period(label)
        assert (period.start, period.end, period.period_type) == (date(2024, 4, 1), date(2025, 3, 31), "fiscal_year")
    gbp = pl.DataFrame({"currency_code": "GBP", "year": [2024, 2025], "lcu_per_usd": [0.80, 0.76],
                        "fx_source": "World Bank WDI"}, schema_overrides={"year": pl.Int32})
    cpi = pl.DataFrame({"year": [2024] * 12 + [2025] * 12, "month": list(range(1, 13)) * 2,
                        "cpi_index": [float(m) for m in range(1, 13)] + [float(m) for m in range(13, 25)]},
                       schema_overrides={"year": pl.Int32, "month": pl.Int8})
    out = cur.convert_losses(_losses(currency="GBP", period_start=date(2024, 4, 1), period_end=date(2025, 3, 31),
                                     year=2025, value=1e9), gbp, cpi, 2024).to_dicts()[0]
    assert out["fx_lcu_per_usd"] == pytest.approx((9 * 0.80 + 3 * 0.76) / 12)
    assert out["cpi_period"] == pytest.approx(sum(range(4, 16)) / 12)  # April 2024 .. March 2025
    assert out["loss_usd_constant"] == pytest.approx(1e9 / out["fx_lcu_per_usd"] * 6.5 / (sum(range(4, 16)) / 12))


def test_australian_financial_year_july_june() -> None:
    out = cur.convert_losses(_losses(period_start=date(2023, 7, 1), period_end=date(2024, 6, 30), value=1.51e9),
                             FX, CPI, 2024).to_dicts()[0]
    assert out["fx_lcu_per_usd"] == pytest.approx(1.51) and out["loss_usd_nominal"] == pytest.approx(1e9)
    assert out["cpi_period"] == pytest.approx(305.0)  # six months at 300, six at 310


def test_a_range_is_never_turned_into_a_point_even_in_usd() -> None:
    out = cur.convert_losses(_losses(currency="USD", value=None, value_low=18e9, value_high=37e9, year=2023,
                                     period_start=date(2023, 1, 1), period_end=date(2023, 12, 31)),
                             FX, CPI, 2024).to_dicts()[0]
    assert out["loss_usd_nominal"] is None and out["loss_usd_constant"] is None
    assert (out["loss_usd_nominal_low"], out["loss_usd_nominal_high"]) == (18e9, 37e9)
    assert out["loss_usd_constant_low"] == pytest.approx(18e9 * 310 / 300)


REDENOMINATED = pl.DataFrame({
    "country_iso3": ["VEN", "ZWE", "TKM", "MRT"],
    "iso_numeric": ["862", "716", "795", "478"],
    "currency_code": ["VES", "ZWG", "TMT", "MRU"],
    "currency_numeric": ["928", "924", "934", "929"],
})


def test_venezuelan_rates_in_old_bolivars_are_converted_to_ves() -> None:
    out = cur.fx_from_wdi(wdi([("VEN", 2016, 9.25734444), ("VEN", 2017, 9.975)]), REDENOMINATED)
    assert rates(out)[("VES", 2017)] == pytest.approx(9.975e-05)
    assert rates(out)[("VES", 2016)] == pytest.approx(9.25734444e-05)
    assert out["fx_basis"].str.ends_with("VEF converted to VES (100,000 VEF = 1 VES)").all()
    # A currency table that still keys Venezuela to VEF gets WDI's rates as they are.
    old = REDENOMINATED.with_columns(currency_code=pl.lit("VEF"), currency_numeric=pl.lit("937"))
    assert rates(cur.fx_from_wdi(wdi([("VEN", 2017, 9.975)]), old)) == {("VEF", 2017): 9.975}


def test_zimbabwe_dollars_before_2009_are_dropped_and_zwl_converted_to_zwg() -> None:
    out = rates(cur.fx_from_wdi(wdi([("ZWE", 2007, 9686.77166954175), ("ZWE", 2008, 6723052073.33811),
                                     ("ZWE", 2023, 3509.17222037558)]), REDENOMINATED))
    assert out == {("ZWG", 2023): pytest.approx(3509.17222037558 / 2498.7242)}


def test_turkmen_old_manat_is_converted_and_rebased_series_are_left_alone() -> None:
    out = rates(cur.fx_from_wdi(wdi([("TKM", 2001, 5200.0), ("MRT", 2017, 35.7944166666667)]), REDENOMINATED))
    assert out == {("TMT", 2001): pytest.approx(1.04), ("MRU", 2017): 35.7944166666667}


def test_a_series_not_in_the_unit_an_entry_expects_is_an_error() -> None:
    with pytest.raises(ValueError, match=r"VEN in 2017 is 9\.975e-05.* VES/VEF entry .* expects about 9\.975 "
                                         r"\(in VEF\)"):
        cur.fx_from_wdi(wdi([("VEN", 2017, 9.975e-05)]), REDENOMINATED)  # WDI rebased: never divide twice
    with pytest.raises(ValueError, match=r"MRT in 2017 is 357\.9.* expects about 35\.7944 \(already in MRU\)"):
        cur.fx_from_wdi(wdi([("MRT", 2017, 357.944)]), REDENOMINATED)  # WDI back in old ouguiya


def test_every_checked_currency_is_listed_with_what_was_found() -> None:
    found = {(r.currency, r.old_currency, r.year, r.old_per_new, r.action) for r in cur.REDENOMINATIONS}
    assert found == {
        ("VES", "VEF", 2018, 100_000, "converted"),
        ("TMT", "TMM", 2009, 5_000, "converted"),
        ("ZWG", "ZWL", 2024, 2_498.7242, "converted"),
        ("ZWG", "ZWD", 2009, None, "dropped"),
        ("MRU", "MRO", 2018, 10, "rebased by WDI"),
        ("STN", "STD", 2018, 1_000, "rebased by WDI"),
        ("BYN", "BYR", 2016, 10_000, "rebased by WDI"),
        ("ZMW", "ZMK", 2013, 1_000, "rebased by WDI"),
        ("GHS", "GHC", 2007, 10_000, "rebased by WDI"),
        ("SLE", "SLL", 2022, 1_000, "rebased by WDI"),
        ("SDG", "SDD", 2007, 100, "rebased by WDI"),
        ("AZN", "AZM", 2006, 5_000, "rebased by WDI"),
        ("MZN", "MZM", 2006, 1_000, "rebased by WDI"),
        ("RON", "ROL", 2005, 10_000, "rebased by WDI"),
        ("MGA", "MGF", 2005, 5, "rebased by WDI"),
        ("SRD", "SRG", 2004, 1_000, "rebased by WDI"),
        ("AFN", "AFA", 2002, 1_000, "rebased by WDI"),
        ("TJS", "TJR", 2000, 1_000, "rebased by WDI"),
        ("TRY", "TRL", 2005, 1_000_000, "rebased by WDI"),
    }


@pytest.mark.parametrize("release", ["worldbank_wdi/2025-10-07", "worldbank_wdi/2026-04-08",
                                     "worldbank_wdi_transcribed/2026-07-13"])
def test_the_bundled_wdi_release_is_what_every_entry_was_checked_on(release: str) -> None:
    from pipelines.sources import country_codes, worldbank_wdi
    from tests.conftest import BUNDLED

    [path] = (BUNDLED / "reference" / release).glob("WDI_PA.NUS.FCRF_*.csv")
    _, values = worldbank_wdi.read(path, "wdi.csv", "r")
    for r in cur.REDENOMINATIONS:
        year, rate = r.check
        # Newer releases differ from 2025-03-24's only in the last floating-point digit of a few cells.
        assert values.filter(pl.col("country_code") == r.wdi_country, pl.col("year") == year)["value"].to_list() \
            == [pytest.approx(rate, rel=1e-9)], r
    [codes] = (BUNDLED / "reference" / "country_codes").glob("*/country_currencies.csv")
    out = rates(cur.fx_from_wdi(values, country_codes.read(codes, "codes.csv", "r")))
    assert out[("VES", 2017)] == pytest.approx(9.975e-05)
    assert out[("TMT", 2000)] == pytest.approx(1.04)
    assert min(y for c, y in out if c == "ZWG") == 2020
    assert out[("MRU", 2017)] == 35.7944166666667 and out[("BYN", 2015)] == 1.59259883333333


# --- rates to 2025: the transcribed release, source grades, the ECB/Fed cross-check --------------------------

GBR = pl.DataFrame({"country_iso3": ["GBR"], "iso_numeric": ["826"], "currency_code": ["GBP"],
                    "currency_numeric": ["826"]})


def graded(rows: list[tuple[str, int, float]], grade: str) -> pl.DataFrame:
    return wdi(rows).with_columns(source_grade=pl.lit(grade))


def test_the_transcribed_release_fills_only_years_after_the_byte_copied_one() -> None:
    byte_copy = graded([("GBR", 2023, 0.8045), ("GBR", 2024, 0.7824)], "publisher_file")
    # A transcription that differed for 2024 (a typing slip) must never replace the byte-copied value.
    transcribed = graded([("GBR", 2024, 0.9999), ("GBR", 2025, 0.7595)], "transcribed")
    out = cur.fx_rates(byte_copy, GBR, None, transcribed)
    got = {y: (v, s, g) for y, v, s, g in out.select("year", "lcu_per_usd", "fx_source", "fx_source_grade").iter_rows()}
    assert got[2024] == (0.7824, "World Bank WDI", "publisher_file")
    assert got[2025] == (0.7595, "World Bank WDI (transcribed)", "transcribed")
    # Nor a year the byte-copied release covers but leaves blank (VND 2024-style gaps stay gaps).
    gap = graded([("GBR", 2023, 0.8045), ("GBR", 2025, 0.7)], "publisher_file").filter(pl.col("year") == 2023)
    gap = pl.concat([gap, graded([("XXX", 2024, 1.0)], "publisher_file")])
    out = cur.fx_rates(gap, GBR, None, graded([("GBR", 2024, 0.7824)], "transcribed"))
    assert out.filter(pl.col("year") == 2024).height == 0


def test_fred_fills_before_the_transcribed_release_and_carries_its_own_grade() -> None:
    byte_copy = graded([("GBR", 2023, 0.8045), ("GBR", 2024, 0.7824)], "publisher_file")
    fred = pl.DataFrame({"currency_code": ["GBP"] * 3, "fred_series": ["United Kingdom"] * 3,
                         "year": [2023, 2024, 2025], "rate_as_published": [0.8042, 0.7826, 0.7591],
                         "source_grade": ["transcribed"] * 3}, schema_overrides={"year": pl.Int32})
    out = cur.fx_rates(byte_copy, GBR, fred, graded([("GBR", 2025, 0.7595)], "transcribed"))
    row = out.filter(pl.col("year") == 2025).row(0, named=True)
    assert (row["lcu_per_usd"], row["fx_source"], row["fx_source_grade"]) == (0.7591, "FRED (fallback)", "transcribed")


def test_a_conversion_carries_the_worst_grade_of_the_years_it_uses_and_says_so() -> None:
    fx = pl.DataFrame({"currency_code": ["GBP", "GBP"], "year": [2024, 2025], "lcu_per_usd": [0.8, 0.75],
                       "fx_source": ["World Bank WDI", "World Bank WDI (transcribed)"],
                       "fx_source_grade": ["publisher_file", "transcribed"]}, schema_overrides={"year": pl.Int32})
    cpi = pl.DataFrame({"year": [y for y in (2024, 2025) for _ in range(12)], "month": list(range(1, 13)) * 2,
                        "cpi_index": [300.0] * 24}, schema_overrides={"year": pl.Int32, "month": pl.Int32})
    losses = pl.DataFrame({"currency": ["GBP", "GBP", "USD"],
                           "period_start": [date(2024, 1, 1), date(2024, 4, 1), date(2025, 1, 1)],
                           "period_end": [date(2024, 12, 31), date(2025, 3, 31), date(2025, 12, 31)],
                           "year": [2024, 2025, 2025], "value": [80.0, 100.0, 5.0], "value_low": [None] * 3,
                           "value_high": [None] * 3}, schema_overrides={"value_low": pl.Float64,
                                                                        "value_high": pl.Float64})
    out = cur.convert_losses(losses, fx, cpi, 2024).to_dicts()
    assert out[0]["fx_source_grade"] == "publisher_file" and out[0]["conversion_note"] is None
    assert out[0]["loss_usd_nominal"] == pytest.approx(100.0)
    # UK year ending March 2025: 9 months of 2024 (byte copy) and 3 of 2025 (transcribed): graded transcribed.
    assert out[1]["fx_source_grade"] == "transcribed"
    assert out[1]["fx_lcu_per_usd"] == pytest.approx((9 * 0.8 + 3 * 0.75) / 12)
    assert out[1]["conversion_note"] == ("GBP per USD rate for 2025 of source grade transcribed "
                                         "(World Bank WDI (transcribed))")
    assert out[2]["fx_source_grade"] is None  # US dollars: no conversion, no rate


def test_the_crosscheck_gives_ecb_and_fed_differences_as_shares_and_the_tolerance() -> None:
    fx = pl.DataFrame({"currency_code": ["GBP", "GBP", "NGN", "JPY"], "year": [2024, 2025, 2024, 2024],
                       "lcu_per_usd": [0.8, 0.75, 1478.97, 150.0],
                       "fx_source": ["World Bank WDI", "World Bank WDI (transcribed)", "World Bank WDI",
                                     "FRED (fallback)"],
                       "fx_source_grade": ["publisher_file", "transcribed", "publisher_file", "transcribed"]},
                      schema_overrides={"year": pl.Int32})
    days = [date(2024, 1, 2), date(2024, 12, 30), date(2025, 1, 2), date(2025, 12, 30)]
    ecb = pl.DataFrame({"date": days * 2, "currency_code": ["USD"] * 4 + ["GBP"] * 4,
                        "units_per_eur": [1.0] * 4 + [0.802, 0.802, 0.76, 0.76]})
    monthly = pl.DataFrame({"currency_code": "GBP", "fred_series": "United Kingdom", "year": 2024,
                            "month": list(range(1, 13)), "rate_as_published": [0.8] * 12},
                           schema_overrides={"year": pl.Int32, "month": pl.Int32})
    out = {r["year"]: r for r in cur.fx_crosscheck(fx, ecb, None, monthly).to_dicts()}
    # NGN has no second source and JPY no WDI rate: neither is a row; FRED never stands in for WDI here.
    assert set(out) == {2024, 2025} and all(r["currency_code"] == "GBP" for r in out.values())
    assert out[2024]["ecb_difference_share"] == pytest.approx(0.0025)
    assert out[2024]["fed_difference_share"] == pytest.approx(0.0) and out[2024]["within_tolerance"]
    assert out[2025]["fed_lcu_per_usd"] is None and out[2025]["wdi_fx_source_grade"] == "transcribed"
    assert out[2025]["ecb_difference_share"] == pytest.approx(0.76 / 0.75 - 1)  # 1.3%: outside 0.5%
    assert out[2025]["max_abs_difference_share"] == pytest.approx(0.76 / 0.75 - 1)
    assert not out[2025]["within_tolerance"] and out[2025]["tolerance_share"] == cur.FX_CROSSCHECK_TOLERANCE
