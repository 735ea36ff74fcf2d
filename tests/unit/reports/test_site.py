"""Site rendering: escaping of hostile names, determinism, exports safe for spreadsheets."""

import csv
from pathlib import Path

import duckdb
import openpyxl
import polars as pl
import pytest

from pipelines.reports.downloads import export_marts, neutralise_text
from pipelines.reports.site import build_site, chart_json
from tests.conftest import copy_bundled
from tests.integration.helpers import run_cli, warehouse

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'
RUN = {"fingerprint": "f" * 64, "pipeline_version": "test", "run_id": "r" * 32, "built_at": "2026-01-01 00:00 UTC",
       "input_files": 1}


@pytest.fixture(scope="module")
def hostile_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real run whose national figures carry markup and formula text in names and notes."""
    data = copy_bundled(tmp_path_factory.mktemp("hostile") / "data")
    path = next((data / "sources" / "national_figures").rglob("*.csv"))
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    for r in rows:
        if r["country_iso3"] == "SGP":
            r["publisher"] = HOSTILE
            r["notes"] = '=HYPERLINK("http://evil.example","click")'
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    assert run_cli(data) == 0
    return warehouse(data)


def render(wh: Path, out: Path, single: bool = False):
    with duckdb.connect(str(wh), read_only=True) as con:
        return build_site(con, out, RUN, single_file=single)


def test_hostile_text_is_escaped_everywhere(hostile_warehouse: Path, tmp_path: Path) -> None:
    result = render(hostile_warehouse, tmp_path / "site", single=True)
    texts = {p: p.read_text(encoding="utf-8") for p in result.directory.rglob("*.html")}
    assert any("&lt;script&gt;alert(" in t or "\\u003cscript\\u003e" in t for t in texts.values())
    for path, text in texts.items():
        assert "<script>alert(" not in text, path
        assert "<img src=x" not in text, path
        assert 'onerror=alert' not in text.replace("onerror=alert(1)&gt;", ""), path


def test_chart_json_cannot_close_its_script_element() -> None:
    import plotly.graph_objects as go

    from pipelines.reports.figures import Chart

    fig = go.Figure(go.Bar(x=["</script><script>alert(1)</script>"], y=[1]))
    text = chart_json(Chart("x", "t", fig, "s", pl.DataFrame(), {}))
    assert "</" not in text and "<" not in text and ">" not in text


def test_output_is_deterministic_for_identical_marts(hostile_warehouse: Path, tmp_path: Path) -> None:
    a, b = render(hostile_warehouse, tmp_path / "a"), render(hostile_warehouse, tmp_path / "b")
    files_a = {p.relative_to(a.directory): p.read_bytes() for p in a.directory.rglob("*") if p.is_file()}
    files_b = {p.relative_to(b.directory): p.read_bytes() for p in b.directory.rglob("*") if p.is_file()}
    assert files_a.keys() == files_b.keys()
    assert [k for k in files_a if files_a[k] != files_b[k]] == []


def test_downloads_neutralise_formulas(hostile_warehouse: Path, tmp_path: Path) -> None:
    result = render(hostile_warehouse, tmp_path / "site")
    downloads = result.directory / "downloads"
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
