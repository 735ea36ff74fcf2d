"""Find input files under the data directory, fingerprint them, and keep exact copies.

Data directory contract (README "Data directory")::

    <data-dir>/sources/<source_id>/<release>/<file>      incident and offence data
    <data-dir>/reference/<reference_id>/<release>/<file> reference tables (latest release wins)

Each file may have a ``<file>.source.yml`` sidecar with its provenance. Every path handled here is
checked to stay inside the data directory (symlinks that leave it are refused).
"""

import hashlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl
import yaml

from pipelines.errors import InputError

if TYPE_CHECKING:
    from pipelines.sources import SourceSpec

SIDECAR_SUFFIX = ".source.yml"
_IGNORED_NAMES = {"README.md", "README.txt", "PROVENANCE.md", ".gitkeep", "Thumbs.db", ".DS_Store"}
_HASH_CHUNK = 1 << 20


@dataclass(frozen=True)
class InputFile:
    """One file of one source (or reference table) in one release."""

    kind: str  # "sources" or "reference"
    source_id: str
    release: str
    path: Path  # absolute path in the data directory
    relpath: str  # path relative to the data directory, POSIX separators; used in messages
    sha256: str
    size_bytes: int
    sidecar: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def name(self) -> str:
        return self.path.name


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _inside(base: Path, candidate: Path) -> bool:
    try:
        candidate.resolve(strict=True).relative_to(base.resolve(strict=True))
    except (ValueError, FileNotFoundError):
        return False
    return True


def safe_join(base: Path, *parts: str) -> Path:
    """Join ``parts`` onto ``base`` and refuse anything that ends up outside ``base``."""
    candidate = base.joinpath(*parts)
    resolved = candidate.resolve()
    if not resolved.is_relative_to(base.resolve()):
        raise InputError(file=str(candidate), expected=f"a path inside {base}", found=str(resolved))
    return candidate


