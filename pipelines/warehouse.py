"""DuckDB access: the private build database, atomic publication, and read-only queries.

* The pipeline writes only its private build file (``<work-dir>/build.duckdb``).
* :func:`stage_warehouse` copies a checked build database into a new file next to the published one,
  written with ``STORAGE_VERSION 'v1.0.0'`` so DuckDB 1.x clients can open it, and checks the copy;
  pipelines.publication then ``os.replace``-s it over the published path together with the site.
  Every mart is also a view in the default schema (:func:`mart_views`), so clients find the marts by
  their bare names.
  Readers holding the old file keep reading it; a failed or interrupted run never touches the
  published file. It adds ``meta.publication`` (fingerprint, time, run id, versions; read with
  :func:`publication`); the build's ``meta`` tables (build record, what changed) come along.
* :func:`connect_readonly` is the only way analysts' queries reach a warehouse.
"""

import os
import re
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import polars as pl

from pipelines.errors import CyberstatsError, PublicationError

#: DuckDB on-disk format of the published warehouse: readable by every DuckDB client >= 1.0.
PUBLISHED_STORAGE_VERSION = "v1.0.0"
LAYERS = ("raw", "staging", "intermediate", "marts", "quality", "meta")
_IDENT = re.compile(r"^[a-z_][a-z0-9_]*$")


def ident(name: str) -> str:
    """Allow-list an identifier for SQL text (schemas, tables, columns are never user input)."""
    if not _IDENT.match(name):
        raise ValueError(f"not an allowed SQL identifier: {name!r}")
    return name


def quote_literal(text: str) -> str:
    """A SQL string literal (for COMMENT ON, which takes no parameters)."""
    return "'" + text.replace("'", "''") + "'"


