"""The benchmark code runs (on 1,000 rows; the timed 1,000,000-row run is `make bench`, never a test)."""

import json
from pathlib import Path

import polars as pl

from bench.__main__ import main
from bench.synthetic import generate
from bench.validation import describe, run, write
from pipelines.sources import unodc_cts
from tests.conftest import BUNDLED

KEY = ("area_code", "indicator", "dimension", "category", "sex", "age", "year", "unit")


def test_synthetic_file_is_a_valid_unodc_export_with_unique_keys(tmp_path: Path) -> None:
    path = generate(tmp_path / "unodc_synthetic_1000.csv", 1_000, BUNDLED)
    frame = unodc_cts.read(path, path.name, "2026-11-22")
    assert frame.height == 1_000
    assert frame.group_by("unit").len().sort("unit")["len"].to_list() == [500, 500]
    assert not frame.select(pl.struct(*KEY).is_duplicated().any()).item()


def test_broken_variants_have_the_share_of_bad_rows_asked_for(tmp_path: Path) -> None:
    invalid = unodc_cts.read(generate(tmp_path / "unodc_synthetic_2000_invalid.csv", 2_000, BUNDLED,
                                      invalid_share=0.01), "i.csv", "r")
    assert invalid.height == 2_000 and invalid.filter(pl.col("value") < 0).height == 20
    dup = unodc_cts.read(generate(tmp_path / "unodc_synthetic_2000_dup.csv", 2_000, BUNDLED,
                                  duplicate_share=0.01), "d.csv", "r")
    assert dup.height == 2_000 and dup.select(pl.struct(*KEY).is_duplicated().sum()).item() == 40


def test_bench_reports_ratio_memory_machine_and_verdict_per_variant(tmp_path: Path) -> None:
    report = run(rows=1_000, out=tmp_path, repeats=1)
    valid, invalid, dup = (report.measurement(v) for v in ("valid", "invalid_1pct", "duplicate_keys"))
    assert valid.failed_results == []  # the synthetic data meets every expectation, warnings included
    assert any(f.startswith("no_negative_values/value: 10 rows") for f in invalid.failed_results)
    assert any(f.startswith("keys_unique/None: 20 rows") for f in dup.failed_results)
    for m in report.measurements:
        assert m.ingest.seconds > 0 and m.validation.seconds > 0 and m.ratio > 0
        assert m.validation.peak_rss_mb > 0 and m.ingest.peak_rss_mb > 0 and m.expectation_results > 50
    assert report.machine.usable_cpus >= 1
    text = describe(report)
    assert "usable CPU cores" in text and "verdict" in text and "duplicate_keys" in text and "ratio" in text
    data = json.loads(write(report, tmp_path).read_text())
    assert data["rows"] == 1_000 and len(data["measurements"]) == 3 and "passed" in data


def test_out_option_keeps_every_file_out_of_the_repository(tmp_path: Path, capsys) -> None:
    main(["--rows", "200", "--repeats", "1", "--out", str(tmp_path / "o"), "--variant", "valid"])
    assert sorted(p.name for p in (tmp_path / "o").iterdir()) == ["unodc_synthetic_200.csv", "validation_200.json"]
    assert f"written: {tmp_path / 'o' / 'validation_200.json'}" in capsys.readouterr().out
