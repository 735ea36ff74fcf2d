"""Report, quality history and publication wiring. Every input is declared:

* ``publish/previous_publication``: an observable source asset, the currently published warehouse
  (its data version is the publication's fingerprint). What a new publication changes and the
  validation history of earlier runs are read from it.
* ``quality/validation_results``: this run's expectation results (written by the checks, keyed by run,
  table and expectation) plus the history carried from the previous publication. It depends on every
  checked table, so it runs after every check.
* ``meta/publication_changes``: what this build changes against the previous publication.
* ``reports/site``: the HTML site, rendered from the marts, the quality results and the changes.
* ``publish/warehouse_and_site``: publishes only when its own run built every asset and evaluated every
  check with no blocking failure (pipelines.publication), under the lock of the publication target.
"""

import warnings

import dagster as dg

from pipelines import build as builds
from pipelines import contracts
from pipelines.assets.resources import CyberstatsResource
from pipelines.fingerprint import build_fingerprint, pipeline_version
from pipelines.locks import target_lock
from pipelines.publication import publish, record_build, undeclared_tables, verify_run
from pipelines.quality.history import carry_history
from pipelines.reports import changes
from pipelines.reports.render import open_previous, render_site
from pipelines.warehouse import published_fingerprint

MART_KEYS = [dg.AssetKey(["marts", name]) for _, name in contracts.tables("marts")]
PREVIOUS = dg.AssetKey(["publish", "previous_publication"])
HISTORY = dg.AssetKey(["quality", "validation_results"])
CHANGES = dg.AssetKey(["meta", "publication_changes"])
SITE = dg.AssetKey(["reports", "site"])
PUBLISH_KEY = dg.AssetKey(["publish", "warehouse_and_site"])
SOURCE_FILES = dg.AssetKey(["intermediate", "int_source_files"])


def _previous_publication(cyberstats: CyberstatsResource) -> dg.DataVersion:
    return dg.DataVersion(published_fingerprint(cyberstats.settings().warehouse) or "none")


with warnings.catch_warnings():  # observable source assets are a beta API in Dagster 1.13 (stable in use here)
    warnings.simplefilter("ignore", dg.BetaWarning)
    previous_publication = dg.observable_source_asset(
        key=PREVIOUS, group_name="publish",
        description="The currently published warehouse; its data version is its fingerprint ('none' before the first "
                    "publication).")(_previous_publication)


def build_history_asset(checked: list[dg.AssetKey]) -> dg.AssetsDefinition:
    @dg.asset(key=HISTORY, group_name="quality", deps=[*checked, PREVIOUS], kinds={"duckdb"},
              description="Every expectation and check result of this run (written by the checks) and of the "
                          "runs before it that were published, up to the last 20 runs.")
    def validation_results(context: dg.AssetExecutionContext, cyberstats: CyberstatsResource) -> dg.MaterializeResult:
        build = cyberstats.build(context)
        with open_previous(cyberstats.settings().warehouse) as previous:
            carried = carry_history(build.con, previous, context.run.run_id)
        rows = build.con.execute("SELECT count(*) FROM quality.validation_results").fetchone()[0]
        return dg.MaterializeResult(metadata={"rows": rows, "runs_carried": carried})

    return validation_results


@dg.asset(key=CHANGES, group_name="publish", deps=[*MART_KEYS, SOURCE_FILES, PREVIOUS], kinds={"duckdb"},
          description="What this build changes against the currently published warehouse.")
def publication_changes(context: dg.AssetExecutionContext, cyberstats: CyberstatsResource) -> dg.MaterializeResult:
    build = cyberstats.build(context)
    with open_previous(cyberstats.settings().warehouse) as previous:
        found = changes.record(build.con, previous)
    return dg.MaterializeResult(metadata={"previous": str((found.get("previous") or {}).get("fingerprint"))})


@dg.asset(key=SITE, group_name="reports", deps=[*MART_KEYS, HISTORY, CHANGES, SOURCE_FILES], kinds={"html"},
          description="The HTML report site, rendered from the marts into the run's private build folder.")
def report_site(context: dg.AssetExecutionContext, cyberstats: CyberstatsResource) -> dg.MaterializeResult:
    settings, build = cyberstats.settings(), cyberstats.build(context)
    files = build.read("intermediate", "int_source_files")
    fingerprint = build_fingerprint(files, settings)
    result = render_site(build.con, build.site_dir, context.run.run_id, fingerprint, files.height,
                         single_file=settings.single_file)
    return dg.MaterializeResult(metadata={
        "pages": len(result.pages), "downloads": len(result.downloads),
        "build_dir": dg.MetadataValue.path(str(result.directory)), "fingerprint": fingerprint,
        "single_file": dg.MetadataValue.path(str(result.single_file)) if result.single_file else "",
    })


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
    expected_assets = {key.to_user_string() for a in assets if isinstance(a, dg.AssetsDefinition) for key in a.keys}
    expected_checks = {key.to_user_string() for c in [*assets, *checks] if not isinstance(c, dg.SourceAsset)
                       for key in c.check_keys}

    @dg.asset(key=PUBLISH_KEY, group_name="publish", deps=[SITE, HISTORY, CHANGES, *MART_KEYS],
              description="Replaces the published warehouse and site with this build, together (unless nothing "
                          "changed). Refuses unless this same run materialised every asset and evaluated every "
                          "check with no blocking failure; takes the lock of the publication target.")
    def publication(context: dg.AssetExecutionContext, cyberstats: CyberstatsResource) -> dg.MaterializeResult:
        settings, build = cyberstats.settings(), cyberstats.build(context)
        problems, n_assets, evaluations = run_completeness(context, expected_assets, expected_checks)
        problems += undeclared_tables(build.con)
        if problems:
            raise dg.Failure("nothing was published: " + "; ".join(problems))
        fingerprint = build_fingerprint(build.read("intermediate", "int_source_files"), settings)
        record_build(build.con, context.run.run_id, fingerprint, n_assets, evaluations)
        builds.close(build.db)  # the copy reads the file: checkpoint and release it first
        with target_lock(settings.warehouse, settings.site_dir):
            previous = published_fingerprint(settings.warehouse) or ""
            outcome = publish(build.db, build.site_dir, settings.warehouse, settings.site_dir, fingerprint,
                              context.run.run_id, pipeline_version(), kept=settings.publications_kept)
        if outcome.archive_problem:
            context.log.warning(outcome.archive_problem)
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
