"""Issue 11 audit cases, rebuilt from the real UNODC CTS exports in ../shared (and the bundled IC3 extract):
breaks, impossible p-values, correction-only verdicts and regional sums over changing countries.

The "published" values are those of the method before issue 11, which equalled pymannkendall's
Hamed-Rao test (the old cross-check): they are recomputed here with pymannkendall to show the defect
on the same series, next to what the trend functions give now.
"""

import itertools
import math
from pathlib import Path

import numpy as np
import polars as pl
import pymannkendall as mk
import pytest

from pipelines.indicators import trends as t
from pipelines.indicators.breaks import empty_register, level_shifts
from pipelines.indicators.offences import offences_by_country_year
from pipelines.indicators.regional import regional_offences, regional_offences_panel
from tests.unit.indicators import real_inputs
from tools.build_extracts import UNODC_CYBER_CATEGORIES


@pytest.fixture(scope="module")
def built(real: Path) -> tuple[pl.DataFrame, pl.DataFrame]:
    obs, areas, pop = real_inputs.unodc_observations(), real_inputs.areas(), real_inputs.population()
    offences = offences_by_country_year(obs, areas, pop)
    regional = t.regional_points(regional_offences(offences, areas, pop, 0.5), None,
                                 regional_offences_panel(offences, areas, pop, 0.5))
    points = t.trend_points(t.unodc_points(obs), t.ic3_points(real_inputs.ic3_observations()), regional)
    return points, t.trend_summary(points)


def _values(points: pl.DataFrame, sid: str) -> list[float]:
    return points.filter(pl.col("series_id") == sid, pl.col("value").is_not_null()).sort("year")["value"].to_list()


def _old_p(values: list[float]) -> float:
    """The p-value published before issue 11: Hamed-Rao variance (pymannkendall), erfc of |Z| / sqrt 2."""
    ref = mk.hamed_rao_modification_test(np.array(values))
    return math.erfc(abs(ref.z) / math.sqrt(2))


