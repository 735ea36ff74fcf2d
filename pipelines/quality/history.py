"""Validation history: every run's expectation results in ``quality.validation_results``.

Rows are appended, never replaced; the table keeps the last :data:`KEEP_RUNS` runs (older runs are
deleted when a new one records its first result), so it stays small. It lives in the private build
database (persistent across runs, failed ones included) and is published with the warehouse.
"""

import json
from collections.abc import Sequence
from datetime import UTC, datetime

import duckdb
import polars as pl

from pipelines.quality import _tables
from pipelines.quality.runner import Result
from pipelines.warehouse import table_exists

SCHEMA = "quality"
TABLE = "validation_results"
#: Runs kept in the history (the current one included).
KEEP_RUNS = 20


def ensure_table(con: duckdb.DuckDBPyConnection) -> None:
    _tables.ensure_table(con, SCHEMA, TABLE)


def _row(run_id: str, started: datetime, checked: datetime, asset_key: str, r: Result) -> tuple:
    files = [{"file": f.file, "count": f.count, "rows": list(f.rows), "values": list(f.values),
              **({"columns": list(f.columns)} if f.columns else {})} for f in r.files]
    return (run_id, started, checked, asset_key, r.table, r.expectation, r.column, r.severity, r.success,
            r.element_count, r.unexpected_count, r.unexpected_percent, json.dumps(list(r.sample_values)),
            json.dumps(r.sample_rows), json.dumps(files), r.description, r.gx_expectation, r.note,
            "\n".join(r.lines()) or None)


def record_results(con: duckdb.DuckDBPyConnection, run_id: str, run_started_at: datetime, asset_key: str,
                   results: Sequence[Result], keep_runs: int = KEEP_RUNS) -> None:
    """Append ``results`` (replacing this run's earlier rows for the same table and expectations, so a
    re-executed check does not count twice) and prune old runs."""
    ensure_table(con)
    now = datetime.now(UTC)
    rows = [_row(run_id, run_started_at, now, asset_key, r) for r in results]
    con.execute("BEGIN")
    try:
        for table, expectation in sorted({(r.table, r.expectation) for r in results}):
            con.execute(f"DELETE FROM {SCHEMA}.{TABLE} WHERE run_id = ? AND table_name = ? "  # noqa: S608
                        "AND expectation = ?", [run_id, table, expectation])
        if rows:
            _tables.append(con, SCHEMA, TABLE, rows)
        con.execute(
            f"DELETE FROM {SCHEMA}.{TABLE} WHERE run_id NOT IN (SELECT run_id FROM (SELECT run_id, "  # noqa: S608
            f"max(run_started_at) AS started FROM {SCHEMA}.{TABLE} GROUP BY run_id ORDER BY started DESC "
            f"LIMIT {int(keep_runs)}))")
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise


def to_result(row: dict) -> Result:
    """A recorded result row back as a :class:`Result` (for checks that report earlier results)."""
    from pipelines.quality.runner import FileHits

    files = tuple(FileHits(f["file"], f["count"], tuple(f["rows"]), tuple(f["values"]), tuple(f.get("columns", ())))
                  for f in json.loads(row["files_json"] or "[]"))
    messages = tuple((row["message"] or "").splitlines()) if not row["success"] else ()
    return Result(row["table_name"], row["expectation"], row["column_name"], row["severity"], bool(row["success"]),
                  int(row["element_count"] or 0), int(row["unexpected_count"] or 0),
                  tuple(json.loads(row["sample_values_json"] or "[]")), files, row["description"] or "",
                  row["gx_expectation"], row["note"], messages=messages)


def latest_run_id(con: duckdb.DuckDBPyConnection) -> str | None:
    if not table_exists(con, SCHEMA, TABLE):
        return None
    row = con.execute(f"SELECT run_id FROM {SCHEMA}.{TABLE} GROUP BY run_id "  # noqa: S608
                      "ORDER BY max(run_started_at) DESC, max(checked_at) DESC LIMIT 1").fetchone()
    return row[0] if row else None


def run_results(con: duckdb.DuckDBPyConnection, run_id: str) -> pl.DataFrame:
    return con.execute(f"SELECT * FROM {SCHEMA}.{TABLE} WHERE run_id = ? "  # noqa: S608
                       "ORDER BY table_name, expectation, column_name NULLS FIRST", [run_id]).pl()


def runs(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """One row per recorded run: when, expectations evaluated, blocking failures and warnings."""
    if not table_exists(con, SCHEMA, TABLE):
        return pl.DataFrame(schema={"run_id": pl.String, "run_started_at": pl.Datetime("us", "UTC"),
                                    "evaluated": pl.Int64, "blocking_failed": pl.Int64, "warnings": pl.Int64})
    return con.execute(
        f"SELECT run_id, max(run_started_at) AS run_started_at, count(*) AS evaluated, "  # noqa: S608
        f"count(*) FILTER (WHERE NOT success AND severity = 'blocking') AS blocking_failed, "
        f"count(*) FILTER (WHERE NOT success AND severity = 'warn') AS warnings "
        f"FROM {SCHEMA}.{TABLE} GROUP BY run_id ORDER BY run_started_at DESC").pl()


def carry_history(con: duckdb.DuckDBPyConnection, previous: duckdb.DuckDBPyConnection | None, run_id: str,
                  keep_runs: int = KEEP_RUNS) -> int:
    """Copy the results of the runs before this one from the ``previous`` publication into this build's
    ``quality.validation_results`` (the newest ``keep_runs - 1`` runs; this run's own rows stay as the
    checks wrote them). Returns how many runs were carried. A build starts empty, so the history lives in
    the publications: a run that failed is not carried (its results are on its own quality page and in
    the Dagster instance)."""
    ensure_table(con)
    if previous is None or not table_exists(previous, SCHEMA, TABLE):
        return 0
    cols = [c.name for c in _tables.contracts.load(SCHEMA, TABLE).columns]
    have = {r[0] for r in previous.execute("SELECT column_name FROM duckdb_columns() WHERE schema_name = ? AND "
                                           "table_name = ?", [SCHEMA, TABLE]).fetchall()}
    select = ", ".join(c if c in have else f"NULL AS {c}" for c in cols)
    older = previous.execute(
        f"SELECT {select} FROM {SCHEMA}.{TABLE} WHERE run_id <> ? AND run_id IN (SELECT run_id FROM "  # noqa: S608
        f"(SELECT run_id, max(run_started_at) AS started FROM {SCHEMA}.{TABLE} WHERE run_id <> ? GROUP BY run_id "
        f"ORDER BY started DESC LIMIT {int(keep_runs) - 1}))", [run_id, run_id]).pl()
    if older.height:
        _tables.append(con, SCHEMA, TABLE, older.rows())
    return older["run_id"].n_unique() if older.height else 0
