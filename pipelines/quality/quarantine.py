"""Quarantine: source files that cannot be read, or fail a blocking expectation, are left out.

A quarantined file is excluded from its staging table and recorded in ``quality.quarantine`` with
the reason (file, row, column, what was expected, what was found). The file itself is never
modified, moved or deleted. Other files and sources still load, so one run shows every problem.
The table holds the quarantine of one run, the latest: the first record of a run removes every
earlier run's rows, so a source whose staging step did not run this time (a reference failed
upstream of it) never shows a file an earlier run left out.
By default a quarantined file blocks publication (the ``files_not_quarantined`` check on the staging
table fails); ``cyberstats run --allow-quarantine`` publishes without it, and says so.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime

import duckdb
import polars as pl

from pipelines.errors import InputError
from pipelines.quality import _tables
from pipelines.quality.runner import Result
from pipelines.warehouse import table_exists

SCHEMA = "quality"
TABLE = "quarantine"


@dataclass(frozen=True)
class Quarantined:
    source_id: str
    relpath: str
    sha256: str | None
    reason: str
    message: str
    expectation: str | None = None
    row: int | None = None
    column: str | None = None
    expected: str | None = None
    found: str | None = None
    unexpected_rows: int | None = None


#: The reader's contract, named like the suites' expectations in messages and in the listing.
READABLE = "file_readable"


def from_input_error(source_id: str, relpath: str, sha256: str | None, exc: InputError) -> Quarantined:
    return Quarantined(source_id, relpath, sha256, "unreadable", f"{exc.message} (expectation {READABLE})",
                       expectation=READABLE, row=exc.row, column=exc.column, expected=exc.expected, found=exc.found)


def from_crash(source_id: str, relpath: str, sha256: str | None, exc: Exception) -> Quarantined:
    """A reader that fails with something other than InputError: the file cannot be parsed either."""
    found = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
    message = (f"{relpath}: expected a file the {source_id} reader can parse, found an error ({found}) "
               f"(expectation {READABLE})")
    return Quarantined(source_id, relpath, sha256, "unreadable", message, expectation=READABLE,
                       expected="a readable file", found=found)


def from_results(source_id: str, results: Iterable[Result], sha256: dict[str, str]) -> list[Quarantined]:
    """Files with rows failing a blocking expectation: one record per file and expectation column."""
    out = []
    for r in results:
        if r.success or not r.blocking:
            continue
        for hit in r.files:
            if hit.file not in sha256:
                continue  # not a source file of this table (e.g. the table itself)
            column = ", ".join(hit.columns) if hit.columns else (r.published_column or r.column)
            message = next((line for line in r.lines() if line.startswith(hit.file + ",")), r.lines()[0])
            out.append(Quarantined(source_id, hit.file, sha256[hit.file], "expectation", message,
                                   expectation=r.expectation, row=hit.rows[0] if hit.rows else None,
                                   column=column, expected=r.description, found=", ".join(hit.values),
                                   unexpected_rows=hit.count))
    return out


#: What a blocking failure became when the run published without the failing files.
LEFT_OUT_NOTE = "the failing file(s) were left out by --allow-quarantine: published without them"


def left_out_by_allowance(results: Iterable[Result], left_out: Iterable[str]) -> list[Result]:
    """``results`` as they stand in a run allowed to publish without its quarantined files.

    A failing blocking result whose every failing row is in a file ``left_out`` did not stop the
    publication: it is recorded as a warning with :data:`LEFT_OUT_NOTE`, so the history and the
    quality page say what happened. Any other result (one failing elsewhere) keeps its severity.
    """
    gone = set(left_out)
    out = []
    for r in results:
        if not r.success and r.blocking and r.files and all(hit.file in gone for hit in r.files):
            r = replace(r, severity="warn", note="; ".join(n for n in (r.note, LEFT_OUT_NOTE) if n))
        out.append(r)
    return out


def ensure_table(con: duckdb.DuckDBPyConnection) -> None:
    _tables.ensure_table(con, SCHEMA, TABLE)


def record(con: duckdb.DuckDBPyConnection, run_id: str, source_id: str, items: Sequence[Quarantined]) -> None:
    """Replace the quarantine records of ``source_id`` with ``items`` (the state of this build), and
    drop every other run's records: the table describes the latest run only."""
    ensure_table(con)
    now = datetime.now(UTC)
    rows = [(run_id, q.source_id, q.relpath, q.sha256, q.reason, q.expectation, q.row, q.column, q.expected,
             q.found, q.unexpected_rows, q.message, now) for q in items]
    con.execute("BEGIN")
    try:
        con.execute(f"DELETE FROM {SCHEMA}.{TABLE} WHERE source_id = ? OR run_id <> ?",  # noqa: S608
                    [source_id, run_id])
        if rows:
            _tables.append(con, SCHEMA, TABLE, rows)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise


def latest_run(con: duckdb.DuckDBPyConnection) -> tuple[str, datetime] | None:
    """(run id, when) of the latest run that recorded anything in the quality schema: quarantine
    records or validation results (a run that quarantined nothing still validated something)."""
    from pipelines.quality import history

    parts = []  # allow-listed identifiers only
    if table_exists(con, SCHEMA, TABLE):
        parts.append(f"SELECT run_id, quarantined_at AS recorded_at FROM {SCHEMA}.{TABLE}")  # noqa: S608
    if table_exists(con, history.SCHEMA, history.TABLE):
        parts.append(f"SELECT run_id, checked_at AS recorded_at FROM {history.SCHEMA}.{history.TABLE}")  # noqa: S608
    if not parts:
        return None
    union = " UNION ALL ".join(parts)
    row = con.execute(f"SELECT run_id, recorded_at FROM ({union}) ORDER BY recorded_at DESC LIMIT 1").fetchone()  # noqa: S608
    return (row[0], row[1]) if row else None


def listing(con: duckdb.DuckDBPyConnection, source_id: str | None = None, run_id: str | None = None
            ) -> pl.DataFrame:
    """Quarantine records of ``run_id`` (default: the latest run), all sources or one, ordered by
    source and file.

    Records of an earlier run are never listed, even if a database written before records were
    kept per run still holds them."""
    empty = _tables.empty(SCHEMA, TABLE)
    if run_id is None:
        latest = latest_run(con)
        run_id = latest[0] if latest else None
    if not table_exists(con, SCHEMA, TABLE) or run_id is None:
        return empty
    where, params = "WHERE run_id = ?", [run_id]
    if source_id:
        where, params = where + " AND source_id = ?", [*params, source_id]
    sql = f"SELECT * FROM {SCHEMA}.{TABLE} {where} ORDER BY source_id, relpath, expectation NULLS FIRST"  # noqa: S608
    return con.execute(sql, params).pl()


def files_left_out(records: pl.DataFrame) -> list[str]:
    return sorted(set(records["relpath"].to_list())) if records.height else []
