"""--allow-quarantine publishes without the file that failed its blocking suite, and says so."""

import re
from pathlib import Path

import duckdb
import pytest

from pipelines.cli import main
from tests.bad_inputs.corpus import unodc_with
from tests.bad_inputs.helpers import NOT_CHANGED, clone
from tests.integration.helpers import run_cli, site, warehouse


def test_allow_quarantine_publishes_without_the_file_and_says_so(published: Path, tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture) -> None:
    data = clone(published, tmp_path)
    extra = "sources/unodc_cts/2024-05-16/data_cts_resubmitted.csv"
    bad = unodc_with(2, {"VALUE": "-5"})()
    (data / extra).write_bytes(bad)
    with duckdb.connect(str(warehouse(data)), read_only=True) as con:
        marts_before = {t: con.execute(f"SELECT * FROM marts.{t}").pl() for (t,) in con.execute(  # noqa: S608
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'marts' ORDER BY 1").fetchall()}

    assert run_cli(data, "--allow-quarantine") == 0
    err = capsys.readouterr().err
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
    assert main(["quarantine", "--published", "--warehouse", str(warehouse(data))]) == 0
    assert extra in capsys.readouterr().out
    # The published quality page tells what happened: published without the file, nothing blocked.
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", (site(data) / "quality.html").read_text(encoding="utf-8")))
    assert "No blocking expectation failed" in text and "stopped the publication" not in text
    assert "This publication was made without them" in text and extra in text
    assert "Warning : no_negative_values on staging.stg_unodc_cts__observations" in text
    assert "left out by --allow-quarantine" in text

    # Without the flag the same inputs are not "unchanged": the run fails and publishes nothing.
    wh_before = warehouse(data).read_bytes()
    assert run_cli(data) == 1
    assert NOT_CHANGED in capsys.readouterr().err
    assert warehouse(data).read_bytes() == wh_before
