"""Report site and publication. Reports read marts only; publication is the last step of a run."""

from contextlib import contextmanager
from datetime import UTC, datetime

import dagster as dg
import duckdb

from pipelines.assets.resources import CyberstatsResource
from pipelines.fingerprint import pipeline_version, run_fingerprint
from pipelines.locks import target_lock
from pipelines.publication import publish, record_build, verify_run
from pipelines.quality.report import quality_page
from pipelines.reports import changes
from pipelines.reports.site import build_site, run_info
from pipelines.settings import Settings
from pipelines.sql import models
from pipelines.warehouse import connect, published_fingerprint, raw_files

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


PUBLISH_KEY = dg.AssetKey(["publish", "warehouse_and_site"])


def run_completeness(context: dg.AssetExecutionContext, expected_assets: set[str], expected_checks: set[str],
                     ) -> tuple[list[str], int, dict[str, tuple[bool, bool]]]:
    """Check, from Dagster's own event log, that this run materialised every asset of the code location
    and evaluated every check, with no blocking failure. Returns (problems, assets, evaluations)."""
    run_id = context.run.run_id
    materialised = {
        e.dagster_event.event_specific_data.materialization.asset_key.to_user_string()
        for e in context.instance.all_logs(run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION)}
    evaluations = {}
    for e in context.instance.all_logs(run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION):
        ev = e.dagster_event.event_specific_data
        key = dg.AssetCheckKey(ev.asset_key, ev.check_name).to_user_string()
        evaluations[key] = (ev.passed, not ev.passed and ev.severity == dg.AssetCheckSeverity.ERROR)
    problems = verify_run(expected_assets, materialised & expected_assets, expected_checks, evaluations)
    return problems, len(materialised & expected_assets), evaluations


def build_publication_asset(assets: list[dg.AssetsDefinition],
                            checks: list[dg.AssetChecksDefinition]) -> dg.AssetsDefinition:
    """The publication step, told every asset and check of the code location it must see built and
    evaluated in its own run before it publishes (pipelines.definitions passes them)."""
    expected_assets = {key.to_user_string() for a in assets for key in a.keys}
    expected_checks = {key.to_user_string() for c in [*assets, *checks] for key in c.check_keys}

    @dg.asset(key=PUBLISH_KEY, group_name="publish", deps=[["reports", "site"], *MART_KEYS],
              description="Replaces the published warehouse and site with this build, together (unless nothing "
                          "changed). Refuses unless this same run materialised every asset and evaluated every "
                          "check with no blocking failure; takes the lock of the publication target.")
    def publication(context: dg.AssetExecutionContext, cyberstats: CyberstatsResource) -> dg.MaterializeResult:
        settings = cyberstats.settings()
        problems, n_assets, evaluations = run_completeness(context, expected_assets, expected_checks)
        if problems:
            raise dg.Failure("nothing was published: " + "; ".join(problems))
        with target_lock(settings.warehouse, settings.site_dir):
            with connect(settings.build_db) as con:
                fingerprint, _ = build_fingerprint(con, settings)
                record_build(con, context.run.run_id, fingerprint, n_assets, evaluations)
            previous = published_fingerprint(settings.warehouse) or ""
            # What this publication changes was recorded in the build by reports/site (meta.publication_changes).
            outcome = publish(settings.build_db, settings.site_build_dir, settings.warehouse, settings.site_dir,
                              fingerprint, context.run.run_id, pipeline_version())
        context.log.info(
            f"warehouse {'published' if outcome.warehouse_published else 'unchanged'} at {settings.warehouse}; "
            f"site {'published' if outcome.site_published else 'unchanged'} at {settings.site_dir}")
        return dg.MaterializeResult(metadata={
            "warehouse": dg.MetadataValue.path(str(settings.warehouse)),
            "site": dg.MetadataValue.url(settings.site_dir.joinpath("index.html").as_uri()),
            "warehouse_published": outcome.warehouse_published, "site_published": outcome.site_published,
            "fingerprint": fingerprint, "previous_fingerprint": previous,
        })

    return publication
