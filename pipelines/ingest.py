"""Taking new source files in: ``<data-dir>/incoming/``, ``cyberstats ingest`` and the Dagster sensor.

One function, :func:`ingest`, serves the command and the sensor. Each file goes through five steps;
the first that fails decides its outcome, and nothing is moved before the last one:

1. **Where it is.** A regular file inside ``<data-dir>/incoming/`` (named on the command line, or found
   there). Links are refused (a link leaving the data directory says so), as are names with ``..``
   parts, paths outside ``incoming/`` (copy the file in first: the command and the sensor see the same
   files, and nothing is ever read from outside the data directory) and anything but a regular file.
2. **Which source.** The header row (CSV, or an xlsx workbook's first sheet, within the first 30 rows)
   holds the columns of exactly one registered source's layout (``SourceSpec.header_columns``);
   ``--source`` overrides. Only observation sources are taken in: a reference table's release must be
   complete and curated (README "Data directory").
3. **Which release, and its provenance.** From the ``<file>.source.yml`` sidecar dropped beside it,
   else ``--release``, else the release date printed in the title rows above the header (UNODC
   exports: ``06/06/2022`` -> ``2022-06-06``). A release is never invented. Every file in ``sources/``
   carries a release, a publisher (default: the registry's), a licence and a retrieval date
   (``REQUIRED_PROVENANCE``): the sidecar's, or the flags' where the sidecar has none. A flag that
   contradicts the sidecar is refused.
4. **Valid.** The source's reader and its staging suite (:func:`pipelines.quality.validate_file.
   validate_file`, what ``cyberstats validate`` runs); a failing file is *quarantined*.
5. **Placed.** Into ``sources/<source>/<release>/<name>`` with its sidecar (the dropped one byte for
   byte, or one written from it and the flags): copied to a hidden temporary file in the target folder,
   fsynced, checked against the sha256 that was validated, then hard-linked into place, which fails
   if the name exists (so nothing is ever replaced, even by a concurrent ingest); then removed from
   ``incoming/``. A file whose bytes are already in ``sources/<source>/`` (under any release: loading
   them twice would count their rows twice) is a no-op, "already present", checked right after step 2. A
   different file under an existing name is refused: a restated file needs a new release name. A new
   file may join an existing release; an existing file is never replaced.

Outcomes: **accepted** (placed), **already present**, **quarantined** (moved, untouched, with its
sidecar into ``incoming/quarantine/<UTC time>/`` beside ``<name>.reason.txt`` naming file, row,
column and what was expected) and **refused** (left where it is, with the reason: the file is not
bad, something around it needs fixing).
"""

import hashlib
import os
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import yaml

from pipelines.catalog import SIDECAR_SUFFIX, fsync_dir, is_data_file, load_sidecar, safe_join, sha256_file
from pipelines.errors import ConfigError, InputError
from pipelines.locks import file_lock
from pipelines.sources import REFERENCES, SOURCES, SourceSpec
from pipelines.sources._tabular import HEADER_SEARCH_ROWS, find_dmy_date, head_rows

INCOMING = "incoming"
QUARANTINE = "quarantine"
ACCEPTED, PRESENT, QUARANTINED, REFUSED = "accepted", "already present", "quarantined", "refused"
#: What every file in sources/ says about itself (the raw layer's contract: release, publisher, licence,
#: retrieval date; the sha256 is computed).
REQUIRED_PROVENANCE = ("release", "publisher", "licence", "retrieved")
#: A release is a folder name: letters, digits, dots, dashes and underscores, starting with a letter or digit.
RELEASE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_CHUNK = 1 << 20


class Refused(Exception):
    """The file is left where it is: something around it (its place, its provenance) needs fixing."""


class Bad(Exception):
    """The file itself is wrong (unreadable, unknown, failing its expectations): it is quarantined."""

    def __init__(self, reason: str, lines: Sequence[str] = (), source_id: str | None = None) -> None:
        super().__init__(reason)
        self.reason, self.lines, self.source_id = reason, tuple(lines), source_id


