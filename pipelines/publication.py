"""Publication: a fully checked build replaces the published warehouse and site together.

The rules, whichever way a publication is started (``cyberstats run``, ``cyberstats report``, the
Dagster UI, ``dagster asset materialize``):

1. **Only a fully checked build is published.** The publication step first writes a *build record*
   into the build (``meta.build_record``: run id, fingerprint, how many assets and checks this run
   built and evaluated) and only does so when every asset of the job was materialised and every
   check evaluated in that same run, with no blocking failure (:func:`verify_run`,
   :func:`record_build`). Staging the warehouse refuses a build without that record.
2. **One lock per target** (pipelines.locks): the caller holds the lock of the warehouse and site.
3. **Stage both, then swap both.** The warehouse copy and the site copy are both staged beside their
   targets first. A journal (``.<warehouse>.publishing.json``) then names the staged files, and the
   swap is three renames. If a swap step fails, the site is rolled back; if the process dies during
   the swap, the next command that takes the lock finishes it from the journal (:func:`recover`), so
   warehouse and site always end as the same publication.
4. **Nothing is claimed that was not checked**: :func:`state` reads what is published, and messages
   compare it with what was there before.

Leftovers of interrupted runs (staged copies, old sites) are removed under the lock by :func:`recover`.
Every published warehouse is also kept as a past publication (pipelines.archive).
"""

import contextlib
import json
import os
import shutil
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import polars as pl

from pipelines import archive
from pipelines.catalog import fsync_dir
from pipelines.errors import PublicationError
from pipelines.reports.publish import old_name, published_site_fingerprint, stage_site
from pipelines.settings import DEFAULT_KEPT
from pipelines.warehouse import published_fingerprint, stage_warehouse


@dataclass(frozen=True)
class State:
    """What is published now: the fingerprints of the warehouse and of the site (None: absent)."""

    warehouse: str | None
    site: str | None

    @property
    def consistent(self) -> bool:
        return self.warehouse == self.site


def state(warehouse: Path, site_dir: Path) -> State:
    return State(published_fingerprint(warehouse), published_site_fingerprint(site_dir))


def describe_change(before: State, after: State) -> str:
    """A sentence about the published outputs that is true because it was checked."""
    if before == after:
        return "The published warehouse and site were not changed."
    if after.consistent:
        return (f"The published warehouse and site now hold publication {str(after.warehouse)[:12]} "
                f"(before: {str(before.warehouse)[:12]}).")
    return (f"The published warehouse holds publication {str(after.warehouse)[:12]} and the site "
            f"{str(after.site)[:12]}; the next cyberstats run or report makes them agree.")


# --- 1. the build record ------------------------------------------------------------------------

def verify_run(expected_assets: set[str], materialised: set[str], expected_checks: set[str],
               evaluations: dict[str, tuple[bool, bool]]) -> list[str]:
    """What keeps a run's build from being published (empty: nothing).

    ``expected_*``: every asset (other than the publication step) and every check of the job;
    ``materialised``: the assets materialised in this run; ``evaluations``: check -> (passed,
    blocking failure) for the checks evaluated in this run.
    """
    problems = []
    missing = sorted(expected_assets - materialised)
    if missing:
        problems.append(f"{len(missing)} asset(s) of the job were not materialised in this run "
                        f"({', '.join(missing[:5])}{', ...' if len(missing) > 5 else ''}); a build is published "
                        "only when one run built and checked all of it: run the whole job (publish_all, or "
                        "`cyberstats run`)")
    unchecked = sorted(expected_checks - set(evaluations))
    if unchecked:
        problems.append(f"{len(unchecked)} check(s) were not evaluated in this run "
                        f"({', '.join(unchecked[:5])}{', ...' if len(unchecked) > 5 else ''})")
    failed = sorted(k for k, (passed, blocking) in evaluations.items() if not passed and blocking)
    if failed:
        problems.append(f"blocking check(s) failed: {', '.join(failed[:5])}{', ...' if len(failed) > 5 else ''}")
    return problems


