"""--allow-quarantine publishes without the file that failed its blocking suite, and says so.

The run is the session's shared one (tests/conftest.py negative_value_allowed: a copy of the golden
publication with a broken UNODC resubmission, run with the flag; tests/assets/test_checks.py reads what
Dagster recorded of it); the run without the flag works on a private copy of what it left."""

import re
import shutil
from pathlib import Path

import duckdb
import pytest

from pipelines.cli import main
from tests.bad_inputs.helpers import NOT_CHANGED, RESUBMITTED
from tests.integration.helpers import run_cli, site, warehouse


def test_allow_quarantine_publishes_without_the_file_and_says_so(published: Path, negative_value_allowed,
                                                                 tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture) -> None:
    outcome, _ = negative_value_allowed
    data, extra = outcome.data, RESUBMITTED
    bad = outcome.contents[extra]
    # The shared run started from a byte-identical copy of this publication (helpers.clone).
    with duckdb.connect(str(warehouse(published / "data")), read_only=True) as con:
        marts_before = {t: con.execute(f"SELECT * FROM marts.{t}").pl() for (t,) in con.execute(  # noqa: S608
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'marts' ORDER BY 1").fetchall()}

    assert outcome.exit_code == 0
    err = outcome.err
    assert "files_not_quarantined" in err and "no_negative_values" in err and "--allow-quarantine" in err
    with duckdb.connect(str(warehouse(data)), read_only=True) as con:
        assert con.execute("SELECT relpath, expectation, row_number FROM quality.quarantine").fetchall() == [
            (extra, "no_negative_values", 6)]
        assert con.execute("SELECT count(*) FROM staging.observations WHERE source_file = ?", [extra]).fetchone() \
            == (0,)
        for table, frame in marts_before.items():
            if table != "source_files":  # it lists every input file, the quarantined one included
                assert con.execute(f"SELECT * FROM marts.{table}").pl().equals(frame), table  # noqa: S608
    assert (data / extra).read_bytes() == bad
    capsys.readouterr()
    assert main(["quarantine", "--published", "--warehouse", str(warehouse(data))]) == 0
    assert extra in capsys.readouterr().out
    # The published quality page tells what happened: published without the file, nothing blocked.
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", (site(data) / "quality.html").read_text(encoding="utf-8")))
    assert "No blocking expectation failed" in text and "stopped the publication" not in text
    assert "This publication was made without them" in text and extra in text
    assert "Warning : no_negative_values on staging.stg_unodc_cts__observations" in text
    assert "left out by --allow-quarantine" in text

    # Without the flag the same inputs are not "unchanged": the run fails and publishes nothing.
    shutil.copytree(data.parent, tmp_path / "after")  # the whole folder: data, publication and work folder
    data = tmp_path / "after" / "data"
    wh_before = warehouse(data).read_bytes()
    assert run_cli(data) == 1
    assert NOT_CHANGED in capsys.readouterr().err
    assert warehouse(data).read_bytes() == wh_before
