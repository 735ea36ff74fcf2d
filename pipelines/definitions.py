"""The Dagster code location: ``dagster dev -m pipelines.definitions`` serves what ``cyberstats run`` runs.

Building the definitions does no I/O: paths are resolved when a run starts (resource fields, then
``CYBERSTATS_*`` environment variables, then defaults).
"""

import dagster as dg

from pipelines.assets.checks import build_checks
from pipelines.assets.crosswalk_checks import CROSSWALK_CHECKS
from pipelines.assets.indicator_checks import INDICATOR_CHECKS
from pipelines.assets.intermediate import INTERMEDIATE_ASSETS
from pipelines.assets.marts import MART_ASSETS
from pipelines.assets.provenance import int_source_files
from pipelines.assets.raw import RAW_ASSETS
from pipelines.assets.reports import build_publication_asset, report_site
from pipelines.assets.resources import CyberstatsResource
from pipelines.assets.staging import STAGING_ASSETS, observations

JOB_NAME = "publish_all"
#: Weekly rebuild and publication: Mondays 06:00 UTC.
WEEKLY_CRON = "0 6 * * 1"


def all_assets() -> list:
    """Every asset but the publication step."""
    return [*RAW_ASSETS, *STAGING_ASSETS, observations, *INTERMEDIATE_ASSETS, int_source_files, *MART_ASSETS,
            report_site]


def all_checks(assets: list) -> list:
    return [*CROSSWALK_CHECKS, *INDICATOR_CHECKS, *build_checks(key.path for a in assets for key in a.keys)]


def build_definitions(resource: CyberstatsResource | None = None) -> dg.Definitions:
    job = dg.define_asset_job(JOB_NAME, selection=dg.AssetSelection.all(), executor_def=dg.in_process_executor,
                              description="Load every source, harmonise, compute the marts, render the site and "
                                          "publish warehouse and site together.")
    schedule = dg.ScheduleDefinition(name="weekly_publication", job=job, cron_schedule=WEEKLY_CRON,
                                     execution_timezone="UTC",
                                     default_status=dg.DefaultScheduleStatus.STOPPED)
    assets = all_assets()
    checks = all_checks(assets)
    return dg.Definitions(
        # The publication step verifies that its own run built every other asset and evaluated every check.
        assets=[*assets, build_publication_asset(assets, checks)],
        asset_checks=checks,
        jobs=[job],
        schedules=[schedule],
        resources={"cyberstats": resource or CyberstatsResource()},
        executor=dg.in_process_executor,
    )


defs = build_definitions()
