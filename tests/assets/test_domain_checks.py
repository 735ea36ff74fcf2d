"""Domain checks (crosswalk, Convention, regional sums, rates, trends) are recorded in the validation
history like every suite result, through one mechanism (pipelines.assets.checks.domain_check)."""

from pathlib import Path

import dagster as dg
import duckdb

from pipelines import build as builds
from pipelines.assets.checks import domain_check
from pipelines.assets.crosswalk_checks import CROSSWALK_CHECKS
from pipelines.assets.indicator_checks import INDICATOR_CHECKS
from pipelines.assets.resources import CyberstatsResource
from pipelines.quality.findings import Finding
from tests.conftest import copy_bundled

TABLE = dg.AssetKey(["marts", "toy"])


@dg.asset(key=TABLE)
def toy() -> None:
    return None


def _resource(tmp_path: Path) -> CyberstatsResource:
    return CyberstatsResource(data_dir=str(copy_bundled(tmp_path / "data", sources=False)),
                              warehouse=str(tmp_path / "wh" / "c.duckdb"), site_dir=str(tmp_path / "site"))


def _recorded(tmp_path: Path, run_id: str) -> list[tuple]:
    builds.close()  # the run's shared build connection
    with duckdb.connect(str(tmp_path / "wh" / ".build" / "builds" / run_id / "build.duckdb"), read_only=True) as con:
        return con.execute("SELECT asset_key, table_name, expectation, severity, success, element_count, "
                           "unexpected_count, message FROM quality.validation_results ORDER BY expectation").fetchall()


def test_a_domain_check_is_recorded_and_blocks_as_declared(tmp_path: Path) -> None:
    def broken(_cyberstats) -> tuple[Finding, dict]:
        return Finding.from_problems(["2021 world 10 != regions 9"], 7), {"failure": "1 mismatch"}

    def drift(_cyberstats) -> tuple[Finding, dict]:
        return Finding.from_problems(["one"], 3), {}

    checks = [domain_check(TABLE, "sums_add_up", "Sums add up.", "sums that add up", broken),
              domain_check(TABLE, "drift_noted", "Drift.", "no drift", drift, blocking=False)]
    defs = dg.Definitions(assets=[toy], asset_checks=checks, resources={"cyberstats": _resource(tmp_path)})
    job = defs.resolve_implicit_global_asset_job_def()
    with dg.DagsterInstance.ephemeral() as instance:
        result = job.execute_in_process(instance=instance, raise_on_error=False)
        evaluations = {e.check_name: e for e in result.get_asset_check_evaluations()}
    assert not evaluations["sums_add_up"].passed
    assert evaluations["sums_add_up"].severity == dg.AssetCheckSeverity.ERROR
    assert evaluations["drift_noted"].severity == dg.AssetCheckSeverity.WARN
    assert _recorded(tmp_path, result.run_id) == [
        ("marts/toy", "marts.toy", "drift_noted", "warn", False, 3, 1,
         "marts.toy: expectation drift_noted failed: one"),
        ("marts/toy", "marts.toy", "sums_add_up", "blocking", False, 7, 1,
         "marts.toy: expectation sums_add_up failed: 2021 world 10 != regions 9")]


def test_every_crosswalk_and_indicator_check_goes_through_the_recording_mechanism() -> None:
    names = {spec.name for check in [*CROSSWALK_CHECKS, *INDICATOR_CHECKS] for spec in check.check_specs}
    assert {"parent_and_child_never_summed", "regional_sums_equal_sum_of_parts", "rates_match_published",
            "trends_respect_breaks_and_minimums", "publishable_implies_coverage", "every_category_in_crosswalk",
            "entry_into_force_follows_art_65", "national_totals_equal_sum_of_parts",
            "overlapping_groups_declared"} <= names
    # That each of them is recorded in quality.validation_results is asserted on a real run in
    # tests/assets/test_checks.py (every evaluated check of the run is in the history).
