"""The benchmark code runs (on 1,000 rows; the timed 1,000,000-row run is `make bench`, never a test)."""

import json
from pathlib import Path

import polars as pl

from bench.synthetic import generate
from bench.validation import describe, run, write
from pipelines.sources import unodc_cts
from tests.conftest import BUNDLED


def test_synthetic_file_is_a_valid_unodc_export_with_unique_keys(tmp_path: Path) -> None:
    path = generate(tmp_path / "unodc_synthetic_1000.csv", 1_000, BUNDLED)
    frame = unodc_cts.read(path, path.name, "2026-11-22")
    assert frame.height == 1_000
    assert frame.group_by("unit").len().sort("unit")["len"].to_list() == [500, 500]
    assert not frame.select(pl.struct("area_code", "category", "sex", "age", "year", "unit").is_duplicated().any()
                            ).item()


def test_bench_reports_ratio_and_memory(tmp_path: Path) -> None:
    report = run(rows=1_000, out=tmp_path, repeats=1)
    assert report.failed_results == []  # the synthetic data meets every expectation, warnings included
    assert report.ingest.seconds > 0 and report.validation.seconds > 0 and report.ratio > 0
    assert report.validation.peak_rss_mb > 0 and report.expectation_results > 50
    data = json.loads(write(report, tmp_path).read_text())
    assert data["rows"] == 1_000 and "ratio validation/ingest" in describe(report)
