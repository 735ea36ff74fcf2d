"""Staging layer wiring: each source's files, read and screened (pipelines.staging.stage), into one typed
table per source; observation sources unioned into ``staging.observations``.

A file the reader refuses, or whose rows fail a blocking expectation, is quarantined: left out and
recorded in ``quality.quarantine`` under this run and source (the file itself is never touched); the
others load. The checks on these tables (pipelines/assets/checks.py) block publication while a file is
quarantined.
"""

import dagster as dg

from pipelines import contracts
from pipelines.assets.resources import CyberstatsResource, run_started
from pipelines.quality import quarantine
from pipelines.quality.history import record_results
from pipelines.quality.references import references_from_db
from pipelines.quality.screening import screening_needs, screening_references, staged_tables
from pipelines.sources import ALL, SOURCES, SourceSpec
from pipelines.staging import stage, union_observations


def build_staging_asset(spec: SourceSpec) -> dg.AssetsDefinition:
    tables = [table for _, table in staged_tables(spec)]
    deps = [["raw", spec.raw_table], *[list(n) for n in screening_needs(spec)]]
    specs = [dg.AssetSpec(key=["staging", table], group_name="staging", deps=deps, kinds={"duckdb"},
                          description=contracts.load("staging", table).description) for table in tables]

    @dg.multi_asset(name=f"stage_{spec.source_id}", specs=specs)
    def _stage(context: dg.AssetExecutionContext, cyberstats: CyberstatsResource):
        build = cyberstats.build(context)
        manifest = build.read("raw", spec.raw_table)
        wanted = screening_references(spec)
        staged = stage(spec, manifest, lambda own: references_from_db(build.con, wanted, staged=own),
                       cyberstats.allow_quarantine)
        quarantine.record(build.con, context.run.run_id, spec.source_id, staged.quarantined)
        for q in staged.quarantined:
            context.log.warning(f"quarantined {q.relpath}: {q.message}")
        if staged.problem:
            raise dg.Failure(staged.problem)
        for table in tables:  # the checks report these rather than evaluate them again
            if staged.screened[table]:
                record_results(build.con, context.run.run_id, run_started(context), f"staging/{table}",
                               staged.screened[table])
            frame = staged.frames[table]
            build.write("staging", table, frame)
            per_file = (frame.group_by("source_file").len().sort("source_file")
                        if "source_file" in frame.columns and frame.height else None)
            yield dg.MaterializeResult(asset_key=["staging", table], metadata={
                "rows": frame.height, "files": manifest.height, "quarantined_files": len(staged.files_left_out()),
                "rows_per_file": dg.MetadataValue.md("\n".join(f"- {f}: {n:,}" for f, n in per_file.iter_rows())
                                                     if per_file is not None else "_none_")})

    return _stage


OBSERVATION_TABLES = [spec.tables[0] for spec in SOURCES.values()]


@dg.asset(key=["staging", "observations"], group_name="staging", kinds={"duckdb"},
          deps=[["staging", t] for t in OBSERVATION_TABLES],
          description=contracts.load("staging", "observations").description)
def observations(context: dg.AssetExecutionContext, cyberstats: CyberstatsResource) -> dg.MaterializeResult:
    build = cyberstats.build(context)
    union = union_observations([build.read("staging", t) for t in OBSERVATION_TABLES])
    build.write("staging", "observations", union)
    by_source = union.group_by("source_id").len().sort("source_id")
    return dg.MaterializeResult(metadata={
        "rows": union.height,
        "rows_by_source": dg.MetadataValue.md("\n".join(f"- {s}: {n:,}" for s, n in by_source.iter_rows())),
    })


STAGING_ASSETS = [build_staging_asset(spec) for spec in ALL.values()]
