"""The offline data-quality page: this build's validation results, quarantined files and history.

GX Data Docs load their CSS and JavaScript from CDNs and render unstyled offline, so the page is
rendered from ``quality.validation_results`` and ``quality.quarantine`` with the site's own
template (``dashboards/templates/quality.html``, autoescaped like every page).

Entry points:

* :func:`quality_page` returns a page for ``pipelines.reports.site.build_site(..., extra_pages=[...])``;
* :func:`render_quality_page` writes ``quality.html`` on its own (tests, or a site without the hook);
  ``standalone=True`` makes it one self-contained file (the site's stylesheet inlined, no scripts);
* :func:`render_failure_page` writes that standalone page for a run that failed: a failed run never
  reaches the report site, so ``cyberstats run`` puts this page in the private build area and
  prints its path.
"""

import json
import re
from pathlib import Path

import duckdb
import jinja2
import polars as pl

from pipelines.quality import history, quarantine
from pipelines.warehouse import table_exists

PAGE = "quality.html"
TITLE = "Data quality"
EXAMPLES = 5  # example rows/values shown per failing expectation and file
#: Checks counted in files, not rows.
FILE_LEVEL = ("files_not_quarantined", "rows_loaded_match_file")
#: Where a failed run's page goes, inside the private work area (never the published site).
FAILURE_DIR = "quality"


def _failures(results: pl.DataFrame) -> list[dict]:
    """Failing expectations grouped by table, blocking first, each with its examples per file."""
    failing = results.filter(~pl.col("success"))
    out = []
    for row in failing.sort("severity", "table_name", "expectation", "column_name", nulls_last=True).iter_rows(
            named=True):
        files = json.loads(row["files_json"] or "[]")
        out.append({
            "table": row["table_name"], "expectation": row["expectation"], "column": row["column_name"],
            "severity": row["severity"], "unexpected": row["unexpected_count"], "evaluated": row["element_count"],
            "percent": row["unexpected_percent"], "expected": row["description"], "note": row["note"],
            "gx": row["gx_expectation"],
            "unit": "files" if row["expectation"] in FILE_LEVEL else "rows",
            "samples": json.loads(row["sample_values_json"] or "[]")[:EXAMPLES],
            "files": [{"file": f["file"], "count": f["count"], "rows": f["rows"][:EXAMPLES],
                       "values": f["values"][:EXAMPLES]} for f in files],
            "messages": (row["message"] or "").splitlines() if not files else [],
        })
    return out


def _by_table(results: pl.DataFrame) -> list[dict]:
    summary = results.group_by("table_name").agg(
        pl.col("expectation").n_unique().alias("expectations"), pl.len().alias("results"),
        (~pl.col("success") & (pl.col("severity") == "blocking")).sum().alias("blocking_failed"),
        (~pl.col("success") & (pl.col("severity") == "warn")).sum().alias("warnings"),
        pl.col("element_count").max().alias("rows"),
    ).sort("table_name")
    detail = results.group_by("table_name", "expectation", "severity").agg(
        pl.col("success").all().alias("passed"), pl.col("description").first().alias("expected"),
        pl.col("column_name").drop_nulls().unique().sort().str.join(", ").alias("columns"),
        pl.col("unexpected_count").sum().alias("unexpected")).sort("table_name", "expectation")
    tables = []
    for t in summary.iter_rows(named=True):
        t["checks"] = detail.filter(pl.col("table_name") == t["table_name"]).to_dicts()
        tables.append(t)
    return tables