def test_us_fraud_is_split_at_the_nibrs_transition(built: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    points, trends = built
    for fam in (t.UNODC_COUNT, t.UNODC_RATE):
        us = points.filter(pl.col("series_id") == f"{fam}|USA|Offences: Fraud").sort("year")
        assert us["year"].to_list() == [*range(2013, 2020), 2021, 2022]
        assert us["segment"].to_list() == [1] * 7 + [2, 2]
        assert us["break_before"].to_list() == [False] * 7 + [True, False]
        reason = us["break_reason"][7]
        assert reason.startswith("recording system: The FBI retired the UCR Summary Reporting System")
        assert "NIBRS" in reason
        assert "level shift (detected): 112,700 in 2019 -> 906,018 in 2021 (x8.04" in reason
    seg = trends.filter(pl.col("series_id") == "unodc_offences_count|USA|Offences: Fraud").sort("segment")
    assert seg.select("first_year", "last_year", "points", "direction").rows() == [
        (2013, 2019, 7, "decreasing"), (2021, 2022, 2, "insufficient data")]
    # Without the register the detector alone still splits there.
    alone = t.trend_points(points.filter(pl.col("series_id") == "unodc_offences_count|USA|Offences: Fraud")
                           .select(list(t.POINT_COLUMNS)), breaks=empty_register())
    assert alone["segment"].to_list() == [1] * 7 + [2, 2]
    assert alone["break_reason"][7].startswith("level shift (detected)")


def test_the_27_fourfold_jumps_of_the_unodc_counts_are_boundaries(built: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    points, trends = built
    counts = points.filter(pl.col("series_family") == t.UNODC_COUNT).sort("series_id", "year")

    def shifts_in(frame: pl.DataFrame) -> dict:
        return {(sid, s.year): s for (sid,), g in frame.group_by("series_id")
                for s in level_shifts(g["year"].to_list(), g["value"].to_list())}

    # The audit's 27: the offence categories the pipeline publishes (those of the bundled extracts).
    published = [f"{ind}: {cat}" for cat in itertools.chain(*UNODC_CYBER_CATEGORIES.values())
                 for ind in ("Offences", "Violent offences", "Offences of sexual nature")]
    shifts = shifts_in(counts.filter(pl.col("series_name").is_in(published)))
    assert len(shifts) == 27
    assert len(shifts_in(counts)) == 185  # every category of the complete exports (theft, burglary, ...)
    for sid, year, before, after in (("unodc_offences_count|RUS|Offences: Fraud: Cyber-related (Cy)", 2015, 994, 5999),
                                     ("unodc_offences_count|DNK|Offences: Money laundering", 2020, 258, 1184),
                                     ("unodc_offences_count|USA|Offences: Fraud", 2021, 112_700, 906_018)):
        assert (shifts[(sid, year)].previous_value, shifts[(sid, year)].value) == (before, after)
    flagged = counts.filter(pl.col("break_before")).select("series_id", "year").rows()
    assert set(shifts_in(counts)) <= set(flagged)
    assert t.contract_violations(trends, points) == []


#: The 11 p-values below 2/n! (the smallest the exact test can give), as published before issue 11.
IMPOSSIBLE = {
    "ic3_crime_type_loss_usd|USA|Credit Card/Check Fraud": (11, 5.37e-11),
    "regional_offences_count|region:150|Violent offences: Sexual Exploitation": (9, 1.92e-34),
    "unodc_offences_count|BOL|Violent offences: Sexual Exploitation": (9, 7.92e-07),
    "unodc_offences_count|FRA|Violent offences: Sexual Exploitation": (8, 2.41e-26),
    "unodc_offences_count|MAC|Violent offences: Acts intended to induce fear or emotional distress": (8, 1.51e-22),
    "unodc_offences_count|ROU|Offences: Fraud": (6, 2.52e-07),
    "unodc_offences_count|VCT|Offences: Fraud: Cyber-related (Cy)": (6, 1.30e-03),
    "unodc_offences_rate_unodc|FRA|Violent offences: Sexual Exploitation": (8, 2.41e-26),
    "unodc_offences_rate_unodc|MAC|Violent offences: Acts intended to induce fear or emotional distress": (8, 2.61e-15),
    "unodc_offences_rate_unodc|ROU|Offences: Fraud": (6, 2.52e-07),
    "unodc_offences_rate_unodc|VCT|Offences: Fraud: Cyber-related (Cy)": (6, 1.07e-03),
}
#: What the trend functions give now (the regional sum: see test_europe_regional_sums_over_changing_countries).
NOW = {
    "ic3_crime_type_loss_usd|USA|Credit Card/Check Fraud": ("normal", 9.92e-05, "increasing"),
    "unodc_offences_count|BOL|Violent offences: Sexual Exploitation": ("exact", 8.54e-04, "increasing"),
    "unodc_offences_count|FRA|Violent offences: Sexual Exploitation": ("exact", 3.97e-04, "increasing"),
    "unodc_offences_count|MAC|Violent offences: Acts intended to induce fear or emotional distress":
        ("exact", 1.74e-03, "decreasing"),
    "unodc_offences_count|ROU|Offences: Fraud": ("exact", 2 / math.factorial(6) * 6, "increasing"),
    "unodc_offences_count|VCT|Offences: Fraud: Cyber-related (Cy)": ("exact", 0.233, "no trend"),
    "unodc_offences_rate_unodc|FRA|Violent offences: Sexual Exploitation": ("exact", 3.97e-04, "increasing"),
    "unodc_offences_rate_unodc|MAC|Violent offences: Acts intended to induce fear or emotional distress":
        ("exact", 1.74e-03, "decreasing"),
    "unodc_offences_rate_unodc|ROU|Offences: Fraud": ("exact", 1.67e-02, "increasing"),
    "unodc_offences_rate_unodc|VCT|Offences: Fraud: Cyber-related (Cy)": ("exact", 0.167, "no trend"),
}


@pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")
def test_no_p_value_below_the_exact_minimum_on_the_audited_series(built: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    points, trends = built
    for sid, (n, published) in IMPOSSIBLE.items():
        values = _values(points, sid)
        assert len(values) == n, sid
        assert _old_p(values) == pytest.approx(published, rel=0.01) and published < 2 / math.factorial(n), sid
        if sid not in NOW:
            continue
        [row] = trends.filter(pl.col("series_id") == sid).to_dicts()
        method, p, direction = NOW[sid]
        assert (row["mk_method"], row["direction"]) == (method, direction), sid
        assert row["mk_p_value"] == pytest.approx(p, rel=0.01) and row["mk_p_value"] >= 2 / math.factorial(n), sid
    # And none anywhere else.
    tested = trends.filter(pl.col("mk_p_value").is_not_null())
    floor = tested["points"].map_elements(lambda n: 2 / math.factorial(n), return_dtype=pl.Float64)
    assert tested.height > 800 and (tested["mk_p_value"] >= floor * (1 - 1e-12)).all()


@pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")
def test_verdicts_that_only_the_correction_made_are_gone(built: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    points, trends = built
    for sid, n, published, uncorrected in (
            ("unodc_offences_count|CHL|Offences: Fraud", 10, 0.036, 0.210),
            ("unodc_offences_count|VCT|Offences: Fraud: Cyber-related (Cy)", 6, 0.0013, 0.217),
            ("unodc_offences_rate_unodc|VCT|Offences: Fraud: Cyber-related (Cy)", 6, 0.00107, 0.159)):
        values = _values(points, sid)
        assert len(values) == n
        assert _old_p(values) == pytest.approx(published, rel=0.02)  # "increasing" before issue 11
        assert mk.original_test(np.array(values)).p == pytest.approx(uncorrected, rel=0.01)
        [row] = trends.filter(pl.col("series_id") == sid).to_dicts()
        assert row["mk_method"] == "exact" and row["direction"] == "no trend" and row["mk_p_value"] > 0.15, sid


def test_europe_regional_sums_over_changing_countries(built: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    points, trends = built
    fraud = points.filter(pl.col("series_id") == "regional_offences_count|region:150|Offences: Fraud").sort("year")
    y2021 = fraud.filter(pl.col("year") == 2021).row(0, named=True)
    assert y2021["break_before"] and "36 countries in 2020, 31 in 2021 (left BEL, BIH, RUS, UKR, XKX)" in \
        y2021["break_reason"]
    # Every year of the sum has other reporting countries than the year before: no trend test on it.
    sums = trends.filter(pl.col("area_code") == "region:150", pl.col("series_family") == t.REG_OFF_COUNT,
                         pl.col("series_name") == "Offences: Fraud")
    assert sums.height == 10 and (sums["direction"] == t.INSUFFICIENT).all()
    # The constant panel: 28 countries reporting every year 2016-2022 with no break of their own.
    [panel] = trends.filter(pl.col("series_id") == f"{t.REG_OFF_COUNT_PANEL}|region:150|Offences: Fraud").to_dicts()
    assert (panel["first_year"], panel["last_year"], panel["panel_countries"], panel["panel_years"]) \
        == (2016, 2022, 28, 7)
    assert not {"BEL", "BIH", "RUS", "UKR", "XKX"} & set(panel["labels_as_published"].split(", "))
    assert panel["direction"] == "increasing" and panel["mk_p_value"] == pytest.approx(2 / math.factorial(7))
    # Europe Sexual Exploitation: published p = 1.9e-34 on 9 sums over changing countries; now 9 one-year
    # segments and a 25-country panel 2017-2023.
    sexual = trends.filter(pl.col("series_id").str.ends_with("region:150|Violent offences: Sexual Exploitation"))
    assert (sexual.filter(pl.col("series_family") == t.REG_OFF_COUNT)["points"] == 1).all()
    [sp] = sexual.filter(pl.col("series_family") == t.REG_OFF_COUNT_PANEL).to_dicts()
    assert (sp["first_year"], sp["last_year"], sp["panel_countries"], sp["direction"]) == (2017, 2023, 25, "increasing")