@contextmanager
def connect(path: Path, read_only: bool = False, retries: int = 20,
            disposable: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open a DuckDB file, waiting briefly if another process holds its lock.

    ``disposable``: the file is private and rebuildable (the build database); if it was written by
    a DuckDB version this one cannot read, it is deleted and started afresh.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    delay = 0.05
    for attempt in range(retries):
        try:
            con = duckdb.connect(str(path), read_only=read_only)
            break
        except duckdb.IOException as exc:
            if disposable and "version number" in str(exc) and not read_only:
                path.unlink(missing_ok=True)
                Path(str(path) + ".wal").unlink(missing_ok=True)
                continue
            if "lock" not in str(exc).lower() or attempt == retries - 1:
                raise CyberstatsError(
                    f"cannot open {path}: another process holds it ({str(exc).splitlines()[0]})"
                ) from exc
            time.sleep(delay)
            delay = min(delay * 2, 1.0)
    try:
        yield con
    finally:
        con.close()


def write_table(
    con: duckdb.DuckDBPyConnection,
    schema: str,
    table: str,
    df: pl.DataFrame,
    description: str | None = None,
    column_descriptions: dict[str, str] | None = None,
) -> int:
    """Replace ``schema.table`` with ``df`` (in one transaction) and attach comments."""
    s, t = ident(schema), ident(table)
    arrow = df.to_arrow()  # noqa: F841  (DuckDB reads the local variable by name)
    con.execute("BEGIN")
    try:
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {s}")
        con.execute(f"CREATE OR REPLACE TABLE {s}.{t} AS SELECT * FROM arrow")  # noqa: S608 (allow-listed)
        if description:
            con.execute(f"COMMENT ON TABLE {s}.{t} IS {quote_literal(description)}")
        for col, text in (column_descriptions or {}).items():
            if col in df.columns:
                con.execute(f"COMMENT ON COLUMN {s}.{t}.{ident(col)} IS {quote_literal(text)}")
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return df.height


def read_table(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> pl.DataFrame:
    return con.execute(f"SELECT * FROM {ident(schema)}.{ident(table)}").pl()  # noqa: S608 (allow-listed)


def table_exists(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    row = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = ?",
        [schema, table],
    ).fetchone()
    return bool(row and row[0])


RAW_FILE_COLUMNS = ("source_id", "kind", "release", "relpath", "sha256", "size_bytes", "publisher", "title", "url",
                    "licence", "retrieved", "original_sha256")


def raw_files(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Every input file of the build or publication: the union of the raw manifest tables."""
    tables = [r[0] for r in con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'raw' ORDER BY 1").fetchall()]
    if not tables:
        return pl.DataFrame(schema={c: (pl.Int64 if c == "size_bytes" else pl.String) for c in RAW_FILE_COLUMNS})
    cols = ", ".join(RAW_FILE_COLUMNS)
    union = " UNION ALL ".join(f"SELECT {cols} FROM raw.{ident(t)}" for t in tables)  # noqa: S608
    return con.execute(f"{union} ORDER BY kind DESC, source_id, relpath").pl()


def publication(con: duckdb.DuckDBPyConnection) -> dict | None:
    """The ``meta.publication`` row of a published warehouse (fingerprint, published_at, run_id,
    pipeline_version, duckdb_version, storage_version), or None for a build database."""
    if not table_exists(con, "meta", "publication"):
        return None
    cursor = con.execute("SELECT * FROM meta.publication")
    row = cursor.fetchone()
    return dict(zip([d[0] for d in cursor.description], row, strict=True)) if row else None


def published_fingerprint(path: Path) -> str | None:
    """The fingerprint recorded in a published warehouse, or None (absent, unreadable, older)."""
    if not path.is_file():
        return None
    try:
        with connect(path, read_only=True, retries=3) as con:
            return (publication(con) or {}).get("fingerprint")
    except (duckdb.Error, CyberstatsError):
        return None


#: Tables of the meta schema the copy is checked without: publication is added to it here.
PUBLICATION_TABLES = ("publication",)
#: The build record: written into a build by the publication step once every asset of the run was
#: built and every blocking check passed (pipelines.publication.record_build).
BUILD_RECORD = ("meta", "build_record")


def build_record(con: duckdb.DuckDBPyConnection) -> dict | None:
    """The build record of a build database (or of the publication copied from it), or None."""
    if not table_exists(con, *BUILD_RECORD):
        return None
    cursor = con.execute("SELECT * FROM meta.build_record")
    row = cursor.fetchone()
    return dict(zip([d[0] for d in cursor.description], row, strict=True)) if row else None


def staged_name(target: Path) -> Path:
    """A fresh name for a warehouse copy staged beside ``target`` (``.<name>.<token>.tmp``)."""
    return target.with_name(f".{target.name}.{uuid.uuid4().hex[:12]}.tmp")


def stage_warehouse(build_db: Path, target: Path, fingerprint: str, run_id: str, pipeline_version: str) -> Path:
    """Copy ``build_db`` into a new file beside ``target`` (written with the published storage
    version), add ``meta.publication``, check the copy and fsync it. Returns the staged file; the
    caller moves it over ``target`` (or deletes it). The build's ``meta`` tables (build record, what
    the publication changes) come along.

    Refuses a build without a build record for ``run_id`` saying every blocking check passed, or whose
    record names another fingerprint: only a fully checked build is ever published.
    """
    with connect(build_db, read_only=True, retries=3) as con:
        record = build_record(con)
    if record is None or record.get("run_id") != run_id or not record.get("blocking_checks_passed"):
        raise PublicationError(
            f"the build {build_db} has no record of a complete, checked build by run {run_id} "
            f"(found: {record!r}); nothing was published")
    if record.get("fingerprint") != fingerprint:
        raise PublicationError(f"the build record names fingerprint {record.get('fingerprint')}, not {fingerprint}; "
                               "nothing was published")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = staged_name(target)
    try:
        con = duckdb.connect()
        try:
            con.execute(f"ATTACH {quote_literal(str(build_db))} AS build (READ_ONLY)")
            con.execute(
                f"ATTACH {quote_literal(str(tmp))} AS pub (STORAGE_VERSION '{PUBLISHED_STORAGE_VERSION}')"
            )
            con.execute("COPY FROM DATABASE build TO pub")
            con.execute("CREATE SCHEMA IF NOT EXISTS pub.meta")
            con.execute(
                "CREATE OR REPLACE TABLE pub.meta.publication AS SELECT ? AS fingerprint, "
                "?::TIMESTAMPTZ AS published_at, ? AS run_id, ? AS pipeline_version, ? AS duckdb_version, "
                "? AS storage_version",
                [fingerprint, datetime.now(UTC), run_id, pipeline_version, duckdb.__version__,
                 PUBLISHED_STORAGE_VERSION],
            )
            con.execute(
                "COMMENT ON TABLE pub.meta.publication IS "
                "'One row: what this published warehouse was built from (input+code fingerprint) and when.'"
            )
            mart_views(con, "pub")
            ours = [list(PUBLICATION_TABLES)]
            built = con.execute(
                "SELECT count(*) FROM duckdb_tables() WHERE database_name = 'build' AND NOT "
                "(schema_name = 'meta' AND list_contains(?::VARCHAR[], table_name))", ours).fetchone()[0]
            copied = con.execute(
                "SELECT count(*) FROM duckdb_tables() WHERE database_name = 'pub' AND NOT "
                "(schema_name = 'meta' AND list_contains(?::VARCHAR[], table_name))", ours).fetchone()[0]
            con.execute("DETACH pub")
            con.execute("DETACH build")
        finally:
            con.close()
        if copied != built:
            raise PublicationError(f"copy of {build_db} has {copied} tables, expected {built}")
        with tmp.open("rb+") as fh:
            os.fsync(fh.fileno())
        Path(str(tmp) + ".wal").unlink(missing_ok=True)
    except PublicationError:
        _discard(tmp)
        raise
    except Exception as exc:
        _discard(tmp)
        raise PublicationError(
            f"could not stage the warehouse beside {target}; the previous publication is unchanged ({exc})"
        ) from exc
    return tmp


def mart_views(con: duckdb.DuckDBPyConnection, database: str) -> list[str]:
    """A view in the default schema for every mart (``main.regional_losses`` = ``marts.regional_losses``),
    with the mart's comments, so that any DuckDB client (CLI, Python, R, DBeaver) finds the marts by their
    bare names and ``SHOW TABLES`` lists them. Views are not tables: the published tables stay exactly the
    built ones (``duckdb_tables()``), and the views resolve in the file they live in, whatever name a
    client attaches it under."""
    db = ident(database)
    marts = con.execute("SELECT table_name, comment FROM duckdb_tables() WHERE database_name = ? "
                        "AND schema_name = 'marts' ORDER BY 1", [database]).fetchall()
    for table, comment in marts:
        t = ident(table)
        con.execute(f"CREATE OR REPLACE VIEW {db}.main.{t} AS SELECT * FROM marts.{t}")  # noqa: S608 (catalogue names)
        con.execute(f"COMMENT ON VIEW {db}.main.{t} IS "
                    f"{quote_literal((comment or '') + ' (view of marts.' + table + ')')}")
        for column, text in con.execute("SELECT column_name, comment FROM duckdb_columns() WHERE database_name = ? "
                                        "AND schema_name = 'marts' AND table_name = ? AND comment IS NOT NULL",
                                        [database, table]).fetchall():
            con.execute(f"COMMENT ON COLUMN {db}.main.{t}.{ident(column)} IS {quote_literal(text)}")
    return [t for t, _ in marts]


def _discard(tmp: Path) -> None:
    tmp.unlink(missing_ok=True)
    Path(str(tmp) + ".wal").unlink(missing_ok=True)


@contextmanager
def connect_readonly(path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection for ad hoc queries: no writes, no file access outside the warehouse.

    DuckDB's ``read_only`` blocks writes to the database; disabling external access and locking
    the configuration stops ``COPY ... TO``, ``read_csv('/etc/...')``, ``ATTACH`` and extension
    loading from a query string. ``marts`` is on the search path.
    """
    if not path.is_file():
        raise CyberstatsError(f"no published warehouse at {path}; run `cyberstats run` first")
    con = duckdb.connect(
        str(path), read_only=True,
        config={"enable_external_access": False, "autoinstall_known_extensions": False,
                "autoload_known_extensions": False},
    )
    try:
        # Marts are found by their bare names (views in main do that for any client of a warehouse published
        # since; the search path does it here for older ones too).
        if con.execute("SELECT count(*) FROM duckdb_schemas() WHERE database_name = current_database() "
                       "AND schema_name = 'marts'").fetchone()[0]:
            con.execute("SET search_path = 'main,marts'")
        con.execute("SET lock_configuration = true")
        yield con
    finally:
        con.close()
