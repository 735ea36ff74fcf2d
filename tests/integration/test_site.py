"""Site rendering: escaping of hostile names, determinism, exports safe for spreadsheets."""

import re
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import openpyxl
import polars as pl
import pytest

from pipelines.reports.downloads import export_marts, neutralise_text
from pipelines.reports.site import build_site, chart_json

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'
FORMULA = '=HYPERLINK("http://evil.example","click")'
RUN = {"fingerprint": "f" * 64, "pipeline_version": "test", "run_id": "r" * 32, "built_at": "2026-01-01 00:00 UTC",
       "input_files": 1}


@pytest.fixture(scope="module")
def hostile_warehouse(golden, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the session's published warehouse whose Singapore figures carry markup in the publisher
    and formula text in the notes, in every mart that has those columns (as a national figures file with
    such text would put them there: the pipeline copies text verbatim, tests/bad_inputs checks that)."""
    import shutil

    path = tmp_path_factory.mktemp("hostile") / "cyberstats.duckdb"
    shutil.copyfile(golden.warehouse, path)
    with duckdb.connect(str(path)) as con:
        marts = con.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'marts'").fetchall()
        for (table,) in marts:
            cols = {c for (c,) in con.execute("SELECT column_name FROM duckdb_columns() WHERE schema_name = 'marts' "
                                               "AND table_name = ?", [table]).fetchall()}
            if "country_iso3" not in cols:
                continue
            sets = [f"{c} = ?" for c in ("publisher", "notes") if c in cols]
            params = [v for c, v in (("publisher", HOSTILE), ("notes", FORMULA)) if c in cols]
            if sets:
                con.execute(f"UPDATE marts.{table} SET {', '.join(sets)} WHERE country_iso3 = 'SGP'",  # noqa: S608
                            params)
    return path


def render_like_built(wh: Path, out: Path) -> Path:
    """The whole site with the quality page and the single-file bundle."""
    from pipelines.quality.report import quality_page

    with duckdb.connect(str(wh), read_only=True) as con:
        build_site(con, out, RUN, single_file=True, extra_pages=[quality_page])
    return out


@pytest.fixture(scope="module")
def built(hostile_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The whole site with the quality page and the single-file bundle, from the hostile copy of the published
    warehouse: rendered once, read by every test below that needs a whole site (each render costs seconds)."""
    return render_like_built(hostile_warehouse, tmp_path_factory.mktemp("built") / "site")


def test_hostile_text_is_escaped_everywhere(built: Path) -> None:
    texts = {p: p.read_text(encoding="utf-8") for p in built.rglob("*.html")}
    assert any("&lt;script&gt;alert(" in t or "\\u003cscript\\u003e" in t for t in texts.values())
    for path, text in texts.items():
        assert "<script>alert(" not in text, path
        assert "<img src=x" not in text, path
        # Only as escaped text: an HTML entity, or one inside a JSON string (\u0026gt;).
        assert 'onerror=alert' not in text.replace("onerror=alert(1)&gt;", "").replace(
            "onerror=alert(1)\\u0026gt;", ""), path


def test_chart_json_cannot_close_its_script_element() -> None:
    from pipelines.reports.figures import Chart

    fig = {"data": [{"type": "bar", "x": ["</script><script>alert(1)</script>"], "y": [1]}], "layout": {}}
    text = chart_json(Chart("x", "t", fig, "s", pl.DataFrame(), {}))
    assert "</" not in text and "<" not in text and ">" not in text


def test_output_is_deterministic_for_identical_marts(built: Path, hostile_warehouse: Path, tmp_path: Path) -> None:
    """The same marts rendered again, with the same options as ``built``, give the same bytes."""
    b = render_like_built(hostile_warehouse, tmp_path / "b")
    files_a = {p.relative_to(built): p.read_bytes() for p in built.rglob("*") if p.is_file()}
    files_b = {p.relative_to(b): p.read_bytes() for p in b.rglob("*") if p.is_file()}
    assert files_a.keys() == files_b.keys()
    assert [k for k in files_a if files_a[k] != files_b[k]] == []


def test_downloads_neutralise_formulas(built: Path) -> None:
    downloads = built / "downloads"
    text = (downloads / "losses_by_country_year.csv").read_text(encoding="utf-8")
    assert "'=HYPERLINK" in text
    assert not any(line.startswith("=") or ",=" in line for line in text.splitlines())
    ws = openpyxl.load_workbook(downloads / "losses_by_country_year.xlsx").active
    cells = [c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and c.value.startswith("=")]
    assert cells and all(c.data_type == "s" and c.quotePrefix for c in cells)
    parquet = pl.read_parquet(downloads / "losses_by_country_year.parquet")
    assert parquet["notes"].str.starts_with("=HYPERLINK").any()  # exact values kept


@pytest.mark.parametrize("text,expected", [("=1+1", "'=1+1"), ("+1", "'+1"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"),
                                           ("\tx", "'\tx"), ("plain", "plain"), (None, None)])
def test_neutralise_text(text, expected) -> None:
    assert neutralise_text(text) == expected


def test_export_refuses_more_rows_than_a_sheet_holds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pipelines.reports.downloads as dl

    monkeypatch.setattr(dl, "XLSX_MAX_ROWS", 2)
    done = export_marts({"t": pl.DataFrame({"a": [1, 2, 3]})}, tmp_path)
    assert set(done[0].files) == {"csv", "parquet"}  # no truncated XLSX


# --- the site as a reader sees it ----------------------------------------------------------------



def _text(path: Path) -> str:
    """Visible text of a page, whitespace collapsed."""
    html = path.read_text(encoding="utf-8")
    html = re.sub(r"<script.*?</script>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.refs: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        for name, value in attrs:
            if name == "id":
                self.ids.append(value)
            elif name in ("aria-labelledby", "aria-describedby", "data-target"):
                self.refs += value.split()


def test_single_file_has_unique_ids_and_every_reference_resolves(built: Path) -> None:
    parser = _Ids()
    parser.feed((built / "cyberstats-report.html").read_text(encoding="utf-8"))
    duplicates = sorted({i for i in parser.ids if parser.ids.count(i) > 1})
    assert duplicates == []
    assert len(parser.ids) > 500  # every page's sections and charts are in it
    assert set(parser.refs) <= set(parser.ids)


def test_pages_keep_their_plain_ids(built: Path) -> None:
    parser = _Ids()
    parser.feed((built / "countries" / "GBR.html").read_text(encoding="utf-8"))
    assert "src-h" in parser.ids and "losses-gbr" in parser.ids


def test_only_pages_with_a_map_load_the_topology(built: Path) -> None:
    loading = sorted(p.relative_to(built).as_posix() for p in built.rglob("*.html")
                     if "world_50m.js" in p.read_text(encoding="utf-8"))
    assert loading == ["regional.html"]
    assert "choropleth" in (built / "regional.html").read_text(encoding="utf-8")


def test_footer_names_the_publication_run_and_the_fingerprint(built: Path, hostile_warehouse: Path) -> None:
    with duckdb.connect(str(hostile_warehouse), read_only=True) as con:
        run_id = con.execute("SELECT run_id FROM meta.publication").fetchone()[0]
    footer = _text(built / "index.html").split("Publication run")[-1]
    assert footer.startswith(f" {run_id} , published ")  # the whole id of the run that published the warehouse
    assert "ffffffffffffffff" in footer and f"pages re-rendered by {RUN['run_id']}" in footer


def test_quality_page_sentences_are_separated(hostile_warehouse: Path, tmp_path: Path) -> None:
    import shutil

    from pipelines.quality.report import render_quality_page

    # The bundled data has no drift warning (permanent facts are documented exceptions): give it one.
    wh = tmp_path / "warned.duckdb"
    shutil.copyfile(hostile_warehouse, wh)
    with duckdb.connect(str(wh)) as con:
        con.execute("UPDATE quality.validation_results SET success = false, unexpected_count = 1 "
                    "WHERE expectation = 'regions_assigned' AND run_id = (SELECT run_id FROM meta.publication)")
    with duckdb.connect(str(wh), read_only=True) as con:
        render_quality_page(con, tmp_path / "site")
    text = _text(tmp_path / "site" / "quality.html")
    assert "warning" in text
    assert not re.search(r"failed\.\d", text)
    assert re.search(r"failed\. \d+ warnings? \(reported, never blocking\)", text)


def test_sources_page_shows_every_field_of_every_file_without_a_wide_table(built: Path,
                                                                            hostile_warehouse: Path) -> None:
    with duckdb.connect(str(hostile_warehouse), read_only=True) as con:
        files = con.execute("SELECT relpath, sha256, retrieved FROM marts.source_files").fetchall()
    html = (built / "sources.html").read_text(encoding="utf-8")
    assert "<table" not in html
    assert html.count('<dl class="provenance">') == len(files)
    for relpath, sha, _ in files:
        assert relpath in html and sha in html
    assert html.count("<dt>Licence</dt>") == html.count("<dt>Retrieved</dt>") == len(files)
    # A curated table is not retrieved from anywhere: its sidecar names the facts it was curated from.
    with duckdb.connect(str(hostile_warehouse), read_only=True) as con:
        (curated,) = con.execute("SELECT count(*) FROM marts.source_files WHERE retrieved IS NULL AND publisher "
                                 "LIKE 'cyberstats%'").fetchone()
    assert curated == 6 and html.count("not applicable (curated by hand)") == curated  # with the break register


def test_freshness_dates_releases_named_by_a_commit(built: Path) -> None:
    text = _text(built / "index.html")
    assert re.search(r"a1f785a \(repository snapshot, retrieved \d{4}-\d{2}-\d{2}\)", text)
    assert re.search(r"fa7d949 \(repository snapshot, retrieved \d{4}-\d{2}-\d{2}\)", text)


def test_offences_page_shows_the_mix_by_year_and_the_non_ict_part(built: Path) -> None:
    html = (built / "offences.html").read_text(encoding="utf-8")
    for chart_id in ("convention-articles", "convention-by-year", "iccs-heatmap", "iccs-by-year"):
        assert f'id="{chart_id}"' in html
    text = _text(built / "offences.html")
    assert "from series that include non-ICT offences" in text
    assert re.search(r"Countries reporting any mapped offence, World: 2013 \d+, 2014 \d+", text)


def test_convention_pages_show_the_chart_and_the_dated_events(built: Path, hostile_warehouse: Path) -> None:
    from datetime import date

    with duckdb.connect(str(hostile_warehouse), read_only=True) as con:
        published_at = con.execute("SELECT published_at FROM meta.publication").fetchone()[0]
        events = con.execute("SELECT count(*) FROM marts.convention_events").fetchone()[0]
    published_on = date.fromisoformat(str(published_at)[:10])
    left = (date(2026, 12, 31) - published_on).days  # from the publication date, as the page says
    offences, overview = (built / "offences.html").read_text(encoding="utf-8"), _text(built / "index.html")
    assert 'id="convention-status"' in offences and 'id="convention-status"' in (built / "index.html").read_text(
        encoding="utf-8")
    text = _text(built / "offences.html")
    for page in (text, overview):
        assert "40 of 40 still needed" in page
        assert "Newest dated evidence: 2026-02-23" in page
        if left > 0:
            assert f"{left} days left at this publication ({published_on})" in page
    table = offences.split("<caption>Dated events, newest first")[1].split("</table>")[0]
    assert table.count("<tr>") == events + 1  # the header row and one row per event
    assert '<a href="https://www.trend.az/azerbaijan/politics/4156490.html">' in table
    assert "dated signatures, ratification steps and deposits" in overview  # the Overview links to the table


def test_regional_page_shows_published_figures_apart_and_subregions(built: Path) -> None:
    text = _text(built / "regional.html")
    assert "Figures published by others for regions and the world" in text
    published = text.split("Figures published by others for regions and the world")[1]
    assert "Global Anti-Scam Alliance" in published and "range US$18.00 bn to US$37.00 bn" in published
    assert "Sub-regions" in text and "Australia and New Zealand" in text


@pytest.fixture(scope="module")
def unconverted_site(golden, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site of a copy of the published warehouse in which Singapore's 2024 figure could not be converted
    (as GBP 2024 could not before the 2025-07-01 World Bank rates: on the bundled data every preferred figure now
    converts), so the regional sums leave it out and must say so."""
    import shutil

    path = tmp_path_factory.mktemp("unconverted") / "cyberstats.duckdb"
    shutil.copyfile(golden.warehouse, path)
    with duckdb.connect(str(path)) as con:
        con.execute("UPDATE marts.losses_by_country_year SET loss_usd_nominal = NULL, loss_usd_constant = NULL, "
                    "conversion_note = 'no SGD per USD rate for 2024; shown in SGD' "
                    "WHERE country_iso3 = 'SGP' AND year = 2024")
        con.execute("UPDATE marts.regional_losses SET not_converted_countries = 'SGP' WHERE year = 2024 "
                    "AND region_code IN ('001', '142', '035')")
        con.execute("UPDATE marts.regional_losses SET reporting_countries = replace(reporting_countries, 'SGP, ', '') "
                    "WHERE year = 2024 AND region_code IN ('001', '142', '035')")
    out = tmp_path_factory.mktemp("unconverted_site") / "site"
    with duckdb.connect(str(path), read_only=True) as con:
        build_site(con, out, RUN)
    return out


def test_excluded_countries_are_named_where_the_sum_leaves_them_out(unconverted_site: Path) -> None:
    headline = _text(unconverted_site / "index.html").split("Headline")[1].split("Reported losses by region")[0]
    regional = _text(unconverted_site / "regional.html")
    assert "Singapore" in headline and "no SGD per USD rate for 2024" in headline
    assert "Singapore" in regional
