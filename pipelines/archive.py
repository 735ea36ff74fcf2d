"""Past publications: every published warehouse is kept, read-only, beside the published one.

``<warehouse-dir>/<name>.publications/<published_at>-<fingerprint[:12]>.duckdb`` is a byte copy of a
warehouse as it was published (its ``meta.publication`` names it). The newest ``kept`` copies stay
(a retention setting, default :data:`DEFAULT_KEPT`); older ones are deleted, never the one published
now. ``cyberstats publications`` lists them and ``--as-of DATE|ID`` points the read-only commands
(query, tables, describe, shell, export) at one of them.

Copies, not hard links: an analyst who opens the published file read-write by hand must not be able
to change the record of a past publication. The copy is written under the publication lock after the
swap (:func:`keep`); if the process dies between swap and copy, the next command that takes the lock
copies it (pipelines.publication.recover calls :func:`keep`).
"""

import os
import re
import uuid
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from shutil import copyfile

import duckdb

from pipelines.catalog import fsync_dir
from pipelines.errors import ConfigError, CyberstatsError
from pipelines.settings import DEFAULT_KEPT

_NAME = re.compile(r"^(\d{8}T\d{6}Z)-([0-9A-Za-z_-]{1,12})\.duckdb$")


@dataclass(frozen=True)
class Publication:
    path: Path
    fingerprint: str
    published_at: datetime
    run_id: str
    pipeline_version: str
    #: The publication the warehouse holds now (set by :func:`listing`).
    current: bool = False

    @property
    def id(self) -> str:
        return self.fingerprint[:12]


def archive_dir(warehouse: Path) -> Path:
    return warehouse.parent / f"{warehouse.stem}.publications"


def read(path: Path) -> Publication | None:
    """The publication a warehouse file holds (its ``meta.publication``), or None if it holds none or
    cannot be read."""
    from pipelines.warehouse import connect, publication

    try:
        with connect(path, read_only=True, retries=3) as con:
            pub = publication(con)
    except (duckdb.Error, CyberstatsError):
        return None
    if not pub or not pub.get("fingerprint") or pub.get("published_at") is None:
        return None
    at = pub["published_at"]
    at = at.astimezone(UTC) if at.tzinfo else at.replace(tzinfo=UTC)
    return Publication(path, pub["fingerprint"], at, str(pub.get("run_id")), str(pub.get("pipeline_version")))


def file_name(pub: Publication) -> str:
    return f"{pub.published_at.strftime('%Y%m%dT%H%M%SZ')}-{pub.id}.duckdb"


def keep(warehouse: Path, kept: int | None = DEFAULT_KEPT) -> Path | None:
    """Copy the published warehouse into the archive unless it is there already, then delete all but
    the newest ``kept`` copies (None: delete nothing). Call with the publication lock held. Returns
    the archived copy (None: nothing published)."""
    current = read(warehouse) if warehouse.is_file() else None
    if current is None:
        return None
    folder = archive_dir(warehouse)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / file_name(current)
    if not target.is_file():
        tmp = folder / f".{target.name}.{uuid.uuid4().hex[:8]}.tmp"
        try:
            copyfile(warehouse, tmp)
            with tmp.open("rb") as fh:
                os.fsync(fh.fileno())
            tmp.replace(target)
            fsync_dir(folder)
        finally:
            tmp.unlink(missing_ok=True)
    if kept is not None:
        prune(warehouse, kept, current.fingerprint)
    return target


def prune(warehouse: Path, kept: int, current_fingerprint: str | None = None) -> list[Path]:
    """Delete archived publications beyond the newest ``kept`` (at least 1: pipelines.settings checks it;
    never the current one). Returns what was deleted."""
    removed = []
    for i, path in enumerate(sorted(_archived(warehouse), reverse=True)):  # names sort by publication time
        if i >= kept and (current_fingerprint is None or _NAME.match(path.name)[2] != current_fingerprint[:12]):
            path.unlink(missing_ok=True)
            removed.append(path)
    for leftover in archive_dir(warehouse).glob(".*.tmp"):
        leftover.unlink(missing_ok=True)
    return removed


def _archived(warehouse: Path) -> list[Path]:
    folder = archive_dir(warehouse)
    return [p for p in folder.iterdir() if _NAME.match(p.name) and p.is_file()] if folder.is_dir() else []


def listing(warehouse: Path) -> list[Publication]:
    """Every kept publication, newest first (the published warehouse's own publication included even
    if its copy is missing)."""
    found = {p.fingerprint: p for p in (read(path) for path in _archived(warehouse)) if p is not None}
    current = read(warehouse) if warehouse.is_file() else None
    if current is not None:
        found[current.fingerprint] = replace(found.get(current.fingerprint, current), current=True)
    return sorted(found.values(), key=lambda p: p.published_at, reverse=True)


def parse_as_of(text: str) -> datetime | None:
    """The end of the moment ``text`` names, in UTC: a date (YYYY-MM-DD: the end of that day) or a date
    and time (ISO 8601; UTC unless it says otherwise). None if ``text`` is neither."""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        pass
    else:
        return datetime.combine(day + timedelta(days=1), time(), UTC) - timedelta(microseconds=1)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def resolve(warehouse: Path, as_of: str) -> Publication:
    """The publication ``as_of`` names: a publication id (its fingerprint, or a prefix of at least 4
    characters), else a date or time (the publication that was current then). Raises ConfigError saying
    what is kept."""
    kept = listing(warehouse)
    if not kept:
        raise ConfigError(f"no publications are kept beside {warehouse}; run `cyberstats run` first")
    text = as_of.strip().lower()
    matches = [p for p in kept if p.fingerprint == text or p.id == text
               or (len(text) >= 4 and p.fingerprint.startswith(text))]
    if matches:
        if len(matches) == 1:
            return matches[0]
        raise ConfigError(f"--as-of {as_of}: {len(matches)} publications start with it; give more digits")
    moment = parse_as_of(as_of.strip())
    if moment is not None:
        current = [p for p in kept if p.published_at <= moment]
        if current:
            return current[0]
        raise ConfigError(f"--as-of {as_of}: nothing was published by then; the oldest kept publication is "
                          f"{kept[-1].id} of {kept[-1].published_at:%Y-%m-%d %H:%M} UTC")
    raise ConfigError(f"--as-of {as_of}: expected a publication id (see `cyberstats publications`) or a date "
                      f"(YYYY-MM-DD) or time (YYYY-MM-DDTHH:MM); kept: {', '.join(p.id for p in kept[:5])}"
                      f"{', ...' if len(kept) > 5 else ''}")
