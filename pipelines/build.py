"""The build of one run: a fresh DuckDB database that only this run writes.

Every run builds into ``<work-dir>/builds/<run-id>/build.duckdb``, which starts empty, so the
published warehouse holds exactly the tables the current code declares and builds: nothing lingers
from an earlier run (a table added by hand, a renamed or removed mart). A step reads only tables
built earlier in the same run; a table that is missing means the run did not build it (a partial
run from the Dagster UI): :class:`NotBuilt` says so instead of publishing something partial.

One DuckDB connection serves every step of a run in this process (opening and closing the file per
step cost about half of a bundled run); :func:`close` checkpoints and closes it, which the
publication step does before copying the file. Every table is written through its contract
(pipelines.contracts): the frame is checked against the declared columns and types and the comments
come from the contract.
"""

import shutil
import threading
from pathlib import Path

import duckdb
import polars as pl

from pipelines import contracts
from pipelines.errors import CyberstatsError
from pipelines.warehouse import ident, quote_literal, table_exists

BUILDS = "builds"
DB_NAME = "build.duckdb"
#: Builds kept in the work folder (the newest; the rest are removed when a run starts).
KEEP_BUILDS = 2

_connections: dict[Path, duckdb.DuckDBPyConnection] = {}
_lock = threading.Lock()


class NotBuilt(CyberstatsError):
    """A step needs a table that this run did not build."""


def build_dir(work_dir: Path, run_id: str) -> Path:
    return work_dir / BUILDS / ident_path(run_id)


def ident_path(run_id: str) -> str:
    """A run id as a folder name (Dagster run ids are UUIDs; anything else is refused)."""
    if not run_id or not all(ch.isalnum() or ch in "-_" for ch in run_id):
        raise ValueError(f"not a run id: {run_id!r}")
    return run_id


def builds(work_dir: Path) -> list[Path]:
    """Build folders of a work folder, newest first."""
    root = work_dir / BUILDS
    if not root.is_dir():
        return []
    return sorted((p for p in root.iterdir() if p.is_dir()), key=lambda p: p.stat().st_mtime, reverse=True)


def latest_build_db(work_dir: Path) -> Path | None:
    for folder in builds(work_dir):
        if (folder / DB_NAME).is_file():
            return folder / DB_NAME
    return None


def prune(work_dir: Path, keep: int = KEEP_BUILDS, spare: Path | None = None) -> None:
    """Remove all but the ``keep`` newest builds (never ``spare``). Call with the work lock held."""
    for folder in builds(work_dir)[keep:]:
        if spare is None or folder != spare:
            close(folder / DB_NAME)
            shutil.rmtree(folder, ignore_errors=True)


def connection(db: Path) -> duckdb.DuckDBPyConnection:
    """The connection to a build database shared by every step in this process (opened once)."""
    db = db.absolute()
    with _lock:
        con = _connections.get(db)
        if con is None:
            db.parent.mkdir(parents=True, exist_ok=True)
            con = duckdb.connect(str(db))
            con.execute("SET enable_progress_bar = false")  # a long step must not draw on the terminal
            _connections[db] = con
        return con


def close(db: Path | None = None) -> None:
    """Checkpoint and close the connection to ``db`` (every build database when None)."""
    with _lock:
        paths = list(_connections) if db is None else [p for p in _connections if p == db.absolute()]
        for path in paths:
            con = _connections.pop(path)
            try:
                con.execute("CHECKPOINT")
            finally:
                con.close()


class Build:
    """Read and write the tables of one run's build database."""

    def __init__(self, db: Path) -> None:
        self.db = db

    @property
    def con(self) -> duckdb.DuckDBPyConnection:
        return connection(self.db)

    @property
    def folder(self) -> Path:
        return self.db.parent

    @property
    def site_dir(self) -> Path:
        """Where this run renders the report site before publication."""
        return self.folder / "site"

    def exists(self, schema: str, table: str) -> bool:
        return table_exists(self.con, schema, table)

    def read(self, schema: str, table: str) -> pl.DataFrame:
        if not self.exists(schema, table):
            raise NotBuilt(
                f"{schema}.{table} was not built in this run: every run builds from an empty database, so a "
                "step needs its upstream assets in the same run. Materialise it together with everything "
                "upstream of it, or run the whole job (publish_all, or `cyberstats run`)")
        return self.con.execute(f"SELECT * FROM {ident(schema)}.{ident(table)}").pl()  # noqa: S608

    def write(self, schema: str, table: str, frame: pl.DataFrame) -> int:
        """Replace ``schema.table`` with ``frame`` conformed to the table's contract, with its comments."""
        return write_frame(self.con, schema, table, frame)

    def create_as(self, schema: str, table: str, sql: str) -> int:
        """``CREATE TABLE schema.table AS <sql>``; the result must have the contract's columns and types."""
        contract = contracts.load(schema, table)
        s, t = ident(schema), ident(table)
        con = self.con
        con.execute("BEGIN")
        try:
            con.execute(f"CREATE SCHEMA IF NOT EXISTS {s}")
            con.execute(f"CREATE OR REPLACE TABLE {s}.{t} AS {sql}")
            found = con.execute("SELECT column_name, data_type FROM duckdb_columns() WHERE schema_name = ? AND "
                                "table_name = ? AND database_name = current_database() ORDER BY column_index",
                                [schema, table]).fetchall()
            problems = check_columns(contract, found)
            if problems:
                raise contracts.ContractError(f"{contract.name} does not match its contract "
                                              f"(pipelines/contracts/{schema}/{table}.yml): {'; '.join(problems)}")
            comment(con, contract)
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        return con.execute(f"SELECT count(*) FROM {s}.{t}").fetchone()[0]  # noqa: S608


def write_frame(con: duckdb.DuckDBPyConnection, schema: str, table: str, frame: pl.DataFrame) -> int:
    """Replace ``schema.table`` in ``con`` with ``frame`` conformed to the table's contract (columns,
    order, types), in one transaction, with the contract's comments."""
    contract = contracts.load(schema, table)
    frame = contract.conform(frame)
    arrow = frame.to_arrow()  # noqa: F841  (DuckDB reads the local variable by name)
    s, t = ident(schema), ident(table)
    con.execute("BEGIN")
    try:
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {s}")
        con.execute(f"CREATE OR REPLACE TABLE {s}.{t} AS SELECT * FROM arrow")  # noqa: S608 (allow-listed)
        comment(con, contract)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return frame.height


def check_columns(contract: contracts.Contract, found: list[tuple[str, str]]) -> list[str]:
    """Differences between a table's (column, DuckDB type) list and its contract."""
    declared = [(c.name, c.type) for c in contract.columns]
    if found == declared:
        return []
    names = [n for n, _ in found]
    problems = [f"missing column {n}" for n, _ in declared if n not in names]
    problems += [f"undeclared column {n}" for n in names if n not in contract.column_names]
    types = dict(found)
    problems += [f"column {n} is {types[n]}, declared {t}" for n, t in declared if n in types and types[n] != t]
    if not problems:
        problems.append(f"columns in another order than declared ({', '.join(names)})")
    return problems


def comment(con: duckdb.DuckDBPyConnection, contract: contracts.Contract) -> None:
    s, t = ident(contract.schema), ident(contract.table)
    con.execute(f"COMMENT ON TABLE {s}.{t} IS {quote_literal(contract.description)}")
    for c in contract.columns:
        con.execute(f"COMMENT ON COLUMN {s}.{t}.{ident(c.name)} IS {quote_literal(c.comment)}")
