"""A failing run names the file, row and column, exits non-zero and publishes nothing."""

import csv
from pathlib import Path

import pytest

from tests.conftest import copy_bundled
from tests.integration.helpers import run_cli, site, warehouse


def test_bad_file_fails_the_run_and_keeps_the_publication(published_copy, capsys: pytest.CaptureFixture) -> None:
    data_dir = published_copy.data
    wh, index = warehouse(data_dir), site(data_dir) / "index.html"
    before = (wh.read_bytes(), index.read_bytes())
    capsys.readouterr()
    bad = data_dir / "sources" / "fbi_ic3" / "reports-2015-2025" / "ic3_annual_totals.csv"
    rows = list(csv.reader(bad.open(encoding="utf-8")))
    rows[3][1] = "twelve-ish"
    with bad.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    source_bytes = bad.read_bytes()
    assert run_cli(data_dir) == 1
    err = capsys.readouterr().err
    assert "sources/fbi_ic3/reports-2015-2025/ic3_annual_totals.csv, row 4, column 'complaints': expected a number, " \
           "found 'twelve-ish'" in err
    assert "not changed" in err
    assert (wh.read_bytes(), index.read_bytes()) == before
    assert bad.read_bytes() == source_bytes


def test_missing_data_directory_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    from pipelines.cli import main

    assert main(["run", "--data-dir", str(tmp_path / "nowhere")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_ragged_row_is_named(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    data_dir = copy_bundled(tmp_path / "data", sources=("ncrb",))  # the reference tables and the NCRB tables
    bad = data_dir / "sources" / "ncrb" / "crime-in-india-2018" / "cyber_crimes_state_2016_2018.csv"
    lines = bad.read_text(encoding="utf-8").splitlines()
    lines[5] += ",999"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert run_cli(data_dir) == 1
    err = capsys.readouterr().err
    assert ("cyber_crimes_state_2016_2018.csv, row 6: expected 8 fields as in the header (row 1), "
            "found '9 fields'") in err


def test_an_incomplete_newer_reference_release_fails_the_run_and_says_what_to_copy(
        tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    data_dir = copy_bundled(tmp_path / "data", sources=False)  # a reference fails: no source is needed
    # A refreshed population file alone in a newer release would otherwise drop every exchange rate.
    wdi = data_dir / "reference" / "worldbank_wdi"
    newer = wdi / "2026-07-01"
    newer.mkdir()
    for name in ("WDI_SP.POP.TOTL_2000-latest.csv", "WDI_Metadata_Country.csv"):
        (newer / name).write_bytes((wdi / "2025-10-07" / name).read_bytes())
    assert run_cli(data_dir) == 1
    err = capsys.readouterr().err
    assert "reference/worldbank_wdi/2026-07-01/: expected a complete release of worldbank_wdi" in err
    assert ("found 'none for the official exchange rate (PA.NUS.FCRF)'; releases 2025-10-07, 2026-04-08 have it: "
            "copy the file(s) into 2026-07-01/ or remove 2026-07-01/") in err
    assert not warehouse(data_dir).exists()
