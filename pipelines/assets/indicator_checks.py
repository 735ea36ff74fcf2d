"""Mart contracts that need domain logic, as Dagster asset checks (the logic lives in pipelines.indicators).

Blocking checks stop publication when they fail (the publish step depends on every mart):

* ``rates_match_published`` (marts.rate_reconciliation): at most 5% of comparable rows outside the
  10% tolerance (pipelines.indicators.rates);
* ``one_preferred_figure_per_country_year`` (marts.losses_by_country_year) is an expectation of the mart's
  suite (pipelines/quality/suites.py), not repeated here;
* ``regional_sums_equal_sum_of_parts`` and ``publishable_implies_coverage`` (marts.regional_losses,
  marts.regional_offences);
* ``trends_respect_breaks_and_minimums`` (marts.trends).

``national_totals_equal_sum_of_parts`` (intermediate.int_national_totals_from_parts) warns: a
publisher total that differs from its own State/UT rows is the publisher's inconsistency, reported
but not ours to block on.

Every outcome is recorded in ``quality.validation_results`` (pipelines.assets.checks.domain_check).
"""

import dagster as dg
import polars as pl

from pipelines.assets.checks import domain_check
from pipelines.build import Build
from pipelines.indicators.convention import ict_split_mismatches, one_number_mismatches
from pipelines.indicators.rates import MAX_SHARE_OUTSIDE_TOLERANCE, RATE_TOLERANCE, evaluate_rate_check
from pipelines.indicators.regional import publishable_violations, sum_of_parts_mismatches
from pipelines.indicators.trends import contract_violations
from pipelines.quality.findings import Finding, row_lines
from pipelines.sources import providing


def _read(build: Build, schema: str, *tables: str) -> list[pl.DataFrame]:
    return [build.read(schema, t) for t in tables]


def _md(df: pl.DataFrame, limit: int = 10) -> dg.MetadataValue:
    if df.height == 0:
        return dg.MetadataValue.md("none")
    head = df.head(limit)
    lines = ["| " + " | ".join(head.columns) + " |", "|" + "---|" * head.width]
    lines += ["| " + " | ".join("" if v is None else (f"{v:.4g}" if isinstance(v, float) else str(v)) for v in row)
              + " |" for row in head.iter_rows()]
    return dg.MetadataValue.md("\n".join(lines) + (f"\n\n({df.height - limit} more)" if df.height > limit else ""))


def _rates(build: Build) -> tuple[Finding, dict]:
    [rec] = _read(build, "marts", "rate_reconciliation")
    result = evaluate_rate_check(rec)
    compared = rec.filter(pl.col("status") == "compared")["rate_relative_difference"].abs()
    quantiles = {f"abs_relative_difference_p{q}": float(compared.quantile(q / 100, "linear"))
                 for q in (50, 90, 95, 99)} if compared.len() else {}
    share = result.share_outside
    note = (f"{result.rows_outside:,} of {result.comparable_rows:,} comparable rows outside {RATE_TOLERANCE:.0%} "
            f"({(share or 0.0):.1%}; at most {MAX_SHARE_OUTSIDE_TOLERANCE:.0%} allowed); worst rows listed")
    finding = Finding(result.passed, result.comparable_rows, result.rows_outside, tuple(row_lines(result.worst)),
                      note)
    return finding, {
        "comparable_rows": result.comparable_rows, "rows_outside_tolerance": result.rows_outside,
        "share_outside_tolerance": share if share is not None else 0.0,
        "tolerance_relative": RATE_TOLERANCE, "max_share_outside_tolerance": MAX_SHARE_OUTSIDE_TOLERANCE,
        **quantiles, "worst_rows": _md(result.worst),
        **({} if result.passed else {"failure": f"{share:.1%} of {result.comparable_rows} comparable rows "
                                                f"outside {RATE_TOLERANCE:.0%}"})}


REGIONAL = {
    "regional_losses": ({"loss_usd_nominal": "any", "loss_usd_constant": "any", "countries_reporting": "any",
                         "countries_not_converted": "any", "population_reporting": "all"},
                        ["year"]),
    "regional_offences": ({"offences_count": "any", "population_wb_reporting": "any", "countries_reporting": "any"},
                          ["indicator", "dimension", "category", "year"]),
}


def _regional_checks(mart: str) -> list[dg.AssetChecksDefinition]:
    values, groups = REGIONAL[mart]

    def parts(build: Build) -> tuple[Finding, dict]:
        [df] = _read(build, "marts", mart)
        bad = sum_of_parts_mismatches(df, values, groups)
        return Finding.from_rows(bad, df.height), {"mismatches": bad.height, "unexpected": _md(bad)}

    def publishable(build: Build) -> tuple[Finding, dict]:
        [df] = _read(build, "marts", mart)
        bad = publishable_violations(df).select("region_level", "region_code", "year", "population_coverage_share",
                                                "min_population_coverage")
        publishable_rows = int(df["is_publishable"].sum())
        return Finding.from_rows(bad, publishable_rows), {
            "publishable_rows": publishable_rows, "violations": bad.height, "unexpected": _md(bad)}

    key = dg.AssetKey(["marts", mart])
    return [
        domain_check(key, "regional_sums_equal_sum_of_parts",
                     "The world equals the sum of its regions and each region the sum of its sub-regions (sums, "
                     "populations, country counts).",
                     "the world equal to the sum of its regions and each region to the sum of its sub-regions "
                     "(sums, populations, country counts)", parts),
        domain_check(key, "publishable_implies_coverage",
                     "Every publishable aggregate has a known population coverage at or above "
                     "min_population_coverage.",
                     "a known population coverage at or above min_population_coverage for every publishable "
                     "aggregate", publishable),
    ]


