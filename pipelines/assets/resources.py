"""The one Dagster resource: where things are, resolved lazily from config, env vars and defaults,
and the run's build (pipelines.build)."""

from datetime import UTC, datetime

import dagster as dg

from pipelines.build import Build
from pipelines.settings import Settings, resolve


class CyberstatsResource(dg.ConfigurableResource):
    """Paths and options for a run; unset fields fall back to ``CYBERSTATS_*`` env vars, then defaults."""

    data_dir: str | None = None
    warehouse: str | None = None
    site_dir: str | None = None
    work_dir: str | None = None
    base_year: int | None = None
    min_population_coverage: float | None = None
    single_file: bool | None = None
    publications_kept: int | None = None
    #: publish even when source files are quarantined (they are left out, and the report says so)
    allow_quarantine: bool = False

    def settings(self) -> Settings:
        return resolve(
            data_dir=self.data_dir, warehouse=self.warehouse, site_dir=self.site_dir, work_dir=self.work_dir,
            base_year=self.base_year, min_population_coverage=self.min_population_coverage,
            single_file=self.single_file, publications_kept=self.publications_kept,
        )

    def build(self, context) -> Build:
        """The build database of the current run (a fresh one per run)."""
        return Build(self.settings().build_db(context.run.run_id))


def run_started(context) -> datetime:
    """When the current Dagster run started (for the validation history); now if unknown."""
    try:
        record = context.instance.get_run_record_by_id(context.run.run_id)
        if record is not None and record.start_time:
            return datetime.fromtimestamp(record.start_time, UTC)
    except Exception:  # the start time is informative only; "now" is close enough
        pass
    return datetime.now(UTC)