@dataclass(frozen=True)
class Flags:
    """What the command line says about the files (the sensor gives none)."""

    source: str | None = None
    release: str | None = None
    publisher: str | None = None
    licence: str | None = None
    retrieved: str | None = None
    url: str | None = None

    def check(self) -> None:
        """Refuse flags that cannot work for any file (a usage error)."""
        if self.source is not None and self.source not in SOURCES:
            if self.source in REFERENCES:
                raise ConfigError(f"--source {self.source}: a reference table is not taken in through incoming/ "
                                  "(a reference release must be complete and is curated by hand: README 'Data "
                                  f"directory'); sources: {', '.join(SOURCES)}")
            raise ConfigError(f"--source {self.source}: expected a registered source ({', '.join(SOURCES)})")
        if self.release is not None and not _release_name_ok(self.release):
            raise ConfigError(f"--release {self.release!r}: expected a folder name of letters, digits, '.', '-' "
                              "and '_' (such as 2026-12-01)")
        if self.retrieved is not None and _iso_date(self.retrieved) is None:
            raise ConfigError(f"--retrieved {self.retrieved!r}: expected a date YYYY-MM-DD")


@dataclass(frozen=True)
class Outcome:
    file: str  # as named: relative to the data directory when inside it
    status: str
    detail: str  # the destination (accepted, already present) or the reason
    source_id: str | None = None
    release: str | None = None
    sha256: str | None = None
    destination: str | None = None  # relative to the data directory
    lines: tuple[str, ...] = ()  # what validation found (quarantined)

    def line(self) -> str:
        if self.status == ACCEPTED:
            return f"accepted         {self.file} -> {self.destination} ({self.source_id}, release {self.release})"
        if self.status == PRESENT:
            return f"already present  {self.file}: {self.detail}"
        return f"{self.status:<16} {self.file}: {self.detail}"


@dataclass
class IngestReport:
    outcomes: list[Outcome] = field(default_factory=list)
    waiting: list[str] = field(default_factory=list)  # modified too recently (may still be being copied)

    @property
    def accepted(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == ACCEPTED]

    @property
    def ok(self) -> bool:
        """Every file accepted or already present."""
        return all(o.status in (ACCEPTED, PRESENT) for o in self.outcomes)

    def lines(self) -> list[str]:
        out: list[str] = []
        for o in self.outcomes:
            out.append(o.line())
            out += [f"    {line}" for line in o.lines]
        out += [f"waiting          {name}: modified moments ago (still being copied?); taken at the next look"
                for name in self.waiting]
        return out

    def summary(self) -> str:
        if not self.outcomes and not self.waiting:
            return "incoming/ holds no files"
        counts = {s: sum(o.status == s for o in self.outcomes) for s in (ACCEPTED, PRESENT, QUARANTINED, REFUSED)}
        parts = [f"{n} {status}" for status, n in counts.items() if n]
        if self.waiting:
            parts.append(f"{len(self.waiting)} waiting")
        return ", ".join(parts)

    def run_key(self) -> str:
        """A run key naming the accepted files by destination and content: the same files never request
        two runs."""
        digest = hashlib.sha256()
        for o in sorted(self.accepted, key=lambda o: o.destination or ""):
            digest.update(f"{o.destination}\0{o.sha256}\n".encode())
        return f"ingest-{digest.hexdigest()[:20]}"


def incoming_dir(data_dir: Path) -> Path:
    return data_dir / INCOMING


def ingest(data_dir: Path, files: Sequence[Path] | None = None, flags: Flags | None = None,
           settle_seconds: float = 0.0, now: datetime | None = None) -> IngestReport:
    """Take ``files`` (default: every file waiting in ``<data_dir>/incoming/``) into ``sources/``.

    ``settle_seconds``: leave files modified more recently than that for a later call (the sensor: a
    file still being copied in must not be read half-written). One ingest at a time per data directory
    (a lock in ``incoming/``; :class:`pipelines.locks.Locked` otherwise).
    """
    flags = flags or Flags()
    flags.check()
    data_dir = data_dir.resolve()
    inbox = incoming_dir(data_dir)
    if inbox.is_symlink() or (inbox.exists() and not inbox.resolve().is_relative_to(data_dir)):
        raise ConfigError(f"{inbox} is a link; incoming/ must be a folder of the data directory")
    inbox.mkdir(exist_ok=True)
    now = now or datetime.now(UTC)
    report = IngestReport()
    with file_lock(inbox / ".ingest.lock", f"the incoming folder {inbox}"):
        if files is None:
            files = _waiting(inbox, report, settle_seconds, now)
        for path in files:
            report.outcomes.append(ingest_file(data_dir, path, flags, now))
    return report


