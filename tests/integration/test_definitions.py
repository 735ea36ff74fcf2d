"""The Dagster definitions load without I/O and hold the whole graph, job and schedule."""

import os
import subprocess
import sys


def test_definitions_load_in_a_fresh_interpreter_without_touching_paths(tmp_path) -> None:
    env = {**os.environ, "CYBERSTATS_DATA_DIR": str(tmp_path / "does-not-exist")}
    code = ("from pipelines.definitions import defs; g = defs.resolve_asset_graph(); "
            "keys = sorted('/'.join(k.path) for k in g.get_all_asset_keys()); print(len(keys)); print(keys)")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    assert "marts/losses_by_country_year" in out and "publish/warehouse_and_site" in out
    assert int(out.splitlines()[0]) >= 30


def test_job_schedule_and_checks() -> None:
    from pipelines.definitions import defs

    job = defs.resolve_job_def("publish_all")
    assert job.executor_def.name == "in_process"
    schedule = defs.resolve_schedule_def("weekly_publication")
    assert schedule.cron_schedule == "0 6 * * 1"
    checks = {c.name for c in defs.resolve_asset_graph().asset_check_keys}
    assert "rows_loaded_match_file" in checks
