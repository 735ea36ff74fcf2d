"""Report site and publication. Reports read marts only; publication is the last step of a run."""

import dagster as dg
import duckdb

from pipelines.assets.resources import CyberstatsResource
from pipelines.fingerprint import pipeline_version, run_fingerprint
from pipelines.reports.publish import publish_site, published_site_fingerprint
from pipelines.reports.site import build_site, run_info
from pipelines.sql import models
from pipelines.warehouse import connect, publish, published_fingerprint, raw_files

MART_KEYS = [["marts", name] for name in models("marts")]


def build_fingerprint(con: duckdb.DuckDBPyConnection, settings) -> tuple[str, int]:
    """Fingerprint of the inputs recorded in the build's raw manifests (+ code and options)."""
    files = raw_files(con).select("relpath", "sha256").rows()
    return run_fingerprint(files, settings), len(files)


@dg.asset(key=["reports", "site"], group_name="reports", deps=MART_KEYS, kinds={"html"},
          description="The HTML report site, rendered from the marts into the private work area.")
def report_site(context: dg.AssetExecutionContext, cyberstats: CyberstatsResource) -> dg.MaterializeResult:
    settings = cyberstats.settings()
    with connect(settings.build_db, disposable=True) as con:
        fingerprint, n_files = build_fingerprint(con, settings)
        result = build_site(con, settings.site_build_dir,
                            run_info(fingerprint, pipeline_version(), context.run.run_id, n_files))
    return dg.MaterializeResult(metadata={
        "pages": len(result.pages), "build_dir": dg.MetadataValue.path(str(result.directory)),
        "fingerprint": fingerprint,
    })


@dg.asset(key=["publish", "warehouse_and_site"], group_name="publish", deps=[["reports", "site"], *MART_KEYS],
          description="Atomically replaces the published warehouse and site with this build (unless nothing "
                      "changed). Runs only when every upstream asset and blocking check succeeded.")
def publication(context: dg.AssetExecutionContext, cyberstats: CyberstatsResource) -> dg.MaterializeResult:
    settings = cyberstats.settings()
    with connect(settings.build_db, read_only=True) as con:
        fingerprint, _ = build_fingerprint(con, settings)
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
        "previous_fingerprint": published_fingerprint(settings.warehouse) or "",
    })
