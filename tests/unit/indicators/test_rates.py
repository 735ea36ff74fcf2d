"""Our World Bank rates against UNODC's published rates: pairing, statuses, tolerance and the check."""

import polars as pl
import pytest

from pipelines.indicators import rates as r

POP = pl.DataFrame({"country_iso3": ["DEU", "FRA", "VAT"], "year": 2020,
                    "population": [83_000_000.0, 67_000_000.0, None]}, schema_overrides={"year": pl.Int32})


def obs(*specs: dict) -> pl.DataFrame:
    base = {"source_id": "unodc_cts", "release": "2024-05-16", "release_date": None, "area_code": "DEU",
            "area_name": "Germany", "country_iso3": "DEU", "area_type": "country", "year": 2020,
            "indicator": "Offences", "dimension": "by type of offence", "category": "Fraud", "sex": "Total",
            "age": "Total", "measure": "offences", "source_file": "a.xlsx", "source_row": 4}
    rows = []
    for i, s in enumerate(specs):
        count, rate = s.pop("count", None), s.pop("rate", None)
        row = {**base, **s}
        if count is not None:
            rows.append({**row, "unit": "count", "value": count, "source_row": 10 + 2 * i})
        if rate is not None:
            rows.append({**row, "unit": r.RATE_UNIT, "value": rate, "source_row": 11 + 2 * i})
    return pl.DataFrame(rows, schema_overrides={"year": pl.Int32, "release_date": pl.Date})


def test_our_rate_and_the_discrepancy() -> None:
    out = r.reconcile_rates(obs({"count": 830.0, "rate": 1.0}), POP).to_dicts()[0]
    assert out["rate_per_100k_population_wb"] == pytest.approx(1.0)
    assert out["rate_relative_difference"] == pytest.approx(0.0, abs=1e-12)
    assert out["population_implied_unodc"] == pytest.approx(83_000_000)
    assert (out["status"], out["is_within_tolerance"]) == ("compared", True)
    assert (out["count_source_row"], out["rate_source_row"]) == (10, 11)
    off = r.reconcile_rates(obs({"count": 830.0, "rate": 0.8}), POP).to_dicts()[0]
    assert off["rate_relative_difference"] == pytest.approx(0.25) and off["is_within_tolerance"] is False
    assert off["population_wb_to_implied_ratio"] == pytest.approx(0.8)


def test_rows_that_cannot_be_compared_say_why() -> None:
    df = obs({"area_code": "GBR_E_W", "country_iso3": "GBR", "area_type": "subnational", "count": 5.0, "rate": 1.0},
             {"sex": "Female", "count": 5.0, "rate": 1.0},
             {"category": "Theft", "rate": 3.0},
             {"area_code": "VAT", "country_iso3": "VAT", "count": 1.0, "rate": 100.0},
             {"area_code": "XXX", "country_iso3": "XXX", "count": 1.0, "rate": 100.0})
    out = r.reconcile_rates(df, POP)
    status = dict(zip(out["area_code"] + "/" + out["sex"] + "/" + out["category"], out["status"], strict=True))
    assert status == {"GBR_E_W/Total/Fraud": "subnational_no_wb_population",
                      "DEU/Female/Fraud": "sex_or_age_specific", "DEU/Total/Theft": "no_count_in_file",
                      "VAT/Total/Fraud": "no_wb_population", "XXX/Total/Fraud": "no_wb_population"}
    assert out["rate_per_100k_population_wb"].null_count() == 5 and not out["is_comparable"].any()
    assert out["is_within_tolerance"].null_count() == 5


def test_zeros_both_zero_matches_a_lone_zero_does_not() -> None:
    out = r.reconcile_rates(obs({"count": 0.0, "rate": 0.0}, {"category": "A", "count": 3.0, "rate": 0.0},
                                {"category": "B", "count": 0.0, "rate": 0.1}), POP)
    got = {c: (s, w) for c, s, w in out.select("category", "status", "is_within_tolerance").iter_rows()}
    assert got == {"Fraud": ("both_zero", True), "A": ("published_rate_zero_count_positive", False),
                   "B": ("count_zero_published_rate_positive", False)}
    assert out["rate_relative_difference"].null_count() == 3


def test_count_is_paired_only_within_the_same_file() -> None:
    df = pl.concat([obs({"rate": 1.0}), obs({"release": "2022-06-06", "source_file": "old.csv", "count": 830.0})])
    out = r.reconcile_rates(df, POP)
    assert out.height == 1 and out["status"][0] == "no_count_in_file"


def test_ambiguous_keys_are_not_paired() -> None:
    df = obs({"count": 830.0, "rate": 1.0}, {"count": 10.0})
    out = r.reconcile_rates(df, POP)
    assert out["status"].to_list() == ["ambiguous_key_in_file"]


def test_latest_release_flag() -> None:
    df = pl.concat([obs({"count": 830.0, "rate": 1.0}),
                    obs({"release": "2022-06-06", "source_file": "old.csv", "count": 820.0, "rate": 1.0})])
    out = r.reconcile_rates(df, POP).sort("release")
    assert out["is_latest_release"].to_list() == [False, True]


def test_check_passes_on_honest_population_differences_and_fails_on_a_unit_error() -> None:
    honest = obs(*[{"category": f"c{i}", "count": 830.0, "rate": 1.0 + (0.02 if i % 2 else -0.02)}
                   for i in range(40)], {"category": "moldova", "count": 830.0, "rate": 0.7})
    result = r.evaluate_rate_check(r.reconcile_rates(honest, POP))
    assert result.passed and result.rows_outside == 1 and result.share_outside == pytest.approx(1 / 41)
    assert result.worst["category"].to_list() == ["moldova"]
    per_thousand = obs(*[{"category": f"c{i}", "count": 830.0, "rate": 0.01} for i in range(40)])
    failed = r.evaluate_rate_check(r.reconcile_rates(per_thousand, POP))
    assert not failed.passed and failed.share_outside == 1.0
    empty = r.evaluate_rate_check(r.reconcile_rates(obs({"rate": 1.0}), POP))
    assert empty.passed and empty.comparable_rows == 0 and empty.share_outside is None


def test_summary_quantiles_per_scope() -> None:
    df = pl.concat([obs(*[{"category": f"c{i}", "count": 830.0, "rate": 1.0 / (1 + d)}
                          for i, d in enumerate([0.0, 0.01, 0.02, 0.03, 0.2])]),
                    obs({"release": "2022-06-06", "source_file": "old.csv", "area_code": "GBR_S", "country_iso3": "GBR",
                         "area_type": "subnational", "count": 1.0, "rate": 1.0})])
    summary = r.discrepancy_summary(r.reconcile_rates(df, POP))
    assert summary["scope"].to_list() == ["all releases", "release 2022-06-06", "release 2024-05-16"]
    everything = summary.row(0, named=True)
    assert (everything["published_rate_rows"], everything["comparable_rows"], everything["compared_rows"]) == (6, 5, 5)
    assert everything["rows_subnational_no_wb_population"] == 1 and everything["release"] is None
    assert everything["abs_relative_difference_p50"] == pytest.approx(0.02)
    assert everything["abs_relative_difference_max"] == pytest.approx(0.2)
    assert everything["share_outside_tolerance"] == pytest.approx(0.2) and not everything["passes"]
    assert summary.row(1, named=True)["release"] == "2022-06-06"