def _trends(build: Build) -> tuple[Finding, dict]:
    # The points come from the intermediate table marts.trends is built from (marts.trend_points is a
    # sibling that may not be materialised yet when this check runs).
    [trends] = _read(build, "marts", "trends")
    [points] = _read(build, "intermediate", "int_trend_points")
    [register] = _read(build, "staging", "stg_series_breaks__register")
    problems = contract_violations(trends, points, register)
    return Finding.from_problems(problems, trends.height), {
        "segments": trends.height, "problems": len(problems),
        "unexpected": dg.MetadataValue.md("\n".join(f"- {p}" for p in problems[:20]) or "none")}


def _ict_split(build: Build) -> tuple[Finding, dict]:
    [split, rows] = _read(build, "marts", "convention_ict_split_by_region", "offences_by_convention_article")
    bad = ict_split_mismatches(split, rows)
    return Finding.from_rows(bad, split.height), {"mismatches": bad.height, "unexpected": _md(bad)}


def _one_number(build: Build) -> tuple[Finding, dict]:
    [rows, regional] = _read(build, "marts", "offences_by_convention_article", "regional_offences")
    bad = one_number_mismatches(rows, regional, providing("police_recorded_offences"))
    compared = rows.filter(pl.col("area_type") == "region").height
    return Finding.from_rows(bad, compared), {"mismatches": bad.height, "unexpected": _md(bad)}


def _national_totals(build: Build) -> tuple[Finding, dict]:
    [totals] = _read(build, "intermediate", "int_national_totals_from_parts")
    with_total = totals.filter(pl.col("published_total").is_not_null())
    bad = with_total.filter(~pl.col("matches_published")).select("dataset", "category", "year", "parts_sum",
                                                                 "published_total")
    return Finding.from_rows(bad, with_total.height), {
        "totals_compared": with_total.height, "mismatches": bad.height, "unexpected": _md(bad)}


INDICATOR_CHECKS = [
    domain_check(dg.AssetKey(["marts", "rate_reconciliation"]), "rates_match_published",
                 f"Our World Bank rates per 100,000 match UNODC's published rates within {RATE_TOLERANCE:.0%} for "
                 f"all but at most {MAX_SHARE_OUTSIDE_TOLERANCE:.0%} of comparable rows.",
                 f"our World Bank rates per 100,000 within {RATE_TOLERANCE:.0%} of UNODC's published rates for all "
                 f"but at most {MAX_SHARE_OUTSIDE_TOLERANCE:.0%} of comparable rows", _rates),
    *_regional_checks("regional_losses"), *_regional_checks("regional_offences"),
    domain_check(dg.AssetKey(["marts", "trends"]), "trends_respect_breaks_and_minimums",
                 "No segment straddles a known break, CAGR only with positive endpoints, trend statistics exactly "
                 "when a segment has at least min_points points.",
                 "no segment straddling a known break, CAGR only with positive endpoints, trend statistics exactly "
                 "when a segment has at least min_points points", _trends,
                 additional_deps=[dg.AssetKey(["intermediate", "int_trend_points"]),
                                  dg.AssetKey(["staging", "stg_series_breaks__register"])]),
    domain_check(dg.AssetKey(["marts", "convention_ict_split_by_region"]), "parts_add_up_to_region_rows",
                 "The ICT-specific part and the part including non-ICT offences of a region, year and article group "
                 "add up to the source's region row of offences_by_convention_article.",
                 "the two parts of every region, year and article group adding up to the source's region row of "
                 "offences_by_convention_article", _ict_split,
                 additional_deps=[dg.AssetKey(["marts", "offences_by_convention_article"])]),
    domain_check(dg.AssetKey(["marts", "offences_by_convention_article"]), "one_number_per_quantity",
                 "A world or region figure published in two marts has one value: a Convention region row counting "
                 "one offence category equals that category's row of regional_offences (figure and countries). "
                 "Warns: the United Kingdom counts in regional_offences as the sum of its three UNODC parts, which "
                 "the Convention view lists but does not add.",
                 "one value for a world or region figure published in offences_by_convention_article and "
                 "regional_offences", _one_number, blocking=False,
                 additional_deps=[dg.AssetKey(["marts", "regional_offences"])]),
    domain_check(dg.AssetKey(["intermediate", "int_national_totals_from_parts"]),
                 "national_totals_equal_sum_of_parts",
                 "A publisher's national total equals the sum of its own State/UT rows (subtotal rows never "
                 "summed). Warns: a difference is the publisher's.",
                 "a publisher's national total equal to the sum of its own State/UT rows (subtotal rows never "
                 "summed)", _national_totals, blocking=False),
]
