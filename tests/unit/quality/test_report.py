"""The data-quality page: failing expectations with examples, quarantined files, history; all escaped."""

import re
from datetime import UTC, datetime

import duckdb
import pytest

from pipelines.quality import history, quarantine
from pipelines.quality.report import quality_context, render_failure_page, render_quality_page
from pipelines.quality.runner import FileHits, Result

EVIL = "<script>alert(1)</script>"


@pytest.fixture
def con():
    with duckdb.connect() as c:
        start = datetime(2026, 11, 22, 6, 0, tzinfo=UTC)
        history.record_results(c, "older-run", datetime(2026, 11, 15, tzinfo=UTC), "staging/x", [
            Result("staging.x", "keys_unique", None, "blocking", True, 5, 0)])
        history.record_results(c, "run-now", start, "marts/offences_by_country_year", [
            Result("marts.offences_by_country_year", "categories_in_crosswalk", "category", "warn", False, 100, 3,
                   (f"unodc_cts | {EVIL}",), (FileHits("sources/unodc_cts/2024/a.csv", 3, (7, 8, 9),
                                                        (f"unodc_cts | {EVIL}",)),),
                   "a (source, category) pair listed in the crosswalk", "expect_column_values_to_be_in_set"),
            Result("marts.offences_by_country_year", "no_negative_values", "offences_count", "blocking", True, 100,
                   0, description="counts of at least 0")])
        quarantine.record(c, "run-now", "unodc_cts", [quarantine.Quarantined(
            "unodc_cts", "sources/unodc_cts/2024/bad.csv", "0" * 64, "expectation",
            "sources/unodc_cts/2024/bad.csv, row 5, column 'value': expectation no_negative_values failed",
            "no_negative_values", 5, "VALUE", "counts of at least 0", EVIL, 1)])
        yield c


def test_page_shows_failures_with_examples_quarantine_and_history(con, tmp_path) -> None:
    assert render_quality_page(con, tmp_path) == "quality.html"
    html = (tmp_path / "quality.html").read_text(encoding="utf-8")
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert "categories_in_crosswalk" in text and "marts.offences_by_country_year" in text
    assert "sources/unodc_cts/2024/a.csv" in text and "7, 8, 9" in text and "3 of 100 rows failed" in text
    assert "Files left out of this build" in text and "sources/unodc_cts/2024/bad.csv" in text
    assert "This publication was made without them" in text  # no blocking failure: published with --allow
    assert "older-ru" in text and "run-now"[:8] in text  # history lists both runs
    assert "https://" not in html and "http://" not in html.replace("http://www.w3.org", "")


def test_every_dynamic_string_is_escaped(con, tmp_path) -> None:
    render_quality_page(con, tmp_path)
    html = (tmp_path / "quality.html").read_text(encoding="utf-8")
    assert EVIL not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_context_counts_blocking_failures_and_warnings(con) -> None:
    ctx = quality_context(con)
    assert (ctx["run_id"], ctx["evaluated"], ctx["blocking_failed"], ctx["warnings"]) == ("run-now", 2, 0, 1)
    assert ctx["files_left_out"] == ["sources/unodc_cts/2024/bad.csv"]
    assert [f["expectation"] for f in ctx["failures"]] == ["categories_in_crosswalk"]


def test_an_empty_build_renders_without_results(tmp_path) -> None:
    with duckdb.connect() as c:
        render_quality_page(c, tmp_path)
    assert "No validation results were recorded" in (tmp_path / "quality.html").read_text(encoding="utf-8")


def test_a_failed_runs_page_is_self_contained_offline_and_escaped(con, tmp_path) -> None:
    history.record_results(con, "run-now", datetime(2026, 11, 22, 6, 0, tzinfo=UTC), "staging/x", [
        Result("staging.x", "no_negative_values", "value", "blocking", False, 10, 1, (EVIL,),
               (FileHits(f"sources/x/1/{EVIL}.csv", 1, (6,), (EVIL,)),), "values of at least 0")])
    path = render_failure_page(con, tmp_path / "work", "run-now", "2026-11-22 06:01 UTC")
    assert path == tmp_path / "work" / "quality" / "quality.html"
    assert [p.name for p in path.parent.iterdir()] == ["quality.html"]  # one file: nothing else to copy
    html = path.read_text(encoding="utf-8")
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert "1 blocking result failed" in text and "They stopped the publication" in text
    assert "Blocking : no_negative_values on staging.x , column value" in text
    assert "1 of 10 rows failed" in text and "&lt;script&gt;alert(1)&lt;/script&gt;.csv" in html
    assert EVIL not in html
    assert "<style>" in html and "<script" not in html and "assets/" not in html
    assert "https://" not in html and "http://" not in html.replace("http://www.w3.org", "")


def test_a_failed_runs_page_shows_that_run_not_the_latest_good_one(con, tmp_path) -> None:
    html = (render_failure_page(con, tmp_path, "older-run")).read_text(encoding="utf-8")
    assert "categories_in_crosswalk" not in html and "Every expectation held" in html
    nothing = render_failure_page(con, tmp_path / "b", "a-run-that-recorded-nothing").read_text(encoding="utf-8")
    assert "No validation results were recorded" in nothing
