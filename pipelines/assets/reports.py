"""Report site and publication. Reports read marts only; publication is the last step of a run."""

from contextlib import contextmanager
from datetime import UTC, datetime

import dagster as dg
import duckdb

from pipelines.assets.resources import CyberstatsResource
from pipelines.fingerprint import pipeline_version, run_fingerprint
from pipelines.quality.report import quality_page
from pipelines.reports import changes
from pipelines.reports.publish import publish_site, published_site_fingerprint
from pipelines.reports.site import build_site, run_info
from pipelines.settings import Settings
from pipelines.sql import models
from pipelines.warehouse import connect, publish, published_fingerprint, raw_files

MART_KEYS = [["marts", name] for name in models("marts")]


def build_fingerprint(con: duckdb.DuckDBPyConnection, settings: Settings) -> tuple[str, int]:
    """Fingerprint of the inputs recorded in the build's raw manifests (+ code and options)."""
    files = raw_files(con).select("relpath", "sha256").rows()
    return run_fingerprint(files, settings), len(files)


@contextmanager
def previous_publication(settings: Settings):
    """The currently published warehouse, read-only, to say what a new publication changes."""
    if not settings.warehouse.is_file():
        yield None
        return
    try:
        with connect(settings.warehouse, read_only=True, retries=3) as con:
            yield con
    except Exception:  # an unreadable previous publication only means "no comparison"
        yield None


def render_site(con: duckdb.DuckDBPyConnection, settings: Settings, run_id: str, fingerprint: str, n_files: int,
                compare: bool = True):
    """Render the site from ``con``. ``compare``: first record in ``con`` (a build database) what it
    changes against the current publication; otherwise ``con`` already holds that record."""
    if compare:
        with previous_publication(settings) as previous:
            changes.record(con, previous)
    info = run_info(fingerprint, pipeline_version(), run_id, n_files,
                    datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"))
    return build_site(con, settings.site_build_dir, info, single_file=settings.single_file,
                      extra_pages=[quality_page])


@dg.asset(key=["reports", "site"], group_name="reports", deps=MART_KEYS, kinds={"html"},
          description="The HTML report site, rendered from the marts into the private work area.")
def report_site(context: dg.AssetExecutionContext, cyberstats: CyberstatsResource) -> dg.MaterializeResult:
    settings = cyberstats.settings()
    with connect(settings.build_db, disposable=True) as con:
        fingerprint, n_files = build_fingerprint(con, settings)
        result = render_site(con, settings, context.run.run_id, fingerprint, n_files)
    return dg.MaterializeResult(metadata={
        "pages": len(result.pages), "downloads": len(result.downloads),
        "build_dir": dg.MetadataValue.path(str(result.directory)), "fingerprint": fingerprint,
        "single_file": dg.MetadataValue.path(str(result.single_file)) if result.single_file else "",
    })


@dg.asset(key=["publish", "warehouse_and_site"], group_name="publish", deps=[["reports", "site"], *MART_KEYS],
          description="Atomically replaces the published warehouse and site with this build (unless nothing "
                      "changed). Runs only when every upstream asset and blocking check succeeded.")
def publication(context: dg.AssetExecutionContext, cyberstats: CyberstatsResource) -> dg.MaterializeResult:
    settings = cyberstats.settings()
    with connect(settings.build_db, read_only=True) as con:
        fingerprint, _ = build_fingerprint(con, settings)
    previous = published_fingerprint(settings.warehouse) or ""
    # What this publication changes was recorded in the build by reports/site (meta.publication_changes).
    wh = publish(settings.build_db, settings.warehouse, fingerprint, context.run.run_id, pipeline_version())
    site_changed = published_site_fingerprint(settings.site_dir) != fingerprint
    if site_changed:
        publish_site(settings.site_build_dir, settings.site_dir)
    context.log.info(
        f"warehouse {'published' if wh.published else 'unchanged'} at {settings.warehouse}; "
        f"site {'published' if site_changed else 'unchanged'} at {settings.site_dir}")
    return dg.MaterializeResult(metadata={
        "warehouse": dg.MetadataValue.path(str(settings.warehouse)),
        "site": dg.MetadataValue.url(settings.site_dir.joinpath("index.html").as_uri()),
        "warehouse_published": wh.published, "site_published": site_changed, "fingerprint": fingerprint,
        "previous_fingerprint": previous,
    })
