"""Staging layer: each source's files, read by its reader into one typed table per source.

Staging reads exactly one raw input (the exact copies the raw asset stored), joins nothing and
aggregates nothing. Observation sources conform to the canonical schema (pipelines.schema) and are
unioned into ``staging.observations``. Every staging table of an observation source carries a
blocking reconciliation check: rows loaded from each file = data rows in the file.
"""

import json
from pathlib import Path

import dagster as dg
import polars as pl

from pipelines.assets.resources import CyberstatsResource
from pipelines.quality.reconcile import reconcile_rows
from pipelines.schema import OBSERVATION_DOCS, empty_observations
from pipelines.sources import ALL, SOURCES, SourceSpec
from pipelines.warehouse import connect, ident, read_table, table_exists, write_table

RECONCILE_CHECK = "rows_loaded_match_file"

TABLE_DOCS = {
    "stg_un_m49__areas": "UN M49 countries and areas with region, sub-region and intermediate region.",
    "stg_country_codes__currencies": "ISO 3166 countries with their ISO 4217 currency.",
    "stg_worldbank_wdi__values": "World Development Indicators values, long (country, indicator, year, value).",
    "stg_worldbank_wdi__countries": "WDI country metadata: region and income group; aggregates have no region.",
    "stg_fred_fx__rates": "Federal Reserve H.10 annual exchange rates as published (direction checked later).",
    "stg_bls_cpi__monthly": "US CPI-U all items, monthly index (1982-84=100).",
    "stg_loss_series__headlines": "Headline loss series designated per country.",
}


def read_source_files(spec: SourceSpec, manifest: pl.DataFrame) -> dict[str | None, pl.DataFrame]:
    """Run the source's reader over every stored copy; frames by layout (None for single-table)."""
    frames: dict[str | None, list[pl.DataFrame]] = {}
    for row in manifest.sort("relpath").iter_rows(named=True):
        sidecar = _sidecar(row)
        result = spec.read(Path(row["stored_copy"]), row["relpath"], row["release"], sidecar, row["sha256"])
        layout, frame = result if isinstance(result, tuple) else (None, result)
        frames.setdefault(layout, []).append(frame)
    return {k: pl.concat(v, how="diagonal_relaxed") for k, v in frames.items()}


def _sidecar(row: dict) -> dict:
    return json.loads(row["sidecar_json"]) if row["sidecar_json"] else {}


def _tables(spec: SourceSpec) -> list[tuple[str | None, str]]:
    if spec.layouts:
        return [(layout, table) for layout, table in spec.layouts if table]
    return [(None, spec.tables[0])]


def build_staging_asset(spec: SourceSpec) -> dg.AssetsDefinition:
    tables = _tables(spec)
    specs = [
        dg.AssetSpec(
            key=["staging", table], group_name="staging", deps=[["raw", spec.raw_table]], kinds={"duckdb"},
            description=(f"{spec.title}: canonical observations, one row per published number."
                         if spec.is_observations else TABLE_DOCS.get(table, spec.title)),
        )
        for _, table in tables
    ]
    check_specs = (
        [dg.AssetCheckSpec(RECONCILE_CHECK, asset=["staging", tables[0][1]], blocking=True,
                           description="Rows loaded from each file equal the data rows in the file "
                                       "(counted independently of the reader).")]
        if spec.is_observations else []
    )

    @dg.multi_asset(name=f"stage_{spec.source_id}", specs=specs, check_specs=check_specs)
    def _stage(context: dg.AssetExecutionContext, cyberstats: CyberstatsResource):
        settings = cyberstats.settings()
        with connect(settings.build_db, disposable=True) as con:
            manifest = read_table(con, "raw", spec.raw_table)
            frames = read_source_files(spec, manifest)
            for layout, table in tables:
                frame = frames.get(layout)
                if frame is None:
                    frame = empty_observations() if spec.is_observations else pl.DataFrame()
                docs = OBSERVATION_DOCS if spec.is_observations else {}
                if frame.width == 0:
                    raise dg.Failure(f"{spec.source_id}: no files under {spec.kind}/{spec.source_id}/ to build "
                                     f"staging.{table}")
                write_table(con, "staging", table, frame, specs[0].description if spec.is_observations
                            else TABLE_DOCS.get(table), docs)
                per_file = (frame.group_by("source_file").len().sort("source_file")
                            if "source_file" in frame.columns and frame.height else None)
                yield dg.MaterializeResult(
                    asset_key=["staging", table],
                    metadata={
                        "rows": frame.height,
                        "files": manifest.height,
                        "rows_per_file": dg.MetadataValue.md(
                            "\n".join(f"- {f}: {n:,}" for f, n in per_file.iter_rows()) if per_file is not None
                            else "_none_"),
                    },
                )
            if spec.is_observations:
                staged = frames.get(None, empty_observations())
                files = [(r["relpath"], Path(r["stored_copy"])) for r in manifest.iter_rows(named=True)]
                rec = reconcile_rows(staged, files, spec.header_marker)
                bad = rec.filter(~pl.col("rows_match"))
                yield dg.AssetCheckResult(
                    asset_key=["staging", tables[0][1]], check_name=RECONCILE_CHECK, passed=bad.height == 0,
                    severity=dg.AssetCheckSeverity.ERROR,
                    metadata={
                        "files": rec.height,
                        "rows_in_files": int(rec["rows_in_file"].sum()),
                        "rows_loaded": int(rec["rows_loaded"].sum()),
                        "mismatches": dg.MetadataValue.md(
                            "\n".join(f"- {r['source_file']}: {r['rows_loaded']} loaded of {r['rows_in_file']}"
                                      for r in bad.iter_rows(named=True)) or "none"),
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