def undeclared_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Tables of a build that no contract declares (a table put there by hand, or by code that bypassed
    the contracts): the published warehouse holds exactly the declared tables, so such a build is refused."""
    from pipelines import contracts

    declared = {f"{s}.{t}" for s, t in contracts.tables()} | {"meta.build_record", "meta.publication"}
    found = {f"{s}.{t}" for s, t in con.execute(
        "SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = current_database()").fetchall()}
    extra = sorted(found - declared)
    return [f"the build holds tables no contract declares ({', '.join(extra)}): only declared tables are published"
            ] if extra else []


def record_build(con: duckdb.DuckDBPyConnection, run_id: str, fingerprint: str, assets: int,
                 evaluations: dict[str, tuple[bool, bool]]) -> dict:
    """Write ``meta.build_record`` into the build (call only after :func:`verify_run` found nothing)."""
    warnings = sorted(k for k, (passed, _) in evaluations.items() if not passed)
    record = {"run_id": run_id, "fingerprint": fingerprint, "assets_materialised": assets,
              "checks_evaluated": len(evaluations), "blocking_checks_passed": True,
              "warnings": "; ".join(warnings) or None, "recorded_at": datetime.now(UTC)}
    from pipelines import contracts
    from pipelines.build import write_frame

    write_frame(con, "meta", "build_record",
                pl.DataFrame([record], schema=contracts.load("meta", "build_record").polars_schema()))
    return record


# --- 3. stage both, swap both -------------------------------------------------------------------

@dataclass(frozen=True)
class Outcome:
    warehouse_published: bool
    site_published: bool
    #: Why the new publication could not be added to the archive of past publications (None: it was).
    archive_problem: str | None = None


def journal_path(warehouse: Path) -> Path:
    return warehouse.parent / f".{warehouse.name}.publishing.json"


def publish(build_db: Path | None, site_build: Path, warehouse: Path, site_dir: Path, fingerprint: str,
            run_id: str, pipeline_version: str, replace_site: bool = False, kept: int = DEFAULT_KEPT) -> Outcome:
    """Replace the published warehouse and site with this build (the caller holds the target lock).

    Either part already at ``fingerprint`` is left alone, unless ``replace_site`` (``cyberstats report``
    re-renders the site of the published warehouse; it passes no build database). A new warehouse is
    then copied into the archive of past publications, which keeps the newest ``kept`` (pipelines.archive);
    a failure there is reported in the outcome, the publication stands. Raises
    PublicationError with the previous publication in place if anything fails before or during the swap.
    """
    recover(warehouse, site_dir)
    wh_same = published_fingerprint(warehouse) == fingerprint
    site_same = published_site_fingerprint(site_dir) == fingerprint and not replace_site
    if wh_same and site_same:
        return Outcome(False, False)
    if build_db is None and not wh_same:
        raise PublicationError(f"the site of publication {fingerprint[:12]} cannot be published beside a warehouse "
                               "that holds another publication")
    staged_wh = (None if wh_same or build_db is None
                 else stage_warehouse(build_db, warehouse, fingerprint, run_id, pipeline_version))
    try:
        staged_site = None if site_same else stage_site(site_build, site_dir)
    except BaseException:
        if staged_wh is not None:
            _unlink(staged_wh)
        raise
    journal = {"fingerprint": fingerprint, "run_id": run_id, "warehouse": str(warehouse),
               "staged_warehouse": str(staged_wh) if staged_wh else None, "site": str(site_dir),
               "staged_site": str(staged_site) if staged_site else None,
               "old_site": str(old_name(site_dir, uuid.uuid4().hex[:12]))}
    try:
        _write_journal(warehouse, journal)
    except OSError as exc:
        _discard_staged(journal)
        raise PublicationError(f"could not write the publication journal beside {warehouse}: {exc}; "
                               "nothing was published") from exc
    try:
        _swap(journal)
    except OSError as exc:
        _roll_back(journal)
        raise PublicationError(f"could not swap in the new publication ({exc}); the previous warehouse and site "
                               "were restored") from exc
    _finish(journal)
    problem = None
    if staged_wh is not None:
        try:
            archive.keep(warehouse, kept)
        except OSError as exc:
            problem = (f"the new publication could not be copied into {archive.archive_dir(warehouse)} ({exc}); "
                       "the next run or report copies it")
    return Outcome(staged_wh is not None, staged_site is not None, problem)


def _write_journal(warehouse: Path, journal: dict) -> None:
    path = journal_path(warehouse)
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        json.dump(journal, fh, indent=1)
        fh.flush()
        os.fsync(fh.fileno())
    tmp.replace(path)
    fsync_dir(path.parent)


def _swap(journal: dict) -> None:
    """The three renames, each done only if not yet done (so that recovery can repeat them)."""
    site, old = Path(journal["site"]), Path(journal["old_site"])
    if journal["staged_site"]:
        staged = Path(journal["staged_site"])
        if staged.exists():
            if site.exists():
                site.rename(old)
            staged.rename(site)
            fsync_dir(site.parent)
    if journal["staged_warehouse"]:
        staged_wh = Path(journal["staged_warehouse"])
        if staged_wh.exists():
            staged_wh.replace(journal["warehouse"])
            fsync_dir(staged_wh.parent)


def _roll_back(journal: dict) -> None:
    """Undo a swap that failed part-way in this process (the warehouse rename is the last step, so
    only the site can have moved)."""
    site, old = Path(journal["site"]), Path(journal["old_site"])
    staged = Path(journal["staged_site"]) if journal["staged_site"] else None
    if staged is not None and old.exists():
        if site.exists() and not staged.exists():
            site.rename(staged)
        if not site.exists():
            old.rename(site)
    _discard_staged(journal)
    journal_path(Path(journal["warehouse"])).unlink(missing_ok=True)


def _finish(journal: dict) -> None:
    journal_path(Path(journal["warehouse"])).unlink(missing_ok=True)
    shutil.rmtree(journal["old_site"], ignore_errors=True)


def _discard_staged(journal: dict) -> None:
    if journal["staged_warehouse"]:
        _unlink(Path(journal["staged_warehouse"]))
    if journal["staged_site"]:
        shutil.rmtree(journal["staged_site"], ignore_errors=True)


def _unlink(path: Path) -> None:
    path.unlink(missing_ok=True)
    Path(str(path) + ".wal").unlink(missing_ok=True)


def recover(warehouse: Path, site_dir: Path) -> str | None:
    """Finish a publication that was interrupted during its swap, and remove leftovers of earlier runs
    (staged warehouse copies, staged and old sites). Call with the target lock held. Returns what was
    done, or None."""
    done = None
    path = journal_path(warehouse)
    if path.is_file():
        try:
            journal = json.loads(path.read_text(encoding="utf-8"))
            _swap(journal)  # every staged part was complete before the journal was written: roll forward
            _finish(journal)
            done = f"finished the interrupted publication {str(journal['fingerprint'])[:12]}"
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise PublicationError(f"cannot finish the interrupted publication recorded in {path}: {exc}; "
                                   "remove the file once warehouse and site are as they should be") from exc
    elif not site_dir.exists():
        olds = sorted(site_dir.parent.glob(f".{site_dir.name}.old-*"), key=lambda p: p.stat().st_mtime)
        if olds:  # an older version's crash between its two site renames: put the old site back
            olds[-1].rename(site_dir)
            done = "restored the site an interrupted publication had moved aside"
    for leftover in [*warehouse.parent.glob(f".{warehouse.name}.*.tmp"),
                     *warehouse.parent.glob(f".{warehouse.name}.*.tmp.wal")]:
        leftover.unlink(missing_ok=True)
    for pattern in (f".{site_dir.name}.new-*", f".{site_dir.name}.old-*"):
        for leftover in site_dir.parent.glob(pattern):
            shutil.rmtree(leftover, ignore_errors=True)
    with contextlib.suppress(OSError):  # a publication whose archive copy an interruption prevented
        archive.keep(warehouse, None)
    return done