def load_sidecar(path: Path, relpath: str, confine_to: Path | None = None) -> dict[str, Any]:
    """Read ``<file>.source.yml`` next to ``path``; an absent sidecar gives ``{}``.

    The sidecar obeys the data directory's confinement rule: a sidecar that is a link leaving
    ``confine_to`` (default: the file's own folder) is refused, never read (its contents would be
    published in ``raw.*.sidecar_json``).
    """
    sidecar = path.with_name(path.name + SIDECAR_SUFFIX)
    if not sidecar.exists() and not sidecar.is_symlink():
        return {}
    base = confine_to if confine_to is not None else path.parent
    if not _inside(base, sidecar):
        raise InputError(file=relpath + SIDECAR_SUFFIX, expected=f"a sidecar file inside {base}",
                         found="a link that leaves it")
    if not sidecar.is_file():
        raise InputError(file=relpath + SIDECAR_SUFFIX, expected="a regular file (provenance sidecar)",
                         found="something else")
    try:
        loaded = yaml.safe_load(sidecar.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise InputError(
            file=relpath + SIDECAR_SUFFIX, expected="a YAML mapping (provenance sidecar)", found=str(exc)
        ) from exc
    if loaded is None:
        return {}
    if not isinstance(loaded, dict):
        raise InputError(
            file=relpath + SIDECAR_SUFFIX,
            expected="a YAML mapping (provenance sidecar)",
            found=type(loaded).__name__,
        )
    return loaded


def is_data_file(path: Path) -> bool:
    """A file a release folder (or incoming/) holds as data: not hidden, not an office lock file, not a
    provenance sidecar, not a README."""
    name = path.name
    return not (name.startswith((".", "~$")) or name.endswith(SIDECAR_SUFFIX) or name in _IGNORED_NAMES)


def discover(data_dir: Path, kind: str, source_id: str) -> list[InputFile]:
    """All files of ``source_id`` under ``<data_dir>/<kind>/<source_id>/<release>/``, sorted."""
    if kind not in ("sources", "reference"):
        raise ValueError(f"unknown kind {kind!r}")
    base = data_dir / kind / source_id
    if not base.is_dir():
        return []
    found: list[InputFile] = []
    for release_dir in sorted(p for p in base.iterdir() if p.is_dir() and not p.name.startswith(".")):
        for path in sorted(release_dir.iterdir()):
            relpath = path.relative_to(data_dir).as_posix()
            if not is_data_file(path):
                continue
            if path.is_dir():
                raise InputError(
                    file=relpath,
                    expected=f"files directly inside {kind}/{source_id}/{release_dir.name}/",
                    found="a sub-directory",
                )
            if not _inside(data_dir, path):
                raise InputError(file=relpath, expected="a file inside the data directory",
                                 found="a link that leaves it")
            if not path.is_file():
                raise InputError(file=relpath, expected="a regular file", found="something else")
            found.append(
                InputFile(
                    kind=kind,
                    source_id=source_id,
                    release=release_dir.name,
                    path=path,
                    relpath=relpath,
                    sha256=sha256_file(path),
                    size_bytes=path.stat().st_size,
                    sidecar=load_sidecar(path, relpath, confine_to=data_dir),
                )
            )
    return found


def unregistered(data_dir: Path, kind: str, known: Iterable[str]) -> list[str]:
    """Folder names under ``<data_dir>/<kind>/`` that no registered reader handles."""
    base = data_dir / kind
    if not base.is_dir():
        return []
    known_set = set(known)
    return sorted(p.name for p in base.iterdir()
                  if p.is_dir() and not p.name.startswith(".") and p.name not in known_set)


def fingerprint(files: Iterable[InputFile]) -> str:
    """Content fingerprint of a set of files: changes iff a path or a byte changes."""
    digest = hashlib.sha256()
    for f in sorted(files, key=lambda f: f.relpath):
        digest.update(f"{f.relpath}\0{f.sha256}\n".encode())
    return digest.hexdigest()


def store_copy(file: InputFile, raw_store: Path) -> tuple[Path, bool]:
    """Keep an exact, content-addressed copy of ``file``; return (copy path, copied now?).

    A copy already present under the same hash is reused (a re-run with the same bytes does no
    work). The copy is verified against the hash before it is moved into place.
    """
    raw_store.mkdir(parents=True, exist_ok=True)
    target = raw_store / file.sha256
    if target.is_file() and target.stat().st_size == file.size_bytes:
        return target, False
    fd, tmp_name = tempfile.mkstemp(prefix=".copy-", dir=raw_store)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        shutil.copyfile(file.path, tmp)
        copied_hash = sha256_file(tmp)
        if copied_hash != file.sha256:
            raise InputError(
                file=file.relpath,
                expected=f"unchanged bytes while copying (sha256 {file.sha256[:12]}…)",
                found=f"sha256 {copied_hash[:12]}… (the file changed during the run)",
            )
        tmp.chmod(0o444)
        tmp.replace(target)
    finally:
        tmp.unlink(missing_ok=True)
    return target, True


# --- which files a build reads ----------------------------------------------------------------

#: A release folder named by an ISO date (YYYY-MM-DD) sorts as text in date order.
_DATED_RELEASE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def select_files(spec: "SourceSpec", files: list[InputFile]) -> list[InputFile]:
    """The files a build reads (see :func:`selection`)."""
    return selection(spec, files)[0]


def selection(spec: "SourceSpec", files: list[InputFile]) -> tuple[list[InputFile], list[tuple[InputFile, str]]]:
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


def newest_release(spec: "SourceSpec", files: list[InputFile]) -> str:
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


def _require_parts(spec: "SourceSpec", newest: str, chosen: list[InputFile], files: list[InputFile]) -> None:
    missing = [label for label, pattern in spec.parts if not any(re.search(pattern, f.name) for f in chosen)]
    if not missing:
        return
    older = sorted({f.release for f in files if f.release != newest
                    and any(re.search(p, f.name) for label, p in spec.parts if label in missing)})
    which = f"release {older[0]} has it" if len(older) == 1 else f"releases {', '.join(older)} have it"
    hint = f"{which}: copy the file(s) into {newest}/ or remove {newest}/" if older else None
    raise InputError(
        file=f"{spec.kind}/{spec.source_id}/{newest}/",
        expected=f"a complete release of {spec.source_id} (only the newest release folder of a reference is read): "
                 f"a file for each of {', '.join(label for label, _ in spec.parts)}",
        found=f"none for {', '.join(missing)}", hint=hint)



# --- the raw manifest ----------------------------------------------------------------------------

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
    from pipelines import contracts

    return pl.DataFrame(rows, schema=contracts.load("raw", "_manifest").polars_schema())


def _text(value: object) -> str | None:
    return None if value is None else str(value)




RAW_FILE_COLUMNS = ("source_id", "kind", "release", "relpath", "sha256", "size_bytes", "publisher", "title", "url",
                    "licence", "retrieved", "original_sha256")


def raw_files(manifests: list[pl.DataFrame]) -> pl.DataFrame:
    """Every input file of a build: the union of the raw manifests, with their provenance."""
    frames = [m.select(RAW_FILE_COLUMNS) for m in manifests]
    if not frames:
        from pipelines import contracts

        return contracts.load("intermediate", "int_source_files").empty()
    return pl.concat(frames).sort(["kind", "source_id", "relpath"], descending=[True, False, False])


def fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
