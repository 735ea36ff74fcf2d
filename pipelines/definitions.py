"""The Dagster code location: ``dagster dev -m pipelines.definitions`` serves what ``cyberstats run`` runs.

Building the definitions does no I/O: paths are resolved when a run starts (resource fields, then
``CYBERSTATS_*`` environment variables, then defaults). This module is the only one that imports
``pipelines.assets`` (tests/unit/test_layering.py).
"""

import warnings

import dagster as dg

from pipelines.assets.checks import build_checks
from pipelines.assets.crosswalk_checks import CROSSWALK_CHECKS
from pipelines.assets.indicator_checks import INDICATOR_CHECKS
from pipelines.assets.intermediate import INTERMEDIATE_ASSETS
from pipelines.assets.marts import MART_ASSETS
from pipelines.assets.raw import RAW_ASSETS
from pipelines.assets.reports import (
    build_history_asset,
    build_publication_asset,
    previous_publication,
    publication_changes,
    report_site,
)
from pipelines.assets.resources import CyberstatsResource
from pipelines.assets.staging import STAGING_ASSETS, observations
from pipelines.settings import Settings

JOB_NAME = "publish_all"
#: Weekly rebuild and publication: Mondays 06:00 UTC.
WEEKLY_CRON = "0 6 * * 1"
INCOMING_SENSOR = "incoming_files"
#: Seconds between two looks at incoming/ (Dagster's default is 30; a new file is not that urgent).
INCOMING_INTERVAL_SECONDS = 60
#: A file (or its sidecar) modified less than this long ago may still be being copied in: it waits.
INCOMING_SETTLE_SECONDS = 30


def table_assets() -> list[dg.AssetsDefinition]:
    """Every asset that builds a table of the warehouse."""
    return [*RAW_ASSETS, *STAGING_ASSETS, observations, *INTERMEDIATE_ASSETS, *MART_ASSETS]


def all_checks(assets: list) -> list:
    return [*CROSSWALK_CHECKS, *INDICATOR_CHECKS, *build_checks(key.path for a in assets for key in a.keys)]


def all_assets() -> tuple[list, list]:
    """(assets, checks) of the code location; the publication step is told all of them."""
    tables = table_assets()
    checks = all_checks(tables)
    checked = sorted({key for c in checks for key in (k.asset_key for k in c.check_keys)},
                     key=lambda k: k.to_user_string())
    assets = [*tables, previous_publication, build_history_asset(checked), publication_changes, report_site]
    return [*assets, build_publication_asset(assets, checks)], checks


def build_incoming_sensor(job) -> dg.SensorDefinition:
    """The drop folder, watched: each tick takes in what waits in ``<data-dir>/incoming/`` through the same
    function as ``cyberstats ingest`` (pipelines.ingest) and requests a run of the job when a file was
    accepted. The run key names the accepted files by destination and sha256, so the same files never
    start two runs; files already taken in have left incoming/, so the next tick finds nothing to do."""

    @dg.sensor(name=INCOMING_SENSOR, job=job, minimum_interval_seconds=INCOMING_INTERVAL_SECONDS,
               default_status=dg.DefaultSensorStatus.STOPPED,
               description="Takes new files from <data-dir>/incoming/ into sources/ (recognised, validated, never "
                           "replacing anything; bad files to incoming/quarantine/) and publishes them.")
    def incoming_files(context: dg.SensorEvaluationContext, cyberstats: CyberstatsResource):
        from pipelines.ingest import QUARANTINED, REFUSED, ingest
        from pipelines.locks import Locked

        try:
            report = ingest(cyberstats.settings().data_dir, settle_seconds=INCOMING_SETTLE_SECONDS)
        except Locked as exc:
            return dg.SkipReason(f"{exc}; incoming/ is looked at again at the next tick")
        for outcome in report.outcomes:
            log = context.log.warning if outcome.status in (QUARANTINED, REFUSED) else context.log.info
            log("\n    ".join([outcome.line(), *outcome.lines]))
        if not report.accepted:
            return dg.SkipReason(f"nothing accepted: {report.summary()}")
        names = ", ".join(o.destination or "" for o in report.accepted)
        return dg.RunRequest(run_key=report.run_key(),
                             tags={"cyberstats/ingested": names if len(names) <= 200 else names[:199] + "…"})

    return incoming_files


def build_definitions(resource: CyberstatsResource | None = None) -> dg.Definitions:
    with warnings.catch_warnings():  # selecting the observable source asset is a beta API (stable in use here)
        warnings.simplefilter("ignore", dg.BetaWarning)
        selection = dg.AssetSelection.all(include_sources=True)
    job = dg.define_asset_job(JOB_NAME, selection=selection,
                              executor_def=dg.in_process_executor,
                              description="Load every source, harmonise, compute the marts, render the site and "
                                          "publish warehouse and site together.")
    schedule = dg.ScheduleDefinition(name="weekly_publication", job=job, cron_schedule=WEEKLY_CRON,
                                     execution_timezone="UTC",
                                     default_status=dg.DefaultScheduleStatus.STOPPED)
    assets, checks = all_assets()
    return dg.Definitions(
        assets=assets,
        asset_checks=checks,
        jobs=[job],
        schedules=[schedule],
        sensors=[build_incoming_sensor(job)],
        resources={"cyberstats": resource or CyberstatsResource()},
        executor=dg.in_process_executor,
    )


def definitions_for(settings: Settings, allow_quarantine: bool = False) -> dg.Definitions:
    """The definitions with every path and option of ``settings`` fixed (``cyberstats run``)."""
    return build_definitions(CyberstatsResource(
        data_dir=str(settings.data_dir), warehouse=str(settings.warehouse), site_dir=str(settings.site_dir),
        work_dir=str(settings.work_dir), base_year=settings.base_year,
        min_population_coverage=settings.min_population_coverage, single_file=settings.single_file,
        publications_kept=settings.publications_kept, allow_quarantine=allow_quarantine))


defs = build_definitions()