def _waiting(inbox: Path, report: IngestReport, settle_seconds: float, now: datetime) -> list[Path]:
    """The entries of incoming/ to take, in name order (not its quarantine/ folder, hidden or partial
    files, sidecars or READMEs). Folders and other odd entries are refused here."""
    out: list[Path] = []
    for path in sorted(inbox.iterdir()):
        if path.name == QUARANTINE or not is_data_file(path):
            continue
        if path.is_dir() and not path.is_symlink():
            report.outcomes.append(Outcome(_shown(inbox.parent, path), REFUSED,
                                           "a folder: drop the files themselves into incoming/"))
            continue
        if settle_seconds and not path.is_symlink():
            sidecar = path.with_name(path.name + SIDECAR_SUFFIX)
            stamps = [p.lstat().st_mtime for p in (path, sidecar) if p.exists()]
            if stamps and now.timestamp() - max(stamps) < settle_seconds:
                report.waiting.append(_shown(inbox.parent, path))
                continue
        out.append(path)
    return out


def ingest_file(data_dir: Path, path: Path, flags: Flags, now: datetime) -> Outcome:
    """One file through the five steps (module docstring)."""
    inbox = incoming_dir(data_dir)
    shown = _shown(data_dir, path)
    source_id: str | None = flags.source
    sha: str | None = None
    real: Path | None = None
    try:
        real = checked_location(data_dir, path, shown)
        try:
            dropped = load_sidecar(real, shown, confine_to=inbox)
        except InputError as exc:
            raise Refused(str(exc)) from exc
        sha = sha256_file(real)
        spec, titles = identify(real, shown, flags.source)
        source_id = spec.source_id
        twin = same_bytes(data_dir, spec, real, sha)
        if twin is not None:  # under any release: the same file twice would load its rows twice
            _remove_from_incoming(real)
            twin_shown = _shown(data_dir, twin)
            return Outcome(shown, PRESENT, f"{twin_shown} holds the same bytes (sha256 {sha[:12]}…); removed from "
                                           "incoming/", source_id, twin.parent.name, sha, twin_shown)
        sidecar, written = provenance(spec, dropped, flags, titles, shown)
        release = str(sidecar["release"])
        try:
            dest = safe_join(data_dir / "sources", spec.source_id, release, real.name)
        except InputError as exc:
            raise Refused(f"{exc}: the destination must stay inside the data directory's sources/") from exc
        dest_shown = _shown(data_dir, dest)
        if dest.exists() or dest.is_symlink():
            raise Refused(f"{dest_shown} already exists with other content; a release is never overwritten: "
                          "a restated file needs a new release name (the sidecar's release, or --release)")
        if dest.with_name(dest.name + SIDECAR_SUFFIX).exists():
            raise Refused(f"{dest_shown}{SIDECAR_SUFFIX} exists without its file: remove it or choose another release")
        from pipelines.quality.validate_file import validate_file

        checked = validate_file(real, spec.source_id, data_dir, release=release, name=shown, sidecar=sidecar)
        if not checked.ok:
            problems = ([checked.unreadable.message] if checked.unreadable is not None
                        else [line for r in checked.failures for line in r.lines()])
            raise Bad(f"fails its {spec.source_id} checks: {problems[0] if problems else 'see the reason file'}",
                      checked.lines(), spec.source_id)
        side_bytes = (_sidecar_text(sidecar, shown if dropped else None, now).encode("utf-8") if written
                      else real.with_name(real.name + SIDECAR_SUFFIX).read_bytes())
        added = dest.parent.is_dir()
        place(real, sha, dest, side_bytes)
        _remove_from_incoming(real)
        note = f" (added to the existing release {release})" if added else ""
        return Outcome(shown, ACCEPTED, dest_shown + note, source_id, release, sha, dest_shown)
    except Refused as exc:
        return Outcome(shown, REFUSED, str(exc), source_id, sha256=sha)
    except Bad as exc:
        assert real is not None  # only a file in its place is judged bad
        where = quarantine(inbox, real, shown, exc, sha, now)
        return Outcome(shown, QUARANTINED, f"{exc.reason} (moved to {_shown(data_dir, where)}, reason in "
                                           f"{where.name}.reason.txt)", exc.source_id or source_id, sha256=sha,
                       lines=exc.lines)


