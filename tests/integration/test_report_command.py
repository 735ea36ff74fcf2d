"""`cyberstats report` re-renders the site from the published warehouse alone and still says what the
publication changed (recorded at publication time in meta.publication_changes)."""

import re
from pathlib import Path

import duckdb
import pytest

from pipelines.cli import main
from tests.integration.helpers import run_cli, site, warehouse
from tests.integration.test_fresh_build import assert_exactly_the_declared_tables, leave_a_table_in_an_earlier_build


def _changes_section(index: Path) -> str:
    html = index.read_text(encoding="utf-8")
    section = html.split("What changed since the previous publication")[1].split("</section>")[0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", section))


def test_report_keeps_what_changed_since_the_previous_publication(published_copy,
                                                                  capsys: pytest.CaptureFixture) -> None:
    data = published_copy.data
    with duckdb.connect(str(warehouse(data)), read_only=True) as con:
        first = con.execute("SELECT fingerprint, run_id FROM meta.publication").fetchone()
        assert con.execute("SELECT change FROM meta.publication_changes").fetchall() == [("first_publication",)]

    leave_a_table_in_an_earlier_build(data)  # and it must not reach this publication (issue 9: fresh builds)
    figures = data / "sources" / "national_figures" / "2026-11-22" / "national_headline_figures.csv"
    text = figures.read_text(encoding="utf-8").replace("Scam", "Scam (edited)", 1)
    restated = text.replace(",loss,1100000000,,,SGD,", ",loss,1320000000,,,SGD,")  # Singapore 2024: +20%
    assert restated.count(",loss,1320000000,,,SGD,") == 1
    figures.write_text(restated, encoding="utf-8")
    assert run_cli(data) == 0
    assert_exactly_the_declared_tables(data)
    with duckdb.connect(str(warehouse(data)), read_only=True) as con:
        second_run = con.execute("SELECT run_id FROM meta.publication").fetchone()[0]
    relpath = figures.relative_to(data).as_posix()
    live = _changes_section(site(data) / "index.html")
    assert first[0][:16] in live and relpath in live
    # the changed figure, and the regional sums it moves, are listed, largest first (issue 13, item 3)
    with duckdb.connect(str(warehouse(data)), read_only=True) as con:
        changed = con.execute("SELECT figure, old_value, new_value, reason, compared_publication FROM marts.revisions "
                              "WHERE revision_kind = 'publication' ORDER BY abs(change_share) DESC").fetchall()
    assert changed[0] == ("Singapore · 2024 · spf", 1.1e9, 1.32e9, "input_changed", first[0])
    assert {f for f, *_ in changed[1:]} == {"South-eastern Asia · 2024", "Asia · 2024", "World · 2024"}
    assert ("Singapore · 2024 · spf marts.losses_by_country_year SGD 1,100,000,000 1,320,000,000 +20.0% the input "
            f"file {relpath} changed (row 182)") in live
    # both publications are kept, and the first one still answers as it did
    wh = ["--warehouse", str(warehouse(data))]
    capsys.readouterr()
    assert main(["publications", "--format", "csv", *wh]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert len(listed) == 3 and listed[2].startswith(first[0][:12] + ",")
    assert main(["query", "--as-of", first[0][:12], "--format", "csv", *wh, "SELECT loss_lcu FROM "
                 "losses_by_country_year WHERE is_preferred AND country_iso3 = 'SGP' AND year = 2024"]) == 0
    assert capsys.readouterr().out == "loss_lcu\n1100000000.0\n"

    assert main(["report", "--warehouse", str(warehouse(data)), "--site-dir", str(site(data))]) == 0
    rebuilt = _changes_section(site(data) / "index.html")
    assert "first publication" not in rebuilt
    assert f"fingerprint {first[0][:16]}" in rebuilt
    assert f"Input files changed: {relpath}" in rebuilt
    assert rebuilt == live  # the same comparison as the run's own site
    footer = (site(data) / "index.html").read_text(encoding="utf-8").split("<footer>")[1]
    assert second_run in footer  # the publication run, not the report command's own id
