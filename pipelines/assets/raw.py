"""Raw layer: exact, content-addressed copies of every input file, with provenance.

One asset per registered source or reference table. A re-run with the same bytes copies nothing
(the copy is found under its sha256) and reports the same data version.
"""

import json
import re

import dagster as dg
import polars as pl

from pipelines.assets.resources import CyberstatsResource
from pipelines.catalog import InputFile, discover, fingerprint, store_copy
from pipelines.errors import InputError
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


#: A release folder named by an ISO date (YYYY-MM-DD) sorts as text in date order.
_DATED_RELEASE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def select_files(spec: SourceSpec, files: list[InputFile]) -> list[InputFile]:
    """The files a build reads (see :func:`selection`)."""
    return selection(spec, files)[0]


def selection(spec: SourceSpec, files: list[InputFile]) -> tuple[list[InputFile], list[tuple[InputFile, str]]]:
    """The files a build reads, and the files it sets aside with the reason.

    Sources keep every release (vintages are compared), except extracts whose original is present
    (:func:`set_aside`). A reference keeps only its newest release folder (:func:`newest_release`),
    which must be complete: it must hold a file for every part the reference needs
    (``SourceSpec.parts``), because an older release is never mixed in.
    """
    if spec.kind == "reference" and files:
        newest = newest_release(spec, files)
        chosen = [f for f in files if f.release == newest]
        _require_parts(spec, newest, chosen, files)
        return chosen, []
    aside = set_aside(files)
    skipped = {f.relpath for f, _ in aside}
    return [f for f in files if f.relpath not in skipped], aside


def set_aside(files: list[InputFile]) -> list[tuple[InputFile, str]]:
    """Extracts whose original file is loaded too, with the reason they are not read.

    A bundled extract names its original's sha256 in its sidecar (``original.sha256``). When an
    analyst drops the complete publisher file next to it (README "Data directory"), reading both
    would load the extract's rows twice; the extract is set aside and the original is read.
    """
    by_hash = {f.sha256: f for f in files}
    out = []
    for f in files:
        original = by_hash.get(str((f.sidecar.get("original") or {}).get("sha256") or ""))
        if original is not None and original.relpath != f.relpath:
            out.append((f, f"an extract of {original.relpath}, which is loaded instead"))
    return out


def release_date(release: str, files: list[InputFile]) -> str | None:
    """When a release was published: its folder name if that is a date, else the newest
    ``release_date`` (or, failing that, ``retrieved``) of its files' provenance sidecars."""
    if _DATED_RELEASE.match(release):
        return release
    dates = [str(f.sidecar.get("release_date") or f.sidecar.get("retrieved") or "") for f in files]
    return max((d for d in dates if d), default=None)


def newest_release(spec: SourceSpec, files: list[InputFile]) -> str:
    """The newest release folder of a reference, by date (never by sorting folder names such as git
    hashes as text). Several releases that cannot be dated, or that share one date, are an error."""
    releases = sorted({f.release for f in files})
    if len(releases) == 1:
        return releases[0]
    dated = {r: release_date(r, [f for f in files if f.release == r]) for r in releases}
    folder = f"{spec.kind}/{spec.source_id}"
    undated = [r for r, d in dated.items() if d is None]
    if undated:
        raise InputError(
            file=f"{folder}/{undated[0]}/",
            expected=f"a release that can be dated, since {folder}/ holds {len(releases)} releases "
                     f"({', '.join(releases)}) and only the newest is read: name the folder by date (YYYY-MM-DD) "
                     f"or give its files a .source.yml with release_date",
            found="no date")
    newest = max(dated.values())
    tied = [r for r, d in dated.items() if d == newest]
    if len(tied) > 1:
        raise InputError(
            file=f"{folder}/",
            expected="one newest release (only the newest is read)",
            found=f"{len(tied)} releases dated {newest}: {', '.join(tied)}")
    return tied[0]


def _require_parts(spec: SourceSpec, newest: str, chosen: list[InputFile], files: list[InputFile]) -> None:
    missing = [label for label, pattern in spec.parts if not any(re.search(pattern, f.name) for f in chosen)]
    if not missing:
        return
    older = sorted({f.release for f in files if f.release != newest
                    and any(re.search(p, f.name) for label, p in spec.parts if label in missing)})
    hint = (f"; release {', '.join(older)} has it: copy the file(s) into {newest}/ or remove {newest}/"
            if older else "")
    raise InputError(
        file=f"{spec.kind}/{spec.source_id}/{newest}/",
        expected=f"a complete release of {spec.source_id} (only the newest release folder of a reference is read): "
                 f"a file for each of {', '.join(label for label, _ in spec.parts)}",
        found=f"none for {', '.join(missing)}{hint}")


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
        found = discover(settings.data_dir, spec.kind, spec.source_id)
        files, aside = selection(spec, found)
        for f, reason in aside:
            context.log.warning(f"{f.relpath} is not read: {reason}")
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
