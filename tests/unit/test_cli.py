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
    return {"data": data, "wh": wh}


def _paths(layout: dict[str, Path]) -> list[str]:
    return ["--data-dir", str(layout["data"]), "--warehouse", str(layout["wh"])]


def _bad(source: str, relpath: str) -> quarantine.Quarantined:
    return quarantine.Quarantined(source, relpath, "0" * 64, "unreadable", f"{relpath}: broken", "file_readable")


def _build(layout, run_id: str) -> Path:
    """The build database of ``run_id`` (each run builds into a folder of its own)."""
    db = layout["wh"].parent / ".build" / "builds" / run_id / "build.duckdb"
    db.parent.mkdir(parents=True)
    return db


def test_quarantine_lists_the_latest_build_only_and_names_its_run(layout, capsys: pytest.CaptureFixture) -> None:
    import os
    import time

    with duckdb.connect(str(_build(layout, "run-one"))) as con:
        quarantine.record(con, "run-one", "unodc_cts", [_bad("unodc_cts", "sources/unodc_cts/1/old.csv")])
    with duckdb.connect(str(two := _build(layout, "run-two"))) as con:
        # This run failed on a reference: unodc_cts was never staged, and its build knows nothing of old.csv.
        quarantine.record(con, "run-two", "un_m49", [_bad("un_m49", "reference/un_m49/1/m49.csv")])
    os.utime(two.parent, (time.time() + 1, time.time() + 1))
    assert main(["quarantine", *_paths(layout)]) == 0
    out = capsys.readouterr().out
    assert "run run-two" in out and "reference/un_m49/1/m49.csv" in out
    assert "old.csv" not in out
    assert main(["quarantine", *_paths(layout), "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["run_id"], r["relpath"]) for r in rows] == [("run-two", "reference/un_m49/1/m49.csv")]

    with duckdb.connect(str(three := _build(layout, "run-three"))) as con:  # a third run quarantined nothing
        quarantine.record(con, "run-three", "un_m49", [])
        history.record_results(con, "run-three", datetime.now(UTC) + timedelta(seconds=1), "staging/t", [
            Result("staging.t", "keys_unique", None, "blocking", True, 5, 0)])
    os.utime(three.parent, (time.time() + 2, time.time() + 2))
    assert main(["quarantine", *_paths(layout)]) == 0
    out = capsys.readouterr().out
    assert "No quarantined files in the latest run (run run-three" in out and "m49.csv" not in out


# --- query and sources -----------------------------------------------------------------------------

LONG = "x" * 100


@pytest.fixture
def published(layout) -> dict[str, Path]:
    """A small warehouse shaped like a publication: source files, publication row, observations."""
    layout["wh"].parent.mkdir(parents=True)
    with duckdb.connect(str(layout["wh"])) as con:
        con.execute("CREATE SCHEMA raw; CREATE SCHEMA meta; CREATE SCHEMA staging; CREATE SCHEMA marts")
        con.execute("CREATE TABLE marts.source_files (source_id VARCHAR, kind VARCHAR, release VARCHAR, "
                    "relpath VARCHAR, sha256 VARCHAR, size_bytes BIGINT, publisher VARCHAR, title VARCHAR, "
                    "url VARCHAR, licence VARCHAR, retrieved VARCHAR, original_sha256 VARCHAR)")
        con.execute("INSERT INTO marts.source_files VALUES ('fbi_ic3', 'sources', 'r1', 'sources/fbi_ic3/r1/t.csv', "
                    "?, 10, "
                    "'FBI IC3', 'Internet Crime Report 2024', 'https://www.ic3.gov/AnnualReport', 'public domain', "
                    "'2026-11-22', ?)", ["a" * 64, "b" * 64])
        con.execute("CREATE TABLE meta.publication AS SELECT 'f' || repeat('0', 63) AS fingerprint, "
                    "TIMESTAMP '2026-11-22 06:00:00' AS published_at, '0.1.0' AS pipeline_version")
        con.execute("CREATE TABLE staging.observations AS SELECT 'sources/fbi_ic3/r1/t.csv' AS source_file "
                    "FROM range(3)")
        con.execute("CREATE TABLE marts.t AS SELECT i, ? AS long FROM range(25) r(i)", [LONG])
    return layout


def test_table_cells_cut_at_the_width_are_marked_and_the_footer_says_so() -> None:
    from pipelines.cli import MAX_CELL, format_table

    text = format_table(["id", "label"], [(1, LONG), (2, "short")])
    first = text.splitlines()[2]
    assert first.endswith("x" * (MAX_CELL - 1) + "…") and len(first.split(" | ")[1]) == MAX_CELL
    assert text.splitlines()[-1].startswith("(2 rows); values longer than 90 characters are cut and end in …")
    assert format_table(["id"], [(1,)]).splitlines()[-1] == "(1 row)"  # nothing cut, nothing said


def test_max_rows_says_how_many_rows_the_query_returned(published, capsys: pytest.CaptureFixture) -> None:
    sql = "SELECT i FROM marts.t ORDER BY i"
    assert main(["query", sql, "--warehouse", str(published["wh"]), "--max-rows", "10"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "(first 10 of 25 rows)"
    assert main(["query", sql, "--warehouse", str(published["wh"]), "--max-rows", "25"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "(25 rows)"
    assert main(["query", sql, "--warehouse", str(published["wh"]), "--max-rows", "3", "--format", "json"]) == 0
    captured = capsys.readouterr()
    assert len(json.loads(captured.out)) == 3 and "first 3 of 25 rows" in captured.err
    assert main(["query", sql, "--warehouse", str(published["wh"]), "--max-rows", "-1"]) == 2


@pytest.mark.parametrize("command", [["query", "select 1"], ["sources"], ["quarantine", "--published"],
                                     ["report"], ["quarantine"]])
def test_a_missing_warehouse_is_a_configuration_error(layout, command, capsys: pytest.CaptureFixture) -> None:
    assert main([*command, *_paths(layout)]) == 2
    err = capsys.readouterr().err
    assert "run `cyberstats run` first" in err and str(layout["wh"].parent) in err


def test_sources_show_title_url_and_the_originals_sha256(published, capsys: pytest.CaptureFixture) -> None:
    assert main(["sources", "--warehouse", str(published["wh"])]) == 0
    out = capsys.readouterr().out
    assert "Internet Crime Report 2024" in out and "https://www.ic3.gov/AnnualReport" in out
    assert "aaaaaaaaaaaa" in out and "bbbbbbbbbbbb" in out and "original_sha256" in out
    assert main(["sources", "--warehouse", str(published["wh"]), "--format", "json"]) == 0
    [row] = json.loads(capsys.readouterr().out)
    assert (row["title"], row["url"], row["sha256"], row["original_sha256"]) == (
        "Internet Crime Report 2024", "https://www.ic3.gov/AnnualReport", "a" * 64, "b" * 64)


def test_whole_numbers_stored_as_doubles_print_as_counts() -> None:
    from pipelines.cli import format_table

    body = format_table(["count", "share", "usd"], [(12_317.0, 0.256746, 24_768_517_316.22)]).splitlines()[2]
    assert body.split(" | ") == ["12,317", "0.256746", "24,768,517,316.22"]


def test_a_reader_that_stops_early_is_not_an_error(published) -> None:
    import subprocess
    import sys

    cmd = [sys.executable, "-m", "pipelines.cli", "query", "SELECT * FROM range(200000)", "--format", "csv",
           "--warehouse", str(published["wh"])]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=Path(__file__).parents[2])
    assert proc.stdout.readline() == b"range\n"
    proc.stdout.close()  # as `| head -1` does
    assert proc.wait(timeout=60) == 0
    assert proc.stderr.read() == b""
