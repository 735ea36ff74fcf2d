"""Dagster wiring of the suites: one check per expectation, blocking checks gate everything downstream."""

from dataclasses import dataclass

import dagster as dg
import duckdb
import pytest

from pipelines.assets.checks import QUARANTINE_CHECK, RECONCILE_CHECK
from pipelines.definitions import build_definitions
from pipelines.quality.suites import suites
from pipelines.sources import ALL
from pipelines.sql import models
from tests.integration.helpers import warehouse


def _check_specs() -> dict[tuple[str, str], dg.AssetCheckSpec]:
    graph = build_definitions().resolve_asset_graph()
    return {("/".join(k.asset_key.path), k.name): graph.get_check_spec(k) for k in graph.asset_check_keys}


def test_every_expectation_is_a_check_described_as_its_severity_says() -> None:
    specs = _check_specs()
    graph = build_definitions().resolve_asset_graph()
    tables = {"/".join(k.path) for k in graph.get_all_asset_keys()}
    checked = [(key, s) for key, s in suites().items() if key.replace(".", "/") in tables and len(s.expectations) > 1]
    names = {key for key, _ in checked}
    assert {f"marts.{m}" for m in models("marts")} <= names  # every mart, and every staging table
    assert {f"staging.{t}" for spec in ALL.values() for t in spec.tables} | {"staging.observations"} <= names
    for key, suite in checked:
        asset = key.replace(".", "/")
        for e in suite.expectations:
            # Every check is blocking in Dagster's sense, so that downstream steps (and the publication,
            # which verifies that every check of its run was evaluated) wait for it; only a failure with
            # ERROR severity (a blocking expectation) stops them (the bundled run publishes with warnings).
            assert specs[(asset, e.name)].blocking, (asset, e.name)
            assert specs[(asset, e.name)].description.startswith("Blocking" if e.blocking else "Warning")
    assert specs[("staging/stg_unodc_cts__observations", QUARANTINE_CHECK)].blocking
    assert specs[("staging/stg_unodc_cts__observations", RECONCILE_CHECK)].blocking
    assert ("staging/stg_un_m49__areas", QUARANTINE_CHECK) in specs
    assert ("staging/stg_un_m49__areas", RECONCILE_CHECK) not in specs  # reference tables: no row count
    # Checks wait for the reference tables they compare against (and the crosswalk, now an asset).
    deps = {tuple(d.asset_key.path) for d in specs[("staging/observations", "categories_in_crosswalk")]
            .additional_deps}
    assert ("staging", "stg_offence_crosswalk__mappings") in deps
    deps = {tuple(d.asset_key.path) for d in specs[("staging/stg_unodc_cts__observations", "area_codes_known")]
            .additional_deps}
    assert {("staging", "stg_un_m49__areas"), ("staging", "stg_worldbank_wdi__values")} <= deps


@pytest.mark.parametrize("allow", [False, True], ids=["blocked", "allowed"])
def test_a_failed_blocking_check_stops_everything_downstream(allow: bool, request: pytest.FixtureRequest) -> None:
    # A UNODC file with a count of -5 beside the bundled data, run without and with --allow-quarantine: the
    # session's shared runs (tests/conftest.py negative_value_blocked and negative_value_allowed), read
    # back from the work folder's Dagster instance (the corpus tests assert what the command said).
    outcome, run = request.getfixturevalue("negative_value_allowed" if allow else "negative_value_blocked")
    materialized = run.materialized
    checks = {key: Evaluation(passed, dg.AssetCheckSeverity(severity))
              for key, (passed, severity) in run.checks.items()}
    unodc = "staging/stg_unodc_cts__observations"
    negative, quarantined = checks[(unodc, "no_negative_values")], checks[(unodc, QUARANTINE_CHECK)]
    assert not negative.passed and not quarantined.passed
    severity = dg.AssetCheckSeverity.WARN if allow else dg.AssetCheckSeverity.ERROR
    assert negative.severity == quarantined.severity == severity
    # The source's table is written without the file; other sources still load and are validated.
    assert {unodc, "staging/stg_fbi_ic3__observations", "staging/stg_ncrb__observations"} <= materialized
    assert checks[("staging/stg_fbi_ic3__observations", "no_negative_values")].passed
    # Drift warns and never blocks.
    drift = checks[(unodc, "rates_consistent_with_population")]
    assert drift.severity == dg.AssetCheckSeverity.WARN
    downstream = {"staging/observations", "marts/offences_by_country_year", "reports/site",
                  "publish/warehouse_and_site"}
    if allow:
        assert run.success and downstream <= materialized
        # Every check of the run is in its validation history, the domain checks included.
        build_db = warehouse(outcome.data).parent / ".build" / "builds" / run.run_id / "build.duckdb"
        with duckdb.connect(str(build_db), read_only=True) as con:
            recorded = set(con.execute("SELECT asset_key, expectation FROM quality.validation_results "
                                       "WHERE run_id = ?", [run.run_id]).fetchall())
        assert {(k, n) for (k, n), e in checks.items()} <= recorded
        assert {("marts/regional_losses", "regional_sums_equal_sum_of_parts"),
                ("marts/rate_reconciliation", "rates_match_published"),
                ("marts/trends", "trends_respect_breaks_and_minimums"),
                ("marts/offences_by_convention_article", "parent_and_child_never_summed")} <= recorded
    else:
        assert not run.success and not downstream & materialized


@dataclass(frozen=True)
class Evaluation:
    passed: bool
    severity: dg.AssetCheckSeverity
