"""The one Dagster resource: where things are, resolved lazily from config, env vars and defaults."""

import dagster as dg

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

    def settings(self) -> Settings:
        return resolve(
            data_dir=self.data_dir, warehouse=self.warehouse, site_dir=self.site_dir, work_dir=self.work_dir,
            base_year=self.base_year, min_population_coverage=self.min_population_coverage,
            single_file=self.single_file,
        )
