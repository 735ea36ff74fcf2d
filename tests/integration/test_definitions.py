"""The Dagster definitions load without I/O and hold the whole graph, job, schedule and sensor; the schedule's tick
and the sensor's evaluations, with Dagster's test utilities."""

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


def test_the_weekly_schedule_requests_a_publication_on_its_tick() -> None:
    from datetime import UTC, datetime

    import dagster as dg

    from pipelines.definitions import defs

    schedule = defs.resolve_schedule_def("weekly_publication")
    assert schedule.default_status == dg.DefaultScheduleStatus.STOPPED and schedule.job_name == "publish_all"
    tick = datetime(2026, 12, 7, 6, 0, tzinfo=UTC)  # a Monday, 06:00 UTC
    result = schedule.evaluate_tick(dg.build_schedule_context(scheduled_execution_time=tick))
    assert len(result.run_requests) == 1 and result.skip_message is None
    assert result.run_requests[0].job_name in (None, "publish_all")  # None: the schedule's own job


def test_the_incoming_sensor_takes_files_in_and_requests_one_run_per_new_file(tmp_path) -> None:
    """The sensor runs the same function as `cyberstats ingest`; a second look at the same files requests nothing."""
    import shutil
    import time

    import dagster as dg

    from pipelines.assets.resources import CyberstatsResource
    from pipelines.definitions import defs
    from tests.conftest import BUNDLED, copy_bundled

    data = copy_bundled(tmp_path / "data", sources=("national_figures",))
    national = BUNDLED / "sources" / "national_figures" / "2026-11-22" / "national_headline_figures.csv"
    incoming = data / "incoming"
    incoming.mkdir()

    def drop(name: str, text: str, release: str) -> None:
        (incoming / name).write_text(text, encoding="utf-8")
        (incoming / f"{name}.source.yml").write_text(f"release: '{release}'\nlicence: x\nretrieved: 2026-12-01\n")
        old = time.time() - 120  # copied in two minutes ago: settled
        for path in (incoming / name, incoming / f"{name}.source.yml"):
            os.utime(path, (old, old))

    text = national.read_text(encoding="utf-8").replace(",calendar_year,loss,18300000,",  # NZL 2023, restated
                                                        ",calendar_year,loss,18400000,")
    drop("restated.csv", text, "2026-12-01")
    sensor = defs.resolve_sensor_def("incoming_files")
    assert sensor.job_name == "publish_all" and sensor.default_status == dg.DefaultSensorStatus.STOPPED

    def evaluate():
        context = dg.build_sensor_context(resources={"cyberstats": CyberstatsResource(data_dir=str(data))})
        return sensor.evaluate_tick(context)

    first = evaluate()
    assert len(first.run_requests) == 1 and first.run_requests[0].run_key.startswith("ingest-")
    assert first.run_requests[0].tags["cyberstats/ingested"] == "sources/national_figures/2026-12-01/restated.csv"
    assert (data / "sources" / "national_figures" / "2026-12-01" / "restated.csv").read_text(encoding="utf-8") == text

    second = evaluate()  # the same files again: already taken in, nothing to request
    assert second.run_requests == [] and second.skip_message == "nothing accepted: incoming/ holds no files"

    drop("restated.csv", text, "2026-12-01")  # the same bytes dropped once more: a no-op
    third = evaluate()
    assert third.run_requests == [] and third.skip_message == "nothing accepted: 1 already present"

    shutil.copyfile(national, incoming / "fresh.csv")  # just copied in: it waits for a later tick
    assert evaluate().skip_message == "nothing accepted: 1 waiting"
    assert (incoming / "fresh.csv").is_file()
