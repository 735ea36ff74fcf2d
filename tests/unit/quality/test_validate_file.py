"""cyberstats validate: a file checked against its reader and suite, nothing written anywhere."""

from pathlib import Path

import pytest

from pipelines.errors import ConfigError
from pipelines.quality.validate_file import validate_file
from tests.conftest import BUNDLED

UNODC = BUNDLED / "sources" / "unodc_cts" / "2024-05-16" / "data_cts_corruption_and_economic_crime_cyber.csv"


def _snapshot(*dirs: Path) -> dict[str, tuple[int, int]]:
    return {str(p): (p.stat().st_size, p.stat().st_mtime_ns) for d in dirs for p in d.rglob("*") if p.is_file()}


def test_a_good_file_passes_and_nothing_is_written(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    before = _snapshot(BUNDLED / "sources", BUNDLED / "reference")
    report = validate_file(UNODC, "unodc_cts", BUNDLED)
    assert report.ok and report.rows == {"stg_unodc_cts__observations": 4_742}
    assert report.results and all(r.success for r in report.results if r.blocking)
    assert list(tmp_path.iterdir()) == []
    assert _snapshot(BUNDLED / "sources", BUNDLED / "reference") == before


def test_a_failing_row_is_named_with_its_expectation(tmp_path: Path) -> None:
    lines = UNODC.read_text(encoding="utf-8").splitlines()
    fields = lines[5].split(",")
    fields[12 - 1] = "-3"  # VALUE of spreadsheet row 6
    lines[5] = ",".join(fields)
    bad = tmp_path / "neg.csv"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = validate_file(bad, "unodc_cts", BUNDLED, name="neg.csv")
    assert not report.ok and [r.expectation for r in report.failures] == ["no_negative_values"]
    assert ("neg.csv, row 6, column 'value' (published as 'VALUE'): expectation no_negative_values failed: "
            "expected counts, rates and losses of at least 0, found '-3'") in "\n".join(report.lines())


def test_an_unreadable_file_is_reported_as_such(tmp_path: Path) -> None:
    bad = tmp_path / "broken.xlsx"
    bad.write_bytes(UNODC.read_bytes())
    report = validate_file(bad, "unodc_cts", BUNDLED, name="broken.xlsx")
    assert not report.ok and report.unreadable is not None
    assert "broken.xlsx: expected an .xlsx workbook (a zip container), found 'a file that is not a zip archive' " \
           "(expectation file_readable)" in "\n".join(report.lines())


def test_usage_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="unknown source 'nope'"):
        validate_file(UNODC, "nope", BUNDLED)
    with pytest.raises(ConfigError, match="is not a file"):
        validate_file(tmp_path / "missing.csv", "unodc_cts", BUNDLED)
