"""Messages name the column as the file has it and say what was expected and what was found."""

import csv
import io
from pathlib import Path

import pytest

from pipelines.errors import InputError
from pipelines.quality import quarantine
from pipelines.quality.runner import run_suite
from pipelines.quality.suites import suite_for
from pipelines.sources import fbi_ic3, worldbank_wdi
from tests.conftest import BUNDLED

WDI = BUNDLED / "reference/worldbank_wdi/2025-10-07/WDI_SP.POP.TOTL_2000-latest.csv"
IC3 = BUNDLED / "sources/fbi_ic3/reports-2015-2025/ic3_annual_totals.csv"


def _rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))


def _write(path: Path, rows: list[list[str]], delimiter: str = ",") -> Path:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def test_a_world_bank_value_is_named_by_its_year_column(tmp_path: Path) -> None:
    rows = _rows(WDI)
    header = next(i for i, r in enumerate(rows) if "Indicator Code" in r)
    rows[header + 2][rows[header].index("2003")] = "-5"  # spreadsheet row header + 3
    rows[header + 3][rows[header].index("2000")] = "0"
    path = _write(tmp_path / "pop.csv", rows)
    _, frame = worldbank_wdi.read(path, "reference/worldbank_wdi/x/pop.csv", "x")
    suite = suite_for("staging", "stg_worldbank_wdi__values")
    [failed] = [r for r in run_suite(frame, suite, None, suite.screening()) if not r.success]
    assert failed.expectation == "population_positive"
    assert failed.lines() == [
        f"reference/worldbank_wdi/x/pop.csv, rows {header + 3}, {header + 4}, columns '2003', '2000' (table column "
        "'value'): expectation population_positive failed: expected a population above 0, found '-5', '0'"]
    [record] = quarantine.from_results("worldbank_wdi", [failed], {"reference/worldbank_wdi/x/pop.csv": "0" * 64})
    assert (record.row, record.column) == (header + 3, "2003, 2000")


def test_a_semicolon_delimited_file_says_a_comma_delimited_header_was_expected(tmp_path: Path) -> None:
    path = _write(tmp_path / "totals.csv", _rows(IC3), delimiter=";")
    with pytest.raises(InputError) as caught:
        fbi_ic3.read(path, "sources/fbi_ic3/r/totals.csv", "r")
    err = caught.value
    assert err.row == 1 and "comma-delimited header row with a 'year' cell" in err.expected
    assert err.found == "a header delimited by ';': year;complaints;loss_usd;report;source_url;notes"
    assert str(err).startswith("sources/fbi_ic3/r/totals.csv, row 1: expected an IC3 table header")


def test_a_missing_header_shows_what_the_first_row_holds(tmp_path: Path) -> None:
    path = _write(tmp_path / "totals.csv", [["Internet Crime Report"], ["no table here", "at all"]])
    with pytest.raises(InputError) as caught:
        fbi_ic3.read(path, "t.csv", "r")
    assert caught.value.found == "no such row (the first row reads Internet Crime Report)"
