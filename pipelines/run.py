"""Running the job from the command line: one process, the persistent Dagster instance of the work
folder, one line per finished step.

* **Instance.** Runs are recorded in ``<work-dir>/dagster/`` (sqlite, telemetry off), so ``cyberstats
  dev`` / ``make dev`` on the same work folder shows every CLI run with its materialisations and check
  results. ``DAGSTER_HOME``, when set, wins. ``CYBERSTATS_DAGSTER_INSTANCE=ephemeral`` runs on an
  in-memory instance instead, which records nothing: the test suite sets it for its many runs that never
  read the run history (a bundled run takes 22 s of CPU instead of 25.5 s: every event is otherwise
  written to sqlite through a connection of its own; 30.6 s before :func:`_engines_reused`); the golden
  build and the tests of the persistent instance unset it.
* **Progress.** A listener on the instance receives each event as it is stored (``EventLogEntry``:
  step starts and failures, materialisations with their metadata, check evaluations) and prints one
  line per finished step, warnings and blocking failures with the lines naming file, row and column.
* **Builds.** Each run builds into its own folder (pipelines.build); older builds are pruned when a run
  starts (the work lock is held), the newest ones are kept for ``cyberstats quarantine`` and the
  quality page of a failed run.
"""

import os
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.errors import ConfigError
from pipelines.settings import Settings

DAGSTER_YAML = """# Written by cyberstats: the Dagster instance of one work folder (runs of `cyberstats run`).
telemetry:
  enabled: false
"""


def ensure_instance_home(settings: Settings) -> Path:
    """The instance folder (``DAGSTER_HOME`` when set, else ``<work-dir>/dagster``), with a dagster.yaml
    turning telemetry off unless one is there already."""
    home = Path(os.environ["DAGSTER_HOME"]) if os.environ.get("DAGSTER_HOME") else settings.dagster_home
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():
        config.write_text(DAGSTER_YAML, encoding="utf-8")
    return home


_FAST_SQLITE: list[bool] = []


def _sqlite_without_fsync() -> None:
    """Dagster's sqlite storage commits every event in its own connection; with SQLite's default
    ``synchronous=FULL`` each commit waits for the disk, which made a bundled run a third slower (30 s
    against 20 s with an in-memory instance, measured here). The run history is a record, not data: a
    crash may lose its last events, never a table. So sqlite connections of this process skip the fsync
    (``synchronous=OFF``); the warehouse and the site are published with their own fsyncs."""
    if _FAST_SQLITE:
        return
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    @event.listens_for(Engine, "connect")
    def _no_fsync(dbapi_connection, _record) -> None:
        if type(dbapi_connection).__module__.startswith("sqlite3"):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA synchronous=OFF")
            cursor.close()

    _FAST_SQLITE.append(True)


#: ``ephemeral``: run on an in-memory Dagster instance that records nothing (for tests; see above).
ENV_INSTANCE = "CYBERSTATS_DAGSTER_INSTANCE"


@contextmanager
def dagster_instance(settings: Settings) -> Iterator:
    """The persistent instance of the work folder (``DAGSTER_HOME`` wins when set), or an in-memory one
    when ``CYBERSTATS_DAGSTER_INSTANCE=ephemeral``."""
    import dagster as dg

    mode = os.environ.get(ENV_INSTANCE, "persistent")
    if mode == "ephemeral":
        with dg.DagsterInstance.ephemeral() as instance:
            yield instance
        return
    if mode != "persistent":
        raise ConfigError(f"{ENV_INSTANCE}={mode!r}: expected 'persistent' (the default) or 'ephemeral'")
    _sqlite_without_fsync()
    with dg.DagsterInstance.from_config(str(ensure_instance_home(settings))) as instance:
        with _engines_reused(instance.event_log_storage):
            yield instance


@contextmanager
def _engines_reused(storage) -> Iterator[None]:
    """Dagster's sqlite event log makes a new SQLAlchemy engine for each of the ~3,600 connections a
    bundled run opens (one or two per event, with ``NullPool``), then disposes of it: building the engines
    (dialect, compiled-statement cache) cost about 5 s of a 33 s run's CPU. Here each sqlite file (run
    shard, index) keeps one engine for the run; every connection is still opened, committed and closed as
    Dagster does (``NullPool``), under the storage's own lock, so the files hold the same rows. Only
    Dagster's stock sqlite event log is changed (a storage configured in DAGSTER_HOME is left alone), and
    only on this process's instance object: `dagster dev` and other readers are not involved."""
    from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage

    if type(storage) is not SqliteEventLogStorage or not hasattr(storage, "_connect"):
        yield
        return
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    engines: dict[str, object] = {}
    timeout = getattr(sqlite_event_log_module(), "SQLITE_BUSY_TIMEOUT_SECONDS", 15)

    @contextmanager
    def connect(shard: str):
        with storage._db_lock:
            engine = engines.get(shard)
            if engine is None:
                engine = engines[shard] = create_engine(storage.conn_string_for_shard(shard), poolclass=NullPool,
                                                        connect_args={"timeout": timeout})
            if shard not in storage._initialized_dbs:
                storage._initdb(engine)
                storage._initialized_dbs.add(shard)
            with engine.connect() as conn, conn.begin():
                yield conn

    storage._connect = connect
    try:
        yield
    finally:
        del storage._connect  # back to Dagster's own method
        for engine in engines.values():
            engine.dispose()


