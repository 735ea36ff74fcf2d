"""Dagster wiring of the suites: one check per expectation, blocking checks gate everything downstream."""

from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipelines import build as builds
from pipelines.assets.checks import QUARANTINE_CHECK, RECONCILE_CHECK
from pipelines.assets.resources import CyberstatsResource
from pipelines.definitions import JOB_NAME, build_definitions
from pipelines.quality.suites import suites
from pipelines.sources import ALL
from pipelines.sql import models
from tests.bad_inputs.corpus import unodc_with
from tests.conftest import copy_bundled


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


def _run(tmp_path: Path, allow: bool):
    data = copy_bundled(tmp_path / "data")
    (data / "sources/unodc_cts/2024-05-16/data_cts_resubmitted.csv").write_bytes(unodc_with(2, {"VALUE": "-5"})())
    resource = CyberstatsResource(data_dir=str(data), warehouse=str(tmp_path / "wh" / "c.duckdb"),
                                  site_dir=str(tmp_path / "site"), allow_quarantine=allow)
    job = build_definitions(resource).resolve_job_def(JOB_NAME)
    with dg.DagsterInstance.ephemeral() as instance:
        result = job.execute_in_process(instance=instance, raise_on_error=False)
        builds.close()  # the run's shared build connection (cyberstats run closes it the same way)
        materialized = {"/".join(e.asset_key.path) for e in result.get_asset_materialization_events()}
        checks = {("/".join(e.asset_key.path), e.check_name): e for e in
                  result.get_asset_check_evaluations()}
    return result, materialized, checks


@pytest.mark.parametrize("allow", [False, True], ids=["blocked", "allowed"])
def test_a_failed_blocking_check_stops_everything_downstream(tmp_path: Path, allow: bool) -> None:
    result, materialized, checks = _run(tmp_path, allow)
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
        assert result.success and downstream <= materialized
        # Every check of the run is in its validation history, the domain checks included.
        build_db = tmp_path / "wh" / ".build" / "builds" / result.run_id / "build.duckdb"
        with duckdb.connect(str(build_db), read_only=True) as con:
            recorded = set(con.execute("SELECT asset_key, expectation FROM quality.validation_results "
                                       "WHERE run_id = ?", [result.run_id]).fetchall())
        assert {(k, n) for (k, n), e in checks.items()} <= recorded
        assert {("marts/regional_losses", "regional_sums_equal_sum_of_parts"),
                ("marts/rate_reconciliation", "rates_match_published"),
                ("marts/trends", "trends_respect_breaks_and_minimums"),
                ("marts/offences_by_convention_article", "parent_and_child_never_summed")} <= recorded
    else:
        assert not result.success and not downstream & materialized