# --- step 1: where it is --------------------------------------------------------------------------

def checked_location(data_dir: Path, path: Path, shown: str) -> Path:
    """The file's real path, if it is a regular file inside ``incoming/`` reached without links."""
    inbox = incoming_dir(data_dir).resolve()
    if ".." in Path(path).parts:
        raise Refused("a name with '..' is refused: name the file inside incoming/ directly")
    absolute = Path(path).absolute()  # made absolute without following links
    if any(ord(c) < 32 or c == "\x7f" for c in absolute.name):
        raise Refused("a file name with control characters: rename it")
    if absolute.is_symlink():
        target = absolute.resolve()
        if not target.is_relative_to(data_dir):
            raise Refused(f"a link that leaves the data directory (to {target}): copy the file itself into incoming/")
        raise Refused("a link: ingest takes regular files only, copy the file itself into incoming/")
    if not absolute.exists():
        raise Refused("no such file")
    real = absolute.resolve()
    if not real.is_relative_to(inbox):
        if absolute.is_relative_to(inbox):  # a folder on the way is a link
            leaves = "" if real.is_relative_to(data_dir) else " that leaves the data directory"
            raise Refused(f"reached through a link{leaves} (to {real}): copy the file itself into incoming/")
        raise Refused(f"outside incoming/ ({real}): copy the file into {inbox}/ first (ingest reads nothing from "
                      "outside the data directory's incoming/ folder)")
    if not real.is_file():
        raise Refused("not a regular file")
    if real.name.startswith(".") or real.name.endswith(SIDECAR_SUFFIX):
        raise Refused("a hidden file or a provenance sidecar, not a data file")
    return real


# --- step 2: which source -------------------------------------------------------------------------

def header_row(rows: list[list[str]], spec: SourceSpec) -> int | None:
    """Index of the first row holding every column of one of ``spec``'s header layouts."""
    for i, row in enumerate(rows):
        cells = set(row)
        if any(set(columns) <= cells for columns in spec.header_columns):
            return i
    return None


def identify(path: Path, shown: str, source: str | None = None) -> tuple[SourceSpec, list[list[str]]]:
    """The source a file belongs to (by its header, unless ``source`` names it) and the title rows above
    its header. A file no source recognises, or several do, is :class:`Bad`."""
    try:
        rows = head_rows(path, shown)
    except InputError as exc:
        raise Bad(f"cannot be read: {exc}", [str(exc)], source) from exc
    suffix = path.suffix.lower()
    if source is not None:
        spec = SOURCES[source]
        if suffix not in spec.formats:
            raise Bad(f"a {suffix or 'suffix-less'} file, but {source} files are {' or '.join(spec.formats)}",
                      source_id=source)
        k = header_row(rows, spec)
        return spec, [[c for c in row if c] for row in rows[:k or 0]]
    found = [(spec, k) for spec in SOURCES.values() if (k := header_row(rows, spec)) is not None]
    readable = [(spec, k) for spec, k in found if suffix in spec.formats]
    if len(readable) == 1:
        spec, k = readable[0]
        return spec, [[c for c in row if c] for row in rows[:k]]
    if len(readable) > 1:
        which = ", ".join(f"{spec.source_id} (row {k + 1})" for spec, k in readable)
        raise Bad(f"its header matches several sources: {which}; name one with --source")
    if found:
        spec, _ = found[0]
        raise Bad(f"a {suffix or 'suffix-less'} file with a {spec.source_id} header, but {spec.source_id} files are "
                  f"{' or '.join(spec.formats)}", source_id=spec.source_id)
    first = next((", ".join(c for c in row if c) for row in rows if any(row)), "nothing")
    layouts = "; ".join(f"{spec.source_id}: " + " | ".join(", ".join(cols) for cols in spec.header_columns)
                        for spec in SOURCES.values())
    expected = (f"{shown}: expected a header row (within the first {HEADER_SEARCH_ROWS} rows) with the columns of a "
                f"registered source ({layouts}), or --source")
    raise Bad(f"no registered source recognises its header (the first row reads {_cut(first)!r}); "
              "name the source with --source if it is one",
              [expected, f"found: the first row reads {_cut(first, 200)!r}"])


