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

    assert main(["ingest", "--data-dir", str(pub.data), "--warehouse", str(pub.warehouse),
                 "--site-dir", str(pub.site), "--quiet"]) == 0
    out = capsys.readouterr().out
    relpath = f"sources/national_figures/2026-12-01/{NATIONAL.name}"
    assert f"accepted         incoming/{NATIONAL.name} -> {relpath} (national_figures, release 2026-12-01)" in out
    assert "Run succeeded" in out
    assert sorted(p.name for p in incoming.iterdir()) == [".ingest.lock"]

    with duckdb.connect(str(pub.warehouse), read_only=True) as con:
        assert con.execute("SELECT fingerprint FROM meta.publication").fetchone()[0] != before
        figures = con.execute("SELECT release, loss_lcu FROM marts.losses_by_country_year WHERE country_iso3 = 'NZL' "
                              "AND year = 2023 ORDER BY release").fetchall()
        changes = con.execute("SELECT change FROM meta.publication_changes WHERE subject = ?", [relpath]).fetchall()
        files = con.execute("SELECT count(*) FROM marts.source_files WHERE relpath = ?", [relpath]).fetchone()[0]
    assert figures == [("2026-11-22", 18_300_000.0), ("2026-12-01", 18_400_000.0)]
    assert changes == [("input_added",)] and files == 1
    index = (pub.site / "index.html").read_text(encoding="utf-8")
    assert f"Input files added: {relpath}" in index
