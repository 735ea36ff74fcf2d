"""quality.quarantine and quality.validation_results: what they keep, and for how long."""

from datetime import UTC, datetime, timedelta

import duckdb
import pytest

from pipelines.errors import InputError
from pipelines.quality import history, quarantine
from pipelines.quality.runner import FileHits, Result


@pytest.fixture
def con():
    with duckdb.connect() as c:
        yield c


def _result(table: str = "staging.t", name: str = "no_negative_values", success: bool = False) -> Result:
    return Result(table, name, "value", "blocking", success, 10, 0 if success else 2, ("-5",),
                  () if success else (FileHits("sources/x/1/a.csv", 2, (4, 9), ("-5", "-7")),), "values >= 0",
                  "expect_column_values_to_be_between")


def test_quarantine_records_replace_a_sources_state(con) -> None:
    err = InputError(file="sources/x/1/a.csv", expected="a number", row=4, column="VALUE", found="abc")
    first = quarantine.from_input_error("x", "sources/x/1/a.csv", "ab" * 32, err)
    assert first.message == ("sources/x/1/a.csv, row 4, column 'VALUE': expected a number, found 'abc' "
                             "(expectation file_readable)")
    quarantine.record(con, "run1", "x", [first])
    quarantine.record(con, "run1", "y", quarantine.from_results("y", [_result()], {"sources/x/1/a.csv": "cd" * 32}))
    listed = quarantine.listing(con)
    assert listed.select("run_id", "source_id", "relpath", "expectation", "row_number", "column_name").rows() == [
        ("run1", "x", "sources/x/1/a.csv", "file_readable", 4, "VALUE"),
        ("run1", "y", "sources/x/1/a.csv", "no_negative_values", 4, "value")]
    quarantine.record(con, "run1", "x", [])  # source x staged again in the same run: nothing wrong now
    assert quarantine.listing(con)["source_id"].to_list() == ["y"]
    assert quarantine.files_left_out(quarantine.listing(con)) == ["sources/x/1/a.csv"]


def _bad(source: str, relpath: str) -> quarantine.Quarantined:
    return quarantine.Quarantined(source, relpath, "0" * 64, "unreadable", f"{relpath}: broken", "file_readable")


def test_a_later_run_never_lists_files_an_earlier_run_left_out(con) -> None:
    quarantine.record(con, "run1", "unodc_cts", [_bad("unodc_cts", "sources/unodc_cts/1/bad.csv")])
    # run2: a reference fails, so unodc_cts is never staged (its record is not replaced) ...
    quarantine.record(con, "run2", "un_m49", [_bad("un_m49", "reference/un_m49/1/m49.csv")])
    listed = quarantine.listing(con)
    assert listed.select("run_id", "relpath").rows() == [("run2", "reference/un_m49/1/m49.csv")]
    assert quarantine.latest_run(con)[0] == "run2"
    # ... run3 quarantines nothing: nothing is listed, and its validation results name the run.
    quarantine.record(con, "run3", "un_m49", [])
    assert quarantine.listing(con).height == 0
    history.record_results(con, "run3", datetime.now(UTC), "staging/t", [_result(success=True)])
    assert quarantine.latest_run(con)[0] == "run3"
    assert quarantine.listing(con, run_id="run2").height == 0  # earlier runs' rows are gone


def test_rows_of_an_older_run_are_not_listed_after_a_run_that_only_validated(con) -> None:
    """A database holding an earlier run's rows (e.g. written before records were kept per run)."""
    quarantine.record(con, "run1", "unodc_cts", [_bad("unodc_cts", "sources/unodc_cts/1/bad.csv")])
    history.record_results(con, "run2", datetime.now(UTC) + timedelta(seconds=1), "staging/t", [_result()])
    assert quarantine.latest_run(con)[0] == "run2"
    assert quarantine.listing(con).height == 0
    assert quarantine.listing(con, run_id="run1")["relpath"].to_list() == ["sources/unodc_cts/1/bad.csv"]


def test_only_blocking_failures_in_known_files_quarantine() -> None:
    warn = Result("staging.t", "drift", "value", "warn", False, 10, 2, files=(FileHits("f.csv", 2, (3,), ("1",)),))
    passed = _result(success=True)
    other_file = Result("staging.t", "x", None, "blocking", False, 1, 1, files=(FileHits("staging.t", 1, (1,), ()),))
    assert quarantine.from_results("s", [warn, passed, other_file], {"f.csv": "0" * 64}) == []


def test_history_appends_and_keeps_the_last_runs(con) -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for i in range(5):
        history.record_results(con, f"run{i}", start + timedelta(days=i), "staging/t", [_result()], keep_runs=3)
    runs = history.runs(con)
    assert runs["run_id"].to_list() == ["run4", "run3", "run2"]
    assert history.latest_run_id(con) == "run4"
    row = history.run_results(con, "run4").to_dicts()[0]
    assert (row["unexpected_count"], row["unexpected_percent"], row["severity"]) == (2, 20.0, "blocking")
    assert "sources/x/1/a.csv, rows 4, 9, column 'value'" in row["message"]
    back = history.to_result(row)
    assert (back.expectation, back.unexpected_count, back.files[0].rows) == ("no_negative_values", 2, (4, 9))


def test_recording_the_same_expectation_again_in_a_run_replaces_it(con) -> None:
    now = datetime.now(UTC)
    history.record_results(con, "r", now, "staging/t", [_result()])
    history.record_results(con, "r", now, "staging/t", [_result(success=True), _result(name="other")])
    rows = history.run_results(con, "r")
    assert sorted(zip(rows["expectation"], rows["success"], strict=True)) == [("no_negative_values", True),
                                                                              ("other", False)]
    comments = dict(con.execute("SELECT column_name, comment FROM duckdb_columns() WHERE schema_name = 'quality' "
                                "AND table_name = 'validation_results'").fetchall())
    assert all(comments.values()) and "unexpected_count" in comments


def test_with_allow_quarantine_a_failure_confined_to_left_out_files_is_recorded_as_not_blocking(con) -> None:
    failed, elsewhere = _result(), _result(name="other")
    elsewhere = Result(**{**elsewhere.__dict__, "files": (FileHits("sources/x/1/kept.csv", 1, (3,), ("-1",)),)})
    warn = Result("staging.t", "drift", "value", "warn", False, 10, 2, files=failed.files)
    out = quarantine.left_out_by_allowance([failed, elsewhere, warn, _result(success=True)], ["sources/x/1/a.csv"])
    assert [(r.expectation, r.severity, r.success) for r in out] == [
        ("no_negative_values", "warn", False), ("other", "blocking", False), ("drift", "warn", False),
        ("no_negative_values", "blocking", True)]
    assert out[0].note == quarantine.LEFT_OUT_NOTE and out[2].note is None
    history.record_results(con, "r", datetime.now(UTC), "staging/t", out[:1])
    assert history.runs(con).select("blocking_failed", "warnings").row(0) == (0, 1)
