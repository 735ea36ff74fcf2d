"""Raw layer: exact, content-addressed copies of every input file, with provenance.

One asset per registered source or reference table. A re-run with the same bytes copies nothing
(the copy is found under its sha256) and reports the same data version.
"""

import json

import dagster as dg
import polars as pl

from pipelines.assets.resources import CyberstatsResource
from pipelines.catalog import InputFile, discover, fingerprint, store_copy
from pipelines.sources import ALL, SourceSpec
from pipelines.warehouse import connect, write_table

MANIFEST_DOCS = {
    "source_id": "registered source or reference id",
    "kind": "sources (incident data) or reference (lookup tables)",
    "release": "release (vintage) folder name",
    "relpath": "file path relative to the data directory",
    "sha256": "sha256 of the file's bytes",
    "size_bytes": "file size in bytes",
    "stored_copy": "path of the exact copy in the private raw store (named by sha256)",
    "publisher": "publisher (from the provenance sidecar)",
    "title": "title (from the provenance sidecar)",
    "url": "publisher URL (from the provenance sidecar)",
    "licence": "licence (from the provenance sidecar)",
    "retrieved": "retrieval date (from the provenance sidecar)",
    "release_date": "publisher's release date (from the provenance sidecar)",
    "original_sha256": "sha256 of the publisher's original file when this is an extract",
    "sidecar_json": "the whole provenance sidecar, as JSON",
}


def select_files(spec: SourceSpec, files: list[InputFile]) -> list[InputFile]:
    """Sources keep every release; a reference keeps only its newest release folder."""
    if spec.kind == "reference" and files:
        newest = max(f.release for f in files)
        return [f for f in files if f.release == newest]
    return files


def manifest(files: list[InputFile], copies: list[str]) -> pl.DataFrame:
    rows = []
    for f, copy in zip(files, copies, strict=True):
        side = f.sidecar
        rows.append({
            "source_id": f.source_id, "kind": f.kind, "release": f.release, "relpath": f.relpath,
            "sha256": f.sha256, "size_bytes": f.size_bytes, "stored_copy": copy,
            "publisher": _text(side.get("publisher")), "title": _text(side.get("title")),
            "url": _text(side.get("url")), "licence": _text(side.get("licence")),
            "retrieved": _text(side.get("retrieved")), "release_date": _text(side.get("release_date")),
            "original_sha256": _text((side.get("original") or {}).get("sha256")),
            "sidecar_json": json.dumps(side, sort_keys=True, default=str) if side else None,
        })
    return pl.DataFrame(rows, schema={k: (pl.Int64 if k == "size_bytes" else pl.String) for k in MANIFEST_DOCS})


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def build_raw_asset(spec: SourceSpec) -> dg.AssetsDefinition:
    @dg.asset(
        key=["raw", spec.raw_table],
        group_name="raw",
        description=f"Exact copies and provenance of every {spec.title} file "
        f"(<data-dir>/{spec.kind}/{spec.source_id}/<release>/).",
        kinds={"duckdb"},
    )
    def _raw(context: dg.AssetExecutionContext, cyberstats: CyberstatsResource) -> dg.MaterializeResult:
        settings = cyberstats.settings()
        files = [f for f in discover(settings.data_dir, spec.kind, spec.source_id)]
        files = select_files(spec, files)
        copies, copied = [], 0
        for f in files:
            path, new = store_copy(f, settings.raw_store)
            copies.append(str(path))
            copied += int(new)
        table = manifest(files, copies)
        with connect(settings.build_db, disposable=True) as con:
            write_table(con, "raw", spec.raw_table, table,
                        f"Files of {spec.title} loaded in this build, with provenance.", MANIFEST_DOCS)
        context.log.info(f"{spec.source_id}: {len(files)} file(s), {copied} newly copied")
        return dg.MaterializeResult(
            metadata={
                "files": len(files),
                "newly_copied": copied,
                "bytes": int(sum(f.size_bytes for f in files)),
                "releases": ", ".join(sorted({f.release for f in files})) or "(none)",
                "manifest": dg.MetadataValue.md(_markdown(table)),
            },
            data_version=dg.DataVersion(fingerprint(files)),
        )

    return _raw


def _markdown(table: pl.DataFrame) -> str:
    if table.height == 0:
        return "_no files_"
    lines = ["| file | sha256 | bytes | publisher |", "|---|---|---|---|"]
    for r in table.iter_rows(named=True):
        lines.append(f"| {r['relpath']} | {r['sha256'][:12]}… | {r['size_bytes']:,} | {r['publisher'] or ''} |")
    return "\n".join(lines)


RAW_ASSETS = [build_raw_asset(spec) for spec in ALL.values()]