def sqlite_event_log_module():
    from dagster._core.storage.event_log.sqlite import sqlite_event_log

    return sqlite_event_log


#: Lines naming the failing rows printed under a warning (the quality page has every one).
WARNING_LINES = 3


@dataclass
class Progress:
    """Collects a run's outcome from its events and prints one line per finished step."""

    quiet: bool
    say: Callable[..., None]
    started: dict[str, float] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    failed_checks: list[str] = field(default_factory=list)  # blocking: name, then lines naming file, row, column
    warnings: list[str] = field(default_factory=list)

    def __call__(self, entry) -> None:
        import dagster as dg

        kind, step = entry.dagster_event_type, entry.step_key or ""
        if kind == dg.DagsterEventType.STEP_START:
            self.started[step] = time.monotonic()
        elif kind == dg.DagsterEventType.ASSET_MATERIALIZATION and not self.quiet:
            mat = entry.asset_materialization
            rows = mat.metadata.get("rows")
            extra = f"  {int(rows.value):>9,} rows" if rows is not None else ""
            took = time.monotonic() - self.started.get(step, time.monotonic())
            self.say(f"  ok  {'/'.join(mat.asset_key.path):<58}{extra}  {took:5.1f}s")
            aside = mat.metadata.get("set_aside")
            if aside is not None and aside.value != "none":
                for note in str(aside.value).split("; "):
                    self.say(f"      not read: {note}")
        elif kind == dg.DagsterEventType.ASSET_CHECK_EVALUATION:
            self._check(entry.asset_check_evaluation)
        elif kind == dg.DagsterEventType.STEP_FAILURE:
            error = entry.get_dagster_event().event_specific_data.error
            if getattr(error, "cls_name", "") == "DagsterAssetCheckFailedError":
                return  # the failed blocking checks are reported one by one, with their rows
            label = step.replace("__", "/")
            message = root_message(error)
            self.failures.append(f"{label}: {message}")
            self.say(f"  FAILED  {label}: {message}", err=True)

    def _check(self, ev) -> None:
        import dagster as dg

        if ev.passed:
            return
        name = f"{'/'.join(ev.asset_key.path)}:{ev.check_name}"
        lines = check_lines(ev.metadata)
        if ev.severity == dg.AssetCheckSeverity.ERROR:
            self.failed_checks.append("\n".join([name, *(f"      {line}" for line in lines)]))
            self.say(f"  FAILED CHECK  {name}", err=True)
            for line in lines[:3]:
                self.say(f"      {line}", err=True)
        else:
            count = ev.metadata.get("unexpected_rows")
            n = int(count.value) if count is not None and count.value else 0
            detail = f" ({n:,} row{'s' * (n != 1)})" if n else ""
            note = ev.metadata.get("note")
            # What and where: the rows (file and row, or table row and value) named by the check, not a count.
            where = [f"      {line}" for line in lines[:WARNING_LINES]]
            if len(lines) > WARNING_LINES:
                where.append(f"      ... and {len(lines) - WARNING_LINES} more (the quality page lists them all)")
            self.warnings.append("\n".join([name + detail + (f": {note.value}" if note is not None else ""), *where]))
            if not self.quiet:
                self.say(f"  warn  {name}{detail}", err=True)
                for line in where:
                    self.say(line, err=True)


def check_lines(metadata: dict) -> list[str]:
    """The messages a check put in its metadata (ours: 'failures'; domain checks: 'failure' etc.)."""
    lines: list[str] = []
    for key in ("failures", "failure", "mismatches", "unexpected", "examples"):
        value = metadata.get(key)
        if value is None:
            continue
        text = str(getattr(value, "value", getattr(value, "md_str", value)))
        if text and text != "none":
            lines += [line[2:] if line.startswith("- ") else line for line in text.splitlines() if line.strip()]
    return lines


def root_message(error) -> str:
    """The innermost user-facing message of a Dagster SerializableErrorInfo chain."""
    node = error
    while node is not None and getattr(node, "cause", None) is not None:
        node = node.cause
    text = (node or error).message.strip()
    head, _, rest = text.partition(": ")
    if head.endswith(("Error", "Failure", "Exception")) and rest:
        text = rest
    return text.splitlines()[0] if text else "unknown error"


@dataclass(frozen=True)
class Outcome:
    success: bool
    run_id: str
    seconds: float
    progress: Progress


def execute(settings: Settings, progress: Progress, allow_quarantine: bool = False) -> Outcome:
    """Run the whole job in process on the work folder's instance; the build connection is closed
    at the end whatever happens."""
    from pipelines import build as builds
    from pipelines.definitions import JOB_NAME, definitions_for

    job = definitions_for(settings, allow_quarantine=allow_quarantine).resolve_job_def(JOB_NAME)
    run_id = str(uuid.uuid4())
    builds.prune(settings.work_dir, keep=builds.KEEP_BUILDS - 1)
    started = time.monotonic()
    try:
        with dagster_instance(settings) as instance:
            instance.add_event_listener(run_id, progress)
            # Dagster's console logger would print every event at DEBUG: the listener prints what matters.
            result = job.execute_in_process(instance=instance, run_id=run_id, raise_on_error=False,
                                            run_config={"loggers": {"console": {"config": {"log_level": "ERROR"}}}})
    finally:
        builds.close()
    return Outcome(result.success, run_id, time.monotonic() - started, progress)
