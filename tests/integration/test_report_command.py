"""`cyberstats report` re-renders the site from the published warehouse alone and still says what the
publication changed (recorded at publication time in meta.publication_changes)."""

import re
from pathlib import Path

import duckdb

from pipelines.cli import main
from tests.integration.helpers import run_cli, site, warehouse
from tests.integration.test_fresh_build import assert_exactly_the_declared_tables, leave_a_table_in_an_earlier_build


def _changes_section(index: Path) -> str:
    html = index.read_text(encoding="utf-8")
    section = html.split("What changed since the previous publication")[1].split("</section>")[0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", section))


def test_report_keeps_what_changed_since_the_previous_publication(published_copy) -> None:
    data = published_copy.data
    with duckdb.connect(str(warehouse(data)), read_only=True) as con:
        first = con.execute("SELECT fingerprint, run_id FROM meta.publication").fetchone()
        assert con.execute("SELECT change FROM meta.publication_changes").fetchall() == [("first_publication",)]

    leave_a_table_in_an_earlier_build(data)  # and it must not reach this publication (issue 9: fresh builds)
    figures = next((data / "sources" / "national_figures").rglob("*.csv"))
    figures.write_text(figures.read_text(encoding="utf-8").replace("Scam", "Scam (edited)", 1), encoding="utf-8")
    assert run_cli(data) == 0
    assert_exactly_the_declared_tables(data)
    with duckdb.connect(str(warehouse(data)), read_only=True) as con:
        second_run = con.execute("SELECT run_id FROM meta.publication").fetchone()[0]
    relpath = figures.relative_to(data).as_posix()
    live = _changes_section(site(data) / "index.html")
    assert first[0][:16] in live and relpath in live

    assert main(["report", "--warehouse", str(warehouse(data)), "--site-dir", str(site(data))]) == 0
    rebuilt = _changes_section(site(data) / "index.html")
    assert "first publication" not in rebuilt
    assert f"fingerprint {first[0][:16]}" in rebuilt
    assert f"Input files changed: {relpath}" in rebuilt
    assert rebuilt == live  # the same comparison as the run's own site
    footer = (site(data) / "index.html").read_text(encoding="utf-8").split("<footer>")[1]
    assert second_run in footer  # the publication run, not the report command's own id