def quality_context(con: duckdb.DuckDBPyConnection, run_id: str | None = None) -> dict:
    """Everything the template shows, read from the quality tables reachable through ``con``: the
    results of ``run_id`` (default: the latest run recorded)."""
    has_history = table_exists(con, history.SCHEMA, history.TABLE)
    run_id = run_id or history.latest_run_id(con)
    results = history.run_results(con, run_id) if run_id and has_history else pl.DataFrame()
    records = quarantine.listing(con, run_id=run_id) if run_id else quarantine.listing(con)
    if results.height == 0 and records.height == 0:
        run_id = None  # nothing recorded for this run: the page says so
    runs = history.runs(con)
    started = None
    if results.height:
        started = str(results["run_started_at"].max())[:19].replace("T", " ") + " UTC"
    return {
        "run_id": run_id,
        "started": started,
        "evaluated": results.height,
        "tables": _by_table(results) if results.height else [],
        "failures": _failures(results) if results.height else [],
        "blocking_failed": int((~results["success"] & (results["severity"] == "blocking")).sum())
        if results.height else 0,
        "warnings": int((~results["success"] & (results["severity"] == "warn")).sum()) if results.height else 0,
        "quarantined": records.to_dicts(),
        "files_left_out": quarantine.files_left_out(records),
        "runs": [{**r, "run_started_at": str(r["run_started_at"])[:19]} for r in runs.head(history.KEEP_RUNS)
                 .to_dicts()],
        "keep_runs": history.KEEP_RUNS,
        "has_history": has_history,
    }


def quality_page(data):
    """A page for ``build_site(extra_pages=[quality_page])``: ``data`` is the site's SiteData."""
    from pipelines.reports.site import Page

    withheld = data.mart("values_not_published")
    return Page(PAGE, PAGE, TITLE, {**quality_context(data.con),
                                    "withheld": withheld.to_dicts() if withheld.height else [],
                                    "withheld_reasons": (withheld.group_by("reason").len().sort("reason").rows()
                                                         if withheld.height else [])})


def render_quality_page(con: duckdb.DuckDBPyConnection, out_dir: Path, env: jinja2.Environment | None = None,
                        run_info: dict | None = None, run_id: str | None = None, standalone: bool = False) -> str:
    """Write ``quality.html`` into ``out_dir`` from the quality tables of ``con``; return its file name.

    ``env`` defaults to the site's Jinja2 environment (autoescaping on); ``run_info`` to a minimal
    one (pipelines.reports.site.run_info provides the real thing); ``run_id`` to the latest run.
    ``standalone``: one self-contained file (stylesheet inlined, no scripts: the page has no charts).
    """
    from pipelines.reports import site

    env = env or site._env()
    page = site.Page(PAGE, PAGE, TITLE, quality_context(con, run_id))
    info = run_info or {"fingerprint": "", "pipeline_version": "", "run_id": page.context["run_id"] or "",
                        "built_at": page.context["started"] or "", "input_files": 0}
    html = site._render(env, page, info, [(PAGE, TITLE)], single=False)
    if standalone:
        html = _self_contained(html, (site.STATIC / "style.css").read_text(encoding="utf-8"))
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / PAGE).write_text(html, encoding="utf-8")
    return PAGE


def _self_contained(html: str, style: str) -> str:
    """The page without references to the site's asset files: the stylesheet inlined (the page's
    Content-Security-Policy allows inline styles) and the chart scripts dropped."""
    link = re.compile(r'<link rel="stylesheet" href="[^"]*assets/style\.css">')
    if not link.search(html):
        raise ValueError("the page template no longer links assets/style.css; cannot inline it")
    html = link.sub(lambda _: "<style>" + style.replace("</", "<\\/") + "</style>", html, count=1)
    return re.sub(r'<script src="[^"]*assets/[^"]+"></script>\n?', "", html)


def render_failure_page(con: duckdb.DuckDBPyConnection, work_dir: Path, run_id: str | None,
                        built_at: str = "") -> Path:
    """A failed run's quality page (its failing expectations with examples, its quarantined files),
    self-contained, in ``<work_dir>/quality/``; returns its path."""
    info = {"fingerprint": "", "pipeline_version": "", "run_id": run_id or "", "built_at": built_at,
            "input_files": 0}
    out_dir = work_dir / FAILURE_DIR
    return out_dir / render_quality_page(con, out_dir, run_info=info, run_id=run_id, standalone=True)
