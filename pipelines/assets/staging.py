"""Staging layer: each source's files, read by its reader into one typed table per source.

Staging reads exactly one raw input (the exact copies the raw asset stored), joins nothing and
aggregates nothing. Observation sources conform to the canonical schema (pipelines.schema) and are
unioned into ``staging.observations``.

Files are read one by one (pipelines.quality.screening): a file the reader refuses, or whose rows
fail a blocking expectation of the table's suite, is quarantined: left out of the table and
recorded in ``quality.quarantine`` (the file itself is never touched); the others load. Screening
reads the UN M49 and ISO 4217 code lists, and the offence crosswalk is screened against the verified
ICCS codes and Convention articles of its own release, as read in the same step (validation only:
nothing from them enters the table). The checks on these tables (pipelines/assets/checks.py) block
publication while a file is quarantined.
"""

from pathlib import Path

import dagster as dg
import polars as pl

from pipelines.assets.resources import CyberstatsResource, run_started
from pipelines.quality import quarantine
from pipelines.quality.history import record_results
from pipelines.quality.references import references_from_db
from pipelines.quality.screening import (
    SourceFile,
    read_files,
    screen,
    screening_needs,
    screening_references,
    staged_tables,
)
from pipelines.schema import OBSERVATION_DOCS, empty_observations
from pipelines.sources import ALL, SOURCES, SourceSpec
from pipelines.warehouse import connect, ident, read_table, table_exists, write_table

TABLE_DOCS = {
    "stg_un_m49__areas": "UN M49 countries and areas with region, sub-region and intermediate region.",
    "stg_country_codes__currencies": "ISO 3166 countries with their ISO 4217 currency.",
    "stg_worldbank_wdi__values": "World Development Indicators values, long (country, indicator, year, value).",
    "stg_worldbank_wdi__countries": "WDI country metadata: region and income group; aggregates have no region.",
    "stg_fred_fx__rates": "Federal Reserve H.10 annual exchange rates as published (direction checked later).",
    "stg_bls_cpi__monthly": "US CPI-U all items, monthly index (1982-84=100).",
    "stg_loss_series__headlines": "Headline loss series designated per country.",
    "stg_offence_crosswalk__iccs_codes": "ICCS v1.0 codes verified in the shared taxonomy facts, with their labels: "
                                         "the codes the offence crosswalk may use (curated).",
    "stg_offence_crosswalk__convention_articles": "Offence articles of the UN Convention against Cybercrime (7-17) "
                                                  "and the Budapest Convention (2-10), with their titles: the "
                                                  "articles the offence crosswalk may use (curated).",
}


def source_files(manifest: pl.DataFrame) -> list[SourceFile]:
    """The raw manifest's files, to be read from their exact copies in the raw store."""
    import json

    return [SourceFile(Path(r["stored_copy"]), r["relpath"], r["release"],
                       json.loads(r["sidecar_json"]) if r["sidecar_json"] else {}, r["sha256"])
            for r in manifest.iter_rows(named=True)]


def _description(spec: SourceSpec, table: str) -> str:
    if spec.is_observations:
        return f"{spec.title}: canonical observations, one row per published number."
    return TABLE_DOCS.get(table, spec.title)


def build_staging_asset(spec: SourceSpec) -> dg.AssetsDefinition:
    tables = staged_tables(spec)
    deps = [["raw", spec.raw_table], *[list(n) for n in screening_needs(spec)]]
    specs = [dg.AssetSpec(key=["staging", table], group_name="staging", deps=deps, kinds={"duckdb"},
                          description=_description(spec, table)) for _, table in tables]

    @dg.multi_asset(name=f"stage_{spec.source_id}", specs=specs)
    def _stage(context: dg.AssetExecutionContext, cyberstats: CyberstatsResource):
        settings = cyberstats.settings()
        with connect(settings.build_db, disposable=True) as con:
            manifest = read_table(con, "raw", spec.raw_table)
            loaded = read_files(spec, source_files(manifest))
            # References this source builds itself (the crosswalk's verified lists) come from its files.
            own = {("staging", table): loaded.frames.get(layout) for layout, table in tables}
            refs = references_from_db(con, screening_references(spec), staged=own)
            loaded = screen(spec, loaded, refs, dict(zip(manifest["relpath"], manifest["sha256"], strict=True)))
            quarantine.record(con, context.run.run_id, spec.source_id, loaded.quarantined)
            screened_all = loaded.screened
            if cyberstats.allow_quarantine:  # the failing files are left out: their failures block nothing
                screened_all = quarantine.left_out_by_allowance(screened_all, loaded.files_left_out())
            for _, table in tables:  # the checks report these rather than evaluate them again
                screened = [r for r in screened_all if r.table == f"staging.{table}"]
                if screened:
                    record_results(con, context.run.run_id, run_started(context), f"staging/{table}", screened)
            for q in loaded.quarantined:
                context.log.warning(f"quarantined {q.relpath}: {q.message}")
            frames = {}
            for layout, table in tables:
                frame = loaded.frames.get(layout)
                if frame is None and spec.is_observations:
                    frame = empty_observations()
                if frame is None:
                    reasons = "; ".join(q.message for q in loaded.quarantined) or (
                        f"no files under {spec.kind}/{spec.source_id}/")
                    raise dg.Failure(f"{spec.source_id}: nothing to build staging.{table} from: {reasons}")
                frames[table] = frame
            for _, table in tables:
                frame = frames[table]
                write_table(con, "staging", table, frame, _description(spec, table),
                            OBSERVATION_DOCS if spec.is_observations else {})
                per_file = (frame.group_by("source_file").len().sort("source_file")
                            if "source_file" in frame.columns and frame.height else None)
                yield dg.MaterializeResult(
                    asset_key=["staging", table],
                    metadata={
                        "rows": frame.height,
                        "files": manifest.height,
                        "quarantined_files": len(loaded.files_left_out()),
                        "rows_per_file": dg.MetadataValue.md(
                            "\n".join(f"- {f}: {n:,}" for f, n in per_file.iter_rows()) if per_file is not None
                            else "_none_"),
                    },
                )

    return _stage


OBSERVATION_TABLES = [spec.tables[0] for spec in SOURCES.values()]


@dg.asset(
    key=["staging", "observations"], group_name="staging", kinds={"duckdb"},
    deps=[["staging", t] for t in OBSERVATION_TABLES],
    description="Every source's observations in one canonical long table (union of the stg_*__observations "
                "tables): one row per published number with its source file and row.",
)
def observations(context: dg.AssetExecutionContext, cyberstats: CyberstatsResource) -> dg.MaterializeResult:
    settings = cyberstats.settings()
    with connect(settings.build_db, disposable=True) as con:
        present = [t for t in OBSERVATION_TABLES if table_exists(con, "staging", t)]
        frames = [read_table(con, "staging", t) for t in present]
        union = pl.concat(frames, how="vertical") if frames else empty_observations()
        write_table(con, "staging", "observations", union, context.assets_def.descriptions_by_key[
            context.asset_key], OBSERVATION_DOCS)
        by_source = union.group_by("source_id").len().sort("source_id")
    return dg.MaterializeResult(metadata={
        "rows": union.height,
        "rows_by_source": dg.MetadataValue.md("\n".join(f"- {s}: {n:,}" for s, n in by_source.iter_rows())),
        "tables": ", ".join(ident(t) for t in present),
    })


STAGING_ASSETS = [build_staging_asset(spec) for spec in ALL.values()]