def same_bytes(data_dir: Path, spec: SourceSpec, real: Path, sha: str) -> Path | None:
    """A file of ``spec`` already in ``sources/`` (any release) with exactly these bytes, if there is one
    (sizes are compared first, so only files of the same size are hashed)."""
    size = real.stat().st_size
    base = data_dir / "sources" / spec.source_id
    candidates = sorted(base.glob("*/*")) if base.is_dir() else []
    for path in candidates:
        if (is_data_file(path) and path.is_file() and not path.is_symlink() and path.stat().st_size == size
                and sha256_file(path) == sha):
            return path
    return None


# --- step 3: release and provenance ------------------------------------------------------------------

def provenance(spec: SourceSpec, dropped: dict, flags: Flags, titles: list[list[str]],
               shown: str) -> tuple[dict, bool]:
    """The sidecar the file gets in ``sources/``, and whether it must be written (False: the dropped
    sidecar is complete and is copied byte for byte)."""
    side = f"{shown}{SIDECAR_SUFFIX}"
    merged = dict(dropped)
    for key, flag in (("release", flags.release), ("publisher", flags.publisher), ("licence", flags.licence),
                      ("retrieved", flags.retrieved), ("url", flags.url)):
        have = _text(dropped.get(key))
        if flag is None:
            continue
        if have is not None and have != flag:
            raise Refused(f"{side} says {key}: {have!r} but --{key} says {flag!r}; remove one of them")
        merged[key] = flag
    stated = _text(dropped.get("source_id"))
    if stated is not None and stated != spec.source_id:
        raise Refused(f"{side} says source_id: {stated!r} but the file is a {spec.source_id} file"
                      + (" (--source)" if flags.source else " (by its header)") + "; correct one of them")
    if _text(merged.get("release")) is None:
        printed = find_dmy_date(titles)
        if printed is not None:  # the release date a UNODC export prints above its header
            merged["release"] = printed
            merged.setdefault("release_date", printed)
    merged.setdefault("publisher", spec.publisher)
    missing = [key for key in REQUIRED_PROVENANCE if _text(merged.get(key)) is None]
    if missing:
        hint = {"release": "release: <folder name, e.g. the publication date 2026-12-01>",
                "publisher": "publisher: <who published it>", "licence": "licence: <its terms of use>",
                "retrieved": "retrieved: <YYYY-MM-DD you obtained it>"}
        raise Refused(
            f"no {', '.join(missing)}: every file in sources/ states its {', '.join(REQUIRED_PROVENANCE)}. Add "
            + "; ".join(hint[k] for k in missing) + f" to {side} beside the file (YAML), or pass "
            + " ".join(f"--{k} ..." for k in missing)
            + (" (a release is never guessed)" if "release" in missing else ""))
    release = _text(merged["release"]) or ""
    if not _release_name_ok(release):
        raise Refused(f"release {release!r} (from {side}): expected a folder name of letters, digits, '.', '-' and "
                      "'_' (no '/', no '..')")
    if _iso_date(_text(merged["retrieved"]) or "") is None:
        raise Refused(f"retrieved {_text(merged['retrieved'])!r} (from {side} or --retrieved): expected a date "
                      "YYYY-MM-DD")
    merged = {k: (_text(v) if k in ("release", "retrieved", "release_date") else v) for k, v in merged.items()}
    return merged, not dropped or any(k not in dropped for k in merged)


def _sidecar_text(sidecar: dict, dropped_as: str | None, now: datetime) -> str:
    """The sidecar written for a file whose dropped sidecar was missing or incomplete."""
    source = f"{dropped_as}{SIDECAR_SUFFIX}, completed from the command line" if dropped_as else "the command line"
    header = (f"# Provenance of the file beside it, written by `cyberstats ingest` on {now:%Y-%m-%d %H:%M} UTC\n"
              f"# from {source} (the publisher, if none was given, from the source registry).\n")
    return header + yaml.safe_dump(sidecar, sort_keys=False, allow_unicode=True, width=110)


