"""Raw layer wiring: exact, content-addressed copies of every input file, with provenance.

One asset per registered source or reference table; the logic (which files a build reads, the copies,
the manifest) is in pipelines.catalog. A re-run with the same bytes copies nothing.
"""

import dagster as dg
import polars as pl

from pipelines.assets.resources import CyberstatsResource
from pipelines.catalog import discover, fingerprint, manifest, selection, store_copy
from pipelines.sources import ALL, SourceSpec


def build_raw_asset(spec: SourceSpec) -> dg.AssetsDefinition:
    @dg.asset(key=["raw", spec.raw_table], group_name="raw", kinds={"duckdb"},
              description=f"Exact copies and provenance of every {spec.title} file "
                          f"(<data-dir>/{spec.kind}/{spec.source_id}/<release>/).")
    def _raw(context: dg.AssetExecutionContext, cyberstats: CyberstatsResource) -> dg.MaterializeResult:
        settings = cyberstats.settings()
        files, aside = selection(spec, discover(settings.data_dir, spec.kind, spec.source_id))
        for f, reason in aside:
            context.log.warning(f"{f.relpath} is not read: {reason}")
        copies = [store_copy(f, settings.raw_store) for f in files]
        table = manifest(files, [str(path) for path, _ in copies])
        cyberstats.build(context).write("raw", spec.raw_table, table)
        copied = sum(int(new) for _, new in copies)
        return dg.MaterializeResult(
            metadata={
                "files": len(files), "newly_copied": copied, "bytes": int(sum(f.size_bytes for f in files)),
                "releases": ", ".join(sorted({f.release for f in files})) or "(none)",
                "set_aside": "; ".join(f"{f.relpath}: {reason}" for f, reason in aside) or "none",
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
