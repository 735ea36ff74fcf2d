"""What a failed run leaves for the analyst: its quality page in the private build area (never the
published site), and a quarantine listing of that run only."""

import json
import re
from pathlib import Path

import pytest

from pipelines.cli import main
from tests.bad_inputs.corpus import unodc_with
from tests.integration.helpers import run_cli, site, warehouse

BAD = "sources/unodc_cts/2024-05-16/data_cts_resubmitted.csv"
M49 = "reference/un_m49/2024-09-25/m49_countries.csv"


def _quarantined(data: Path, capsys: pytest.CaptureFixture) -> list[tuple[str, str]]:
    assert main(["quarantine", "--data-dir", str(data), "--warehouse", str(warehouse(data)), "--format",
                 "json"]) == 0
    return [(r["run_id"], r["relpath"]) for r in json.loads(capsys.readouterr().out)]


def test_a_failed_run_leaves_its_quality_page_and_only_its_own_quarantine(data_dir: Path,
                                                                          capsys: pytest.CaptureFixture) -> None:
    (data_dir / BAD).write_bytes(unodc_with(2, {"VALUE": "-5"})())
    capsys.readouterr()
    assert run_cli(data_dir) == 1
    err = capsys.readouterr().err
    found = re.search(r"Quality page of this run \(failing expectations with examples; not published\): (\S+)", err)
    assert found, err
    page = Path(found.group(1))
    assert page == warehouse(data_dir).parent / ".build" / "quality" / "quality.html"
    html = page.read_text(encoding="utf-8")
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert "They stopped the publication" in text
    assert "no_negative_values on staging.stg_unodc_cts__observations" in text
    assert BAD in text and "<code>-5</code>" in html  # the example: file, row and value
    assert "files_not_quarantined" in text
    assert "<script" not in html and "https://" not in html
    assert not site(data_dir).exists() and not warehouse(data_dir).exists()  # nothing published
    [(first_run, relpath)] = _quarantined(data_dir, capsys)
    assert relpath == BAD

    # The next run no longer has the bad file but breaks a reference: the UNODC table is never staged,
    # and the listing shows what this run quarantined, not the file the previous run left out.
    (data_dir / BAD).unlink()
    (data_dir / M49).write_text("not,a,m49\nlist,at,all\n", encoding="utf-8")
    assert run_cli(data_dir) == 1
    err = capsys.readouterr().err
    [(second_run, relpath)] = _quarantined(data_dir, capsys)
    assert relpath == M49 and second_run != first_run
    html = page.read_text(encoding="utf-8")
    assert M49 in html and BAD not in html
    assert main(["quarantine", "--data-dir", str(data_dir), "--warehouse", str(warehouse(data_dir))]) == 0
    assert f"run {second_run}" in capsys.readouterr().out
