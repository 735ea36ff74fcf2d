"""Done when (issue 13): a national figures file dropped into incoming/ appears in the next publication and in its
"What changed". One run, on a copy of the golden publication: `cyberstats ingest` takes the file in and the run
follows."""

import duckdb

from pipelines.cli import main
from tests.conftest import BUNDLED, Published

NATIONAL = BUNDLED / "sources" / "national_figures" / "2026-11-22" / "national_headline_figures.csv"


def test_a_dropped_national_figures_file_is_in_the_next_publication(published_copy: Published, capsys) -> None:
    pub = published_copy
    # A restatement of the bundled file as its publisher would send it: CERT NZ's 2023 loss changed, a new release.
    text = NATIONAL.read_text(encoding="utf-8")
    old, new = ",calendar_year,loss,18300000,,,NZD,", ",calendar_year,loss,18400000,,,NZD,"
    assert text.count(old) == 1
    incoming = pub.data / "incoming"
    incoming.mkdir()
    (incoming / NATIONAL.name).write_text(text.replace(old, new), encoding="utf-8")
    (incoming / f"{NATIONAL.name}.source.yml").write_text(
        "release: '2026-12-01'\npublisher: various (see the publisher column of each row)\n"
        "licence: Facts compiled from public pages; the figures belong to their publishers.\n"
        "retrieved: '2026-12-01'\n", encoding="utf-8")
    with duckdb.connect(str(pub.warehouse), read_only=True) as con:
        before = con.execute("SELECT fingerprint FROM meta.publication").fetchone()[0]
        counts_before = con.execute("SELECT count(*) FROM marts.incident_counts_by_country_year").fetchone()[0]

    assert main(["ingest", "--data-dir", str(pub.data), "--warehouse", str(pub.warehouse),
                 "--site-dir", str(pub.site), "--quiet"]) == 0
    out = capsys.readouterr().out
    relpath = f"sources/national_figures/2026-12-01/{NATIONAL.name}"
    assert f"accepted         incoming/{NATIONAL.name} -> {relpath} (national_figures, release 2026-12-01)" in out
    assert "Run succeeded" in out
    assert sorted(p.name for p in incoming.iterdir()) == [".ingest.lock"]

    with duckdb.connect(str(pub.warehouse), read_only=True) as con:
        assert con.execute("SELECT fingerprint FROM meta.publication").fetchone()[0] != before
        figures = con.execute("SELECT release, loss_lcu, is_preferred FROM marts.losses_by_country_year "
                              "WHERE country_iso3 = 'NZL' AND year = 2023 ORDER BY release").fetchall()
        note = con.execute("SELECT selection_note FROM marts.losses_by_country_year WHERE country_iso3 = 'NZL' "
                           "AND year = 2023 AND release = '2026-11-22'").fetchone()[0]
        changed = con.execute("SELECT figure, old_value, new_value, reason, new_source_file FROM marts.revisions "
                              "WHERE revision_kind = 'publication' AND table_name = 'marts.losses_by_country_year'"
                              ).fetchall()
        restated = con.execute("SELECT old_release, new_release, old_value, new_value FROM marts.revisions "
                               "WHERE revision_kind = 'source_release' AND old_release <> new_release "
                               "AND json_extract_string(figure_key, '$.source_id') = 'national_figures'").fetchall()
        counts = con.execute("SELECT count(*) FROM marts.incident_counts_by_country_year").fetchone()[0]
        changes = con.execute("SELECT change FROM meta.publication_changes WHERE subject = ?", [relpath]).fetchall()
        files = con.execute("SELECT count(*) FROM marts.source_files WHERE relpath = ?", [relpath]).fetchone()[0]
    # the newer release supersedes the older one's figure (same series, year, publication and stage) ...
    assert figures == [("2026-11-22", 18_300_000.0, False), ("2026-12-01", 18_400_000.0, True)]
    assert note == "alternative: superseded by release 2026-12-01 of the same source, which restates this figure"
    # ... so What changed lists it as a changed figure, and marts.revisions as a publisher's restatement
    assert changed == [("New Zealand · 2023 · cert_nz", 18_300_000.0, 18_400_000.0, "source_changed", relpath)]
    assert restated == [("2026-11-22", "2026-12-01", 18_300_000.0, 18_400_000.0)]
    assert "New Zealand · 2023 · cert_nz" in index_text(pub)
    # the counts of the re-sent file replace the old release's rows instead of doubling them
    assert counts == counts_before
    assert changes == [("input_added",)] and files == 1
    index = index_text(pub)
    assert f"Input files added: {relpath}" in index


def index_text(pub: Published) -> str:
    return (pub.site / "index.html").read_text(encoding="utf-8")
