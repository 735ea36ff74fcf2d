"""The `cyberstats` command on small hand-made databases (no pipeline run)."""

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from pipelines.cli import main
from pipelines.quality import history, quarantine
from pipelines.quality.runner import Result


@pytest.fixture
def layout(tmp_path: Path) -> dict[str, Path]:
    data = tmp_path / "data"
    (data / "sources").mkdir(parents=True)
    wh = tmp_path / "wh" / "cyberstats.duckdb"
    return {"data": data, "wh": wh, "build": wh.parent / ".build" / "build.duckdb"}


def _paths(layout: dict[str, Path]) -> list[str]:
    return ["--data-dir", str(layout["data"]), "--warehouse", str(layout["wh"])]


def _bad(source: str, relpath: str) -> quarantine.Quarantined:
    return quarantine.Quarantined(source, relpath, "0" * 64, "unreadable", f"{relpath}: broken", "file_readable")


def test_quarantine_lists_only_the_latest_run_and_names_it(layout, capsys: pytest.CaptureFixture) -> None:
    layout["build"].parent.mkdir(parents=True)
    with duckdb.connect(str(layout["build"])) as con:
        quarantine.record(con, "run-one", "unodc_cts", [_bad("unodc_cts", "sources/unodc_cts/1/old.csv")])
        # The next run failed on a reference: unodc_cts was never staged again.
        quarantine.record(con, "run-two", "un_m49", [_bad("un_m49", "reference/un_m49/1/m49.csv")])
    assert main(["quarantine", *_paths(layout)]) == 0
    out = capsys.readouterr().out
    assert "run run-two" in out and "reference/un_m49/1/m49.csv" in out
    assert "old.csv" not in out
    assert main(["quarantine", *_paths(layout), "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["run_id"], r["relpath"]) for r in rows] == [("run-two", "reference/un_m49/1/m49.csv")]

    with duckdb.connect(str(layout["build"])) as con:  # a third run quarantined nothing
        quarantine.record(con, "run-three", "un_m49", [])
        history.record_results(con, "run-three", datetime.now(UTC) + timedelta(seconds=1), "staging/t", [
            Result("staging.t", "keys_unique", None, "blocking", True, 5, 0)])
    assert main(["quarantine", *_paths(layout)]) == 0
    out = capsys.readouterr().out
    assert "No quarantined files in the latest run (run run-three" in out and "m49.csv" not in out