# --- step 5: placed, or quarantined ------------------------------------------------------------------

def place(src: Path, sha: str, dest: Path, sidecar: bytes) -> None:
    """Copy ``src`` (which must still have ``sha``) and its sidecar to ``dest``, never replacing anything:
    the sidecar first (a run never sees the file without its provenance), each through a hidden
    temporary file in the target folder, fsynced, then hard-linked into place."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    side_dest = dest.with_name(dest.name + SIDECAR_SUFFIX)
    _install(side_dest, lambda out: out.write(sidecar))
    try:
        got = _install(dest, lambda out: _copy(src, out))
    except BaseException:
        side_dest.unlink(missing_ok=True)
        raise
    if got != sha:
        dest.unlink(missing_ok=True)
        side_dest.unlink(missing_ok=True)
        raise Refused(f"the file changed while it was being taken in (sha256 {sha[:12]}… validated, "
                      f"{got[:12]}… copied); drop it again once it is complete")
    fsync_dir(dest.parent)


def _copy(src: Path, out) -> None:
    with src.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            out.write(chunk)


def _install(dest: Path, write) -> str:
    """Write a new file ``dest`` through ``write(fh)``; return its sha256. Refused if ``dest`` exists."""
    fd, tmp_name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".ingest", dir=dest.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            write(out)
            out.flush()
            os.fsync(out.fileno())
        tmp.chmod(0o644)
        try:
            os.link(tmp, dest)  # atomic, and fails if dest exists (os.replace would overwrite it)
        except FileExistsError as exc:
            raise Refused(f"{dest.name} appeared in {dest.parent} meanwhile; nothing was replaced") from exc
        return sha256_file(dest)
    finally:
        tmp.unlink(missing_ok=True)


def _remove_from_incoming(real: Path) -> None:
    sidecar = real.with_name(real.name + SIDECAR_SUFFIX)
    real.unlink()
    if sidecar.is_file() and not sidecar.is_symlink():
        sidecar.unlink()


def quarantine(inbox: Path, path: Path, shown: str, bad: Bad, sha: str | None, now: datetime) -> Path:
    """Move a bad file (and its sidecar), unchanged, into ``incoming/quarantine/<UTC time>/`` beside
    ``<name>.reason.txt``; return its new path."""
    base = inbox / QUARANTINE / f"{now:%Y%m%dT%H%M%SZ}"
    folder, n = base, 1
    while (folder / path.name).exists():
        n += 1
        folder = base.with_name(f"{base.name}-{n}")
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / path.name
    sidecar = path.with_name(path.name + SIDECAR_SUFFIX)
    reason = [f"file:        {shown}", f"sha256:      {sha or 'unknown'}",
              f"source:      {bad.source_id or 'not identified'}",
              f"quarantined: {now:%Y-%m-%d %H:%M:%S} UTC by cyberstats ingest", "", f"reason: {bad.reason}"]
    if bad.lines:
        reason += ["", *bad.lines]
    reason += ["", "The file was not modified. Fix it (or name its source with --source), then move it back into "
                   "incoming/ or run `cyberstats ingest` on it here."]
    (folder / f"{path.name}.reason.txt").write_text("\n".join(reason) + "\n", encoding="utf-8")
    path.rename(target)
    if sidecar.is_file() and not sidecar.is_symlink():
        sidecar.rename(folder / sidecar.name)
    return target


# --- helpers ---------------------------------------------------------------------------------------

def _shown(data_dir: Path, path: Path) -> str:
    absolute = Path(path).absolute()
    try:
        return absolute.relative_to(data_dir).as_posix()
    except ValueError:
        return str(path)


def _text(value: object) -> str | None:
    """A sidecar value as text (YAML reads 2026-12-01 as a date); None when absent or blank."""
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    return text or None


def _release_name_ok(release: str) -> bool:
    return bool(RELEASE_NAME.match(release)) and ".." not in release


def _iso_date(text: str) -> date | None:
    if not _ISO_DATE.match(text.strip()):
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


def _cut(text: str, width: int = 80) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
